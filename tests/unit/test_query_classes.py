"""Query classes in a ranking profile (`RankingProfile.query_classes`): a class's settings
replace the profile's own for its queries, are validated like them, and are compacted when
written; the tuner searches them from the values the class ranks with. Pure: no server."""

from __future__ import annotations

import pytest

from ranking.query_classes import CLASS_SETTINGS, QUERY_CLASSES
from ranking.ranking_profile import (
    RankingProfile,
    RankingProfileError,
    SkillLeg,
    load_profile,
)
from relevance.errors import TuningError
from relevance.tuning.evaluator import planning_profile, request_key
from relevance.tuning.space import is_fusion_only, nested, search_space
from relevance.tuning.study import tuned_profile

BASE = RankingProfile(name="base", version=1)
CLASSED = BASE.with_overrides(
    {"query_classes": {"job_title": {"legs": {"skill": {"weight": 2, "top_k_skills": 8}}}}}
)


def test_a_class_ranks_with_its_settings_over_the_profiles_own() -> None:
    assert QUERY_CLASSES == ("job_title",)
    ranking = CLASSED.for_query_class("job_title")
    assert ranking.legs.skill.weight == 2.0 and ranking.legs.skill.top_k_skills == 8
    assert ranking.legs.lexical == BASE.legs.lexical  # unset: the profile's own
    assert ranking.legs.skill.tie_breaker == BASE.legs.skill.tie_breaker
    assert (ranking.name, ranking.version, ranking.query_classes) == ("base", 1, {})
    assert CLASSED.for_query_class(None) is CLASSED
    assert BASE.for_query_class("job_title") is BASE  # a class the profile does not set
    # stored validated ("2" -> 2.0), and kept through a YAML round trip and overrides
    assert CLASSED.query_classes["job_title"]["legs"]["skill"]["weight"] == 2.0
    assert RankingProfile.model_validate(CLASSED.model_dump()) == CLASSED
    moved = CLASSED.with_overrides({"legs": {"lexical": {"weight": 0.9}}})
    assert moved.for_query_class("job_title").legs.lexical.weight == 0.9  # it follows the own
    assert load_profile("default").query_classes == {}  # the packaged profiles set none


@pytest.mark.parametrize(
    ("classes", "message"),
    [
        ({"job_title": {"badges": {"top_rated": 2}}}, "job_title: a query class may set only"),
        ({"job_title": {"legs": {"skill": {"weight": 11}}}}, "job_title.legs.skill.weight"),
        ({"job_title": {"legs": {"skill": {"wieght": 1}}}}, "job_title.legs.skill.wieght"),
        ({"job_title": {"normalisation": "sum"}}, "job_title.normalisation"),
        ({"job_title": 3}, "query_classes.job_title\n  Input should be a valid dictionary"),
        ({"skill_name": {}}, "query_classes.skill_name"),
    ],
)
def test_a_bad_class_setting_is_refused_naming_the_class_and_the_setting(
    classes: dict[str, object], message: str
) -> None:
    with pytest.raises(RankingProfileError) as raised:
        BASE.with_overrides({"query_classes": classes})
    assert message in str(raised.value)
    if "may set only" in message:  # and says what it may set
        assert ", ".join(CLASS_SETTINGS) in str(raised.value)


def test_compacted_drops_class_settings_that_equal_the_profiles_own() -> None:
    explicit = BASE.with_overrides(
        {"query_classes": {"job_title": {"legs": {"skill": {"weight": 0.65, "top_k_skills": 8}}}}}
    )
    compact = explicit.compacted()
    assert compact.query_classes == {"job_title": {"legs": {"skill": {"top_k_skills": 8}}}}
    assert compact.for_query_class("job_title") == explicit.for_query_class("job_title")
    same = BASE.with_overrides({"query_classes": {"job_title": {"rrf_k": 60}}})
    assert same.compacted().query_classes == {}
    assert CLASSED.compacted() is CLASSED


def test_the_tuner_searches_a_class_from_the_values_it_ranks_with() -> None:
    assert search_space(CLASSED) == search_space(BASE.with_overrides({}), None)  # not asked
    space = {p.path: p for p in search_space(CLASSED, classes=["job_title"])}
    prefix = "query_classes.job_title."
    assert space[prefix + "legs.skill.weight"].base == 2.0  # its own setting
    assert space[prefix + "legs.lexical.weight"].base == 0.35  # the profile's, inherited
    assert space[prefix + "legs.skill.top_k_skills"].base == 8
    assert {p[len(prefix) :] for p in space if p.startswith(prefix)} == {
        p for p in space if not p.startswith(prefix) and p.split(".")[0] in CLASS_SETTINGS
    }
    assert space[prefix + "legs.skill.weight"].level == "fusion"
    assert space[prefix + "normalisation"].level == "fusion"
    assert space[prefix + "legs.skill.top_k_skills"].level == "request"
    assert is_fusion_only(prefix + "minmax_top_percentile")
    # every grid end validates as a class setting
    for parameter in space.values():
        if parameter.path.startswith(prefix):
            for value in (parameter.values[0], parameter.values[-1]):
                BASE.with_overrides(nested({parameter.path: value}))
    narrowed = search_space(CLASSED, ["query_classes.job_title.legs.skill"], classes=["job_title"])
    assert {p.path for p in narrowed} == {
        prefix + f"legs.skill.{name}" for name in SkillLeg.model_fields
    }
    left = search_space(CLASSED, exclude=["query_classes"], classes=["job_title"])
    assert not any(p.path.startswith("query_classes") for p in left)
    with pytest.raises(TuningError, match="no judged query is a job_title query"):
        search_space(CLASSED, ["query_classes.job_title.legs.skill.weight"])


def test_a_class_request_setting_is_part_of_the_request_key_and_planned_with_every_leg_on() -> None:
    off = BASE.with_overrides(
        {"query_classes": {"job_title": {"legs": {"lexical": {"weight": 0}, "skill": {}}}}}
    )
    assert request_key(CLASSED) != request_key(BASE)
    weights = BASE.with_overrides(
        {"query_classes": {"job_title": {"legs": {"skill": {"weight": 3}}}}}
    )
    assert request_key(weights) == request_key(BASE)  # a weight is fusion only
    planned = planning_profile(off)
    assert planned.for_query_class("job_title").legs.lexical.weight == 1.0
    assert planned.legs.lexical.weight == 0.35  # the own leg: on already


def test_the_written_profile_ranks_as_the_trial_did() -> None:
    """A trial sets the class's values explicitly; the written profile keeps only those that
    differ from the profile's own, so that it ranks the same."""
    values = {
        "legs.skill.weight": 1.5,
        "query_classes.job_title.legs.skill.weight": 0.65,  # the base's own value, held
        "query_classes.job_title.legs.lexical.weight": 0.35,  # equal to the own: dropped
    }
    written = tuned_profile(BASE, values)
    assert written.query_classes == {"job_title": {"legs": {"skill": {"weight": 0.65}}}}
    assert written.legs.skill.weight == 1.5
    assert written.for_query_class("job_title").legs.skill.weight == 0.65
    assert written.for_query_class("job_title").legs.lexical.weight == 0.35
