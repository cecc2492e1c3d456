"""The setup scripts: apt waits for a dpkg lock held by another run instead of failing at once."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


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
