"""The document the indexer writes for one profile: the other half of the index contract.

Field for field it matches `talent_profiles.v3.json` (a test proves it). Diversity
certifications keep only what the query-time filter needs (country, category, expiry):
never the certificate number, the business name or the review notes.
"""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field


class _Document(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SkillCertificationDoc(_Document):
    name: str
    issuer: str
    earned_on: date | None = None


class ProfileDocument(_Document):
    id: str
    name: str
    title: str
    overview: str | None = None
    skills: list[str]
    skill_ids: list[str]
    skill_labels: list[str]
    # the vocabulary skills the title names ("React.js Developer" -> react): see DocumentBuilder
    title_skill_ids: list[str] = Field(default_factory=list)
    # the O*NET occupations whose titles the title carries ("Bookkeeping Clerk" -> 43-3031.00)
    title_occupations: list[str] = Field(default_factory=list)
    hourly_rate_usd: float | None = None
    country: str
    job_success_score: float | None = None
    earnings_12m_usd: float = 0
    total_jobs: int = 0
    first_contract_date: date | None = None
    profile_complete: bool = False
    expert_vetted: bool = False
    badge: str | None = None
    # 0 (none) .. 4 (expert_vetted): lets a filter-only browse sort by badge in the engine.
    badge_rank: int = 0
    badge_source: str | None = None
    badge_derived: str | None = None
    badge_asserted: str | None = None
    badge_as_of: date
    skill_certifications: list[SkillCertificationDoc] = Field(default_factory=list)
    # "COUNTRY|category|expires_on" per approved certification from a registered body: see
    # mappings/diversity_grants.py. Expiry and country enablement are checked at query time.
    diversity_grants: list[str] = Field(default_factory=list)
    updated_at: datetime | None = None
    indexed_at: datetime
