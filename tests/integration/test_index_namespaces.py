"""Two index namespaces on one server are independent: loads, searches, rollbacks, deletes.

Why: a cluster shared by several environments (or by the tests of one session, on a real node
that has no copy-on-write clones) must let each use its own indices and aliases without ever
touching another's. `talent` and `talent-x` are the risky pair: one prefix starts the other.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from opensearchpy import OpenSearch

from indexer.document_builder import DocumentBuilder
from indexer.index_aliases import concrete_indices, create_index, roll_back
from indexer.indexing_run import RunSummary, live_indices, run_index
from indexer.profile_updates import delete_profiles
from indexer.skill_embeddings import EmbeddingCache
from mappings.aliases import alias_target
from mappings.index_contract import DEFAULT_NAMESPACE, IndexNamespace, new_stamp
from ranking.query_embedder import QueryEmbedder
from ranking.ranking_profile import load_profile
from ranking.skill_matcher import SkillMatcher
from ranking.talent_searcher import SearchQuery, TalentSearcher
from tests.factories import fake_encode, profile, write_jsonl
from tests.integration.api_support import OPERATOR, OPERATOR_TOKEN, STANDARD, api_client

pytestmark = pytest.mark.integration

MINE = DEFAULT_NAMESPACE  # talent-profiles, talent-skills
THEIRS = IndexNamespace("talent-x")


def _load(
    client: OpenSearch,
    namespace: IndexNamespace,
    rows: list[dict[str, Any]],
    builder: DocumentBuilder,
    cache: EmbeddingCache,
    path: Path,
) -> RunSummary:
    write_jsonl(path, list(rows))
    return run_index(
        client, path, io.StringIO(), builder, fake_encode, cache, "fake", namespace=namespace
    )


def _search(client: OpenSearch, namespace: IndexNamespace, builder: DocumentBuilder) -> list[str]:
    searcher = TalentSearcher(
        client,
        builder.vocabulary,
        SkillMatcher.from_index(client, namespace.skills.alias),
        QueryEmbedder(fake_encode),
        index=namespace.profiles.alias,
    )
    return sorted(h.id for h in searcher.search(SearchQuery(None), load_profile("default")).hits)


def _state(client: OpenSearch, namespace: IndexNamespace) -> dict[str, Any]:
    return {
        "aliases": {
            alias: alias_target(client, alias)
            for kind in namespace.kinds
            for alias in (kind.alias, kind.previous_alias)
        },
        "indices": [i for kind in namespace.kinds for i in concrete_indices(client, kind)],
        "profiles": int(client.count(index=namespace.profiles.alias)["count"]),
    }


def test_two_namespaces_on_one_server_are_independent(
    osmem_clone: Any, builder: DocumentBuilder, embedding_cache: EmbeddingCache, tmp_path: Path
) -> None:
    client = OpenSearch(hosts=[osmem_clone.url], timeout=30)
    go = [profile(id="go-1", title="Go Developer", skills=["Go", "Docker"])]
    react = [
        profile(id="react-1", title="React Developer", skills=["React", "TypeScript"]),
        profile(id="react-2", title="Front-End Engineer", skills=["React", "CSS"]),
    ]
    py = [profile(id="py-1", title="Python Developer", skills=["Python", "Django"])]

    mine_1 = _load(client, MINE, go, builder, embedding_cache, tmp_path / "m1.jsonl")
    theirs_1 = _load(client, THEIRS, react, builder, embedding_cache, tmp_path / "t1.jsonl")
    mine_2 = _load(client, MINE, go + py, builder, embedding_cache, tmp_path / "m2.jsonl")
    # A leftover of mine (a killed rebuild): their rebuild must not clean it up, mine will.
    leftover = MINE.profiles.index_name(new_stamp())
    create_index(client, MINE.profiles, leftover)
    theirs_2 = _load(client, THEIRS, react + py, builder, embedding_cache, tmp_path / "t2.jsonl")
    assert theirs_1.profiles_index.startswith("talent-x-profiles-v")
    assert leftover not in theirs_2.deleted_leftovers + theirs_1.deleted_leftovers
    assert leftover in concrete_indices(client, MINE.profiles)
    assert live_indices(client, MINE)[MINE.profiles] == mine_2.profiles_index
    assert live_indices(client, THEIRS)[THEIRS.skills] == theirs_2.skills_index

    assert _search(client, MINE, builder) == ["go-1", "py-1"]
    assert _search(client, THEIRS, builder) == ["py-1", "react-1", "react-2"]
    assert "react" not in SkillMatcher.from_index(client, MINE.skills.alias)
    assert "react" in SkillMatcher.from_index(client, THEIRS.skills.alias)

    theirs_before = _state(client, THEIRS)
    assert theirs_before["aliases"]["talent-x-profiles-previous"] == theirs_1.profiles_index
    now_live = roll_back(client, MINE.kinds)
    assert now_live == {
        "talent-profiles": mine_1.profiles_index,
        "talent-skills": mine_1.skills_index,
    }
    assert _search(client, MINE, builder) == ["go-1"]
    assert delete_profiles(client, ["go-1", "py-1"], namespace=MINE).deleted == ["go-1"]
    assert _state(client, MINE)["profiles"] == 0
    assert _state(client, THEIRS) == theirs_before
    assert _search(client, THEIRS, builder) == ["py-1", "react-1", "react-2"]

    # The API reads only the namespace of its settings, profile tiles included.
    operator = {"operator_token": OPERATOR_TOKEN}
    with api_client(
        osmem_clone.url, tmp_path, settings={"index_prefix": "talent-x"} | operator
    ) as api:
        ready = api.get("/readyz", headers=OPERATOR).json()
        assert (ready["profiles_index"], ready["skills_index"]) == (
            theirs_2.profiles_index,
            theirs_2.skills_index,
        )
        found = api.get("/v1/search", params={"q": "react"}, headers=STANDARD).json()
        assert {t["id"] for t in found["results"]} <= {"py-1", "react-1", "react-2"}
        assert found["results"][0]["id"].startswith("react-")
        assert api.get("/v1/profiles/react-1", headers=STANDARD).status_code == 200
        assert api.get("/v1/profiles/go-1", headers=STANDARD).status_code == 404
    with api_client(osmem_clone.url, tmp_path, settings=operator) as api:  # default: mine
        assert api.get("/readyz", headers=OPERATOR).json()["profiles_index"] == (
            mine_1.profiles_index
        )
        assert api.get("/v1/profiles/react-1", headers=STANDARD).status_code == 404

    # My next rebuild cleans up my leftover and nothing of theirs.
    mine_3 = _load(client, MINE, py, builder, embedding_cache, tmp_path / "m3.jsonl")
    assert leftover in mine_3.deleted_leftovers
    assert all(
        index.startswith("talent-profiles-v") or index.startswith("talent-skills-v")
        for index in mine_3.deleted_leftovers
    )
    assert _state(client, THEIRS) == theirs_before
    client.close()
