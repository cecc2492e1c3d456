"""The whole suite's settings: offline model hub, no cluster the user configured, and never
the user's own state directory.

It imports neither the embedded server nor the model: unit tests (`tests/unit/`) run without
either. The engine fixtures are in `tests/integration/conftest.py`, the data builders in
`tests/factories.py`.
"""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings

# No timed assertions: hypothesis's per-example deadline (200 ms) is one, and on these shared
# two-core machines a busy neighbour made a fusion property test miss it once. Every test's
# own @settings keeps its example count; only the deadline goes.
settings.register_profile("no-deadline", deadline=None)
settings.load_profile("no-deadline")

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
# No test may reach a cluster the user configured for real work.
os.environ.pop("OPENSEARCH_URL", None)

# The user's own state (`~/.cache/talent-search`, or their TALENT_SEARCH_STATE_DIR): its
# ranking profiles, keys and backends must neither change what a test sees nor be changed by
# one. Settings made at import time (module fixtures) get a session directory; each test gets
# its own below, and fails if this process opened, listed or changed anything in the user's.
USER_STATE_DIR = os.path.abspath(
    os.environ.get("TALENT_SEARCH_STATE_DIR") or Path.home() / ".cache" / "talent-search"
)
SESSION_STATE_DIR = Path(tempfile.mkdtemp(prefix="talent-search-tests-state-"))
os.environ["TALENT_SEARCH_STATE_DIR"] = str(SESSION_STATE_DIR)

# Audit events whose first argument is a path (open, listdir, mkdir, rename, sqlite...).
_PATH_EVENTS = frozenset(
    {
        "open",
        "os.listdir",
        "os.scandir",
        "os.mkdir",
        "os.remove",
        "os.rename",
        "os.rmdir",
        "os.chmod",
        "os.truncate",
        "os.utime",
        "os.symlink",
        "shutil.rmtree",
        "shutil.copyfile",
        "sqlite3.connect",
    }
)
USER_STATE_TOUCHES: list[str] = []


def is_user_state(path: object) -> bool:
    if not isinstance(path, str | bytes | os.PathLike):
        return False
    name = os.path.abspath(os.fsdecode(path))
    return name == USER_STATE_DIR or name.startswith(USER_STATE_DIR + os.sep)


def _watch_user_state(event: str, args: tuple[object, ...]) -> None:
    if event in _PATH_EVENTS and args and is_user_state(args[0]):
        USER_STATE_TOUCHES.append(f"{event} {os.fsdecode(args[0])}")  # type: ignore[arg-type]


sys.addaudithook(_watch_user_state)


@pytest.fixture(autouse=True)
def own_state_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Every test runs with a state directory of its own, never the user's."""
    state = tmp_path_factory.mktemp("state")
    touched = len(USER_STATE_TOUCHES)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("TALENT_SEARCH_STATE_DIR", str(state))
        yield state
    if len(USER_STATE_TOUCHES) > touched:
        pytest.fail(
            f"this test used the user's state directory {USER_STATE_DIR} "
            f"({USER_STATE_TOUCHES[touched]}); tests use their own (TALENT_SEARCH_STATE_DIR)",
            pytrace=False,
        )


def pytest_configure(config: pytest.Config) -> None:
    """A test module directly under tests/ would run in neither part (`scripts/test.sh`)."""
    stray = sorted(p.name for p in Path(__file__).parent.glob("test_*.py"))
    if stray:
        raise pytest.UsageError(
            f"test modules directly under tests/: {', '.join(stray)}; each belongs in "
            "tests/unit/ (no engine, no model) or tests/integration/"
        )
