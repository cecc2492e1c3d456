"""Marketplace badges and their derivation, as of a date.

The thresholds are the marketplace's published ones (`BadgePolicy`'s defaults) and live in a
pydantic model so that they can be changed from a YAML file without touching code. JSS is
recomputed every two weeks, so badges are derived from the stats each time a profile or its
stats are written.

Order of precedence: expert_vetted (a manual flag, never derived) > top_rated_plus > top_rated >
rising_talent. A profile shows its single highest badge.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import yaml
from pydantic import BaseModel, ConfigDict, Field


class Badge(StrEnum):
    """Marketplace badges, lowest to highest (the order matters: see `rank`)."""

    RISING_TALENT = "rising_talent"
    TOP_RATED = "top_rated"
    TOP_RATED_PLUS = "top_rated_plus"
    EXPERT_VETTED = "expert_vetted"

    @property
    def rank(self) -> int:
        return list(Badge).index(self) + 1


class BadgePolicy(BaseModel):
    """Thresholds of the badge rules. Defaults follow the marketplace's published rules."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    top_rated_min_days_since_first_contract: Annotated[int, Field(ge=0)] = 90
    top_rated_min_jss: Annotated[float, Field(ge=0, le=100)] = 90
    top_rated_min_earnings_12m_usd: Annotated[float, Field(ge=0)] = 1_000
    top_rated_plus_min_earnings_12m_usd: Annotated[float, Field(ge=0)] = 10_000
    rising_talent_max_days_since_first_contract: Annotated[int, Field(ge=0)] = 90
    rising_talent_min_jobs: Annotated[int, Field(ge=0)] = 1
    # "Good feedback": JSS is not required for new talent, but a JSS below this disqualifies.
    rising_talent_min_jss: Annotated[float, Field(ge=0, le=100)] = 80
    require_complete_profile: bool = True

    @classmethod
    def from_yaml(cls, path: Path) -> BadgePolicy:
        return cls.model_validate(yaml.safe_load(path.read_text()) or {})


class BadgeStats(BaseModel):
    """The profile facts that badges depend on."""

    model_config = ConfigDict(frozen=True)

    expert_vetted: bool = False
    job_success_score: float | None = None
    earnings_12m_usd: float = 0
    total_jobs: int = 0
    first_contract_date: date | None = None
    profile_complete: bool = False


def derive_badge(stats: BadgeStats, as_of: date, policy: BadgePolicy) -> Badge | None:
    """The single highest badge the stats qualify for on `as_of`, or None."""
    if stats.expert_vetted:
        return Badge.EXPERT_VETTED
    complete = stats.profile_complete or not policy.require_complete_profile
    if not complete or stats.first_contract_date is None:
        return None
    days_active = (as_of - stats.first_contract_date).days
    jss = stats.job_success_score
    top_rated = (
        days_active > policy.top_rated_min_days_since_first_contract
        and jss is not None
        and jss >= policy.top_rated_min_jss
        and stats.earnings_12m_usd >= policy.top_rated_min_earnings_12m_usd
    )
    if top_rated:
        if stats.earnings_12m_usd >= policy.top_rated_plus_min_earnings_12m_usd:
            return Badge.TOP_RATED_PLUS
        return Badge.TOP_RATED
    rising = (
        0 <= days_active <= policy.rising_talent_max_days_since_first_contract
        and stats.total_jobs >= policy.rising_talent_min_jobs
        and (jss is None or jss >= policy.rising_talent_min_jss)
    )
    return Badge.RISING_TALENT if rising else None
