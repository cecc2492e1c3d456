"""The search request: one model for `GET /v1/search` (query string) and `POST /v1/search` (JSON).

Every field has a bound, so a request beyond it gets a 422 naming the field. User text never
reaches a `query_string` or a script: `q` goes into `multi_match` and term lookups only, so
Lucene syntax characters are plain text. Control characters are turned into spaces.
"""

from __future__ import annotations

import unicodedata
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    model_validator,
)
from pydantic_core import PydanticCustomError

from domain.badges import Badge
from domain.countries import CountryCode
from domain.diversity import DiversityCategory
from ranking.job_post_query import JobPost
from ranking.ranking_profile import ProfileName

MAX_QUERY_CHARS = 256
MAX_DESCRIPTION_CHARS = 5_000
MAX_SKILLS = 20
MAX_FILTER_VALUES = 50
MAX_PAGE_SIZE = 50
MAX_RATE = 10_000.0

# Parameters only some tiers may use: checked on the raw request, before validation, so that a
# standard client learns nothing from a 422 about them.
DIVERSITY_PARAMS = frozenset({"diversity_certified", "diversity_categories", "representative"})
ENGINEER_PARAMS = frozenset({"explain", "ranking_profile", "ranking_overrides"})

Sort = Literal["relevance", "rate_asc", "rate_desc", "jss"]


def _clean_text(value: str) -> str:
    """Control and format characters become spaces; whitespace runs collapse."""
    cleaned = "".join(
        " " if unicodedata.category(ch) in {"Cc", "Cf", "Cs", "Co", "Cn"} else ch for ch in value
    )
    return " ".join(cleaned.split())


def _split_commas(value: Any) -> Any:
    """`?badges=a,b` and `?badges=a&badges=b` mean the same."""
    if isinstance(value, str):
        value = [value]
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return [part.strip() for v in value for part in v.split(",") if part.strip()]
    return value


QueryText = Annotated[
    str, StringConstraints(max_length=MAX_QUERY_CHARS), AfterValidator(_clean_text)
]
SkillText = Annotated[
    str,
    StringConstraints(min_length=1, max_length=100),
    AfterValidator(_clean_text),
]


def _unique(values: list[Any]) -> list[Any]:
    return list(dict.fromkeys(values))


def _not_blank(value: str) -> str:
    if not value:
        raise PydanticCustomError("blank", "must not be blank: give the job's title")
    return value


class JobPostQuery(BaseModel):
    """A whole job post as the query: its tagged skills carry the ranking, and every result
    says which of them the freelancer holds and lacks."""

    model_config = ConfigDict(extra="forbid")

    title: Annotated[
        str,
        StringConstraints(max_length=MAX_QUERY_CHARS),
        AfterValidator(_clean_text),
        AfterValidator(_not_blank),
    ] = Field(description="The job post's title, read like `q`.")
    description: Annotated[
        str, StringConstraints(max_length=MAX_DESCRIPTION_CHARS), AfterValidator(_clean_text)
    ] = Field(default="", description="The post's text: the skills it names count (less).")
    skills: Annotated[list[SkillText], Field(max_length=MAX_SKILLS)] = Field(
        default_factory=list,
        description=f"Required skills, at most {MAX_SKILLS}, rarest weighing most. Each "
        "result says which it holds (`required_skills`).",
    )
    nice_to_have: Annotated[list[SkillText], Field(max_length=MAX_SKILLS)] = Field(
        default_factory=list, description=f"Skills that count less, at most {MAX_SKILLS}."
    )
    match: Literal["rank", "all"] = Field(
        default="rank",
        description="`rank`: holding more of the required skills ranks higher; `all`: only "
        "talent holding every required skill (a filter: `total` and the facets count it).",
    )

    def job_post(self) -> JobPost:
        """The post as the ranking reads it."""
        return JobPost(
            title=self.title,
            description=self.description,
            required=tuple(self.skills),
            nice_to_have=tuple(self.nice_to_have),
            match_all=self.match == "all",
        )


class StandardSearchParams(BaseModel):
    """Search parameters, the same in the query string and the JSON body, for every tier.

    A standard client's request is validated against this model alone (see
    `query_api.deps.search_access`), so a diversity parameter is as unknown to it as any other.
    """

    model_config = ConfigDict(extra="forbid")

    q: QueryText | None = Field(
        default=None, description="Free text: skills or a job title. Optional with filters."
    )
    skills: Annotated[
        list[SkillText], BeforeValidator(_split_commas), Field(max_length=MAX_SKILLS)
    ] = Field(
        default_factory=list,
        description=f"Skills the talent must hold (any of them), at most {MAX_SKILLS}: "
        "comma-separated or repeated.",
    )
    badges: Annotated[
        list[Badge], BeforeValidator(_split_commas), AfterValidator(_unique), Field(max_length=4)
    ] = Field(default_factory=list, description="Only talent holding one of these badges.")
    min_jss: float | None = Field(default=None, ge=0, le=100, description="Minimum JSS (0-100).")
    min_rate: float | None = Field(default=None, ge=0, le=MAX_RATE, description="USD per hour.")
    max_rate: float | None = Field(default=None, ge=0, le=MAX_RATE, description="USD per hour.")
    country: Annotated[
        list[CountryCode],
        BeforeValidator(_split_commas),
        AfterValidator(_unique),
        Field(max_length=MAX_FILTER_VALUES),
    ] = Field(default_factory=list, description="ISO 3166-1 alpha-2 country codes.")
    # No upper bound here: a page beyond the ranking window gets a 422 from the search service
    # that says where the last page is (which depends on `size` and the ranking profile).
    page: int = Field(
        default=1,
        ge=1,
        description="1-based page number, within the ranking window.",
    )
    size: int = Field(default=10, ge=1, le=MAX_PAGE_SIZE, description="Results per page.")
    sort: Sort = "relevance"
    explain: bool = Field(default=False, description="Relevance engineers only.")
    ranking_profile: ProfileName | None = Field(
        default=None, description="Relevance engineers only: a named ranking profile."
    )

    @model_validator(mode="after")
    def _rate_bounds(self) -> StandardSearchParams:
        if (
            self.min_rate is not None
            and self.max_rate is not None
            and self.min_rate > self.max_rate
        ):
            # The error names `min_rate` (see query_api.error_responses.validation_details).
            raise PydanticCustomError(
                "rate_bounds",
                "min_rate must not exceed max_rate: lower min_rate to {max_rate} or less, "
                "or raise max_rate",
                {"field": "min_rate", "max_rate": f"{self.max_rate:g}"},
            )
        return self


def _one_kind_of_group(groups: list[Any]) -> list[Any]:
    """`diversity` already means every category: naming categories beside it is ambiguous."""
    if "diversity" in groups and len(groups) > 1:
        raise ValueError("give `diversity` (any category) or diversity categories, not both")
    return groups


class SearchParams(StandardSearchParams):
    """Search parameters with the Diversity-Certified filter (enterprise; 403 for engineers)."""

    diversity_certified: bool = Field(default=False, description="Enterprise clients only.")
    diversity_categories: Annotated[
        list[DiversityCategory], BeforeValidator(_split_commas), AfterValidator(_unique)
    ] = Field(default_factory=list, description="Enterprise clients only.")
    representative: Annotated[
        list[Literal["diversity"] | DiversityCategory],
        BeforeValidator(_split_commas),
        AfterValidator(_unique),
        AfterValidator(_one_kind_of_group),
    ] = Field(
        default_factory=list,
        description="Enterprise clients only: `diversity` (or diversity categories) re-orders "
        "the ranked window so that every prefix up to the page read holds Diversity-Certified "
        "businesses at least in their share among the first results of the unmodified "
        "ranking (`ranking_profile.representative.pool`, 50).",
    )


class LegOverride(BaseModel):
    model_config = ConfigDict(extra="forbid")
    weight: float | None = Field(default=None, ge=0, le=10)


class SkillLegOverride(LegOverride):
    top_k_skills: int | None = Field(default=None, ge=1, le=256)
    tie_breaker: float | None = Field(default=None, ge=0, le=1)
    min_similarity: float | None = Field(default=None, ge=-1, le=1)


class LegOverrides(BaseModel):
    model_config = ConfigDict(extra="forbid")
    lexical: LegOverride | None = None
    skill: SkillLegOverride | None = None


class BadgeOverrides(BaseModel):
    model_config = ConfigDict(extra="forbid")
    expert_vetted: float | None = Field(default=None, gt=0, le=10)
    top_rated_plus: float | None = Field(default=None, gt=0, le=10)
    top_rated: float | None = Field(default=None, gt=0, le=10)
    rising_talent: float | None = Field(default=None, gt=0, le=10)


class JssPriorOverride(BaseModel):
    model_config = ConfigDict(extra="forbid")
    weight: float | None = Field(default=None, ge=0, le=1)
    pivot: float | None = Field(default=None, ge=0, lt=100)


class RankingOverrides(BaseModel):
    """Per-request ranking weights (relevance engineers only); unset fields keep the profile's."""

    model_config = ConfigDict(extra="forbid")
    normalisation: Literal["minmax", "rrf"] | None = None
    rrf_k: int | None = Field(default=None, ge=1, le=1000)
    legs: LegOverrides | None = None
    badges: BadgeOverrides | None = None
    jss_prior: JssPriorOverride | None = None

    def as_dict(self) -> dict[str, Any]:
        return self.model_dump(exclude_none=True)


JOB_FIELD = Field(
    default=None,
    description="Search by a whole job post, instead of or beside `q` (then `q` is the "
    "query and the post's title is read with its description).",
)


class SearchBody(SearchParams):
    """The JSON body of `POST /v1/search`: the query parameters, a job post, and ranking
    overrides."""

    job: JobPostQuery | None = JOB_FIELD
    ranking_overrides: RankingOverrides | None = None


class StandardSearchBody(StandardSearchParams):
    """What a standard client's JSON body is validated against (no diversity fields)."""

    job: JobPostQuery | None = JOB_FIELD
    ranking_overrides: RankingOverrides | None = None


# The query-string parameters that may be given more than once (each a list); any other
# parameter given twice is a 422, never silently its last value.
LIST_PARAMS = frozenset({"skills", "badges", "country", "diversity_categories", "representative"})
