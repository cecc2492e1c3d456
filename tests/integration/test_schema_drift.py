"""An upsert into an index built by an older mapping stops before writing, and says to
rebuild, on both engines (instead of every line being refused by strict mapping)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from opensearchpy import OpenSearch

from indexer.document_builder import DocumentBuilder
from indexer.index_aliases import create_index
from indexer.indexing_run import run_index
from indexer.schema_check import SchemaDrift
from indexer.skill_embeddings import EmbeddingCache
from mappings.index_contract import PROFILES, SKILLS, new_stamp
from tests.factories import fake_encode, profile, write_jsonl

pytestmark = pytest.mark.integration


def _old_index(client: OpenSearch) -> str:
    """A live profiles index as schema version 2 built it: no title_skill_ids."""
    body = PROFILES.body()
    body["mappings"]["_meta"]["schema_version"] = 2
    del body["mappings"]["properties"]["title_skill_ids"]
    name = f"{PROFILES.alias}-v2-{new_stamp()}"
    create_index(client, PROFILES, name, body=body)
    skills = SKILLS.index_name(new_stamp())
    create_index(client, SKILLS, skills)
    client.indices.update_aliases(
        body={
            "actions": [
                {"add": {"index": name, "alias": PROFILES.alias}},
                {"add": {"index": skills, "alias": SKILLS.alias}},
            ]
        }
    )
    return name


def test_an_upsert_into_an_older_mapping_says_to_rebuild_and_writes_nothing(
    client: OpenSearch, builder: DocumentBuilder, embedding_cache: EmbeddingCache, tmp_path: Path
) -> None:
    old = _old_index(client)
    path = write_jsonl(tmp_path / "p.jsonl", [profile(id=f"p{i}") for i in range(5)])
    with pytest.raises(SchemaDrift) as raised:
        run_index(
            client, path, io.StringIO(), builder, fake_encode, embedding_cache, "fake", "upsert"
        )
    message = str(raised.value)
    assert old in message and "schema version 2" in message and "--rebuild" in message
    client.indices.refresh(index=old)
    assert client.count(index=old)["count"] == 0

    rebuilt = run_index(
        client, path, io.StringIO(), builder, fake_encode, embedding_cache, "fake", "rebuild"
    )
    assert (rebuilt.indexed, rebuilt.rejected) == (5, 0)
    again = run_index(
        client, path, io.StringIO(), builder, fake_encode, embedding_cache, "fake", "upsert"
    )
    assert (again.mode, again.indexed, again.rejected) == ("upsert", 5, 0)
