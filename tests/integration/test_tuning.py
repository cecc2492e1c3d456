"""`talent-search tune` on both engines (`engine` fixtures), on a small corpus whose judgments
make a known weight setting best: it finds it, reproduces with a seed, writes a profile that
loads like any other (and the workbench lists), ranks cached trials exactly as the engine's
search does, and refuses bad input with exit 2. The pure parts are in tests/unit/test_tuning.py.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from opensearchpy import OpenSearch
from typer.testing import CliRunner

from ranking.ranking_profile import (
    PROFILES_DIR,
    RankingProfile,
    available_profiles,
    load_profile,
)
from ranking.talent_searcher import SearchQuery, TalentSearcher
from relevance.evaluation import Judgment, Judgments
from relevance.tuning.evaluator import CachedEvaluator
from relevance.tuning.space import nested
from tests.factories import fake_encode, profile
from tests.integration.api_support import ENGINEER, Dataset, dataset_api

runner = CliRunner()


# --------------------------------------------------------------------------------------------
# talent-search tune, on both engines
# --------------------------------------------------------------------------------------------

SKILLS = {
    "Python": "skill_name",
    "React": "skill_name",
    "QuickBooks": "skill_name",
    "Docker": "tool",
    "Adobe Photoshop": "tool",
    "Microsoft Excel": "tool",
}


@pytest.fixture(scope="module")
def dataset_rows() -> list[dict[str, Any]]:
    """This module's `dataset` (tests/integration/conftest.py). Per skill, four profiles alike
    but for their badge: two expert-vetted (ids first, so a tie ranks them first), two
    top-rated-plus (what the policy derives from `profile()`)."""
    rows = []
    for n, skill in enumerate(SKILLS):
        for kind, badge in (("a", "expert_vetted"), ("b", None)):
            for i in (1, 2):
                rows.append(
                    profile(
                        id=f"{kind}-{n}-{i}",
                        title=f"{skill} specialist",
                        overview="Reliable work, clear communication.",
                        skills=[skill],
                        **({"badge": badge} if badge else {}),
                    )
                )
    return rows


def _judgments_csv(path: Path) -> Path:
    """The plain (top-rated-plus) profiles are relevant, the expert-vetted ones not: the best
    setting ranks expert_vetted below top_rated_plus, which the default profile does not."""
    lines = ["query,docid,rating,family"]
    for n, (skill, family) in enumerate(SKILLS.items()):
        for i in (1, 2):
            lines += [f"{skill},b-{n}-{i},3,{family}", f"{skill},a-{n}-{i},0,{family}"]
    path.write_text("\n".join(lines) + "\n")
    return path


@pytest.fixture
def env(dataset: Dataset, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("OPENSEARCH_URL", dataset.url)
    monkeypatch.setenv("TALENT_SEARCH_INDEX_PREFIX", dataset.namespace.prefix)
    monkeypatch.setenv("TALENT_SEARCH_STATE_DIR", str(tmp_path / "state"))
    monkeypatch.setenv("TALENT_SEARCH_RANKING_PROFILES_DIR", str(tmp_path / "profiles"))
    monkeypatch.setattr("talent_search.cli_support.query_encoder", lambda *_: fake_encode)
    return tmp_path


def _tune(*args: str) -> Any:
    from talent_search import cli

    return runner.invoke(cli.app, ["tune", *args], catch_exceptions=False)


def _printed(stdout: str, kind: str) -> Path:
    match = re.search(rf"^{kind}: (.+)$", stdout, re.MULTILINE)
    assert match, stdout
    return Path(match.group(1))


def _flat(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.integration
def test_tune_finds_the_known_best_setting_reproducibly_and_writes_a_loadable_profile(
    env: Path, dataset: Dataset
) -> None:
    judgments = _judgments_csv(env / "judgments.csv")
    args = ["--judgments", str(judgments), "--out", "tuned-badges", "--trials", "10"]
    args += ["--folds", "2", "--seed", "4", "--report-dir", str(env / "reports")]
    args += ["--allow-badge-reorder"]  # the known best inverts the badge order, on purpose
    first = _tune(*args)
    assert first.exit_code == 0, first.output
    text = _flat(first.stdout)
    assert "W/L/T" in text and "overall" in text
    assert re.search(
        r"trials: 30 in [\d.]+ s \([\d.]+ trials/s\); \d+ queried the engine, \d+ ran in memory",
        text,
    )

    path = _printed(first.stdout, "profile")
    assert path == env / "profiles" / "tuned-badges.yaml"
    user_dir = env / "profiles"  # TALENT_SEARCH_RANKING_PROFILES_DIR, as the CLI and API pass it
    tuned = load_profile("tuned-badges", user_dir=user_dir)  # found by name, like any other
    assert "tuned-badges" in available_profiles(user_dir=user_dir)
    base = load_profile("default")
    assert tuned.badges.expert_vetted < tuned.badges.top_rated_plus  # the known best
    assert base.badges.expert_vetted > base.badges.top_rated_plus
    assert tuned.version == 1 and tuned.tuning is not None
    assert tuned.tuning.judgments_sha256 == hashlib.sha256(judgments.read_bytes()).hexdigest()
    assert tuned.tuning.cv_tuned > tuned.tuning.cv_base
    assert f"{tuned.tuning.cv_tuned:.4f}" in tuned.description
    assert yaml.safe_load(path.read_text())["tuning"]["folds"] == 2

    report = json.loads(_printed(first.stdout, "report").read_text())
    assert _printed(first.stdout, "plot").read_bytes().startswith(b"\x89PNG")
    cv = report["cross_validated"]
    assert cv["tuned"] > cv["base"] and cv["wins"] >= 1 and cv["losses"] == 0
    assert len(report["folds"]) == 2
    assert report["trials"]["total"] == 30
    assert report["trials"]["engine"] + report["trials"]["in_memory"] == 30
    # no trial left a validated range (the model validates each one)
    for trial in report["trial_log"]:
        base.with_overrides(nested(trial["values"]))
    # only what made a difference changed
    assert set(report["final"]["changed"]) <= {"badges.expert_vetted", "badges.top_rated_plus"}

    again = _tune(*args)  # the same seed: the same folds, trials and profile
    assert again.exit_code == 0, again.output
    assert "replaced tuned-badges v1 with v2" in _flat(again.stdout)
    repeat = json.loads(_printed(again.stdout, "report").read_text())
    for key in ("cross_validated", "final", "held_out_queries"):
        assert repeat[key] == report[key], key
    assert [t["values"] for t in repeat["trial_log"]] == [t["values"] for t in report["trial_log"]]
    retuned = RankingProfile.from_yaml(path)
    assert retuned.version == 2 and retuned.badges == tuned.badges

    # the workbench lists it (GET /v1/ranking-profiles), so it can be picked on one side
    with dataset_api(dataset, env) as api:
        listed = api.get("/v1/ranking-profiles", headers=ENGINEER)
    assert listed.status_code == 200, listed.text
    names = [p["name"] for p in listed.json()["profiles"]]
    assert "tuned-badges" in names and "default" in names
    # and says it breaks the badge order, naming the setting
    warnings = listed.json()["policy_warnings"]["tuned-badges"]
    assert any("badges.top_rated_plus" in w and "inverts the badge order" in w for w in warnings)
    assert "default" not in listed.json()["policy_warnings"]


@pytest.mark.integration
def test_tune_keeps_badges_at_least_1_and_in_order_by_default_and_says_so(env: Path) -> None:
    """The same judgments reward ranking expert-vetted talent last: by default the tuner
    never goes there (the README's example once wrote expert_vetted 0.62)."""
    judgments = _judgments_csv(env / "judgments.csv")
    result = _tune(
        "--judgments", str(judgments), "--out", "kept-order", "--trials", "10", "--folds", "2",
        "--seed", "4", "--report-dir", str(env / "reports"),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert (
        "badge multipliers stay >= 1 and in badge order (expert_vetted >= top_rated_plus >= "
        "top_rated >= rising_talent); --allow-badge-reorder lifts this"
    ) in _flat(result.stdout)
    tuned = load_profile("kept-order", user_dir=env / "profiles")
    assert not tuned.badges.policy_problems(), tuned.badges
    report = json.loads(_printed(result.stdout, "report").read_text())
    for trial in report["trial_log"]:
        badges = load_profile("default").with_overrides(nested(trial["values"])).badges
        assert not badges.policy_problems(), trial["values"]


@pytest.mark.integration
def test_cached_trials_rank_as_the_engine_search_does(
    env: Path, dataset: Dataset, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = OpenSearch(hosts=[dataset.url], timeout=30)
    searcher = TalentSearcher.from_backend(client, namespace=dataset.namespace, encoder=fake_encode)
    judgments = Judgments.from_rows(
        Judgment(skill, "b-0-1", 1, family) for skill, family in SKILLS.items()
    )
    evaluator = CachedEvaluator(
        lambda text, ranking: searcher.plan(SearchQuery(text), ranking),
        searcher.run_bodies,
        judgments,
    )
    profiles = [
        load_profile("default"),
        load_profile("bm25"),  # the skill leg off: not in its plan, dropped from the cached one
        load_profile("default").with_overrides(
            {"normalisation": "rrf", "rrf_k": 5, "badges": {"expert_vetted": 0.5}}
        ),
        load_profile("default").with_overrides(
            {"legs": {"lexical": {"weight": 0.0}}, "jss_prior": {"weight": 0.9, "pivot": 97}}
        ),
    ]
    for ranking in profiles:
        cached = evaluator.ranked_ids(ranking, judgments.queries, 50)
        for query in judgments.queries:
            fresh = [h.id for h in searcher.search(SearchQuery(query), ranking).hits[:50]]
            assert cached[query] == fresh, (ranking.name, query)
    client.close()


@pytest.mark.integration
def test_tune_refuses_bad_input_with_exit_2(env: Path) -> None:
    good = _judgments_csv(env / "good.csv")
    ghost = env / "ghost.csv"
    ghost.write_text("query,docid,rating\nPython,nobody-1,3\nReact,nobody-2,3\n")
    partly = env / "partly.csv"
    partly.write_text(good.read_text() + "Docker,nobody-3,2,tool\n")
    common = ["--trials", "2", "--report-dir", str(env / "reports")]
    cases = {
        "2 of 2 judged profiles are not in the live index": [
            "--judgments",
            str(ghost),
            "--folds",
            "2",
        ],
        "1 of 25 judged profiles are not in the live index": ["--judgments", str(partly)],
        "too few queries for 7 folds: 6 judged queries": ["--judgments", str(good), "--folds", "7"],
        "--params: unknown parameter 'badges.gold'": [
            "--judgments",
            str(good),
            "--params",
            "legs.skill.weight,badges.gold",
        ],
        "no judged query is a job_title query": [
            "--judgments",
            str(good),
            "--params",
            "query_classes.job_title.legs.skill.weight",
        ],
        "--out: 'bm25' is a packaged ranking profile": ["--judgments", str(good), "--out", "bm25"],
        "--out: invalid profile name 'Bad Name'": ["--judgments", str(good), "--out", "Bad Name"],
        "--base: no ranking profile 'nope'": ["--judgments", str(good), "--base", "nope"],
        "--metric: unknown metric 'map'": ["--judgments", str(good), "--metric", "map"],
        "does not exist": ["--judgments", str(env / "none.csv")],
    }
    for message, args in cases.items():
        if "--out" not in args:
            args = [*args, "--out", "mine"]
        result = _tune(*args, *common)
        assert result.exit_code == 2, (message, result.output)
        assert message in _flat(result.output), result.output
    assert not (env / "profiles").exists()  # nothing written
    assert (PROFILES_DIR / "bm25.yaml").exists()

    allowed = _tune("--judgments", str(partly), "--out", "mine", "--allow-missing", *common)
    assert allowed.exit_code == 0, allowed.output
    assert "1 of 25 judged profiles are not in the live index" in _flat(allowed.output)

    # a judged job title (an O*NET title as the whole query) brings its class's settings
    titled = env / "titled.csv"
    titled.write_text(good.read_text() + "Accounts Payable Clerk,b-2-1,2,onet_title\n")
    classed = _tune(
        "--judgments",
        str(titled),
        "--out",
        "classed",
        "--params",
        "query_classes.job_title.legs.skill",
        *common,
    )
    assert classed.exit_code == 0, classed.output
    assert "query classes, each with its own settings in the search: job_title (1 queries)" in (
        _flat(classed.output)
    )
    report = json.loads(_printed(classed.output, "report").read_text())
    searched = {p["path"] for p in report["search_space"]}
    assert "query_classes.job_title.legs.skill.weight" in searched
    assert not any(p.startswith("legs.") for p in searched)
