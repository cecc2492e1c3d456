"""Exposure in an evaluation: how the top of each ranking shares its slots among groups.

Why: nDCG says whether the relevant profiles come first; it cannot say that a group (Rising
Talent, Diversity-Certified businesses) vanished from the first page. Pure, like
`relevance.evaluation`: a run (query -> ranked ids) and each profile's attribute value in, plain
numbers out. The measures (docs/evaluation.md gives the formulas and sources):

* desired distribution ``p_v``: the share of value ``v`` among the first ``pool`` (50) results
  of the query's ranking, the candidates a client would page through (Geyik et al., KDD 2019,
  section 3: the distribution among the qualified candidates);
* ``skew@k(v) = ln(p_{k,v} / p_v)``, ``p_{k,v}`` the share of ``v`` in the top ``k``
  (Geyik et al., eq. 1); ``-inf`` when ``v`` has no slot there; ``min_skew@k`` the least over
  the values with ``p_v > 0`` (their MinSkew@k);
* ``NDKL = (1/Z) sum_{i=1..n} KL(D_i || D) / log2(i + 1)``, ``Z = sum_{i=1..n} 1 / log2(i + 1)``,
  ``D_i`` the distribution of values in the top ``i``, ``n`` the ranking's length up to the
  pool (Geyik et al., eq. 4; natural logarithm); 0 is perfectly representative;
* representative top ``k``: every value with ``p_v > 0`` holds at least ``⌊p_v k⌋`` of the top
  ``k`` (the floors `ranking.representative` guarantees; the tolerance is the rounding down:
  less than one slot, which ``skew >= -0.1`` cannot allow for a share of 0.12 in 10 slots);
  the share of queries within ``min_skew@k >= -0.1`` is reported beside it, and per value the
  share of queries (where it is in the pool) whose top ``k`` holds its own floor;
* slot share against relevant share: of all the top-``k`` slots over the queries, the share a
  value holds, against its share among all the profiles judged relevant (rating >= 1).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Final

from ranking.representative import DEFAULT_POOL, floor_at

#: The issue's tolerance for a representative top k, reported beside the floor criterion.
SKEW_TOLERANCE: Final = -0.1
TOP_K: Final = 10
#: The value of a profile outside every group of an attribute ("none": no badge).
NO_VALUE: Final = "none"


def desired_shares(values: Sequence[str], pool: int = DEFAULT_POOL) -> dict[str, Fraction]:
    """Each value's exact share among the first `pool` values (the ranking's own top)."""
    considered = values[:pool]
    counts = Counter(considered)
    return {v: Fraction(c, len(considered)) for v, c in sorted(counts.items())}


def skew_at_k(values: Sequence[str], desired: Mapping[str, Fraction], k: int) -> dict[str, float]:
    """skew@k of each value with a desired share: ln(share in the top k / desired share)."""
    top = values[:k]
    counts = Counter(top)
    skews = {}
    for value, share in desired.items():
        if share <= 0 or not top:
            continue
        held = counts[value] / len(top)
        skews[value] = math.log(held / share) if held > 0 else -math.inf
    return skews


def floors_held(values: Sequence[str], desired: Mapping[str, Fraction], k: int) -> dict[str, bool]:
    """Per value, whether it holds its floor ⌊p_v k⌋ in the top k (k cut to the ranking)."""
    top = values[:k]
    counts = Counter(top)
    return {v: counts[v] >= floor_at(share, len(top)) for v, share in desired.items()}


def is_representative(values: Sequence[str], desired: Mapping[str, Fraction], k: int) -> bool:
    """Whether every value holds its floor ⌊p_v k⌋ in the top k."""
    return all(floors_held(values, desired, k).values())


def ndkl(values: Sequence[str], desired: Mapping[str, Fraction]) -> float:
    """Normalized discounted cumulative KL-divergence of the prefixes from `desired`."""
    counts: Counter[str] = Counter()
    total = norm = 0.0
    for i, value in enumerate(values, start=1):
        counts[value] += 1
        divergence = sum(
            (c / i) * math.log((c / i) / float(desired[v])) for v, c in counts.items() if c
        )
        weight = 1.0 / math.log2(i + 1)
        total += weight * divergence
        norm += weight
    return total / norm if norm else 0.0


@dataclass(frozen=True)
class QueryExposure:
    """One query's exposure for one attribute (badge, or certification)."""

    query: str
    desired: Mapping[str, float]
    skew: Mapping[str, float]  # skew@TOP_K per value
    min_skew: float
    ndkl: float
    representative: bool
    held: Mapping[str, bool]  # per value among the first pool: at its floor in the top TOP_K
    slots: Mapping[str, int]  # top-TOP_K slots per value
    relevant: Mapping[str, int]  # profiles judged relevant, per value

    def to_dict(self) -> dict[str, Any]:
        return {
            "query": self.query,
            "desired_share": dict(self.desired),
            f"skew@{TOP_K}": {v: _finite(s) for v, s in self.skew.items()},
            f"min_skew@{TOP_K}": _finite(self.min_skew),
            "ndkl": self.ndkl,
            f"representative@{TOP_K}": self.representative,
            f"at_floor@{TOP_K}": dict(self.held),
            f"slots@{TOP_K}": dict(self.slots),
            "relevant": dict(self.relevant),
        }


def _finite(value: float) -> float | None:
    """JSON has no -inf: a value with no slot in the top k is null."""
    return value if math.isfinite(value) else None


def query_exposure(
    query: str,
    ranked: Sequence[str],
    attribute: Mapping[str, str],
    relevant_ids: Sequence[str],
    pool: int = DEFAULT_POOL,
) -> QueryExposure:
    """The exposure of one ranking (ids, best first) by `attribute` (id -> value; a missing id
    has `NO_VALUE`)."""
    values = [attribute.get(doc, NO_VALUE) for doc in dict.fromkeys(ranked)][:pool]
    desired = desired_shares(values, pool)
    skew = skew_at_k(values, desired, TOP_K)
    return QueryExposure(
        query=query,
        desired={v: float(s) for v, s in desired.items()},
        skew=skew,
        min_skew=min(skew.values(), default=0.0),
        ndkl=ndkl(values, desired),
        representative=is_representative(values, desired, TOP_K),
        held=floors_held(values, desired, TOP_K),
        slots=dict(Counter(values[:TOP_K])),
        relevant=dict(Counter(attribute.get(doc, NO_VALUE) for doc in relevant_ids)),
    )


@dataclass(frozen=True)
class ExposureReport:
    """Per query and overall, for one attribute."""

    attribute: str
    queries: tuple[QueryExposure, ...]

    @property
    def representative_share(self) -> float:
        """The share of queries whose top k holds every value's floor."""
        return _mean([q.representative for q in self.queries])

    @property
    def within_tolerance_share(self) -> float:
        """The share of queries with min skew@k >= SKEW_TOLERANCE."""
        return _mean([q.min_skew >= SKEW_TOLERANCE for q in self.queries])

    def at_floor_shares(self) -> dict[str, float]:
        """Per value: of the queries where it is among the first pool, the share whose top k
        holds its floor (the group a re-ranking protects, read alone)."""
        found: dict[str, list[bool]] = {}
        for q in self.queries:
            for value, held in q.held.items():
                found.setdefault(value, []).append(held)
        return {v: _mean(found[v]) for v in sorted(found)}

    @property
    def mean_ndkl(self) -> float:
        return _mean([q.ndkl for q in self.queries])

    def slot_shares(self) -> dict[str, float]:
        """Of all top-k slots over the queries, the share each value holds."""
        return _shares(q.slots for q in self.queries)

    def relevant_shares(self) -> dict[str, float]:
        """Of all profiles judged relevant over the queries, the share each value holds."""
        return _shares(q.relevant for q in self.queries)

    def summary(self) -> dict[str, Any]:
        return {
            f"representative@{TOP_K}": self.representative_share,
            f"at_floor@{TOP_K}": self.at_floor_shares(),
            f"min_skew@{TOP_K}>={SKEW_TOLERANCE}": self.within_tolerance_share,
            "ndkl": self.mean_ndkl,
            f"slot_share@{TOP_K}": self.slot_shares(),
            "relevant_share": self.relevant_shares(),
        }

    def to_dict(self) -> dict[str, Any]:
        return {
            "attribute": self.attribute,
            "pool": DEFAULT_POOL,
            "top_k": TOP_K,
            **self.summary(),
            "queries": [q.to_dict() for q in self.queries],
        }


def _mean(values: Sequence[float]) -> float:
    return math.fsum(values) / len(values) if values else 0.0


def _shares(counts: Any) -> dict[str, float]:
    total: Counter[str] = Counter()
    for found in counts:
        total.update(found)
    size = sum(total.values())
    return {v: c / size for v, c in sorted(total.items())} if size else {}


def exposure_report(
    attribute_name: str,
    run: Mapping[str, Sequence[str]],
    attribute: Mapping[str, str],
    ratings: Mapping[str, Mapping[str, int]],
    threshold: int = 1,
) -> ExposureReport:
    """Exposure of every judged query of `run` by one attribute."""
    return ExposureReport(
        attribute_name,
        tuple(
            query_exposure(
                query,
                run.get(query, ()),
                attribute,
                [doc for doc, rating in docs.items() if rating >= threshold],
            )
            for query, docs in ratings.items()
        ),
    )
