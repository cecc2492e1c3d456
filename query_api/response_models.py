"""Response models, one per tier where tiers differ.

Visibility is structural: the standard and engineer models have no field that could carry
diversity information, and every model forbids extra fields, so a diversity value cannot slip
into a standard response even by mistake. Only the enterprise models add the diversity badge,
and it carries the certified categories and nothing else about the certification.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from domain.badges import Badge
from domain.diversity import DiversityCategory
from query_api.api_keys import Tier
from ranking.query_classes import QueryClass
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


class RequiredSkillsFit(_Strict):
    """A profile's fit against a job post's required skills, in the job's order."""

    matched: list[str] = Field(description="Required skills the profile holds (labels).")
    missing: list[str] = Field(description="Required skills it lacks (labels).")
    held: int = Field(description="How many it holds ...")
    of: int = Field(description="... of how many required (the coverage: `held` of `of`).")


class ResultTile(ProfileTile):
    score: float
    matched_skills: list[MatchedSkill]
    highlights: dict[str, list[str]] = Field(
        default_factory=dict, description="Query terms in context, by field (title, overview)."
    )
    required_skills: RequiredSkillsFit | None = Field(
        default=None,
        exclude_if=lambda fit: fit is None,
        description="A job-post search (`job`) only: the fit to its required skills.",
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
    """Counts over the results one can page through (the `total` results), never more."""

    badges: list[FacetBucket]
    countries: list[FacetBucket]
    rate_bands: list[FacetBucket]


class EnterpriseFacets(Facets):
    diversity_categories: list[FacetBucket]


class SlateChange(_Strict):
    """How representative re-ranking (DetGreedy, Geyik et al. 2019) moved the ranked window:
    every prefix of k results, for k up to `depth`, holds the group at least floor(share * k)
    times. Nobody was added or removed, and the group keeps its own relevance order."""

    share: float = Field(
        description="The group's share among the first `pool` results of the unmodified ranking."
    )
    pool: int = Field(description="How many results of the unmodified ranking `share` counts.")
    depth: int = Field(description="The floors hold for every prefix up to this position.")
    reordered: bool = Field(description="Whether any result moved.")
    hits_moved: int = Field(description="Results whose position changed.")
    positions_moved: int = Field(
        description="The sum over the window of |position after - position before|."
    )


class BadgeExposure(SlateChange):
    """The ranking profile's badge exposure (`representative.badge`): the same for every client."""

    badge: Badge


class EnterpriseRepresentativeSlate(SlateChange):
    """The `representative` option of an enterprise request."""

    groups: list[str] = Field(description="`diversity` (any category), or the categories named.")


class RankingInfo(_Strict):
    profile: str = Field(description="The ranking profile that ranked the results.")
    version: int = Field(description="That profile's version.")
    overridden: bool = Field(
        default=False,
        description="True only when per-request `ranking_overrides` changed the profile's "
        "weights; naming a profile (`ranking_profile`) alone is not an override.",
    )
    query_class: QueryClass | None = Field(
        default=None,
        description="The query's class: `job_title` when an O*NET job title is the whole "
        "query. A profile may rank a class with its own settings (`query_classes`).",
    )
    badge_exposure: BadgeExposure | None = Field(
        default=None,
        description="Set when the ranking profile gives a badge's holders their share of every "
        "prefix (`representative.badge`): how much that re-ordered the results.",
    )


class DidYouMean(_Strict):
    """A word of the query read as a skill it is a typo of ("pyhton" -> Python)."""

    typed: str = Field(description="The word as typed.")
    suggestion: str = Field(description="The skill it was read as.")


class Matched(_Strict):
    """How many talents the engine matched, as OpenSearch reports `hits.total`."""

    count: int = Field(description="Matched candidates the ranking saw.")
    relation: Literal["eq", "gte"] = Field(
        description="`eq`: exactly `count`; `gte`: `count` or more (a leg filled its "
        "ranking window, so the engine may have matched more than it returned)."
    )


class JobSkillInfo(_Strict):
    """One skill of the job post, as the search read it."""

    text: str = Field(description="As the job post gave it.")
    label: str = Field(description="The skill it was read as (the text itself when unknown).")
    found_by: Literal["name", "alias", "profiles", "typo", "text"] = Field(
        description="`name` or `alias` of the skill vocabulary; `profiles`: a skill the "
        "profiles list that the vocabulary lacks; `typo`: a typo of `label`; `text`: nothing "
        "knows it, so a profile holds it when one of its skills says it word for word."
    )


class JobInfo(_Strict):
    """How a job-post search (`job`) read the post."""

    required: list[JobSkillInfo]
    nice_to_have: list[JobSkillInfo]
    from_description: list[str] = Field(description="Skills the description names (labels).")
    unknown_skills: list[str] = Field(
        description="Tagged skills nothing recognised: they still count, by their text."
    )
    match: Literal["rank", "all"]


class QueryInfo(_Strict):
    alias_expansions: list[str]
    query_skills: list[MatchedSkill]
    job: JobInfo | None = Field(
        default=None, exclude_if=lambda job: job is None, description="A job-post search only."
    )


class SearchResponse(_Strict):
    """`total` is what the pages reach and what the facets count; `matched` is the wider count.

    The engine's candidates are ranked, and the best `window` of them (in relevance order) are
    the results: `total` counts them, the pages (`ceil(total / size)` of them) show them, and
    the facets count them. `matched` says how many candidates matched, which may be more.
    """

    total: int = Field(
        description="Results one can page through (at most `window`); the facets count these."
    )
    matched: Matched = Field(description="Candidates the engine matched (may exceed `total`).")
    pages: int = Field(description="The last reachable page: ceil(total / size), at least 1.")
    page: int
    size: int
    window: int
    sort: str
    ranking: RankingInfo
    query: QueryInfo
    did_you_mean: list[DidYouMean] = Field(
        default_factory=list,
        description="Typos read as skills; search `q` with each `typed` word replaced by its "
        "`suggestion` to search the corrected text.",
    )
    facets: Facets
    results: list[ResultTile]
    took_ms: float


class EnterpriseSearchResponse(SearchResponse):
    facets: EnterpriseFacets
    results: list[EnterpriseResultTile]  # type: ignore[assignment]
    representative: EnterpriseRepresentativeSlate | None = Field(
        default=None, description="Set when the request asked for `representative` results."
    )


class EngineerSearchResponse(SearchResponse):
    results: list[EngineerResultTile]  # type: ignore[assignment]
    policy_warnings: list[str] = Field(
        default_factory=list,
        description="Where the ranking (the profile with any overrides) breaks the badge "
        "policy: a multiplier below 1, or a lower badge above a higher one. Allowed, but said.",
    )


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
    page_modules: list[str] = Field(
        default_factory=list,
        description="The pages' extra modules this tier loads (URLs that work for a while).",
    )


class SettingInfo(_Strict):
    """One ranking setting as the model defines it (ranking.profile_settings)."""

    description: str
    stage: Literal["request", "fusion", "rerank", "explain"] | None = Field(
        description="Where a search reads it: `request` shapes the engine's request bodies, "
        "`fusion` is read after the engine answered, `rerank` by representative re-ranking, "
        "`explain` only by explain."
    )
    min: float | None = Field(default=None, description="Lowest valid value (a number).")
    max: float | None = Field(default=None, description="Highest valid value (a number).")
    min_exclusive: bool = Field(default=False, description="`min` itself is not valid.")
    max_exclusive: bool = Field(default=False, description="`max` itself is not valid.")
    choices: list[Any] | None = Field(default=None, description="The valid values (a choice).")


class RankingProfileCatalog(_Strict):
    """The ranking profiles a relevance engineer can pick, with every setting."""

    default: str = Field(description="The profile that ranks requests naming none.")
    profiles: list[RankingProfile]
    policy_warnings: dict[str, list[str]] = Field(
        default_factory=dict,
        description="Per profile name, where it breaks the badge policy (a multiplier below "
        "1, or a lower badge above a higher one); profiles that keep it are not listed.",
    )
    settings: dict[str, SettingInfo] = Field(
        default_factory=dict,
        description="Every setting by dotted path (`badges.expert_vetted`): its description, "
        "stage and valid range, from the ranking profile model.",
    )
    invalid: list[ErrorDetail] = Field(
        default_factory=list,
        description="Profile files that failed to load (`field` is the profile name).",
    )


class SkillSuggestionItem(_Strict):
    id: str = Field(description="The canonical skill id (what `skills` accepts, as its label).")
    label: str = Field(description="The skill's label: put it in `skills`.")
    matched: str = Field(description="The label or alias that starts with the prefix.")


class SkillSuggestions(_Strict):
    """Skills whose label or an alias starts with `prefix`, best first."""

    prefix: str
    suggestions: list[SkillSuggestionItem]


class DemoKey(_Strict):
    key: str
    tier: Tier


class PageConfig(_Strict):
    """What the browser pages may show before a key is entered (no key needed)."""

    demo_keys: list[DemoKey] = Field(
        default_factory=list,
        description="The public demo keys, listed only when `talent-search demo` serves the "
        "pages; empty otherwise.",
    )
