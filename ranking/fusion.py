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
"""

from __future__ import annotations

import bisect
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ranking.ranking_profile import RankingProfile

LEG_NAMES = ("lexical", "skill")


@dataclass(frozen=True)
class LegHits:
    """One leg's result: raw scores of the (filtered) window, and the calibration scores."""

    scores: Mapping[str, float]
    calibration: Sequence[float]  # unfiltered window scores, any order


@dataclass(frozen=True)
class Candidate:
    """What fusion needs to know about a profile beyond its leg scores."""

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


@dataclass(frozen=True)
class RankedHit:
    id: str
    score: float
    relevance: float
    legs: dict[str, LegScore]
    badge: str | None
    badge_multiplier: float
    jss: float | None
    prior_multiplier: float

    def explain(self) -> dict[str, Any]:
        """The breakdown: leg scores, multipliers, and additive parts that sum to `score`."""
        badge_boost = self.relevance * (self.badge_multiplier - 1.0)
        prior_boost = self.relevance * self.badge_multiplier * (self.prior_multiplier - 1.0)
        parts = {f"{name}_leg": leg.contribution for name, leg in self.legs.items()}
        if not self.legs:
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
                for name, leg in self.legs.items()
            },
            "badge": {"badge": self.badge, "multiplier": self.badge_multiplier},
            "jss_prior": {"jss": self.jss, "multiplier": self.prior_multiplier},
            "parts": parts,
        }


def normalise_leg(leg: LegHits, profile: RankingProfile) -> dict[str, float]:
    """Normalised scores in [0, 1] for the leg's hits; docs below the window get 0."""
    if not leg.scores:
        return {}
    calibration = list(leg.calibration) or list(leg.scores.values())
    if profile.normalisation == "rrf":
        # rank as in the unfiltered window: 1 + the number of calibration scores above raw
        ascending = sorted(calibration)
        size, k = len(ascending), profile.rrf_k
        normalised = {}
        for doc_id, raw in leg.scores.items():
            rank = size - bisect.bisect_right(ascending, raw) + 1
            normalised[doc_id] = 0.0 if raw < ascending[0] else (k + 1) / (k + rank)
        return normalised
    low, high = min(calibration), max(calibration)
    if high <= low:
        return {d: 1.0 if s >= high else 0.0 for d, s in leg.scores.items()}
    span = high - low
    return {d: max(0.0, min(1.0, (s - low) / span)) for d, s in leg.scores.items()}


def fuse(
    legs: Mapping[str, LegHits],
    candidates: Mapping[str, Candidate],
    profile: RankingProfile,
) -> list[RankedHit]:
    """Rank every candidate: weighted sum of normalised legs, then badge and JSS multipliers."""
    weights = {"lexical": profile.legs.lexical.weight, "skill": profile.legs.skill.weight}
    normalised = {name: normalise_leg(leg, profile) for name, leg in legs.items()}
    ranked = []
    for doc_id, candidate in candidates.items():
        leg_scores = {
            name: LegScore(
                raw=legs[name].scores.get(doc_id),
                normalised=normalised[name].get(doc_id, 0.0),
                weight=weights[name],
            )
            for name in legs
        }
        # Without legs (a filters-only browse) every candidate is equally relevant: priors decide.
        relevance = sum(leg.contribution for leg in leg_scores.values()) if legs else 1.0
        badge_multiplier = profile.badges.for_badge(candidate.badge)
        prior = profile.jss_prior.multiplier(candidate.job_success_score)
        ranked.append(
            RankedHit(
                id=doc_id,
                score=relevance * badge_multiplier * prior,
                relevance=relevance,
                legs=leg_scores,
                badge=candidate.badge,
                badge_multiplier=badge_multiplier,
                jss=candidate.job_success_score,
                prior_multiplier=prior,
            )
        )
    ranked.sort(key=lambda hit: (-hit.score, -hit.relevance, hit.id))
    return ranked


def prior_only(candidates: Mapping[str, Candidate], profile: RankingProfile) -> list[RankedHit]:
    """Order without a query (filters only): by badge multiplier and JSS prior alone.

    The explain parts still add up: relevance is 1.0, so the score is the product of priors.
    """
    return fuse({}, candidates, profile)
