"""Exposure measures (relevance.exposure): the paper's formulas on worked examples, and that a
representative re-ranking is what the measure calls representative."""

from __future__ import annotations

import math

from hypothesis import given
from hypothesis import strategies as st

from ranking.representative import represent
from relevance.exposure import (
    desired_shares,
    exposure_report,
    is_representative,
    ndkl,
    query_exposure,
    skew_at_k,
)


def test_skew_is_the_log_ratio_of_the_top_k_share_to_the_desired_share() -> None:
    values = ["a", "b", "b", "b", "b"] + ["a"] * 4 + ["b"]  # a: half overall, a fifth of the top 5
    desired = desired_shares(values)
    skews = skew_at_k(values, desired, 5)
    assert skews["a"] == math.log(0.2 / 0.5) and skews["b"] == math.log(0.8 / 0.5)
    assert skew_at_k(["b"] * 5 + ["a"] * 5, desired, 5)["a"] == -math.inf


def test_ndkl_is_zero_for_one_value_and_grows_with_a_skewed_top() -> None:
    assert ndkl(["a"] * 8, desired_shares(["a"] * 8)) == 0.0
    mixed = ["a", "b"] * 10
    skewed = ["a"] * 10 + ["b"] * 10
    assert 0 < ndkl(mixed, desired_shares(mixed)) < ndkl(skewed, desired_shares(skewed))
    # by hand for ["a", "b"] against (1/2, 1/2): KL at i=1 is ln 2, at i=2 it is 0
    assert ndkl(["a", "b"], desired_shares(["a", "b"])) == math.log(2) / (1 + 1 / math.log2(3))


def test_representative_allows_the_rounding_and_nothing_more() -> None:
    """A share of 0.12 in 10 slots: one slot is representative (skew -0.18 nonetheless)."""
    values = ["c"] + ["n"] * 21 + ["c"] * 5 + ["n"] * 23  # 6 of 50 are c: 0.12
    desired = desired_shares(values)
    assert is_representative(values, desired, 10)
    assert skew_at_k(values, desired, 10)["c"] < -0.1
    assert not is_representative(["n"] * 10 + values[10:], desired, 10)


@given(members=st.lists(st.booleans(), min_size=1, max_size=80))
def test_a_representative_re_ranking_is_representative_by_the_measure(members: list[bool]) -> None:
    order = represent(members, pool=50, depth=50).order
    values = ["in" if members[i] else "out" for i in order]
    exposure = query_exposure(
        "q", [str(i) for i in order], dict(zip(map(str, order), values, strict=True)), []
    )
    assert exposure.representative


def test_the_report_pools_slots_and_relevant_profiles_over_queries() -> None:
    run = {"q1": ["x1", "x2"], "q2": ["y1"]}
    attribute = {"x1": "rising_talent", "x2": "none", "y1": "none", "r": "rising_talent"}
    ratings = {"q1": {"x1": 2, "r": 1}, "q2": {"y1": 0, "r": 3}}
    report = exposure_report("badge", run, attribute, ratings)
    assert report.slot_shares() == {"none": 2 / 3, "rising_talent": 1 / 3}
    assert report.relevant_shares() == {"rising_talent": 1.0}
    assert [q.relevant for q in report.queries] == [{"rising_talent": 2}, {"rising_talent": 1}]
    assert report.representative_share == 1.0
    assert report.at_floor_shares() == {"none": 1.0, "rising_talent": 1.0}
    assert report.to_dict()["queries"][0]["min_skew@10"] is not None
