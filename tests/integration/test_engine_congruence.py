"""Congruence: the same ranking request bodies on the embedded server and a real OpenSearch.

Both engines hold the same 1,000 demo profiles, indexed with the real model. For every ranking
profile and a fixed query set the searcher must build byte-identical `_msearch` bodies on both;
the top-10 overlap is measured and written to `test-artifacts/congruence.json`. The engines
score text differently (osmem's BM25 is 0.65-1.2x Lucene's and ignores analyzers), so the
overlap is a measured figure with a floor, not an equality: docs/engines.md reports it.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from opensearchpy import OpenSearch
from osmem_server import OsmemServer

from domain.encoder import model_encoder, model_key
from indexer.demo_corpus import write_demo_corpus
from indexer.indexing_run import run_index
from indexer.skill_embeddings import EmbeddingCache
from ranking.query_embedder import QueryEmbedder
from ranking.ranking_profile import available_profiles, load_profile
from ranking.skill_matcher import SkillMatcher
from ranking.talent_searcher import SearchQuery, TalentSearcher
from tests.factories import document_builder
from tests.integration.conftest import wipe

pytestmark = [pytest.mark.integration, pytest.mark.slow]

QUERIES = [
    "react developer",
    "Shopify store redesign",
    "golang",
    "bookkeeping",
    "python",
    "data analyst",
    "wordpress",
    "machine learning engineer",
    "logo design",
    "kubernetes",
    "SEO",
    "customer support",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.fixture(scope="module")
def searchers(
    osmem_server: OsmemServer, opensearch_node: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, TalentSearcher]]:
    work = tmp_path_factory.mktemp("congruence")
    path = work / "profiles.jsonl"
    write_demo_corpus(path, count=1000, seed=42)
    encode = model_encoder()
    cache = EmbeddingCache(work / "embeddings.sqlite3")
    clone = osmem_server.clone()
    wipe(opensearch_node)
    clients = {
        "embedded": OpenSearch(hosts=[clone.url], timeout=30),
        "opensearch": OpenSearch(hosts=[opensearch_node], timeout=30),
    }
    result = {}
    for name, client in clients.items():
        b = document_builder()
        run_index(client, path, io.StringIO(), b, encode, cache, model_key())
        result[name] = TalentSearcher(
            client, b.vocabulary, SkillMatcher.from_index(client), QueryEmbedder(encode)
        )
    yield result
    for client in clients.values():
        client.close()
    cache.close()
    clone.close()
    wipe(opensearch_node)


def test_every_profile_sends_the_same_bodies_and_the_top_10_overlap_is_measured(
    searchers: dict[str, TalentSearcher], record_property: Any
) -> None:
    report: dict[str, Any] = {"queries": QUERIES, "profiles": {}}
    for name in available_profiles():
        profile = load_profile(name)
        per_query: dict[str, float | None] = {}
        for text in QUERIES:
            query = SearchQuery(text)
            plans = {e: s.plan(query, profile) for e, s in searchers.items()}
            assert plans["embedded"].bodies == plans["opensearch"].bodies, (name, text)
            top = {
                e: [h.id for h in s.search(query, profile).hits[:10]] for e, s in searchers.items()
            }
            assert len(top["embedded"]) == len(top["opensearch"]), (name, text, top)
            shared = len(set(top["embedded"]) & set(top["opensearch"]))
            per_query[text] = round(shared / len(top["embedded"]), 2) if top["embedded"] else None
        overlaps = [o for o in per_query.values() if o is not None]
        mean = sum(overlaps) / len(overlaps)
        report["profiles"][name] = {
            "mean_top10_overlap": round(mean, 3),
            "min_top10_overlap": round(min(overlaps), 3),
            "per_query": per_query,
        }
        record_property(f"top10_overlap[{name}]", round(mean, 3))
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "congruence.json").write_text(json.dumps(report, indent=2))
    print(json.dumps({k: v["mean_top10_overlap"] for k, v in report["profiles"].items()}))
    for name, figures in report["profiles"].items():
        # A floor well under what we measure (docs/engines.md), so a real divergence fails.
        assert figures["mean_top10_overlap"] >= 0.5, (name, figures)
