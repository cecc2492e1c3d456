"""Automatic tuning (`relevance.tuning`), the pure parts: no server, no model.

The search space read from the model, grids that never leave the validated ranges, stratified
folds, the cached evaluation against a fake engine (equal to planning and fusing every trial
afresh), and studies that find a known best setting and reproduce with a seed. The command on
both engines is in tests/integration/test_tuning.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import Field

from ranking.profile_settings import Setting
from ranking.profile_settings import settings as profile_settings
from ranking.ranking_profile import BADGE_ORDER, Legs, RankingProfile, Stage
from relevance.errors import TuningError
from relevance.evaluation import Judgment, Judgments
from relevance.tuning.cross_validation import cross_validate
from relevance.tuning.evaluator import CachedEvaluator, request_key
from relevance.tuning.folds import stratified_folds
from relevance.tuning.grid import FUSION_STEPS, REQUEST_STEPS, Parameter, grid_parameter
from relevance.tuning.sampler import best_index
from relevance.tuning.space import (
    DEFAULT_EXCLUDED,
    METADATA,
    is_fusion_only,
    keep_badge_order,
    nested,
    search_space,
)
from relevance.tuning.study import StudyResult, study
from tests.fake_engine import FakeEngine, fake_judgments

BASE = RankingProfile(name="base", version=1)


# --------------------------------------------------------------------------------------------
# Search space
# --------------------------------------------------------------------------------------------


def _searchable(model: type[RankingProfile] = RankingProfile) -> set[str]:
    return {s.path for s in profile_settings(model, metadata=True) if s.kind != "fixed"}


def test_the_default_space_is_every_searchable_field_but_metadata_window_and_query() -> None:
    space = {p.path: p for p in search_space(BASE)}
    assert DEFAULT_EXCLUDED == ("window", "query.*", "representative.*")
    left_out = {
        p
        for p in _searchable()
        if p in METADATA or p == "window" or p.startswith(("query.", "representative."))
    }
    assert set(space) == _searchable() - left_out
    assert {"window", "query.skills_in_phrases", "query.typo_correction"} <= left_out
    # what the issue lists, whatever else the model has grown
    assert {
        "legs.lexical.weight",
        "legs.skill.weight",
        "normalisation",
        "rrf_k",
        "legs.skill.top_k_skills",
        "legs.skill.tie_breaker",
        "legs.skill.min_similarity",
        "badges.expert_vetted",
        "badges.rising_talent",
        "jss_prior.weight",
        "jss_prior.pivot",
    } <= set(space)
    assert "jss_prior.missing" not in space  # a Literal with one value: nothing to choose
    assert space["normalisation"].kind == "choice"
    assert space["legs.skill.top_k_skills"].kind == "int"
    for parameter in space.values():
        assert parameter.base == _value(BASE, parameter.path)


def _value(profile: RankingProfile, path: str) -> Any:
    value: Any = profile
    for part in path.split("."):
        value = getattr(value, part)
    return value


class _Grown(RankingProfile):
    """The model after the ranking code adds settings: they are searched without any list."""

    future_knob: Annotated[float, Field(ge=0, le=2)] = 0.5
    future_switch: bool = False
    unbounded: Annotated[int, Field(ge=0)] = 3


def test_a_new_field_of_the_model_is_searched_and_taken_for_a_request_setting() -> None:
    space = {p.path: p for p in search_space(_Grown(name="grown", version=1))}
    assert space["future_knob"].level == "request"  # unknown: always correct, only slower
    assert space["future_switch"].choices == (False, True)
    assert "unbounded" not in space  # no upper bound, no range to search
    with pytest.raises(TuningError, match="unbounded is not searchable: its range has no"):
        search_space(_Grown(name="grown", version=1), ["unbounded"])


def test_fusion_parameters_are_the_models_fusion_stage_settings() -> None:
    fusion = {p.path for p in search_space(BASE) if p.level == "fusion"}
    fusion_stage = {s.path for s in profile_settings() if s.stage is Stage.FUSION}
    assert fusion == {p.path for p in search_space(BASE) if p.path in fusion_stage}
    assert {"legs.lexical.weight", "legs.skill.weight", "normalisation", "rrf_k"} <= fusion
    assert {"badges.expert_vetted", "jss_prior.weight", "legs.skill.full_score"} <= fusion
    assert "jss_prior.pivot" not in fusion  # a browse sorts a missing JSS at the pivot
    for path in ("legs.skill.top_k_skills", "legs.skill.tie_breaker", "legs.skill.min_similarity"):
        assert not is_fusion_only(path)
    assert not is_fusion_only("window") and not is_fusion_only("anything.new")


def test_params_narrow_the_space_and_name_excluded_fields() -> None:
    legs = [f"legs.{leg}.weight" for leg in Legs.model_fields]  # every leg, however many
    assert [p.path for p in search_space(BASE, ["legs.*.weight"])] == legs
    assert {"legs.lexical.weight", "legs.skill.weight"} <= set(legs)
    assert {p.path for p in search_space(BASE, ["badges"])} == {
        f"badges.{b}" for b in ("expert_vetted", "top_rated_plus", "top_rated", "rising_talent")
    }
    assert [p.path for p in search_space(BASE, ["window", "query.typo_correction"])] == [
        "window",
        "query.typo_correction",
    ]
    space = {p.path for p in search_space(BASE, exclude=["badges", "legs.skill.tie_breaker"])}
    assert not any(p.startswith("badges.") for p in space)
    assert "legs.skill.tie_breaker" not in space and "legs.skill.weight" in space


@pytest.mark.parametrize(
    ("params", "exclude", "message"),
    [
        (["legs.skill.wieght"], [], "--params: unknown parameter 'legs.skill.wieght'"),
        ([], ["bagdes"], "--exclude: unknown parameter 'bagdes'"),
        (["name"], [], "--params: name is metadata, not a ranking setting"),
        (["jss_prior.missing"], [], "jss_prior.missing is not searchable: it allows only one"),
    ],
)
def test_an_unknown_or_unsearchable_parameter_is_an_error_naming_it(
    params: list[str], exclude: list[str], message: str
) -> None:
    with pytest.raises(TuningError) as raised:
        search_space(BASE, params or None, exclude)
    assert message in str(raised.value)


def test_every_grid_point_of_the_model_validates() -> None:
    everything = search_space(BASE, sorted(_searchable() - set(METADATA)))
    for parameter in everything:
        for value in (parameter.values[0], parameter.values[-1], parameter.base):
            tuned = BASE.with_overrides(nested({parameter.path: value}))
            assert _value(tuned, parameter.path) == value
        if parameter.kind != "choice":
            assert parameter.values[parameter.index(parameter.base)] == parameter.base
            # fusion parameters on a fine grid, request ones on a coarse (cache-friendly) one;
            # a 1-2-5 step is at most 2.5 times finer than range / steps
            steps = FUSION_STEPS if parameter.level == "fusion" else REQUEST_STEPS
            assert parameter.count <= 2.5 * steps + 1


@st.composite
def _fields(draw: st.DrawFn) -> tuple[Setting, float]:
    integer = draw(st.booleans())
    if integer:
        low = draw(st.integers(-1000, 1000))
        high = low + draw(st.integers(2, 5000))
        low_strict, high_strict = draw(st.booleans()), draw(st.booleans())
        first, last = low + low_strict, high - high_strict
        base: float = draw(st.integers(first, last))
        kind = "int"
    else:
        low = draw(st.floats(-1000, 1000, allow_nan=False).map(lambda x: round(x, 3)))
        high = low + draw(st.floats(0.01, 5000, allow_nan=False).map(lambda x: round(x, 3)))
        low_strict, high_strict = draw(st.booleans()), draw(st.booleans())
        digits = draw(st.integers(0, 4))
        base = round(
            draw(st.floats(low, high, exclude_min=low_strict, exclude_max=high_strict)), digits
        )
        kind = "float"
    spec = Setting("x", kind, None, None, "", float(low), float(high), low_strict, high_strict)  # type: ignore[arg-type]
    return spec, base


def _inside(spec: Setting, value: float) -> bool:
    assert spec.low is not None and spec.high is not None
    above = value > spec.low if spec.low_strict else value >= spec.low
    below = value < spec.high if spec.high_strict else value <= spec.high
    return above and below


@settings(max_examples=300, deadline=None)
@given(_fields(), st.sampled_from(["fusion", "request"]))
def test_a_grid_never_leaves_its_validated_range(drawn: tuple[Setting, float], level: str) -> None:
    spec, base = drawn
    if not _inside(spec, base):  # rounding pushed the drawn base out: not a valid profile
        return
    parameter = grid_parameter(spec, base, level)  # type: ignore[arg-type]
    values = parameter.values
    assert all(_inside(spec, v) for v in values), (values[0], values[-1])
    assert values == sorted(set(values)), "strictly increasing, no duplicates"
    assert values[parameter.index(base)] == base
    assert parameter.count == len(values) >= 1


# --------------------------------------------------------------------------------------------
# Folds
# --------------------------------------------------------------------------------------------


def _judgments(families: dict[str, int]) -> Judgments:
    rows = [
        Judgment(f"{family} query {i}", f"doc-{i}", 1, family)
        for family, count in families.items()
        for i in range(count)
    ]
    return Judgments.from_rows(rows)


def test_folds_are_stratified_by_family_and_balanced() -> None:
    judgments = _judgments({"alias": 23, "title": 7, "skill": 11})
    folds = stratified_folds(judgments, 5, seed=3)
    assert sorted(q for fold in folds for q in fold) == sorted(judgments.queries)
    sizes = [len(f) for f in folds]
    assert max(sizes) - min(sizes) <= 1
    for family in ("alias", "title", "skill"):
        counts = [sum(judgments.families[q] == family for q in fold) for fold in folds]
        assert max(counts) - min(counts) <= 1, (family, counts)


def test_fold_assignment_is_deterministic_for_a_seed_and_ignores_file_order() -> None:
    judgments = _judgments({"alias": 30, "title": 12})
    reordered = Judgments.from_rows(reversed(judgments.rows()))
    first = stratified_folds(judgments, 4, seed=11)
    assert stratified_folds(judgments, 4, seed=11) == first
    assert stratified_folds(reordered, 4, seed=11) == first
    assert stratified_folds(judgments, 4, seed=12) != first


def test_too_few_queries_for_the_folds_is_an_error() -> None:
    with pytest.raises(TuningError, match=r"too few queries for 5 folds: 4 judged queries"):
        stratified_folds(_judgments({"a": 4}), 5, seed=1)
    with pytest.raises(TuningError, match="at least 2 folds"):
        stratified_folds(_judgments({"a": 4}), 1, seed=1)


# --------------------------------------------------------------------------------------------
# Cached evaluation, against a fake engine
# --------------------------------------------------------------------------------------------


def _random_values(space: list[Parameter], data: st.DataObject) -> dict[str, Any]:
    return {p.path: data.draw(st.sampled_from(p.values)) for p in space}


@settings(max_examples=40, deadline=None)
@given(st.data())
def test_cached_trials_rank_exactly_as_a_fresh_search(data: st.DataObject) -> None:
    engine = FakeEngine()
    judgments = fake_judgments(engine, 4)
    evaluator = CachedEvaluator(engine.plan, engine.msearch, judgments)
    space = search_space(
        BASE, ["legs", "normalisation", "rrf_k", "badges", "jss_prior", "minmax_*"]
    )
    values = _random_values(space, data)
    if data.draw(st.booleans()):  # a leg switched off: it must vanish as it does from the plan
        values[data.draw(st.sampled_from(["legs.lexical.weight", "legs.skill.weight"]))] = 0.0
    ranking = BASE.with_overrides(nested(values))
    cached = evaluator.ranked_ids(ranking, judgments.queries, 50)
    assert cached == {q: engine.ranked(q, ranking, 50) for q in judgments.queries}


def test_fusion_trials_never_query_the_engine_and_request_trials_only_for_new_bodies() -> None:
    engine = FakeEngine()
    judgments = fake_judgments(engine, 6)
    evaluator = CachedEvaluator(engine.plan, engine.msearch, judgments)
    zero_skill = BASE.with_overrides({"legs": {"skill": {"weight": 0.0}}})
    evaluator.mean(zero_skill, judgments.queries)
    assert evaluator.bodies_sent == 12  # both legs, although this profile sends one
    fusion = BASE.with_overrides(
        {"normalisation": "rrf", "legs": {"lexical": {"weight": 3.0}}, "badges": {"top_rated": 2}}
    )
    evaluator.mean(fusion, judgments.queries)
    assert evaluator.bodies_sent == 12 and request_key(fusion) == request_key(zero_skill)
    request = BASE.with_overrides({"legs": {"skill": {"top_k_skills": 7}}})
    evaluator.mean(request, judgments.queries)
    assert evaluator.bodies_sent == 18  # the skill leg's bodies only: the lexical ones are kept
    assert all(body["_source"] == ["badge", "job_success_score"] for body in engine.sent)


#: What the fake engine's plan and fusion read: request settings (the skill leg's top-k and tie
#: breaker) and fusion ones (weights, normalisation, badges, the JSS prior).
STUDIED = [
    "badges",
    "legs.*.weight",
    "legs.skill.top_k_skills",
    "legs.skill.tie_breaker",
    "normalisation",
    "jss_prior.weight",
]


@dataclass(frozen=True)
class _Studied:
    evaluator: CachedEvaluator
    judgments: Judgments
    space: list[Parameter]
    result: StudyResult


@pytest.fixture(scope="module")
def studied() -> _Studied:
    """One seeded 40-trial study, badges free, over the settings the fake engine reads (the
    badges, the legs and the skill leg's request settings): two tests read it. A study's cost
    is TPE's, which grows with the parameters; the whole model's space is checked without one
    (test_the_default_space_is_every_searchable_field_but_metadata_window_and_query)."""
    engine = FakeEngine()
    judgments = fake_judgments(engine)
    evaluator = CachedEvaluator(engine.plan, engine.msearch, judgments)
    space = search_space(BASE, STUDIED, badge_policy=False)
    result = study(space, BASE, evaluator, judgments.queries, trials=40, seed=5, badge_policy=False)
    return _Studied(evaluator, judgments, space, result)


def test_a_study_finds_the_known_best_badges_and_never_leaves_a_range(studied: _Studied) -> None:
    evaluator, judgments, space, result = (
        studied.evaluator,
        studied.judgments,
        studied.space,
        studied.result,
    )
    assert result.trials[0].values == {p.path: p.base for p in space}  # the base first
    assert result.best_score > result.base_score
    best = result.best_values
    # the known best (allowed here: --allow-badge-reorder): top-rated-plus lifted above
    # unbadged (1.0) and above expert-vetted
    assert best["badges.top_rated_plus"] > max(1.0, best["badges.expert_vetted"])
    for trial in result.trials:
        tuned = BASE.with_overrides(nested(dict(trial.values)))  # validates every value
        for parameter in space:
            assert trial.values[parameter.path] in parameter.values
        assert tuned.legs.skill.top_k_skills >= 1
    # every changed parameter made a difference; the rest went back to the base value
    for path in result.changed:
        reverted = BASE.with_overrides(nested(best | {path: result.trials[0].values[path]}))
        assert evaluator.mean(reverted, judgments.queries) < result.best_score
    # engine trials are spread: a quarter may sample request settings, the rest keep the best's
    assert sum(t.request_sampled for t in result.trials) == 1 + 39 // 4


def test_a_trial_moves_only_its_slots_kind_of_setting_and_holds_the_rest_at_the_best(
    studied: _Studied,
) -> None:
    """The sampler (`BlockSampler`): after the base, a request slot moves request settings only
    and every other trial fusion settings only; what a trial does not move keeps the values of
    the best trial before it."""
    level = {p.path: p.level for p in studied.space}
    assert set(level.values()) == {"request", "fusion"}
    trials = studied.result.trials
    for number in range(1, len(trials)):
        held = trials[best_index([t.score for t in trials[:number]])].values
        moved = {p for p, value in trials[number].values.items() if value != held[p]}
        kind = "request" if trials[number].request_sampled else "fusion"
        assert {level[p] for p in moved} <= {kind}, (number, moved)


def _badges(values: dict[str, Any]) -> list[float]:
    return [values.get(f"badges.{n}", getattr(BASE.badges, n)) for n in BADGE_ORDER]


def test_by_default_a_study_keeps_every_badge_multiplier_at_least_1_and_in_badge_order() -> None:
    """The fake's best inverts the order (top-rated-plus above expert-vetted); by default the
    tuner never goes there, in any trial or in what it writes."""
    engine = FakeEngine()
    judgments = fake_judgments(engine)
    evaluator = CachedEvaluator(engine.plan, engine.msearch, judgments)
    space = search_space(BASE, STUDIED)
    assert all(p.values[0] >= 1 for p in space if p.path.startswith("badges."))
    result = study(space, BASE, evaluator, judgments.queries, trials=40, seed=5)
    for values in [*(dict(t.values) for t in result.trials), result.best_values]:
        badges = _badges(values)
        assert min(badges) >= 1 and badges == sorted(badges, reverse=True), values
        assert not BASE.with_overrides(nested(values)).badges.policy_problems()


def test_keep_badge_order_sorts_the_searched_multipliers_within_the_fixed_ones() -> None:
    inverted = {"badges.expert_vetted": 1.0, "badges.top_rated_plus": 1.5, "legs.x": 1}
    # sorted (1.5 for expert-vetted), then top-rated-plus kept at or above top rated (1.06)
    assert keep_badge_order(inverted, BASE) == {
        "badges.expert_vetted": 1.5,
        "badges.top_rated_plus": 1.06,
        "legs.x": 1,
    }
    ordered = {"badges.top_rated": 1.08}
    assert keep_badge_order(ordered, BASE) == ordered
    # only rising talent searched: it stays at or below top rated (1.06, fixed)
    assert keep_badge_order({"badges.rising_talent": 3.0}, BASE) == {"badges.rising_talent": 1.06}


def test_a_base_profile_that_breaks_the_badge_policy_is_refused_unless_allowed() -> None:
    demoting = BASE.with_overrides({"badges": {"expert_vetted": 0.62}})
    assert demoting.badges.policy_problems() == [
        "badges.expert_vetted is 0.62, below 1: it demotes the badge",
        "badges.top_rated_plus (1.1) is above badges.expert_vetted (0.62): it inverts the badge "
        "order",
    ]
    with pytest.raises(TuningError, match="--allow-badge-reorder"):
        search_space(demoting)
    assert search_space(demoting, badge_policy=False)
    assert search_space(demoting, exclude=["badges"])  # the tuner leaves them as they are


def test_a_seeded_study_and_cross_validation_reproduce() -> None:
    def run() -> dict[str, Any]:
        engine = FakeEngine()
        judgments = fake_judgments(engine)
        evaluator = CachedEvaluator(engine.plan, engine.msearch, judgments)
        space = search_space(BASE, STUDIED)
        result = cross_validate(space, BASE, evaluator, folds=2, trials=12, seed=9)
        data = result.to_dict()
        for fold in data["folds"]:
            fold.pop("seconds")
        return {
            k: data[k]
            for k in ("cross_validated", "folds", "final", "trial_log", "held_out_queries")
        }

    first = run()
    assert run() == first
    assert len(first["folds"]) == 2
    assert len(first["trial_log"]) == 3 * 12
    assert first["cross_validated"]["tuned"] > first["cross_validated"]["base"]
