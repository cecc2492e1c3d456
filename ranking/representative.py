"""Representative re-ranking: every prefix of the results holds a group at least in proportion.

Why: badge multipliers lift established talent, so a group that is as relevant (Rising Talent,
Diversity-Certified businesses) can vanish from the first page. Geyik, Ambler and Kenthapadi
("Fairness-Aware Ranking in Search & Recommendation Systems with Application to LinkedIn Talent
Search", KDD 2019) re-order a ranked candidate list so that each prefix of length k holds each
group at least ⌊p * k⌋ times, p being its share among the qualified candidates.

This is their **DetGreedy** (Algorithm 1) with minimum constraints, for a group against the
rest (two attribute values, p and 1 - p):

    at each position k = 1 .. depth:
        if the group would fall short of ⌊p * k⌋ in the first k: place its best remaining
        elif the rest would fall short of ⌊(1 - p) * k⌋: place the rest's best remaining
        else: place the best remaining candidate, whichever side

Why this one: with two attribute values DetGreedy is always feasible (the paper's feasibility
problem needs four or more; ⌊p k⌋ + ⌊(1-p) k⌋ >= k - 1, so at most one side is ever short), it
is online (the order of the first k positions does not depend on how deep one re-orders, so
page 2 agrees with page 1), and it is O(n). DetCons, DetRelaxed and DetConstSort exist for
many attribute values, which one group against the rest does not need. The rest has a floor
too, as in the paper: the slate is representative, not preferential, so a group ranked above
its share on merit keeps at least its share and may give up the excess (the maximum
constraints ⌈p k⌉ are left out: the rest's floor already bounds the group to ⌈p k⌉ in effect).

Guarantees (property-tested in tests/unit/test_representative.py): the output is a permutation
of the input (nobody enters or leaves); members keep their relative order and so do the others;
for every k <= depth, each side holds at least min(its floor, what it has); positions after
`depth` keep the input order of what is left.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

#: The share is measured among this many results of the unmodified ranking (the candidates a
#: client would page through); `RepresentativeSettings.pool` in a ranking profile.
DEFAULT_POOL = 50


def group_share(members: Sequence[bool], pool: int) -> Fraction:
    """The group's share among the first `pool` of the ranking (all of it, if shorter); exact,
    so that ⌊share * k⌋ is exact too (0.3 * 10 is 2.9999999999999996 in floats)."""
    considered = members[:pool]
    return Fraction(sum(considered), len(considered)) if considered else Fraction(0)


def floor_at(share: Fraction, k: int) -> int:
    """⌊share * k⌋: the fewest group members a prefix of `k` results may hold."""
    return share.numerator * k // share.denominator


def det_greedy(members: Sequence[bool], share: Fraction, depth: int) -> list[int]:
    """The new order (indices into `members`, which is in relevance order); see the module."""
    inside = [i for i, member in enumerate(members) if member]
    outside = [i for i, member in enumerate(members) if not member]
    rest_share = 1 - share
    order: list[int] = []
    next_in = next_out = 0  # also how many of each side are placed
    for k in range(1, min(depth, len(members)) + 1):
        has_in, has_out = next_in < len(inside), next_out < len(outside)
        if has_in and next_in < floor_at(share, k):
            take_in = True
        elif has_out and next_out < floor_at(rest_share, k):
            take_in = False
        else:
            take_in = has_in and (not has_out or inside[next_in] < outside[next_out])
        if take_in:
            order.append(inside[next_in])
            next_in += 1
        else:
            order.append(outside[next_out])
            next_out += 1
    rest = set(order)
    order += [i for i in range(len(members)) if i not in rest]
    return order


@dataclass(frozen=True)
class Reordering:
    """A re-ordered window: the new order and what changed, for the response and explain."""

    order: list[int]  # the new order, as positions (0-based) in the unmodified ranking
    share: Fraction  # the group's share among the first `pool`
    pool: int
    depth: int  # positions 1 .. depth hold the floors

    @property
    def positions_before(self) -> dict[int, int]:
        """1-based position after -> 1-based position before."""
        return {after: before + 1 for after, before in enumerate(self.order, start=1)}

    @property
    def hits_moved(self) -> int:
        return sum(before != after for after, before in enumerate(self.order))

    @property
    def positions_moved(self) -> int:
        """The sum of |position after - position before| over the window."""
        return sum(abs(before - after) for after, before in enumerate(self.order))

    @property
    def reordered(self) -> bool:
        return self.hits_moved > 0


def represent(members: Sequence[bool], pool: int, depth: int) -> Reordering:
    """Re-order a ranking (`members`: whether each result, best first, is in the group) so that
    each prefix up to `depth` holds the group at least in its share among the first `pool`."""
    share = group_share(members, pool)
    return Reordering(det_greedy(members, share, depth), share, pool, depth)
