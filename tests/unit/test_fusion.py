"""Fusion and boosts: the behaviours a relevance engineer relies on, as properties."""

from __future__ import annotations

import bisect
from dataclasses import dataclass

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ranking.fusion import Candidate, LegHits, fuse, normalise_leg, prior_multipliers
from ranking.ranking_profile import RankingProfile, RankingProfileError, load_profile

BADGES = [None, "rising_talent", "top_rated", "top_rated_plus", "expert_vetted"]
# plain min-max on every leg (the default profile's skill leg names a full score: see below)
DEFAULT = load_profile("default").with_overrides({"legs": {"skill": {"full_score": 0.0}}})
NEUTRAL = DEFAULT.with_overrides(
    {
        "badges": dict.fromkeys(
            ["expert_vetted", "top_rated_plus", "top_rated", "rising_talent"], 1.0
        ),
        "jss_prior": {"weight": 0.0},
    }
)

doc_ids = st.lists(
    st.text("abcdefgh", min_size=1, max_size=4), min_size=1, max_size=30, unique=True
)


@st.composite
def searches(draw: st.DrawFn) -> tuple[dict[str, LegHits], dict[str, Candidate]]:
    ids = draw(doc_ids)
    score = st.floats(0.01, 50, allow_nan=False)
    lexical = {d: draw(score) for d in ids if draw(st.booleans())}
    skill = {d: draw(st.floats(0.01, 2)) for d in ids if draw(st.booleans())}
    candidates = {
        d: Candidate(
            d, draw(st.sampled_from(BADGES)), draw(st.one_of(st.none(), st.floats(0, 100)))
        )
        for d in ids
    }
    legs = {
        "lexical": LegHits(lexical, list(lexical.values())),
        "skill": LegHits(skill, list(skill.values())),
    }
    return legs, candidates


@given(searches())
def test_with_neutral_boosts_the_order_is_pure_relevance(
    search: tuple[dict[str, LegHits], dict[str, Candidate]],
) -> None:
    legs, candidates = search
    ranked = fuse(legs, candidates, NEUTRAL)
    assert [h.relevance for h in ranked] == sorted((h.relevance for h in ranked), reverse=True)
    assert all(h.score == pytest.approx(h.relevance) for h in ranked)


@given(searches())
def test_explain_parts_add_up_to_the_final_score(
    search: tuple[dict[str, LegHits], dict[str, Candidate]],
) -> None:
    legs, candidates = search
    for hit in fuse(legs, candidates, DEFAULT):
        explained = hit.explain()
        assert sum(explained["parts"].values()) == pytest.approx(hit.score, abs=1e-9)
        assert explained["final_score"] == hit.score


@pytest.mark.parametrize("normalisation", ["minmax", "rrf"])
def test_between_equal_profiles_the_higher_badge_ranks_first(normalisation: str) -> None:
    profile = DEFAULT.with_overrides({"normalisation": normalisation})
    ids = [f"p{i}" for i in range(len(BADGES))]
    legs = {
        "lexical": LegHits(dict.fromkeys(ids, 5.0), [1.0, 5.0]),
        "skill": LegHits(dict.fromkeys(ids, 0.8), [0.2, 0.8]),
    }
    candidates = {d: Candidate(d, badge, 95.0) for d, badge in zip(ids, BADGES, strict=True)}
    ranked = [h.badge for h in fuse(legs, candidates, profile)]
    assert ranked == list(reversed(BADGES))


@given(searches(), st.sampled_from(BADGES[1:]), st.floats(1.0, 3.0))
def test_raising_a_badge_multiplier_never_moves_its_holders_down(
    search: tuple[dict[str, LegHits], dict[str, Candidate]], badge: str, extra: float
) -> None:
    legs, candidates = search
    before = [h.id for h in fuse(legs, candidates, DEFAULT)]
    raised = DEFAULT.with_overrides({"badges": {badge: getattr(DEFAULT.badges, badge) * extra}})
    after = [h.id for h in fuse(legs, candidates, raised)]
    for doc_id, candidate in candidates.items():
        if candidate.badge == badge:
            assert after.index(doc_id) <= before.index(doc_id)


@given(searches(), st.data(), st.sampled_from(["minmax", "rrf"]))
def test_a_filter_never_changes_the_relative_order_of_survivors(
    search: tuple[dict[str, LegHits], dict[str, Candidate]], data: st.DataObject, norm: str
) -> None:
    """Filtered legs keep the unfiltered window as calibration, as the searcher sends them."""
    legs, candidates = search
    profile = DEFAULT.with_overrides({"normalisation": norm})
    survivors = {d for d in candidates if data.draw(st.booleans())}
    filtered_legs = {
        name: LegHits({d: s for d, s in leg.scores.items() if d in survivors}, leg.calibration)
        for name, leg in legs.items()
    }
    filtered_candidates = {d: c for d, c in candidates.items() if d in survivors}
    unfiltered = [h.id for h in fuse(legs, candidates, profile) if h.id in survivors]
    filtered = [h.id for h in fuse(filtered_legs, filtered_candidates, profile)]
    assert filtered == unfiltered


def test_missing_jss_is_neutral_and_low_jss_is_not_rewarded() -> None:
    prior = DEFAULT.jss_prior
    assert prior.multiplier(None) == 1.0
    assert prior.multiplier(100) > prior.multiplier(prior.pivot) == 1.0 > prior.multiplier(70)


def test_normalisation_clamps_docs_below_the_calibration_window() -> None:
    leg = LegHits({"a": 10.0, "b": 5.0, "c": 1.0}, [10.0, 8.0, 5.0])
    assert normalise_leg(leg, DEFAULT) == {"a": 1.0, "b": 0.0, "c": 0.0}
    rrf = normalise_leg(leg, DEFAULT.with_overrides({"normalisation": "rrf"}))
    assert rrf["a"] == 1.0 and 0 < rrf["b"] < 1 and rrf["c"] == 0.0


def test_profiles_are_validated() -> None:
    with pytest.raises(RankingProfileError, match="normalisation"):
        DEFAULT.with_overrides({"normalisation": "zscore"})
    with pytest.raises(RankingProfileError, match="no ranking profile"):
        load_profile("does-not-exist")
    with pytest.raises(RankingProfileError, match="invalid ranking profile name"):
        load_profile("../etc/passwd")
    assert RankingProfile.model_validate(DEFAULT.model_dump()) == DEFAULT


def _reference_normalise(leg: LegHits, profile: RankingProfile) -> dict[str, float]:
    """The per-document definition the vectorised normalisation must reproduce exactly."""
    if not leg.scores:
        return {}
    calibration = list(leg.calibration) or list(leg.scores.values())
    if profile.normalisation == "rrf":
        ascending = sorted(calibration)
        size, k = len(ascending), profile.rrf_k
        return {
            d: 0.0
            if s < ascending[0]
            else (k + 1) / (k + size - bisect.bisect_right(ascending, s) + 1)
            for d, s in leg.scores.items()
        }
    low, high = min(calibration), max(calibration)
    if high <= low:
        return {d: 1.0 if s >= high else 0.0 for d, s in leg.scores.items()}
    return {d: max(0.0, min(1.0, (s - low) / (high - low))) for d, s in leg.scores.items()}


@dataclass(frozen=True)
class _Expected:
    id: str
    score: float
    relevance: float
    badge_multiplier: float
    prior_multiplier: float
    normalised: dict[str, float]
    raw: dict[str, float | None]


def _reference_fuse(
    legs: dict[str, LegHits], candidates: dict[str, Candidate], profile: RankingProfile
) -> list[_Expected]:
    """Candidate by candidate, as fusion is specified: the oracle for the column-wise version."""
    weights = {"lexical": profile.legs.lexical.weight, "skill": profile.legs.skill.weight}
    normalised = {name: _reference_normalise(leg, profile) for name, leg in legs.items()}
    ranked = []
    for doc_id, candidate in candidates.items():
        contributions = [weights[n] * normalised[n].get(doc_id, 0.0) for n in legs]
        relevance = sum(contributions) if legs else 1.0
        badge = profile.badges.for_badge(candidate.badge)
        prior = profile.jss_prior.multiplier(candidate.job_success_score)
        ranked.append(
            _Expected(
                doc_id,
                relevance * badge * prior,
                relevance,
                badge,
                prior,
                {n: normalised[n].get(doc_id, 0.0) for n in legs},
                {n: legs[n].scores.get(doc_id) for n in legs},
            )
        )
    ranked.sort(key=lambda hit: (-hit.score, -hit.relevance, hit.id))
    return ranked


# hypothesis's default 100 examples: each one checks four leg sets (both legs, wider calibration,
# one leg, none), and the example-based tests above pin the known cases.
@given(
    searches(),
    st.data(),
    st.sampled_from(["minmax", "rrf"]),
    st.floats(0, 10),
    st.floats(0, 10),
    st.floats(0, 1),
    st.floats(0, 99),
)
def test_column_wise_fusion_equals_the_per_candidate_definition(
    search: tuple[dict[str, LegHits], dict[str, Candidate]],
    data: st.DataObject,
    norm: str,
    lexical_weight: float,
    skill_weight: float,
    jss_weight: float,
    pivot: float,
) -> None:
    """Same order and the very same floats, with filtered legs calibrated on a wider window."""
    legs, candidates = search
    calibrated = {
        name: LegHits(
            leg.scores,
            data.draw(st.lists(st.floats(0.01, 50), max_size=12)) + list(leg.calibration),
        )
        for name, leg in legs.items()
    }
    profile = DEFAULT.with_overrides(
        {
            "normalisation": norm,
            "rrf_k": data.draw(st.integers(1, 100)),
            "legs": {"lexical": {"weight": lexical_weight}, "skill": {"weight": skill_weight}},
            "jss_prior": {"weight": jss_weight, "pivot": pivot},
        }
    )
    for case in (legs, calibrated, {"skill": legs["skill"]}, {}):
        expected = _reference_fuse(case, candidates, profile)
        ranked = fuse(case, candidates, profile)
        assert [h.id for h in ranked] == [e.id for e in expected]
        for hit, want in zip(ranked, expected, strict=True):
            assert (hit.score, hit.relevance) == (want.score, want.relevance)
            assert hit.badge_multiplier == want.badge_multiplier
            assert hit.prior_multiplier == want.prior_multiplier
            assert {n: leg.normalised for n, leg in hit.legs.items()} == want.normalised
            assert {n: leg.raw for n, leg in hit.legs.items()} == want.raw
            assert hit.jss == candidates[hit.id].job_success_score
            assert hit.badge == candidates[hit.id].badge
        for leg in case.values():
            assert normalise_leg(leg, profile) == _reference_normalise(leg, profile)


@given(st.lists(st.one_of(st.none(), st.floats(0, 100))), st.floats(0, 1), st.floats(0, 99))
def test_vectorised_jss_prior_equals_the_profile_definition(
    jss: list[float | None], weight: float, pivot: float
) -> None:
    prior = DEFAULT.with_overrides({"jss_prior": {"weight": weight, "pivot": pivot}}).jss_prior
    assert prior_multipliers(jss, prior).tolist() == [prior.multiplier(j) for j in jss]


def test_hits_are_explained_on_demand_from_their_own_row() -> None:
    legs = {
        "lexical": LegHits({"a": 3.0, "b": 1.0}, [3.0, 1.0]),
        "skill": LegHits({"b": 0.9, "c": 0.5}, [0.9, 0.5]),
    }
    candidates = {d: Candidate(d, None, None) for d in "abc"}
    by_id = {h.id: h for h in fuse(legs, candidates, NEUTRAL)}
    assert by_id["a"].explain()["legs"]["lexical"] == {
        "raw": 3.0,
        "normalised": 1.0,
        "weight": NEUTRAL.legs.lexical.weight,
        "contribution": NEUTRAL.legs.lexical.weight,
    }
    assert by_id["a"].legs["skill"].raw is None and by_id["a"].legs["skill"].normalised == 0.0
    assert by_id["b"].legs["skill"].normalised == 1.0 and by_id["b"].legs["lexical"].raw == 1.0
    assert by_id["c"].explain()["parts"]["lexical_leg"] == 0.0


def test_a_full_score_keeps_weak_evidence_weak() -> None:
    """A skill leg whose best match falls short of `full_score` is not stretched up to 1; a
    window that reaches it is plain min-max."""
    strict = DEFAULT.with_overrides({"legs": {"skill": {"full_score": 1.0}}})
    weak = LegHits({"a": 0.5, "b": 0.3}, [0.5, 0.3, 0.1])
    plain = fuse({"skill": weak}, {d: Candidate(d) for d in "ab"}, DEFAULT)
    assert plain[0].legs["skill"].normalised == 1.0
    scaled = fuse({"skill": weak}, {d: Candidate(d) for d in "ab"}, strict)
    assert scaled[0].id == "a" and scaled[0].legs["skill"].normalised == pytest.approx(4 / 9)
    strong = LegHits({"a": 2.0, "b": 0.3}, [2.0, 0.3, 0.1])
    assert fuse({"skill": strong}, {d: Candidate(d) for d in "ab"}, strict)[0].score > 0
    assert fuse({"skill": strong}, {"a": Candidate("a")}, strict)[0].legs["skill"].normalised == 1
