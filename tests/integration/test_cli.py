"""The talent-search CLI end to end against a clone of the embedded server."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from ranking.ranking_profile import load_profile
from talent_search import cli, index_commands
from tests.factories import fake_encode, profile, write_jsonl

pytestmark = pytest.mark.integration
runner = CliRunner()


@pytest.fixture
def env(osmem_clone: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("OPENSEARCH_URL", osmem_clone.url)
    monkeypatch.setenv("TALENT_SEARCH_STATE_DIR", str(tmp_path / "state"))
    monkeypatch.setattr(index_commands, "model_encoder", lambda batch_size=128: fake_encode)
    return tmp_path


def invoke(*args: str) -> Any:
    return runner.invoke(cli.app, list(args), catch_exceptions=False)


def test_index_exit_codes_and_headline(env: Path) -> None:
    good = write_jsonl(env / "good.jsonl", [profile(id="a"), profile(id="b")])
    result = invoke("index", str(good), "--rebuild", "--as-of", "2026-11-01")
    assert result.exit_code == 0, result.output
    assert "read 2, indexed 2, rejected 0" in result.stdout

    mixed = write_jsonl(env / "mixed.jsonl", [profile(id="c"), profile(id="d", country="??"), "{"])
    result = invoke("index", str(mixed))
    assert result.exit_code == 3
    assert "read 3, indexed 1, rejected 2" in result.stdout
    rejects = [json.loads(x) for x in (env / "mixed.jsonl.rejects.jsonl").read_text().splitlines()]
    assert [(r["line"], r["field"]) for r in rejects] == [(2, "country"), (3, "(line)")]


def test_index_subcommands(env: Path) -> None:
    invoke("index", str(write_jsonl(env / "1.jsonl", [profile(id="a")])), "--rebuild")
    invoke(
        "index", str(write_jsonl(env / "2.jsonl", [profile(id="a"), profile(id="b")])), "--rebuild"
    )

    status = invoke("index", "status")
    assert status.exit_code == 0 and "talent-profiles-previous" in status.stdout

    deleted = invoke("index", "delete", "b", "zzz")
    assert deleted.exit_code == 3 and "deleted 1, not found 1" in deleted.stdout

    rolled = invoke("index", "rollback")
    assert rolled.exit_code == 0 and "talent-profiles -> talent-profiles-v3-" in rolled.stdout

    stats = write_jsonl(env / "stats.jsonl", [{"id": "a", "earnings_12m_usd": 50}])
    updated = invoke("index", "update-stats", str(stats), "--as-of", "2026-11-01")
    assert updated.exit_code == 0 and "read 1, updated 1, rejected 0" in updated.stdout
    assert "top_rated_plus->none" in updated.output

    found = invoke("search", "python developer", "--explain")
    assert found.exit_code == 0, found.output
    assert f"ranked by default v{load_profile('default').version}" in found.stdout
    assert "Senior Python Developer" in found.stdout
    # a readable table per hit, not a JSON document per hit
    assert '"final_score"' not in found.stdout and "score breakdown" in found.stdout
    times = "\N{MULTIPLICATION SIGN}"
    assert f"lexical leg: raw → norm {times}w" in found.stdout and "Python 1.00" in found.stdout
    assert f"none {times}1" in found.stdout and f"JSS 95 {times}1.050" in found.stdout
    assert len(found.stdout.splitlines()) < 40
    document = json.loads(invoke("search", "python developer", "--json").stdout)
    assert document["query"] == "python developer" and "query_understanding" in document
    [hit] = [h for h in document["hits"] if h["id"] == "a"]
    assert {"final_score", "legs", "badge", "jss_prior", "matched_skills"} <= set(hit)
    assert invoke("search", "python", "--profile", "nope").exit_code == 2


def test_search_by_a_job_post_prints_each_hits_fit(env: Path) -> None:
    rows = [
        profile(id="full", skills=["Python", "Django", "PostgreSQL"]),
        profile(id="half", title="Data Analyst", skills=["Python", "Tableau"]),
    ]
    assert invoke("index", str(write_jsonl(env / "p.jsonl", rows)), "--rebuild").exit_code == 0
    job = {"title": "Booking app backend", "skills": ["Python", "Django", "Landing Page"]}
    (env / "job.json").write_text(json.dumps(job))
    found = invoke("search", "--job", str(env / "job.json"), "--size", "5")
    assert found.exit_code == 0, found.output
    assert "2 of 3" in found.stdout and "1 of 3" in found.stdout
    assert "Landing Page (unknown: by its text)" in found.stdout
    document = json.loads(invoke("search", "--job", str(env / "job.json"), "--json").stdout)
    fits = {h["id"]: h["required_skills"] for h in document["hits"]}
    assert fits["half"] == {
        "matched": ["Python"],
        "missing": ["Django", "Landing Page"],
        "held": 1,
        "of": 3,
    }
    assert [s["label"] for s in document["job_post"]["required"]] == [
        "Python",
        "Django",
        "Landing Page",
    ]
    (env / "bad.json").write_text(json.dumps({"title": "x", "skills": "Python"}))
    bad = invoke("search", "--job", str(env / "bad.json"))
    assert bad.exit_code == 2 and "skills" in bad.output
    assert invoke("search").exit_code == 2


def test_index_commands_use_the_prefix_of_the_settings(
    env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    invoke("index", str(write_jsonl(env / "1.jsonl", [profile(id="a")])), "--rebuild")
    monkeypatch.setenv("TALENT_SEARCH_INDEX_PREFIX", "qa")
    for rows in ([profile(id="q")], [profile(id="q"), profile(id="r")]):
        loaded = invoke("index", str(write_jsonl(env / "q.jsonl", rows)), "--rebuild")
        assert loaded.exit_code == 0 and "profiles -> qa-profiles-v3-" in loaded.output
    status = invoke("index", "status").stdout
    assert "qa-profiles-previous" in status and "talent-profiles" not in status
    assert invoke("index", "delete", "a").exit_code == 3  # only in the default namespace
    stats = write_jsonl(env / "stats.jsonl", [{"id": "r", "earnings_12m_usd": 50}])
    assert "updated 1" in invoke("index", "update-stats", str(stats)).stdout
    assert "qa-skills -> qa-skills-v3-" in invoke("index", "rollback").stdout
    monkeypatch.delenv("TALENT_SEARCH_INDEX_PREFIX")
    status = invoke("index", "status").stdout
    assert "talent-profiles-v3-" in status and "qa-" not in status
    assert invoke("index", "rollback").exit_code == 1  # the default one has nothing to roll back


def test_bad_as_of_is_a_usage_error(env: Path) -> None:
    path = write_jsonl(env / "p.jsonl", [profile()])
    result = runner.invoke(cli.app, ["index", str(path), "--as-of", "tomorrow"])
    assert result.exit_code == 2
    assert "--as-of" in result.output


def test_missing_file_is_a_usage_error(env: Path) -> None:
    result = runner.invoke(cli.app, ["index", str(env / "nope.jsonl")])
    assert result.exit_code == 2


def test_rollback_without_previous_is_fatal(env: Path) -> None:
    invoke("index", str(write_jsonl(env / "1.jsonl", [profile(id="a")])), "--rebuild")
    result = invoke("index", "rollback")
    assert result.exit_code == 1
    assert "nothing to roll back to" in result.output


def test_index_help_says_index_file_as_the_readme_does() -> None:
    result = CliRunner().invoke(cli.app, ["index", "--help"], terminal_width=200)
    assert result.exit_code == 0
    assert "index FILE [OPTIONS] | COMMAND [ARGS]..." in result.output
    for command in ("load", "rollback", "delete", "update-stats", "status"):
        assert command in result.output


def test_loading_the_model_draws_no_progress_bar() -> None:
    """transformers' "Loading weights" bar is quieted where the model loads, for every command."""
    code = "from domain.encoder import load_model; load_model(); print('loaded')"
    env = os.environ | {"PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=300
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "loaded"
    assert "Loading weights" not in done.stderr and "it/s" not in done.stderr, done.stderr
