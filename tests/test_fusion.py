"""Fusion and boosts: the behaviours a relevance engineer relies on, as properties."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ranking.fusion import Candidate, LegHits, fuse, normalise_leg
from ranking.ranking_profile import RankingProfile, RankingProfileError, load_profile

BADGES = [None, "rising_talent", "top_rated", "top_rated_plus", "expert_vetted"]
DEFAULT = load_profile("default")
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


@settings(max_examples=200)
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


@settings(max_examples=200)
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
