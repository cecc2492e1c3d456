"""The ranking profile model as the one home of every setting: stages, ranges, defaults, and
profile files that say `extends:` (ranking.ranking_profile, ranking.profile_settings)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
import yaml

from ranking.lexical_query import lexical_query, multi_match_fields
from ranking.profile_settings import NOT_SETTINGS, catalog, setting, setting_table, settings
from ranking.ranking_profile import (
    PROFILES_DIR,
    LexicalFields,
    LexicalLeg,
    RankingProfile,
    RankingProfileError,
    Stage,
    available_profiles,
    load_profile,
)

REPO = Path(__file__).resolve().parents[2]
ABLATIONS = REPO / "benchmarks" / "ablation-profiles"
SETTINGS_PAGE = REPO / "docs" / "ranking-settings.md"


def test_every_leaf_setting_has_a_stage() -> None:
    """A setting without a stage would be a request setting the tuner cannot tell from a
    fusion one: the model must say where each is read."""
    missing = [s.path for s in settings() if s.stage is None]
    assert missing == []
    assert {s.stage for s in settings()} == set(Stage)
    assert not any(s.path.split(".")[0] in NOT_SETTINGS for s in settings())


def test_stages_name_where_the_search_reads_each_setting() -> None:
    assert setting("legs.skill.exact_boost").stage is Stage.REQUEST
    assert setting("legs.lexical.fields.title").stage is Stage.REQUEST
    assert setting("legs.skill.weight").stage is Stage.FUSION
    assert setting("legs.skill.full_score").stage is Stage.FUSION
    assert setting("badges.expert_vetted").stage is Stage.FUSION
    assert setting("jss_prior.weight").stage is Stage.FUSION
    assert setting("jss_prior.pivot").stage is Stage.REQUEST  # where a browse sorts no JSS
    assert setting("representative.badge").stage is Stage.RERANK
    assert setting("query.job_posts.explain_posts").stage is Stage.EXPLAIN
    with pytest.raises(RankingProfileError, match=r"no setting 'legs\.skill\.nope'"):
        setting("legs.skill.nope")


def test_every_numeric_setting_has_bounds_and_every_setting_a_description() -> None:
    for s in settings():
        assert s.description, f"{s.path} says nothing about what it does"
        if s.kind in ("float", "int"):
            assert s.low is not None and s.high is not None and s.low < s.high
    badge = setting("badges.expert_vetted")
    assert (badge.low, badge.high, badge.low_strict, badge.high_strict) == (0, 10, True, False)
    assert setting("representative.badge").choices[0] is None


def test_the_catalog_gives_the_workbench_each_sliders_range_from_the_model() -> None:
    entries = catalog()
    assert entries["badges.rising_talent"] == {
        "description": setting("badges.rising_talent").description,
        "stage": "fusion",
        "min": 0.0,
        "max": 10.0,
        "min_exclusive": True,
        "max_exclusive": False,
    }
    assert entries["normalisation"]["choices"] == ["minmax", "rrf"]


def test_the_model_defaults_are_the_default_profile() -> None:
    """default.yaml holds only its name, version and description: every setting is the model's."""
    data = yaml.safe_load((PROFILES_DIR / "default.yaml").read_text())
    assert set(data) == {"name", "version", "description"}
    default = load_profile("default")
    bare = RankingProfile(name="default", version=default.version)
    assert default.model_dump(exclude={"description"}) == bare.model_dump(exclude={"description"})


def test_the_settings_page_is_the_models_table() -> None:
    """docs/ranking-settings.md is generated (`talent-search profiles settings`): a setting
    added, re-ranged or re-described in the model without the page fails here."""
    page = SETTINGS_PAGE.read_text()
    assert setting_table() in page


@pytest.mark.parametrize("directory", [PROFILES_DIR, ABLATIONS], ids=["packaged", "ablations"])
def test_every_shipped_profile_but_default_lists_only_its_differences(directory: Path) -> None:
    for name in available_profiles(directory):
        if name == "default":
            continue
        path = directory / f"{name}.yaml"
        data = yaml.safe_load(path.read_text())
        assert data.get("extends") in available_profiles(PROFILES_DIR), path
        base = load_profile(data["extends"])
        profile = RankingProfile.from_yaml(path)
        # every setting the file lists differs from its base's (none is a redundant copy)
        for key, value in _leaves(data):
            if key.split(".")[0] in ("name", "version", "description", "extends"):
                continue
            assert _value(base, key) != value, f"{path}: {key} repeats {data['extends']}'s value"
            assert _value(profile, key) == value


def _leaves(data: dict[str, object], prefix: str = "") -> list[tuple[str, object]]:
    found: list[tuple[str, object]] = []
    for key, value in data.items():
        if isinstance(value, dict):
            found += _leaves(value, f"{prefix}{key}.")
        else:
            found.append((f"{prefix}{key}", value))
    return found


def _value(profile: RankingProfile, path: str) -> object:
    value: object = profile.model_dump()
    for key in path.split("."):
        assert isinstance(value, dict)
        value = value[key]
    return value


def _write(directory: Path, name: str, text: str) -> Path:
    path = directory / f"{name}.yaml"
    path.write_text(text)
    return path


def test_a_profile_that_extends_takes_its_bases_settings_and_its_own_name(tmp_path: Path) -> None:
    _write(
        tmp_path, "mine", "name: mine\nversion: 3\nextends: bm25\nlegs: {lexical: {weight: 2}}\n"
    )
    _write(tmp_path, "child", "name: child\nversion: 1\nextends: mine\nbadges: {top_rated: 1.2}\n")
    child = load_profile("child", user_dir=tmp_path)
    bm25 = load_profile("bm25")
    assert (child.name, child.version, child.description) == ("child", 1, "")
    assert child.legs.lexical.weight == 2 and child.badges.top_rated == 1.2
    assert child.legs.skill == bm25.legs.skill and child.query == bm25.query
    assert child.tuning is None


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ({"a": "name: a\nversion: 1\nextends: nowhere\n"}, "extends 'nowhere', which does not"),
        (
            {"a": "name: a\nversion: 1\nextends: b\n", "b": "name: b\nversion: 1\nextends: a\n"},
            "extends loops \\(a -> b -> a\\)",
        ),
        ({"a": "name: x\nversion: 1\nextends: a\n"}, "extends loops \\(a -> a\\)"),
        (
            {"a": "name: x\nversion: 1\nextends: b\n", "b": "name: y\nversion: 1\nextends: a\n"},
            "extends loops \\(a -> b -> a\\)",
        ),
        ({"a": "name: a\nversion: 1\nextends: 'Bad Name'\n"}, "extends 'Bad Name'"),
        ({"a": "name: a\nversion: 1\nextends: default\nlegs: {skill: {exact_boost: 9}}\n"}, "5"),
        ({"a": "- a list\n"}, "not a mapping"),
    ],
    ids=[
        "missing-base",
        "loop",
        "self-under-another-name",
        "loop-under-other-names",
        "bad-name",
        "out-of-range",
        "not-a-mapping",
    ],
)
def test_a_bad_extends_or_setting_names_the_file_and_the_problem(
    tmp_path: Path, files: dict[str, str], message: str
) -> None:
    for name, text in files.items():
        _write(tmp_path, name, text)
    with pytest.raises(RankingProfileError, match=message) as raised:
        RankingProfile.from_yaml(tmp_path / "a.yaml")
    assert str(tmp_path) in str(raised.value)  # the file that says it


def test_lexical_field_boosts_come_from_the_profile() -> None:
    assert multi_match_fields(LexicalFields()) == [
        "title^2",
        "skill_labels^3",
        "skills^2",
        "overview",
    ]
    tuned = LexicalFields(title=0, overview=0.5)
    assert multi_match_fields(tuned) == ["skill_labels^3", "skills^2", "overview^0.5"]
    body = lexical_query("react", ["react"], LexicalLeg(fields=tuned))
    assert body is not None and body["bool"]["should"][0]["multi_match"][
        "fields"
    ] == multi_match_fields(tuned)
    off = LexicalFields(title=0, skill_labels=0, skills=0, overview=0)
    assert lexical_query("react", [], LexicalLeg(fields=off)) is None  # not a match-all
    boosted = lexical_query("react", ["react"], LexicalLeg(fields=off))
    assert boosted is not None and "multi_match" not in str(boosted)
    assert multi_match_fields(LexicalFields(title=1.234567891))[0] == "title^1.234567891"


#: Each packaged profile's version and a digest of every setting it resolves to. A response
#: names the profile and version that ranked it, so the same name and version must rank the
#: same: a model default changed (the `default` profile's values, which every file that
#: extends it inherits) changes these digests, and the fix is a new version of each profile it
#: moved, then a new pin.
PINNED = {
    "bm25": (1, "38ec97e341b6682d"),
    "default": (6, "55ff2f81010c8415"),
    "default-v2": (2, "c3281090eb46c1cf"),
    "rising-talent": (1, "aee1d6c98b813453"),
    "skill-only": (1, "abab1b1208554556"),
    "whole-query": (1, "adb10fdfb92745b9"),
}


def test_a_packaged_profiles_settings_change_only_with_its_version() -> None:
    found = {}
    for name in available_profiles(PROFILES_DIR):
        profile = load_profile(name)
        settings_json = json.dumps(
            profile.model_dump(mode="json", exclude={"description"}), sort_keys=True
        )
        found[name] = (profile.version, hashlib.sha256(settings_json.encode()).hexdigest()[:16])
    assert found == PINNED
