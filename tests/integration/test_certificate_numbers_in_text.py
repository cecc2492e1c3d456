"""A certificate number pasted into a profile's free text is never indexed, on both engines:
not searchable, not in a tile or a highlight, never a learned skill (M3)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from opensearchpy import OpenSearch

from indexer.document_builder import DocumentBuilder
from indexer.skill_embeddings import EmbeddingCache
from mappings.index_contract import PROFILES, SKILLS
from tests.factories import certification, index_file, profile, write_jsonl
from tests.integration.api_support import STANDARD, api_client
from tests.integration.conftest import Engine

pytestmark = pytest.mark.integration

NUMBER = "NMSDC-2024-118233"
OTHER_NUMBER = "WBENC-2023-551177"


def test_planted_certificate_numbers_are_removed_or_rejected(
    engine: Engine,
    client: OpenSearch,
    builder: DocumentBuilder,
    embedding_cache: EmbeddingCache,
    tmp_path: Path,
) -> None:
    rows: list[dict[str, object] | str] = [
        profile(
            id="planted",
            name="Ada Lovelace 118233",
            title=f"Python Developer {NUMBER}",
            overview=f"Certified minority-owned, certificate {NUMBER} (no. 118233).",
            skills=["Python", NUMBER, "118233"],
            skill_certifications=[{"name": f"Certificate {NUMBER}", "issuer": "NMSDC"}],
            diversity_certifications=[certification(certificate_number=NUMBER)],
        ),
        profile(
            id="only-a-number",
            title=OTHER_NUMBER,
            diversity_certifications=[certification(certificate_number=OTHER_NUMBER)],
        ),
        profile(id="plain", title="Python Engineer", skills=["Python", "Flask"]),
    ]
    summary, rejects = index_file(
        client, write_jsonl(tmp_path / "p.jsonl", rows), builder, embedding_cache
    )
    assert (summary.indexed, summary.rejected) == (2, 1)
    assert [(r["id"], r["field"]) for r in rejects] == [("only-a-number", "title")]
    assert "551177" not in json.dumps(rejects)
    assert summary.report.certificate_numbers_removed["skills"] == 2

    everything = {"size": 100, "query": {"match_all": {}}}
    stored = json.dumps(
        [client.search(index=index, body=everything) for index in (PROFILES.alias, SKILLS.alias)]
    )
    assert "118233" not in stored and "551177" not in stored
    learned = [(entry.id, entry.label) for entry in builder.vocabulary.learned()]
    assert "118233" not in json.dumps(learned)

    with api_client(engine.url, tmp_path) as api:
        for q in (NUMBER, "118233", "nmsdc 2024 118233"):
            found = api.get("/v1/search", params={"q": q}, headers=STANDARD)
            assert found.status_code == 200, found.text
            assert "118233" not in json.dumps(found.json()["results"])
        python = api.get("/v1/search", params={"q": "python"}, headers=STANDARD).json()
        assert "planted" in [tile["id"] for tile in python["results"]]
        assert "118233" not in json.dumps(python)
