"""Cross-validation folds over judged queries, stratified by family.

Why: the tuner's gain is only worth believing on queries it was not tuned on; each fold is held
out in turn (`cross_validation`), and stratifying by family keeps every fold like the whole set.
"""

from __future__ import annotations

import random
from collections.abc import Iterable

from relevance.errors import TuningError
from relevance.evaluation import Judgments

__all__ = ["stratified_folds", "subset"]


def stratified_folds(judgments: Judgments, folds: int, seed: int) -> list[tuple[str, ...]]:
    """Queries dealt into `folds` folds, each family spread evenly; deterministic for a seed.

    Within each family (in name order) the queries are sorted, shuffled with `seed` and dealt
    round-robin, continuing where the previous family stopped, so fold sizes differ by at most
    one. The assignment depends on the set of queries and the seed only, not on file order.
    """
    queries = judgments.queries
    if folds < 2:
        raise TuningError(f"--folds: need at least 2 folds, got {folds}")
    if len(queries) < folds:
        raise TuningError(
            f"too few queries for {folds} folds: {len(queries)} judged queries, need at least "
            f"{folds} (one per held-out fold); use fewer --folds or judge more queries"
        )
    by_family: dict[str, list[str]] = {}
    for query in queries:
        by_family.setdefault(judgments.families[query], []).append(query)
    rng = random.Random(seed)
    dealt: list[list[str]] = [[] for _ in range(folds)]
    offset = 0
    for family in sorted(by_family):
        members = sorted(by_family[family])
        rng.shuffle(members)
        for i, query in enumerate(members):
            dealt[(offset + i) % folds].append(query)
        offset += len(members)
    return [tuple(fold) for fold in dealt]


def subset(judgments: Judgments, queries: Iterable[str]) -> Judgments:
    """The judgments of `queries` alone (a fold), in their order."""
    keep = list(queries)
    return Judgments(
        ratings={q: judgments.ratings[q] for q in keep},
        families={q: judgments.families[q] for q in keep},
    )
