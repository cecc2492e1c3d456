"""Shared fixtures: a per-test clone of the embedded server, profile factories, a fake encoder."""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from opensearchpy import OpenSearch
from osmem_server import OsmemServer

from indexer.badge_policy import BadgePolicy
from indexer.certification_registry import default_registry
from indexer.document_builder import DocumentBuilder
from indexer.skill_embeddings import EmbeddingCache, Vector
from indexer.skill_vocabulary import SkillVocabulary
from talent_search.backend import stop_embedded

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

AS_OF = date(2026, 11, 1)


@pytest.fixture(scope="session")
def osmem_server() -> Iterator[OsmemServer]:
    """One embedded server for the session; each test works on its own clone of it."""
    server = OsmemServer.start(japanese=False)
    yield server
    stop_embedded(server)


@pytest.fixture
def client(osmem_clone: Any) -> OpenSearch:
    """A client on a fresh copy-on-write clone of the embedded server (one per test)."""
    return OpenSearch(hosts=[osmem_clone.url], timeout=30)


def fake_encode(texts: list[str]) -> Vector:
    """Deterministic unit vectors from a hash: stands in for the model where meaning is moot."""
    rows = []
    for text in texts:
        seed = int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "little")
        v = np.random.default_rng(seed).standard_normal(384).astype(np.float32)
        rows.append(v / np.linalg.norm(v))
    return np.stack(rows)


@pytest.fixture
def embedding_cache(tmp_path: Path) -> Iterator[EmbeddingCache]:
    cache = EmbeddingCache(tmp_path / "embeddings.sqlite3")
    yield cache
    cache.close()


@pytest.fixture
def builder() -> DocumentBuilder:
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
