"""Response models, one per tier where tiers differ.

Visibility is structural: the standard and engineer models have no field that could carry
diversity information, and every model forbids extra fields, so a diversity value cannot slip
into a standard response even by mistake. Only the enterprise models add the diversity badge,
and it carries the certified categories and nothing else about the certification.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from indexer.profile_input import Badge, DiversityCategory
from query_api.api_keys import Tier
from ranking.ranking_profile import RankingProfile


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class MatchedSkill(_Strict):
    id: str
    label: str
    similarity: float
    exact: bool


class ProfileTile(_Strict):
    id: str
    name: str
    title: str
    top_skills: list[str]
    badge: Badge | None
    job_success_score: float | None
    hourly_rate_usd: float | None
    country: str


class DiversityBadge(_Strict):
    """Shown to Enterprise Suite clients only: which certified categories, nothing more."""

    categories: list[DiversityCategory]


class EnterpriseProfileTile(ProfileTile):
    diversity: DiversityBadge | None = None


class ResultTile(ProfileTile):
    score: float
    matched_skills: list[MatchedSkill]
    highlights: dict[str, list[str]] = Field(
        default_factory=dict, description="Query terms in context, by field (title, overview)."
    )


class EnterpriseResultTile(ResultTile):
    diversity: DiversityBadge | None = None


class EngineerResultTile(ResultTile):
    explain: dict[str, Any] | None = Field(
        default=None, description="Score breakdown whose parts add up to the score."
    )


class FacetBucket(_Strict):
    value: str
    count: int


class Facets(_Strict):
    """Counts over the ranked candidates (the results one can page through)."""

    badges: list[FacetBucket]
    countries: list[FacetBucket]
    rate_bands: list[FacetBucket]


class EnterpriseFacets(Facets):
    diversity_categories: list[FacetBucket]


class RankingInfo(_Strict):
    profile: str
    version: int
    overridden: bool = False


class QueryInfo(_Strict):
    alias_expansions: list[str]
    query_skills: list[MatchedSkill]


class SearchResponse(_Strict):
    total: int = Field(description="Ranked candidates available for paging (at most `window`).")
    page: int
    size: int
    window: int
    sort: str
    ranking: RankingInfo
    query: QueryInfo
    facets: Facets
    results: list[ResultTile]
    took_ms: float


class EnterpriseSearchResponse(SearchResponse):
    facets: EnterpriseFacets
    results: list[EnterpriseResultTile]  # type: ignore[assignment]


class EngineerSearchResponse(SearchResponse):
    results: list[EngineerResultTile]  # type: ignore[assignment]


class ErrorDetail(_Strict):
    field: str | None
    message: str


class ErrorBody(_Strict):
    status: int
    code: str
    message: str
    details: list[ErrorDetail] = Field(default_factory=list)
    request_id: str | None = None


class ErrorResponse(_Strict):
    """The one shape of every error response."""

    error: ErrorBody


class Readiness(_Strict):
    """What anyone may know: ready or not, and a reason that names no internals."""

    ready: bool
    reason: str | None = None


class ReadinessDetails(Readiness):
    """What an operator sees: which indices the aliases point at, and the backend's error."""

    backend: bool
    profiles_index: str | None
    skills_index: str | None

    def public(self) -> Readiness:
        if not self.backend:
            return Readiness(ready=False, reason="the search backend is unreachable")
        if not self.ready:
            return Readiness(ready=False, reason="nothing is indexed yet")
        return Readiness(ready=True)


class ClientInfo(_Strict):
    """Who a key belongs to and its tier, so a page can show what the tier may use."""

    client: str
    tier: Tier


class RankingProfileCatalog(_Strict):
    """The ranking profiles a relevance engineer can pick, with every setting."""

    default: str = Field(description="The profile that ranks requests naming none.")
    profiles: list[RankingProfile]
    invalid: list[ErrorDetail] = Field(
        default_factory=list,
        description="Profile files that failed to load (`field` is the profile name).",
    )
