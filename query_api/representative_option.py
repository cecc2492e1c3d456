"""Representative results in the API: who may ask, and what each tier is told about it.

Why here: `ranking.representative_stage` re-orders a window; which tier may ask for the
diversity pass and which response fields describe it is the API's decision (what a tier may
see is decided where the data is fetched: `query_api.search_service`). Only an enterprise
request's `representative` option starts the diversity pass, and only the enterprise response
describes it. The badge pass (a ranking profile's `representative.badge`) is public: every tier's
`ranking.badge_exposure` describes it, and an engineer's explain shows each hit's positions.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from query_api.api_keys import Tier
from query_api.response_models import BadgeExposure, EnterpriseRepresentativeSlate
from query_api.search_request import SearchParams
from ranking.fusion import RankedHit
from ranking.representative import Reordering
from ranking.representative_stage import DIVERSITY, DiversityAsk, Slates
from ranking.talent_searcher import SearchResult


def diversity_ask(
    params: SearchParams, tier: Tier, as_of: date, enabled_countries: list[str]
) -> DiversityAsk | None:
    """The diversity pass an enterprise request asked for; None for any other tier."""
    if not tier.sees_diversity or not params.representative:
        return None
    categories = tuple(str(g) for g in params.representative if g != DIVERSITY)
    return DiversityAsk(categories, as_of, tuple(enabled_countries))


def _change(reordering: Reordering) -> dict[str, Any]:
    return {
        "share": round(float(reordering.share), 6),
        "pool": reordering.pool,
        "depth": reordering.depth,
        "reordered": reordering.reordered,
        "hits_moved": reordering.hits_moved,
        "positions_moved": reordering.positions_moved,
    }


def badge_exposure(slates: Slates, badge: str | None) -> BadgeExposure | None:
    if slates.badge is None or badge is None:
        return None
    return BadgeExposure(**_change(slates.badge), badge=badge)  # type: ignore[arg-type]


def enterprise_slate(slates: Slates, params: SearchParams) -> EnterpriseRepresentativeSlate | None:
    if slates.diversity is None:
        return None
    groups = [str(g) for g in params.representative]
    return EnterpriseRepresentativeSlate(**_change(slates.diversity), groups=groups)


def explain_with_positions(
    result: SearchResult, slates: Slates, positions: dict[str, int], hit: RankedHit
) -> dict[str, Any]:
    """An engineer's explain of a hit, with the badge pass's positions before and after."""
    return result.explain(hit) | slates.badge_positions(positions[hit.id])


def relevance_positions(result: SearchResult) -> dict[str, int]:
    """Each hit's 1-based position in the (re-ordered) relevance order."""
    return {hit.id: position for position, hit in enumerate(result.hits, start=1)}
