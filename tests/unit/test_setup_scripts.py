"""The setup scripts: apt waits for a dpkg lock held by another run instead of failing at once;
setup installs from a lock that covers pyproject's dependencies; test.sh runs parts alone."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]


def _fake_bin(tmp_path: Path, apt_exit: str) -> Path:
    """`id` says root; `apt-get` records its arguments; `install` exits with `apt_exit`."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "id").write_text("#!/bin/sh\necho 0\n")
    (bin_dir / "apt-get").write_text(
        f'#!/bin/sh\necho "$@" >> "{tmp_path}/apt-calls"\n'
        f'case "$*" in *update*) exit 0;; esac\nexit {apt_exit}\n'
    )
    for tool in bin_dir.iterdir():
        tool.chmod(0o755)
    return bin_dir


def _run(tmp_path: Path, apt_exit: str = "0") -> subprocess.CompletedProcess[str]:
    bin_dir = _fake_bin(tmp_path, apt_exit)
    env = os.environ | {"PATH": f"{bin_dir}:/usr/bin:/bin", "APT_LOCK_TIMEOUT_S": "42"}
    return subprocess.run(
        ["bash", str(ROOT / "scripts" / "install_chromium.sh")],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def test_apt_waits_for_the_dpkg_lock_and_says_so(tmp_path: Path) -> None:
    done = _run(tmp_path)
    assert done.returncode == 0, done.stderr
    assert "waits up to 42 s if another apt run holds the dpkg lock" in done.stderr
    (call,) = (tmp_path / "apt-calls").read_text().splitlines()
    assert "-o DPkg::Lock::Timeout=42" in call
    assert "install -y --no-install-recommends chromium chromium-driver" in call


def test_a_failed_install_updates_the_lists_and_retries_with_the_same_wait(tmp_path: Path) -> None:
    done = _run(tmp_path, apt_exit="100")
    assert done.returncode != 0  # still failing after the update: setup stops, loudly
    calls = (tmp_path / "apt-calls").read_text().splitlines()
    assert [c.split(" install")[0].split(" update")[0] for c in calls] == [
        "-q -o DPkg::Lock::Timeout=42"
    ] * 3
    assert "update" in calls[1]


# requirements.lock: what scripts/setup.sh installs, written by scripts/lock.sh from pyproject.toml.
# The lock is for CPython 3.11 on x86-64 Linux (scripts/lock.sh), so markers are read for that.
LOCK_MARKER_ENV = {
    "python_version": "3.11",
    "python_full_version": "3.11.7",
    "sys_platform": "linux",
    "platform_system": "Linux",
    "platform_machine": "x86_64",
    "os_name": "posix",
    "implementation_name": "cpython",
    "platform_python_implementation": "CPython",
}


def _locked_versions(lock_text: str) -> dict[str, str]:
    """Canonical name -> pinned version, from the `name==version \\` lines of a lock."""
    pins: dict[str, str] = {}
    for line in lock_text.splitlines():
        if not line or line[0] in " #-":
            continue  # hashes, `# via` comments, options
        requirement = Requirement(line.rstrip(" \\"))
        (specifier,) = requirement.specifier
        assert specifier.operator == "==", f"requirements.lock: {line!r} is not an exact pin"
        pins[canonicalize_name(requirement.name)] = specifier.version
    return pins


def _stale_pins(pyproject_text: str, lock_text: str) -> list[str]:
    """What the lock misses of pyproject's dependencies and its dev extra, or pins outside them."""
    project = tomllib.loads(pyproject_text)["project"]
    locked = _locked_versions(lock_text)
    stale = []
    for text in [*project["dependencies"], *project["optional-dependencies"]["dev"]]:
        requirement = Requirement(text)
        if requirement.marker is not None and not requirement.marker.evaluate(LOCK_MARKER_ENV):
            continue
        version = locked.get(canonicalize_name(requirement.name))
        if version is None:
            stale.append(f"{requirement} is not in requirements.lock")
        elif not requirement.specifier.contains(version, prereleases=True):
            stale.append(f"{requirement}: requirements.lock pins {version}")
    return stale


def test_the_lock_pins_every_dependency_that_pyproject_declares() -> None:
    stale = _stale_pins(
        (ROOT / "pyproject.toml").read_text(), (ROOT / "requirements.lock").read_text()
    )
    assert not stale, (
        "requirements.lock is out of date with pyproject.toml: run scripts/lock.sh and commit "
        "requirements.lock with it.\n  " + "\n  ".join(stale)
    )


def test_a_forgotten_relock_is_caught() -> None:
    pyproject = """
[project]
dependencies = ["torch==2.13.0", "optuna>=4", "Typer[all]>=0.15", "tomli; python_version < '3.11'"]
[project.optional-dependencies]
dev = ["ruff==0.17.6"]
"""
    lock = "torch==2.13.0 \\\n    --hash=sha256:00\n    # via x\ntyper==0.29.2\nruff==0.17.5\n"
    assert _stale_pins(pyproject, lock) == [
        "optuna>=4 is not in requirements.lock",
        "ruff==0.17.6: requirements.lock pins 0.17.5",
    ]


def test_every_locked_requirement_has_a_hash() -> None:
    """`pip install --require-hashes` (scripts/setup.sh) refuses a lock with one unhashed pin."""
    lock_text = (ROOT / "requirements.lock").read_text()
    entries = [
        line for line in lock_text.replace("\\\n", " ").splitlines() if line and line[0] not in " #"
    ]
    assert len(entries) == len(_locked_versions(lock_text)) > 100
    assert [entry.split()[0] for entry in entries if "--hash=sha256:" not in entry] == []


def test_setup_installs_from_the_lock_and_ci_runs_the_full_test_command() -> None:
    setup = (ROOT / "scripts" / "setup.sh").read_text()
    assert "--require-hashes -r requirements.lock" in setup
    assert "--no-deps" in setup
    ci_commands = [
        line for line in (ROOT / ".ci" / "run").read_text().splitlines() if "test.sh" in line
    ]
    assert ci_commands == ["exec bash scripts/test.sh"]  # no flags: setup, lint, every test


def test_test_sh_help_names_every_part() -> None:
    done = subprocess.run(
        ["bash", str(ROOT / "scripts" / "test.sh"), "--help"],
        capture_output=True,
        text=True,
        check=True,
    )
    for flag in ("--no-setup", "--lint", "--unit", "--integration", "--faults"):
        assert flag in done.stdout


def test_setup_drops_setuptools_editable_notice_and_no_other_warning() -> None:
    """The backend's warnings are recorded as pip's hook runner records them
    (`catch_warnings(record=True)`), under the filter setup.sh gives its editable install."""
    script = (ROOT / "scripts" / "setup.sh").read_text()
    [value] = re.findall(r'^EDITABLE_NOTICE_FILTER="([^"]+)"$', script, re.MULTILINE)
    assert 'PYTHONWARNINGS="$EDITABLE_NOTICE_FILTER"' in script
    code = (
        "import warnings\n"
        "from setuptools.warnings import InformationOnly\n"
        "with warnings.catch_warnings(record=True) as seen:\n"
        "    InformationOnly.emit('Editable installation.', 'Please be careful with folders')\n"
        "    warnings.warn('another backend warning', UserWarning)\n"
        "print([str(w.message).splitlines()[0] for w in seen])\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        env=os.environ | {"PYTHONWARNINGS": value},
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout.strip() == "['another backend warning']", done.stderr


def test_the_readmes_first_screen_says_what_the_first_run_costs() -> None:
    first_screen = "\n".join((ROOT / "README.md").read_text().splitlines()[:40])
    for cost in ("5.8 GB", "minutes", "root", "sudo", "Chromium"):
        assert cost in first_screen, cost
