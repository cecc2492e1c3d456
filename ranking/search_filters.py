"""Search filters and their OpenSearch filter clauses, shared by every leg of a search.

The Diversity-Certified filter checks, at query time, that a stored certification is from an
enabled country and has not expired on the request date: a certification that expires tomorrow
stops counting tomorrow without a reindex. Whether a caller may use it is the API's decision.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from domain.badges import Badge
from domain.diversity import DiversityCategory
from mappings.diversity_grants import parse_grant, unexpired_range


class SearchFilters(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    skill_ids: list[str] = Field(default_factory=list)
    badges: list[Badge] = Field(default_factory=list)
    min_jss: float | None = Field(default=None, ge=0, le=100)
    min_rate: float | None = Field(default=None, ge=0)
    max_rate: float | None = Field(default=None, ge=0)
    countries: list[str] = Field(default_factory=list)
    diversity_certified: bool = False
    diversity_categories: list[DiversityCategory] = Field(default_factory=list)

    @property
    def uses_diversity(self) -> bool:
        return self.diversity_certified or bool(self.diversity_categories)

    def is_empty(self) -> bool:
        return self == SearchFilters()


GRANTS_FIELD = "diversity_grants"
MATCH_NOTHING: dict[str, Any] = {"bool": {"must_not": [{"match_all": {}}]}}


def diversity_clause(
    categories: list[DiversityCategory], as_of: date, enabled_countries: list[str]
) -> dict[str, Any]:
    """Profiles holding a counting certification (of one of `categories`, if given): one
    keyword range per (enabled country, category), see mappings/diversity_grants.py."""
    ranges = [
        unexpired_range(GRANTS_FIELD, country, category, as_of)
        for country in enabled_countries
        for category in (categories or list(DiversityCategory))
    ]
    if not ranges:  # no enabled country: nothing counts (an empty `should` would match all)
        return MATCH_NOTHING
    return {"bool": {"should": ranges, "minimum_should_match": 1}}


def counting_categories(grants: list[str], as_of: date, enabled_countries: list[str]) -> list[str]:
    """The categories of stored grants that count on `as_of`: the same rule as
    `diversity_clause`, for the enterprise tile's badge and facet."""
    found = set()
    for value in grants:
        grant = parse_grant(value)
        if grant and grant.expires_on >= as_of and grant.country in enabled_countries:
            found.add(grant.category)
    return sorted(found)


def filter_clauses(
    filters: SearchFilters, as_of: date, enabled_countries: list[str]
) -> list[dict[str, Any]]:
    clauses: list[dict[str, Any]] = []
    if filters.skill_ids:
        clauses.append({"terms": {"skill_ids": filters.skill_ids}})
    if filters.badges:
        clauses.append({"terms": {"badge": [b.value for b in filters.badges]}})
    if filters.min_jss is not None:
        clauses.append({"range": {"job_success_score": {"gte": filters.min_jss}}})
    if filters.min_rate is not None or filters.max_rate is not None:
        bounds = {}
        if filters.min_rate is not None:
            bounds["gte"] = filters.min_rate
        if filters.max_rate is not None:
            bounds["lte"] = filters.max_rate
        clauses.append({"range": {"hourly_rate_usd": bounds}})
    if filters.countries:
        clauses.append({"terms": {"country": filters.countries}})
    if filters.uses_diversity:
        clauses.append(
            diversity_clause(list(filters.diversity_categories), as_of, enabled_countries)
        )
    return clauses
