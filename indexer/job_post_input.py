"""The job-post input format: one JSON object per line, validated like a profile.

A past job post is a client's title and the skills they tagged it with: the marketplace's best
evidence of what a request needs. A bad line is rejected with the field at fault.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

from domain.identifiers import ProfileId
from indexer.profile_input import SkillName


class JobPostInput(BaseModel):
    """One past job post as the marketplace exports it; `id` is derived when absent."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    id: ProfileId | None = None
    title: Annotated[str, StringConstraints(min_length=1, max_length=300)]
    skills: Annotated[list[SkillName], Field(min_length=1, max_length=50)]
    description: Annotated[str, StringConstraints(max_length=5000)] | None = None
    posted_at: date | None = None

    @field_validator("posted_at", mode="before")
    @classmethod
    def _day_of_datetime(cls, value: Any) -> Any:
        """A timestamp ("2024-05-01T09:30:00Z") counts as its day."""
        if isinstance(value, str) and len(value) > 10:
            try:
                return datetime.fromisoformat(value).date()
            except ValueError:
                return value  # the date check names the field
        return value
