"""Offline relevance evaluation: judgments, metrics, run comparison and the JSON report.

Why: a relevance engineer changes a boost or a query leg and needs to know, per query, whether
search got better. Everything here is pure (no server): a *run* is a mapping from query text to
the ranked document ids the system returned, and *judgments* are Quepid-style ratings.

Metrics follow OpenSearch ``_rank_eval`` (the Elasticsearch rank-eval module) exactly, with
``relevant_rating_threshold: 1``, ``ignore_unlabeled: false`` and DCG ``normalize: true`` with no
``unknown_doc_rating``. Only the top ``k`` hits count (``_rank_eval`` forces the search size to
``k``); an unrated hit is irrelevant but still takes its rank. For a ranked list ``hits`` (first
occurrence of each id kept, cut to ``k``) and the ratings ``r`` of one query:

* ``precision@k`` = relevant hits / ``len(hits)`` (rated *and* unrated hits count as retrieved,
  so the denominator is ``min(k, number of results)``, not ``k``); 0 when there are no hits.
* ``recall@k`` = relevant hits / documents rated >= 1 for the query; 0 when none is.
* ``reciprocal_rank@k`` = 1 / rank of the first relevant hit; 0 when none is in the top ``k``.
* ``ndcg@k`` = DCG / IDCG, DCG = sum over hits of (2^rating - 1) / log2(rank + 1), unrated hits
  adding 0. IDCG is the DCG of all the query's ratings sorted high to low, cut to ``len(hits)``
  (the number of hits returned, as in ``_rank_eval``: a result list shorter than ``k`` is
  compared with an ideal list of the same length). 0 when IDCG is 0.

A judged query missing from the run has no hits, so every metric is 0 for it (as in
``_rank_eval``). Means are macro averages over queries, like ``_rank_eval``'s ``metric_score``.
"""

from __future__ import annotations

import csv
import json
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

from relevance.errors import EvaluationError

__all__ = [
    "DEFAULT_FAMILY",
    "MAX_RATING",
    "METRICS",
    "RELEVANT_RATING_THRESHOLD",
    "TIE_EPS",
    "Comparison",
    "EvalReport",
    "Judgment",
    "Judgments",
    "QueryDelta",
    "QueryResult",
    "compare",
    "evaluate",
    "load_judgments",
    "ndcg_at_k",
    "precision_at_k",
    "recall_at_k",
    "reciprocal_rank",
    "save_judgments",
    "write_report",
]

RELEVANT_RATING_THRESHOLD: Final = 1
MAX_RATING: Final = 3
DEFAULT_FAMILY: Final = "all"
#: Two scores closer than this tie (`compare`'s default; the tuner counts ties with it too).
TIE_EPS: Final = 1e-9
#: The metrics `evaluate` computes, by report name: (function name, k).
METRICS: Final[dict[str, tuple[str, int]]] = {
    "ndcg@10": ("ndcg", 10),
    "mrr@10": ("reciprocal_rank", 10),
    "precision@10": ("precision", 10),
    "recall@50": ("recall", 50),
}
_HEADER: Final = ("query", "docid", "rating")
_FAMILY_COLUMN: Final = "family"
_MOVERS: Final = 10


# --------------------------------------------------------------------------------------------
# Judgments
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Judgment:
    """One Quepid rating row: how relevant `docid` is to `query` (0 irrelevant .. 3 perfect)."""

    query: str
    docid: str
    rating: int
    family: str = DEFAULT_FAMILY


@dataclass(frozen=True)
class Judgments:
    """Ratings grouped by query (insertion order kept), and each query's family."""

    ratings: Mapping[str, Mapping[str, int]]
    families: Mapping[str, str]

    @classmethod
    def from_rows(cls, rows: Iterable[Judgment]) -> Judgments:
        """Group rows; refuse what Quepid would resolve silently (duplicates, mixed families)."""
        return cls._group((row, f"row {number}") for number, row in enumerate(rows, start=1))

    @classmethod
    def _group(cls, rows: Iterable[tuple[Judgment, str]]) -> Judgments:
        """Group (row, where) pairs; `where` ("row 3", "file.csv: line 4") prefixes errors."""
        ratings: dict[str, dict[str, int]] = {}
        families: dict[str, str] = {}
        for row, where in rows:
            _check_row(row, where)
            family = families.setdefault(row.query, row.family)
            if family != row.family:
                raise EvaluationError(
                    f"{where}: column 'family': query {row.query!r} is already in family "
                    f"{family!r}, not {row.family!r}"
                )
            docs = ratings.setdefault(row.query, {})
            if row.docid in docs:
                raise EvaluationError(
                    f"{where}: column 'docid': {row.docid!r} is rated twice for {row.query!r}"
                )
            docs[row.docid] = row.rating
        return cls(ratings=ratings, families=families)

    @property
    def queries(self) -> list[str]:
        return list(self.ratings)

    def rows(self) -> list[Judgment]:
        return [
            Judgment(query, docid, rating, self.families[query])
            for query, docs in self.ratings.items()
            for docid, rating in docs.items()
        ]

    def __len__(self) -> int:
        return len(self.ratings)


def _check_row(row: Judgment, where: str) -> None:
    for column, value in (("query", row.query), ("docid", row.docid), ("family", row.family)):
        if not value.strip():
            raise EvaluationError(f"{where}: column {column!r}: must not be blank")
        if value != value.strip():
            # The CSV reader strips cells, so such a key would not survive a round trip.
            raise EvaluationError(
                f"{where}: column {column!r}: must not start or end with whitespace"
            )
    if isinstance(row.rating, bool) or not isinstance(row.rating, int):
        raise EvaluationError(f"{where}: column 'rating': expected an integer, got {row.rating!r}")
    if not 0 <= row.rating <= MAX_RATING:
        raise EvaluationError(
            f"{where}: column 'rating': must be 0..{MAX_RATING}, got {row.rating}"
        )


def load_judgments(path: str | Path) -> Judgments:
    """Read a Quepid ratings CSV (``query,docid,rating``, optional ``family``).

    Other columns are ignored, as Quepid does. A bad row raises EvaluationError (a ValueError)
    naming the file, the line and the column, so a hand-edited file is easy to fix.
    """
    path = Path(path)
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader, None)
        if header is None:
            raise EvaluationError(
                f"{path}: line 1: empty file, expected header {','.join(_HEADER)}"
            )
        names = [name.strip().lower() for name in header]
        for column in _HEADER:
            if column not in names:
                raise EvaluationError(f"{path}: line 1: missing column {column!r}")
        q_col, d_col, r_col = (names.index(column) for column in _HEADER)
        f_col = names.index(_FAMILY_COLUMN) if _FAMILY_COLUMN in names else None
        needed = 1 + max(q_col, d_col, r_col, -1 if f_col is None else f_col)
        rows: list[tuple[Judgment, str]] = []
        line = reader.line_num
        for record in reader:
            start, line = line + 1, reader.line_num
            if not any(cell.strip() for cell in record):
                continue
            where = f"{path}: line {start}"
            if len(record) < needed:
                raise EvaluationError(f"{where}: expected {needed} columns, got {len(record)}")
            text = record[r_col].strip()
            try:
                rating = int(text)
            except ValueError:
                raise EvaluationError(
                    f"{where}: column 'rating': expected an integer 0..{MAX_RATING}, got {text!r}"
                ) from None
            family = record[f_col].strip() if f_col is not None else DEFAULT_FAMILY
            rows.append(
                (Judgment(record[q_col].strip(), record[d_col].strip(), rating, family), where)
            )
    return Judgments._group(rows)


def save_judgments(
    path: str | Path, rows: Iterable[Judgment] | Judgments, *, with_family: bool | None = None
) -> None:
    """Write a Quepid ratings CSV; the ``family`` column is added when any row has one
    (``with_family=None``) or when asked. Quepid ignores the extra column on import."""
    items = rows.rows() if isinstance(rows, Judgments) else list(rows)
    Judgments.from_rows(items)  # validate before writing anything
    if with_family is None:
        with_family = any(row.family != DEFAULT_FAMILY for row in items)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)  # RFC 4180 CRLF: a "\r" inside a cell gets quoted too
        writer.writerow([*_HEADER, _FAMILY_COLUMN] if with_family else _HEADER)
        for row in items:
            values: list[str | int] = [row.query, row.docid, row.rating]
            if with_family:
                values.append(row.family)
            writer.writerow(values)


# --------------------------------------------------------------------------------------------
# Metrics (pure functions over one query's ranked ids and ratings)
# --------------------------------------------------------------------------------------------


def _hits(ranked: Sequence[str], k: int) -> list[str]:
    """The top `k` distinct ids: a search engine never returns one document twice."""
    if k < 1:
        raise EvaluationError(f"k must be >= 1, got {k}")
    return list(dict.fromkeys(ranked))[:k]


def _relevant(rating: int | None, threshold: int) -> bool:
    return rating is not None and rating >= threshold


def precision_at_k(
    ranked: Sequence[str],
    ratings: Mapping[str, int],
    k: int = 10,
    threshold: int = RELEVANT_RATING_THRESHOLD,
) -> float:
    """Relevant hits over hits in the top `k` (unrated hits count as retrieved, not relevant)."""
    hits = _hits(ranked, k)
    if not hits:
        return 0.0
    return sum(_relevant(ratings.get(doc), threshold) for doc in hits) / len(hits)


def recall_at_k(
    ranked: Sequence[str],
    ratings: Mapping[str, int],
    k: int = 50,
    threshold: int = RELEVANT_RATING_THRESHOLD,
) -> float:
    """Relevant hits in the top `k` over all documents rated relevant for the query."""
    relevant = sum(rating >= threshold for rating in ratings.values())
    if relevant == 0:
        return 0.0
    hits = _hits(ranked, k)
    return sum(_relevant(ratings.get(doc), threshold) for doc in hits) / relevant


def reciprocal_rank(
    ranked: Sequence[str],
    ratings: Mapping[str, int],
    k: int = 10,
    threshold: int = RELEVANT_RATING_THRESHOLD,
) -> float:
    """1 / rank of the first relevant hit in the top `k`, else 0 (its mean is MRR)."""
    for rank, doc in enumerate(_hits(ranked, k), start=1):
        if _relevant(ratings.get(doc), threshold):
            return 1.0 / rank
    return 0.0


def _dcg(ratings: Iterable[int | None]) -> float:
    return sum(
        (2.0**rating - 1.0) / math.log2(rank + 1)
        for rank, rating in enumerate(ratings, start=1)
        if rating is not None
    )


def ndcg_at_k(ranked: Sequence[str], ratings: Mapping[str, int], k: int = 10) -> float:
    """DCG of the top `k` over the ideal DCG of as many documents (``_rank_eval`` semantics)."""
    hits = _hits(ranked, k)
    dcg = _dcg(ratings.get(doc) for doc in hits)
    ideal = sorted(ratings.values(), reverse=True)[: len(hits)]
    idcg = _dcg(ideal)
    return dcg / idcg if idcg != 0 else 0.0


_FUNCTIONS: Final = {
    "ndcg": ndcg_at_k,
    "reciprocal_rank": reciprocal_rank,
    "precision": precision_at_k,
    "recall": recall_at_k,
}


# --------------------------------------------------------------------------------------------
# Evaluation
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class QueryResult:
    """One judged query's metrics; `retrieved` is 0 and `in_run` False when the run lacks it."""

    query: str
    family: str
    metrics: Mapping[str, float]
    relevant: int
    retrieved: int
    in_run: bool


@dataclass(frozen=True)
class EvalReport:
    """Per-query metrics with macro means overall and per family."""

    queries: tuple[QueryResult, ...]
    overall: Mapping[str, float]
    families: Mapping[str, Mapping[str, float]]
    family_sizes: Mapping[str, int]
    missing_queries: tuple[str, ...] = ()
    unjudged_queries: tuple[str, ...] = ()

    def by_query(self) -> dict[str, QueryResult]:
        return {result.query: result for result in self.queries}

    def to_dict(self) -> dict[str, Any]:
        return {
            "metrics": list(METRICS),
            "definitions": "OpenSearch _rank_eval: relevant_rating_threshold=1, "
            "ignore_unlabeled=false, dcg normalize=true",
            "query_count": len(self.queries),
            "overall": dict(self.overall),
            "families": {
                family: {"queries": self.family_sizes[family], **means}
                for family, means in self.families.items()
            },
            "missing_queries": list(self.missing_queries),
            "unjudged_queries": list(self.unjudged_queries),
            "queries": [
                {
                    "query": r.query,
                    "family": r.family,
                    "relevant": r.relevant,
                    "retrieved": r.retrieved,
                    "in_run": r.in_run,
                    **r.metrics,
                }
                for r in self.queries
            ],
        }


def _means(results: Sequence[QueryResult]) -> dict[str, float]:
    return {
        name: math.fsum(r.metrics[name] for r in results) / len(results) if results else 0.0
        for name in METRICS
    }


def evaluate(
    run: Mapping[str, Sequence[str]], judgments: Judgments | Iterable[Judgment]
) -> EvalReport:
    """Score `run` (query -> ranked doc ids) against `judgments`.

    Every judged query is scored; one missing from the run scores 0 on every metric. Queries in
    the run without judgments are not scored (listed in `unjudged_queries`).
    """
    if not isinstance(judgments, Judgments):
        judgments = Judgments.from_rows(judgments)
    if not judgments.ratings:
        raise EvaluationError("no judged queries to evaluate")
    results: list[QueryResult] = []
    for query, ratings in judgments.ratings.items():
        ranked = run.get(query)
        hits: Sequence[str] = ranked if ranked is not None else ()
        metrics = {
            name: _FUNCTIONS[function](hits, ratings, k) for name, (function, k) in METRICS.items()
        }
        results.append(
            QueryResult(
                query=query,
                family=judgments.families[query],
                metrics=metrics,
                relevant=sum(r >= RELEVANT_RATING_THRESHOLD for r in ratings.values()),
                retrieved=len(dict.fromkeys(hits)),
                in_run=ranked is not None,
            )
        )
    grouped: dict[str, list[QueryResult]] = {}
    for result in results:
        grouped.setdefault(result.family, []).append(result)
    families = sorted(grouped)
    return EvalReport(
        queries=tuple(results),
        overall=_means(results),
        families={family: _means(grouped[family]) for family in families},
        family_sizes={family: len(grouped[family]) for family in families},
        missing_queries=tuple(r.query for r in results if not r.in_run),
        unjudged_queries=tuple(q for q in run if q not in judgments.ratings),
    )


# --------------------------------------------------------------------------------------------
# Comparison of two runs
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class QueryDelta:
    query: str
    family: str
    baseline: float
    candidate: float

    @property
    def delta(self) -> float:
        return self.candidate - self.baseline


@dataclass(frozen=True)
class Comparison:
    """Candidate (`b`) against baseline (`a`) on one metric, per query."""

    metric: str
    tie_eps: float
    deltas: tuple[QueryDelta, ...]  # sorted by delta, worst loss first
    wins: int
    losses: int
    ties: int
    baseline_mean: float
    candidate_mean: float
    biggest_movers: tuple[QueryDelta, ...] = field(default=())
    only_in_baseline: tuple[str, ...] = ()
    only_in_candidate: tuple[str, ...] = ()

    @property
    def mean_delta(self) -> float:
        return self.candidate_mean - self.baseline_mean

    def summary(self) -> dict[str, Any]:
        """The means and the win/loss/tie counts, without the per-query rows."""
        return {
            "baseline_mean": self.baseline_mean,
            "candidate_mean": self.candidate_mean,
            "mean_delta": self.mean_delta,
            "wins": self.wins,
            "losses": self.losses,
            "ties": self.ties,
        }

    def to_dict(self) -> dict[str, Any]:
        def row(d: QueryDelta) -> dict[str, Any]:
            return {
                "query": d.query,
                "family": d.family,
                "baseline": d.baseline,
                "candidate": d.candidate,
                "delta": d.delta,
            }

        return {
            "metric": self.metric,
            "tie_eps": self.tie_eps,
            **self.summary(),
            "biggest_movers": [row(d) for d in self.biggest_movers],
            "only_in_baseline": list(self.only_in_baseline),
            "only_in_candidate": list(self.only_in_candidate),
            "deltas": [row(d) for d in self.deltas],
        }


def compare(
    a: EvalReport, b: EvalReport, metric: str = "ndcg@10", tie_eps: float = TIE_EPS
) -> Comparison:
    """Per-query wins (b better by more than `tie_eps`), losses and ties of `b` against `a`.

    Only queries scored in both reports are compared; the others are listed. Means are over the
    compared queries, so they can differ from each report's own overall mean.
    """
    if metric not in METRICS:
        raise EvaluationError(f"unknown metric {metric!r}; expected one of {', '.join(METRICS)}")
    if tie_eps < 0:
        raise EvaluationError(f"tie_eps must be >= 0, got {tie_eps}")
    left, right = a.by_query(), b.by_query()
    deltas = [
        QueryDelta(query, result.family, result.metrics[metric], right[query].metrics[metric])
        for query, result in left.items()
        if query in right
    ]
    wins = sum(d.delta > tie_eps for d in deltas)
    losses = sum(d.delta < -tie_eps for d in deltas)
    count = len(deltas)
    movers = sorted(deltas, key=lambda d: (-abs(d.delta), d.query))[:_MOVERS]
    return Comparison(
        metric=metric,
        tie_eps=tie_eps,
        deltas=tuple(sorted(deltas, key=lambda d: (d.delta, d.query))),
        wins=wins,
        losses=losses,
        ties=count - wins - losses,
        baseline_mean=math.fsum(d.baseline for d in deltas) / count if count else 0.0,
        candidate_mean=math.fsum(d.candidate for d in deltas) / count if count else 0.0,
        biggest_movers=tuple(d for d in movers if abs(d.delta) > tie_eps),
        only_in_baseline=tuple(q for q in left if q not in right),
        only_in_candidate=tuple(q for q in right if q not in left),
    )


# --------------------------------------------------------------------------------------------
# Output: JSON (the terminal table and the PNG: relevance/eval_report.py)
# --------------------------------------------------------------------------------------------


def write_report(
    path_json: str | Path, report: EvalReport, comparison: Comparison | None = None
) -> None:
    """Write the report (and the comparison, if any) as JSON, for CI artefacts and diffs."""
    data = report.to_dict()
    if comparison is not None:
        data["comparison"] = comparison.to_dict()
    path = Path(path_json)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
