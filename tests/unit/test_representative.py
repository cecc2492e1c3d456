"""The guarantees of representative re-ranking (DetGreedy with floors), as properties."""

from __future__ import annotations

from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from ranking.representative import det_greedy, floor_at, group_share, represent

rankings = st.lists(st.booleans(), max_size=120)
pools = st.integers(1, 120)
depths = st.integers(0, 130)


@given(members=rankings, pool=pools, depth=depths)
def test_nobody_enters_or_leaves(members: list[bool], pool: int, depth: int) -> None:
    assert sorted(represent(members, pool, depth).order) == list(range(len(members)))


@given(members=rankings, pool=pools, depth=depths)
def test_each_side_keeps_its_relevance_order(members: list[bool], pool: int, depth: int) -> None:
    order = represent(members, pool, depth).order
    inside = [i for i in order if members[i]]
    outside = [i for i in order if not members[i]]
    assert inside == sorted(inside) and outside == sorted(outside)


@given(members=rankings, pool=pools, depth=depths)
def test_every_prefix_up_to_the_depth_holds_the_floor(
    members: list[bool], pool: int, depth: int
) -> None:
    """Both sides: the group at ⌊p k⌋, the rest at ⌊(1 - p) k⌋, as far as each has members."""
    change = represent(members, pool, depth)
    available = sum(members)
    for k in range(1, min(depth, len(members)) + 1):
        held = sum(members[i] for i in change.order[:k])
        assert held >= min(floor_at(change.share, k), available), (k, held)
        rest = k - held
        assert rest >= min(floor_at(1 - change.share, k), len(members) - available), (k, rest)


@given(members=rankings, pool=pools, depth=depths)
def test_within_the_pool_the_floor_always_holds(members: list[bool], pool: int, depth: int) -> None:
    """The pool holds share * pool members, so no floor up to the pool is ever out of reach."""
    change = represent(members, pool, depth)
    for k in range(1, min(depth, pool, len(members)) + 1):
        held = sum(members[i] for i in change.order[:k])
        assert held >= floor_at(change.share, k)
        assert k - held >= floor_at(1 - change.share, k)


@given(members=rankings, pool=pools, depth=depths)
def test_nothing_moves_past_the_depth_that_need_not(
    members: list[bool], pool: int, depth: int
) -> None:
    """Beyond `depth` what is left keeps its order; a ranking that already holds its floors
    is left as it is."""
    order = represent(members, pool, depth).order
    assert order[depth:] == sorted(order[depth:])
    share = group_share(members, pool)
    if all(
        sum(members[:k]) >= floor_at(share, k) and k - sum(members[:k]) >= floor_at(1 - share, k)
        for k in range(1, min(depth, len(members)) + 1)
    ):
        assert order == list(range(len(members)))


@given(members=rankings, share=st.fractions(0, 1), depth=depths, shallower=depths)
def test_the_order_of_a_prefix_does_not_depend_on_the_depth(
    members: list[bool], share: Fraction, depth: int, shallower: int
) -> None:
    """Online: page 1 re-ordered for depth 10 is page 1 of the re-ordering for depth 20."""
    cut = min(depth, shallower)
    assert det_greedy(members, share, depth)[:cut] == det_greedy(members, share, shallower)[:cut]


def test_a_worked_example() -> None:
    """Ten of 50 in the group, ranked last, move up to positions 5, 10, 15 and 20 (a fifth of
    each prefix); three of 30 ranked first keep one place in the top 10 (the rest holds
    ⌊0.9 k⌋ of every prefix: representative, not preferential); moves are counted."""
    members = [False] * 10 + [True] + [False] * 30
    assert represent(members, pool=41, depth=20).order == list(range(41))  # floors hold
    over = represent([True, True, True] + [False] * 27, pool=30, depth=12)
    assert over.order[:12] == [0, *range(3, 12), 1, 12]
    change = represent([False] * 40 + [True] * 10, pool=50, depth=20)
    assert change.share == Fraction(1, 5)
    after = [change.order.index(i) + 1 for i in range(40, 44)]
    assert after == [5, 10, 15, 20]
    assert change.hits_moved > 0 and change.positions_moved >= 35 + 29 + 23 + 17
    assert change.positions_before[5] == 41
