"""The representative stage after fusion: which hits form a group, and the re-ordered window.

Why a stage of its own: it runs after fusion and badges, re-orders the candidate window and
never adds to it (nobody enters or leaves: a re-ranking, not a filter), and the API and
`talent-search eval` must run exactly the same one. Two groups exist:

* a badge's holders (`RankingProfile.representative.badge`, e.g. Rising Talent): for every
  client, since a badge is public; explain may show the positions it moved;
* Diversity-Certified businesses (an enterprise request's `representative` option): a profile
  is a member when it holds a certification that counts on the request date, by the same rule
  as the enterprise badge (`ranking.search_filters.counting_categories`: approved, unexpired,
  from an enabled country). Only an enterprise search may ask for it; its positions appear in
  no explain block and in no response of another tier.

The badge pass runs first and the diversity pass last, so when both run the diversity floors
hold and the badge floors hold except where the diversity pass moved a badge holder down.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from ranking.ranking_profile import RankingProfile
from ranking.representative import Reordering, represent
from ranking.search_filters import GRANTS_FIELD, counting_categories
from ranking.talent_searcher import SearchResult

#: The `representative` value that means "any diversity category".
DIVERSITY = "diversity"


def badge_members(sources: Sequence[dict[str, Any]], badge: str) -> list[bool]:
    """Whether each profile (its indexed source) holds `badge`."""
    return [src.get("badge") == badge for src in sources]


def diversity_members(
    sources: Sequence[dict[str, Any]],
    categories: Sequence[str],
    as_of: date,
    enabled_countries: list[str],
) -> list[bool]:
    """Whether each profile holds a counting certification (of one of `categories`; of any
    when empty), by the rule of the enterprise badge."""
    wanted = set(categories)
    found = []
    for src in sources:
        held = counting_categories(src.get(GRANTS_FIELD) or [], as_of, enabled_countries)
        found.append(bool(held) and (not wanted or bool(wanted.intersection(held))))
    return found


@dataclass(frozen=True)
class DiversityAsk:
    """An enterprise request's `representative` option: the categories (empty: any)."""

    categories: tuple[str, ...] = ()
    as_of: date = dataclasses.field(default_factory=date.today)
    enabled_countries: tuple[str, ...] = ("US",)


@dataclass(frozen=True)
class Slates:
    """What the representative stage did to one search's window (None: that pass did not run)."""

    badge: Reordering | None = None
    diversity: Reordering | None = None

    def badge_positions(self, position_after: int) -> dict[str, Any]:
        """The explain entry of the hit now at `position_after` (1-based) for the badge pass:
        where fusion had put it and where it is now; empty when the pass did not run."""
        if self.badge is None:
            return {}
        before = self.badge.positions_before.get(position_after, position_after)
        return {"representative": {"position_before": before, "position_after": position_after}}


def reorder(
    result: SearchResult, members: list[bool], pool: int, depth: int, window: int
) -> Reordering:
    """Re-order the first `window` of `result.hits` in place by `represent` (what lies beyond
    the window stays there: nobody enters it); the re-ordering."""
    change = represent(members[:window], pool, min(depth, window))
    result.hits = [result.hits[i] for i in change.order] + result.hits[window:]
    return change


def representative_stage(
    result: SearchResult,
    profile: RankingProfile,
    depth: int,
    diversity: DiversityAsk | None = None,
) -> tuple[SearchResult, Slates]:
    """A copy of `result` with its window (`profile.window`, what the pages reach) re-ordered
    by the profile's badge pass and, when asked (enterprise only), the diversity pass; floors
    hold for positions 1 .. `depth` (at most the window)."""
    settings = profile.representative
    if settings.badge is None and diversity is None:
        return result, Slates()
    result = dataclasses.replace(result, hits=list(result.hits))
    window = profile.window
    badge = None
    if settings.badge is not None:
        sources = [result.sources[h.id] for h in result.hits[:window]]
        members = badge_members(sources, settings.badge)
        badge = reorder(result, members, settings.pool, depth, window)
    certified = None
    if diversity is not None:
        sources = [result.sources[h.id] for h in result.hits[:window]]
        members = diversity_members(
            sources, diversity.categories, diversity.as_of, list(diversity.enabled_countries)
        )
        certified = reorder(result, members, settings.pool, depth, window)
    return result, Slates(badge, certified)
