"""Fusion of the retrieval legs, badge multipliers and the JSS prior, with an explain breakdown.

Pure: plain data in, plain data out, no server. Each leg's raw scores are normalised against a
*calibration* list: the same leg's window without filters. Normalising against the unfiltered
window (instead of whatever survived a filter) is what makes a filter unable to change the
relative order of the profiles that survive it. Without filters the calibration list is simply
the leg's own window.

    relevance = sum(leg weight * normalised leg score)
    final     = relevance * badge multiplier * JSS prior

The explain breakdown also gives additive parts (leg contributions, badge boost, prior boost)
that add up to `final`, for a stacked bar.

Fusion runs on every search over the whole window (a few hundred candidates), so scores are
computed column-wise with numpy and each hit stays small: its per-leg breakdown (`legs`,
`explain()`) is derived on demand, since only the hits actually shown are ever explained.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

import numpy as np
import numpy.typing as npt

from ranking.ranking_profile import JssPrior, RankingProfile

LEG_NAMES = ("lexical", "skill", "vector")

Floats = npt.NDArray[np.float64]


@dataclass(frozen=True)
class LegHits:
    """One leg's result: raw scores of the (filtered) window, and the calibration scores."""

    scores: Mapping[str, float]
    calibration: Sequence[float]  # unfiltered window scores, any order


class Candidate(NamedTuple):
    """What fusion needs to know about a profile beyond its leg scores (a tuple: cheap to build)."""

    id: str
    badge: str | None = None
    job_success_score: float | None = None


@dataclass(frozen=True)
class LegScore:
    raw: float | None
    normalised: float
    weight: float

    @property
    def contribution(self) -> float:
        return self.weight * self.normalised


class _LegTable:
    """The fused legs of one search, column-wise; hits read their own row from it on demand."""

    __slots__ = ("columns", "legs", "weights")

    def __init__(
        self, legs: Mapping[str, LegHits], columns: dict[str, Floats], weights: dict[str, float]
    ) -> None:
        self.legs = legs
        self.columns = columns
        self.weights = weights

    def leg_scores(self, doc_id: str, row: int) -> dict[str, LegScore]:
        return {
            name: LegScore(
                raw=leg.scores.get(doc_id),
                normalised=float(self.columns[name][row]),
                weight=self.weights[name],
            )
            for name, leg in self.legs.items()
        }


class RankedHit:
    """A ranked candidate. Read-only by convention; built for every candidate, so kept small."""

    __slots__ = (
        "_row",
        "_table",
        "badge",
        "badge_multiplier",
        "id",
        "jss",
        "prior_multiplier",
        "relevance",
        "score",
    )

    def __init__(
        self,
        id: str,
        score: float,
        relevance: float,
        badge: str | None,
        badge_multiplier: float,
        jss: float | None,
        prior_multiplier: float,
        table: _LegTable,
        row: int,
    ) -> None:
        self.id = id
        self.score = score
        self.relevance = relevance
        self.badge = badge
        self.badge_multiplier = badge_multiplier
        self.jss = jss
        self.prior_multiplier = prior_multiplier
        self._table = table
        self._row = row

    def __repr__(self) -> str:
        return f"RankedHit(id={self.id!r}, score={self.score!r}, relevance={self.relevance!r})"

    @property
    def legs(self) -> dict[str, LegScore]:
        """Per-leg raw, normalised and weighted scores (derived on demand)."""
        return self._table.leg_scores(self.id, self._row)

    def explain(self) -> dict[str, Any]:
        """The breakdown: leg scores, multipliers, and additive parts that sum to `score`."""
        legs = self.legs
        badge_boost = self.relevance * (self.badge_multiplier - 1.0)
        prior_boost = self.relevance * self.badge_multiplier * (self.prior_multiplier - 1.0)
        parts = {f"{name}_leg": leg.contribution for name, leg in legs.items()}
        if not legs:
            parts["base"] = self.relevance
        parts |= {"badge_boost": badge_boost, "jss_prior": prior_boost}
        return {
            "final_score": self.score,
            "relevance": self.relevance,
            "legs": {
                name: {
                    "raw": leg.raw,
                    "normalised": leg.normalised,
                    "weight": leg.weight,
                    "contribution": leg.contribution,
                }
                for name, leg in legs.items()
            },
            "badge": {"badge": self.badge, "multiplier": self.badge_multiplier},
            "jss_prior": {"jss": self.jss, "multiplier": self.prior_multiplier},
            "parts": parts,
        }


def normalised_scores(
    raw: Floats, calibration: Sequence[float], profile: RankingProfile, full_score: float = 0.0
) -> Floats:
    """`raw` normalised into [0, 1] against the calibration window; below the window gives 0.

    minmax maps the window's minimum to 0 and its maximum (or `minmax_top_percentile`) to 1,
    clipping above; rrf uses the rank in the window. A leg on an absolute scale may name the
    raw score that is full evidence (`full_score` > 0): a window whose best falls short of it
    is normalised against `full_score`, so weak evidence stays weak instead of becoming 1.
    """
    if raw.size == 0:
        return raw.astype(np.float64)
    reference = np.asarray(calibration, dtype=np.float64) if len(calibration) else raw
    if profile.normalisation == "rrf":
        # rank as in the unfiltered window: 1 + the number of calibration scores above raw
        ascending = np.sort(reference)
        k = profile.rrf_k
        rank = ascending.size - np.searchsorted(ascending, raw, side="right") + 1
        values: Floats = (k + 1) / (k + rank)
        return np.where(raw < ascending[0], 0.0, values)
    low = float(reference.min())
    top = profile.minmax_top_percentile
    high = float(reference.max() if top >= 100 else np.percentile(reference, top))
    high = max(high, full_score)
    if high <= low:
        return np.where(raw >= high, 1.0, 0.0)
    clipped: Floats = np.clip((raw - low) / (high - low), 0.0, 1.0)
    return clipped


def normalise_leg(leg: LegHits, profile: RankingProfile) -> dict[str, float]:
    """Normalised scores in [0, 1] for the leg's hits; docs below the window get 0."""
    raw = np.fromiter(leg.scores.values(), dtype=np.float64, count=len(leg.scores))
    values = normalised_scores(raw, leg.calibration, profile)
    return dict(zip(leg.scores, values.tolist(), strict=True))


def leg_full_score(profile: RankingProfile, leg: str) -> float:
    """The raw score that is full evidence on `leg` (0: none, plain min-max)."""
    return float(getattr(getattr(profile.legs, leg, None), "full_score", 0.0))


def prior_multipliers(jss: Sequence[float | None], prior: JssPrior) -> Floats:
    """`JssPrior.multiplier` for many profiles at once (missing JSS is neutral)."""
    values = np.array([np.nan if j is None else j for j in jss], dtype=np.float64)
    position = (values - prior.pivot) / (100 - prior.pivot)
    multipliers: Floats = 1.0 + prior.weight * np.clip(position, -1.0, 1.0)
    return np.where(np.isnan(values), 1.0, multipliers)


@dataclass(frozen=True)
class FusionInputs:
    """What fusion reads from one search's responses, column-wise and independent of the
    profile: built once per set of responses, fused under as many profiles as asked (the tuner
    fuses the same windows for every trial)."""

    ids: list[str]
    legs: Mapping[str, LegHits]
    # per leg: the rows of its hits among `ids` (-1: not a candidate) and their raw scores
    rows: dict[str, npt.NDArray[np.intp]]
    raw: dict[str, Floats]
    badges: list[str | None]
    jss: list[float | None]
    id_rank: npt.NDArray[np.intp]  # each candidate's place in id order (the last tie breaker)

    @classmethod
    def build(
        cls, legs: Mapping[str, LegHits], candidates: Mapping[str, Candidate]
    ) -> FusionInputs:
        ids = list(candidates)
        row_of = {doc_id: row for row, doc_id in enumerate(ids)}
        rows: dict[str, npt.NDArray[np.intp]] = {}
        raw: dict[str, Floats] = {}
        for name, leg in legs.items():
            count = len(leg.scores)
            raw[name] = np.fromiter(leg.scores.values(), dtype=np.float64, count=count)
            rows[name] = np.fromiter(
                (row_of.get(doc_id, -1) for doc_id in leg.scores), dtype=np.intp, count=count
            )
        id_rank = np.empty(len(ids), dtype=np.intp)
        id_rank[sorted(range(len(ids)), key=ids.__getitem__)] = np.arange(len(ids))
        return cls(
            ids,
            legs,
            rows,
            raw,
            [c.badge for c in candidates.values()],
            [c.job_success_score for c in candidates.values()],
            id_rank,
        )


@dataclass(frozen=True)
class Fused:
    """Scores of every candidate under one profile, and their order (best first)."""

    order: list[int]
    score: Floats
    relevance: Floats
    columns: dict[str, Floats]
    weights: dict[str, float]
    badge_mult: Floats
    prior_mult: Floats


def fuse_inputs(inputs: FusionInputs, profile: RankingProfile) -> Fused:
    """The weighted sum of normalised legs, times the badge and JSS multipliers, and the order."""
    weights = {name: float(getattr(profile.legs, name).weight) for name in LEG_NAMES}
    size = len(inputs.ids)
    columns: dict[str, Floats] = {}
    # Without legs (a filters-only browse) every candidate is equally relevant: priors decide.
    relevance: Floats = np.zeros(size) if inputs.legs else np.ones(size)
    for name, leg in inputs.legs.items():
        column = np.zeros(size)
        raw = inputs.raw[name]
        if raw.size:
            values = normalised_scores(raw, leg.calibration, profile, leg_full_score(profile, name))
            rows = inputs.rows[name]
            known = rows >= 0
            column[rows[known]] = values[known]
        columns[name] = column
        relevance = relevance + weights[name] * column
    badge_table = {badge: profile.badges.for_badge(badge) for badge in set(inputs.badges)}
    badge_mult = np.array([badge_table[b] for b in inputs.badges], dtype=np.float64)
    prior_mult = prior_multipliers(inputs.jss, profile.jss_prior)
    score = relevance * badge_mult * prior_mult
    # Highest score first, then highest relevance, then id: the same order whatever the input order.
    order = np.lexsort((inputs.id_rank, -relevance, -score)).tolist()
    return Fused(order, score, relevance, columns, weights, badge_mult, prior_mult)


def fuse(
    legs: Mapping[str, LegHits],
    candidates: Mapping[str, Candidate],
    profile: RankingProfile,
) -> list[RankedHit]:
    """Rank every candidate: weighted sum of normalised legs, then badge and JSS multipliers."""
    inputs = FusionInputs.build(legs, candidates)
    fused = fuse_inputs(inputs, profile)
    table = _LegTable(legs, fused.columns, fused.weights)
    scores, relevances = fused.score.tolist(), fused.relevance.tolist()
    badge_values, prior_values = fused.badge_mult.tolist(), fused.prior_mult.tolist()
    ids, badges, jss = inputs.ids, inputs.badges, inputs.jss
    return [
        RankedHit(
            ids[row],
            scores[row],
            relevances[row],
            badges[row],
            badge_values[row],
            jss[row],
            prior_values[row],
            table,
            row,
        )
        for row in fused.order
    ]


def prior_only(candidates: Mapping[str, Candidate], profile: RankingProfile) -> list[RankedHit]:
    """Order without a query (filters only): by badge multiplier and JSS prior alone; where
    those tie (a JSS in the prior's clamped range, or no JSS prior), the higher JSS first, a
    missing one at the prior's pivot, then the id. That is the order a browse's engine bodies
    sort each badge group in (ranking.talent_searcher.browse_bodies), so the best `window` of
    their union is the best of every profile the filters match.

    The explain parts still add up: relevance is 1.0, so the score is the product of priors.
    """
    pivot = profile.jss_prior.pivot

    def key(hit: RankedHit) -> tuple[float, float, str]:
        return (-hit.score, -(pivot if hit.jss is None else hit.jss), hit.id)

    return sorted(fuse({}, candidates, profile), key=key)
