"""The suite never uses the user's own state directory (tests/conftest.py)."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from config.settings import TalentSettings
from query_api.api_settings import ApiSettings
from tests.conftest import USER_STATE_DIR, USER_STATE_TOUCHES, is_user_state


def test_settings_point_at_this_tests_own_state_dir(own_state_dir: Path) -> None:
    settings = TalentSettings()
    assert settings.state_dir == own_state_dir
    assert not is_user_state(settings.state_dir)
    assert settings.user_profiles_dir.is_relative_to(own_state_dir)
    assert ApiSettings().keys_file.is_relative_to(own_state_dir)


def test_the_guard_sees_a_look_into_the_users_state_dir() -> None:
    """What fails a test that uses the user's directory: even listing it is recorded."""
    before = len(USER_STATE_TOUCHES)
    os.path.isdir(USER_STATE_DIR)  # a stat is not a use
    assert len(USER_STATE_TOUCHES) == before
    nowhere = Path(USER_STATE_DIR) / "no-such-dir-of-the-guard-test"  # seen, never read
    with contextlib.suppress(OSError):
        os.listdir(nowhere)
    assert USER_STATE_TOUCHES[before:] == [f"os.listdir {nowhere}"]
    del USER_STATE_TOUCHES[before:]  # a deliberate look: this test itself must not fail
    assert is_user_state(Path(USER_STATE_DIR) / "api-keys.json")
    assert not is_user_state(USER_STATE_DIR + "-other")
