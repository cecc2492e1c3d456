"""`talent-search profiles`: list, show and the settings table, without an engine."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from ranking.profile_settings import setting_table
from ranking.ranking_profile import RankingProfile, load_profile
from talent_search.cli import app

runner = CliRunner()


@pytest.fixture(autouse=True)
def user_profiles(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    directory = tmp_path / "profiles"
    directory.mkdir()
    monkeypatch.setenv("TALENT_SEARCH_STATE_DIR", str(tmp_path / "state"))
    monkeypatch.setenv("TALENT_SEARCH_RANKING_PROFILES_DIR", str(directory))
    return directory


def test_list_names_every_profile_its_base_and_a_broken_file(user_profiles: Path) -> None:
    (user_profiles / "mine.yaml").write_text("name: mine\nversion: 2\nextends: bm25\n")
    (user_profiles / "broken.yaml").write_text("name: broken\nversion: 1\nextends: nowhere\n")
    result = runner.invoke(app, ["profiles", "list"], env={"COLUMNS": "250"})
    assert result.exit_code == 0, result.output
    rows = {line.split("│")[1].strip(): line for line in result.output.splitlines() if "│" in line}
    assert {"default", "bm25", "whole-query", "mine", "broken"} <= set(rows)
    assert "default-v2" in rows["whole-query"] and "bm25" in rows["mine"]
    assert "invalid" in rows["broken"] and "nowhere" in rows["broken"]


def test_show_prints_the_resolved_profile() -> None:
    result = runner.invoke(app, ["profiles", "show", "whole-query"])
    assert result.exit_code == 0, result.output
    shown = RankingProfile.model_validate(yaml.safe_load(result.stdout))
    assert shown == load_profile("whole-query")
    missing = runner.invoke(app, ["profiles", "show", "nope"])
    assert missing.exit_code == 2 and "no ranking profile 'nope'" in missing.output


def test_settings_prints_the_models_table() -> None:
    result = runner.invoke(app, ["profiles", "settings"])
    assert result.exit_code == 0 and result.stdout == setting_table()
