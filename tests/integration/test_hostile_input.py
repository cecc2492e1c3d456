"""A bad line never costs a good one, on both engines: hostile lines between good ones in a
rebuild and an upsert, and duplicate ids (the last line wins, counted once, reported)."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from opensearchpy import OpenSearch

from domain.skill_vocabulary import SkillVocabulary
from indexer.document_builder import DocumentBuilder
from indexer.job_post_indexing import run_job_post_index
from indexer.skill_embeddings import EmbeddingCache
from mappings.index_contract import PROFILES
from tests.factories import fake_encode, index_file, profile
from tests.unit.test_hostile_lines import nested, with_value

pytestmark = pytest.mark.integration

HOSTILE = [
    nested(3_000, "["),  # RecursionError in json.loads
    with_value("hourly_rate_usd", "NaN"),
    with_value("hourly_rate_usd", "1e400"),
    with_value("total_jobs", "9" * 5_000),
    with_value("title", '"\\ud800"'),
    b'{"id": "dup-key", "id": "other"}',
    b"\xff\xfe not utf-8",
]


def _write(path: Path, good: int, first: int = 0) -> Path:
    """`good` valid profiles with the hostile lines spread between them."""
    with path.open("wb") as fh:
        for i in range(good):
            fh.write(json.dumps(profile(id=f"p{first + i}")).encode() + b"\n")
            if i % 10 == 0 and i // 10 < len(HOSTILE):
                fh.write(HOSTILE[i // 10] + b"\n")
    return path


def test_hostile_lines_are_rejected_and_every_good_line_is_indexed(
    client: OpenSearch, builder: DocumentBuilder, embedding_cache: EmbeddingCache, tmp_path: Path
) -> None:
    summary, rejects = index_file(
        client, _write(tmp_path / "a.jsonl", 100), builder, embedding_cache, "rebuild"
    )
    assert (summary.read, summary.indexed, summary.rejected) == (107, 100, 7)
    assert {r["field"] for r in rejects} == {"(line)"} and len(rejects) == 7
    assert client.count(index=PROFILES.alias)["count"] == 100

    more = _write(tmp_path / "b.jsonl", 60, first=100)
    summary, rejects = index_file(client, more, builder, embedding_cache, "upsert")
    assert (summary.read, summary.indexed, summary.rejected) == (66, 60, 6)  # 6 of the 7
    client.indices.refresh(index=PROFILES.alias)
    assert client.count(index=PROFILES.alias)["count"] == 160


def test_duplicate_ids_count_once_and_are_reported(
    client: OpenSearch, builder: DocumentBuilder, embedding_cache: EmbeddingCache, tmp_path: Path
) -> None:
    path = tmp_path / "dups.jsonl"
    rows = [
        profile(id="a", title="First"),
        profile(id="b"),
        profile(id="a", title="Second"),
        profile(id="c"),
        profile(id="a", title="Third"),
        profile(id="b"),
    ]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    summary, _ = index_file(client, path, builder, embedding_cache, "rebuild")
    assert (summary.read, summary.indexed, summary.rejected, summary.duplicate_ids) == (6, 3, 0, 3)
    assert summary.duplicates == {"a": [1, 3, 5], "b": [2, 6]}
    assert "2 ids given on more than one line" in summary.headline()
    assert "a (lines 1, 3, 5)" in summary.headline()
    assert client.get(index=PROFILES.alias, id="a")["_source"]["title"] == "Third"
    assert client.count(index=PROFILES.alias)["count"] == 3


def test_hostile_job_post_lines_are_rejected_and_good_posts_indexed(
    client: OpenSearch, embedding_cache: EmbeddingCache, tmp_path: Path
) -> None:
    path = tmp_path / "posts.jsonl"
    post = {"title": "Shopify store redesign", "skills": ["Shopify"], "posted_at": "2026-01-05"}
    with path.open("wb") as fh:
        for i, hostile in enumerate(HOSTILE):
            fh.write(json.dumps(post | {"id": f"post-{i}"}).encode() + b"\n" + hostile + b"\n")
    rejects = io.StringIO()
    vocabulary = SkillVocabulary.load_default().copy()
    summary = run_job_post_index(
        client, path, rejects, vocabulary, fake_encode, embedding_cache, "fake"
    )
    assert (summary.read, summary.indexed, summary.rejected) == (14, 7, 7)
