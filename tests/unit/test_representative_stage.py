"""The representative stage on a search result: who is in a group, and the window it keeps."""

from __future__ import annotations

from datetime import date
from typing import Any, NamedTuple

from ranking.ranking_profile import load_profile
from ranking.representative_stage import DiversityAsk, diversity_members, representative_stage
from ranking.talent_searcher import SearchResult

AS_OF = date(2026, 12, 7)


class Hit(NamedTuple):
    id: str


def result(sources: dict[str, dict[str, Any]], window: int) -> SearchResult:
    profile = load_profile("rising-talent").model_copy(update={"window": window})
    hits: list[Any] = [Hit(doc) for doc in sources]
    return SearchResult(hits, sources, profile, [], [], {})


def test_certification_counts_by_the_badges_rule() -> None:
    sources = [
        {"diversity_grants": ["US|woman_owned|2027-06-30"]},
        {"diversity_grants": ["US|woman_owned|2026-12-06"]},  # expired the day before
        {"diversity_grants": ["CA|minority_owned|2027-06-30"]},  # Canada not enabled
        {"diversity_grants": ["US|veteran_owned|2027-06-30"]},
        {},
    ]
    assert diversity_members(sources, (), AS_OF, ["US"]) == [True, False, False, True, False]
    assert diversity_members(sources, ("veteran_owned",), AS_OF, ["US"]) == [
        False,
        False,
        False,
        True,
        False,
    ]


def test_nobody_enters_the_window_even_when_the_page_reaches_past_it() -> None:
    """Rising Talent only beyond the window: the page end (20) is past the window (10), yet
    the window keeps its members and the tail its order."""
    sources = {f"p{i:02d}": {"badge": "rising_talent" if i >= 10 else None} for i in range(30)}
    before = list(sources)
    after, slates = representative_stage(
        result(sources, window=10), result(sources, 10).profile, 20
    )
    ids = [h.id for h in after.hits]
    assert set(ids[:10]) == set(before[:10]) and ids[10:] == before[10:]
    assert slates.badge is not None and slates.badge.depth == 10


def test_no_option_and_no_badge_pass_leaves_the_result_alone() -> None:
    sources = {f"p{i}": {"badge": None} for i in range(5)}
    plain = result(sources, 10)
    profile = load_profile("default")
    same, slates = representative_stage(plain, profile, 10, None)
    assert same is plain and slates.badge is None and slates.diversity is None
    asked, slates = representative_stage(plain, profile, 10, DiversityAsk((), AS_OF, ("US",)))
    assert [h.id for h in asked.hits] == list(sources) and slates.diversity is not None
