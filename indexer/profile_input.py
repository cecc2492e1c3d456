"""The profile input format: one JSON object per line, validated field by field.

The model is strict about shape and bounds so that a bad line is rejected with the name of the
field at fault, instead of reaching the index half-right.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from domain.badges import Badge
from domain.countries import CountryCode
from domain.diversity import DiversityCategory, ReviewStatus
from domain.identifiers import ProfileId

SkillName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class SkillCertification(_Strict):
    """A skill certification (AWS, Google Ads...). Never a diversity certification."""

    name: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    issuer: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    earned_on: date | None = None


class DiversityCertificationInput(_Strict):
    """An external certification of the business, as submitted for manual review."""

    business_name: Annotated[str, StringConstraints(min_length=1, max_length=300)]
    category: DiversityCategory
    certifying_body: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    certification_type: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    certificate_number: Annotated[str, StringConstraints(min_length=1, max_length=100)]
    expires_on: date
    review_status: ReviewStatus
    country: CountryCode


class ProfileInput(_Strict):
    """One freelancer profile as the marketplace exports it."""

    id: ProfileId
    name: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    title: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    overview: Annotated[str, StringConstraints(max_length=5000)] | None = None
    skills: Annotated[list[SkillName], Field(min_length=1, max_length=50)]
    hourly_rate_usd: Annotated[float, Field(ge=0, allow_inf_nan=False)] | None = None
    country: CountryCode
    job_success_score: Annotated[float, Field(ge=0, le=100, allow_inf_nan=False)] | None = None
    earnings_12m_usd: Annotated[float, Field(ge=0, allow_inf_nan=False)] = 0
    total_jobs: Annotated[int, Field(ge=0)] = 0
    first_contract_date: date | None = None
    profile_complete: bool = False
    expert_vetted: bool = False
    badge: Badge | None = None
    skill_certifications: list[SkillCertification] = Field(default_factory=list)
    diversity_certifications: list[DiversityCertificationInput] = Field(default_factory=list)
    updated_at: datetime | None = None
