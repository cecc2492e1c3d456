"""Pure data builders for tests: profiles, certifications, JSONL files, a fake encoder.

Nothing here starts a server or loads the model, so unit and integration tests share it.
"""

from __future__ import annotations

import hashlib
import io
import json
from datetime import date
from pathlib import Path
from typing import Any, Literal

import numpy as np
from opensearchpy import OpenSearch

from domain.badges import BadgePolicy
from domain.certification_registry import default_registry
from domain.encoder import Vector
from domain.skill_vocabulary import SkillVocabulary
from indexer.document_builder import DocumentBuilder
from indexer.indexing_run import RunSummary, run_index
from indexer.skill_embeddings import EmbeddingCache

AS_OF = date(2026, 11, 1)


def fake_encode(texts: list[str]) -> Vector:
    """Deterministic unit vectors from a hash: stands in for the model where meaning is moot."""
    rows = []
    for text in texts:
        seed = int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "little")
        v = np.random.default_rng(seed).standard_normal(384).astype(np.float32)
        rows.append(v / np.linalg.norm(v))
    return np.stack(rows)


def document_builder() -> DocumentBuilder:
    """The indexer's document builder with the default vocabulary and policy, as of AS_OF."""
    return DocumentBuilder(
        vocabulary=SkillVocabulary.load_default().copy(),
        registry=default_registry(),
        policy=BadgePolicy(),
        as_of=AS_OF,
    )


def profile(**overrides: Any) -> dict[str, Any]:
    """A valid input profile; override any field."""
    base: dict[str, Any] = {
        "id": "fl-1",
        "name": "Ada Lovelace",
        "title": "Senior Python Developer",
        "overview": "I build data pipelines and APIs.",
        "skills": ["Python", "Django", "PostgreSQL"],
        "hourly_rate_usd": 80,
        "country": "US",
        "job_success_score": 95,
        "earnings_12m_usd": 25000,
        "total_jobs": 40,
        "first_contract_date": "2020-01-15",
        "profile_complete": True,
    }
    base.update(overrides)
    return base


def certification(**overrides: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "business_name": "Lovelace Analytics LLC",
        "category": "woman_owned",
        "certifying_body": "WBENC",
        "certification_type": "WBE",
        "certificate_number": "WBENC-SECRET-0001",
        "expires_on": "2027-06-30",
        "review_status": "approved",
        "country": "US",
    }
    base.update(overrides)
    return base


def write_jsonl(path: Path, rows: list[dict[str, Any] | str]) -> Path:
    with path.open("w") as fh:
        for row in rows:
            fh.write((row if isinstance(row, str) else json.dumps(row)) + "\n")
    return path


def index_file(
    client: OpenSearch,
    path: Path,
    builder: DocumentBuilder,
    cache: EmbeddingCache,
    mode: Literal["rebuild", "upsert"] = "rebuild",
    workers: int = 0,
) -> tuple[RunSummary, list[dict[str, Any]]]:
    """`run_index` of `path` with the fake model, vectors as the engine allows (k-NN on
    OpenSearch, none embedded), documents built by `workers` processes (0: in this one): its
    summary and its rejects, parsed."""
    rejects = io.StringIO()
    summary = run_index(
        client,
        path,
        rejects,
        builder,
        fake_encode,
        cache,
        "fake-model",
        mode=mode,
        profile_vectors=None,
        workers=workers,
    )
    return summary, [json.loads(line) for line in rejects.getvalue().splitlines()]
