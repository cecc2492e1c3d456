"""One entry of the skill vocabulary that the indexed profiles use, with its embedding.

The ranking loads these to map a query onto skills; keeping them beside the profiles (same
version, swapped together) means a reader never sees skill ids that its vocabulary lacks.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class SkillDocument(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str
    label: str
    aliases: list[str]
    sources: list[str]
    embedding_model: str
    embedding: list[float]
