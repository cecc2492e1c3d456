"""One past job post as indexed: its tagged skills canonicalised, its title embedded.

The ranking loads these (ranking.job_post_evidence) to read which skills a query needs from the
posts whose titles are nearest to it. The description is kept for people, never embedded.
"""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict


class JobPostDocument(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str
    title: str
    description: str | None = None
    skills: list[str]
    skill_ids: list[str]
    posted_at: date | None = None
    embedding_model: str
    embedding: list[float]
