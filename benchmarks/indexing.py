"""Indexer throughput against raw bulk throughput of the same documents, on the same backend.

    .venv/bin/python benchmarks/indexing.py --count 5000

Raw bulk: the documents are built first (not timed), then sent with the same bulk loader.
Indexer: the whole run (read, validate, canonicalise, derive, bulk, verify, skills, swap), with
the embedding cache warm (a first run fills it). The ratio shows what the indexer adds.
"""

from __future__ import annotations

import io
import tempfile
import time
from datetime import date
from pathlib import Path

import typer
from opensearchpy import OpenSearch
from osmem_server import OsmemServer

from indexer.badge_policy import BadgePolicy
from indexer.bulk_loading import BulkSettings, bulk_load
from indexer.certification_registry import default_registry
from indexer.demo_corpus import write_demo_corpus
from indexer.document_builder import BuildReport, DocumentBuilder
from indexer.index_aliases import create_index
from indexer.indexing_run import run_index
from indexer.profile_reader import ReadProfile, read_profiles
from indexer.skill_embeddings import EmbeddingCache, model_encoder, model_key
from indexer.skill_vocabulary import SkillVocabulary
from mappings.index_contract import new_stamp
from talent_search.backend import stop_embedded
from talent_search.settings import TalentSettings


def main(count: int = 5000, chunk_size: int = 500) -> None:
    workdir = Path(tempfile.mkdtemp(prefix="ts-bench-"))
    corpus = workdir / "profiles.jsonl"
    write_demo_corpus(corpus, count)
    builder = DocumentBuilder(
        SkillVocabulary.load_default().copy(), default_registry(), BadgePolicy(), date(2026, 11, 1)
    )
    cache = EmbeddingCache(workdir / "embeddings.sqlite3")
    bulk = BulkSettings(chunk_size=chunk_size)
    namespace = TalentSettings().index_namespace
    server = OsmemServer.start(japanese=False)
    try:
        client = OpenSearch(hosts=[server.url], timeout=120)
        report = BuildReport()
        docs = [
            builder.build(item.profile, report).model_dump(mode="json", exclude_none=True)
            for item in read_profiles(corpus)
            if isinstance(item, ReadProfile)
        ]
        raw_index = namespace.profiles.index_name(new_stamp())
        create_index(client, namespace.profiles, raw_index)
        started = time.perf_counter()
        actions = ({"_index": raw_index, "_id": d["id"], "_source": d} for d in docs)
        ok = sum(1 for success, _ in bulk_load(client, actions, bulk) if success)
        client.indices.refresh(index=raw_index)
        raw_s = time.perf_counter() - started
        client.indices.delete(index=raw_index)

        encoder = model_encoder()
        args = (client, corpus, io.StringIO(), builder, encoder, cache, model_key())
        run_index(*args, bulk=bulk, namespace=namespace)
        started = time.perf_counter()
        summary = run_index(*args, bulk=bulk, namespace=namespace)
        indexer_s = time.perf_counter() - started
    finally:
        stop_embedded(server)
    print(f"profiles: {count}, chunk size {chunk_size}, embedded osmem-server")
    print(f"raw bulk of prebuilt documents: {ok} docs in {raw_s:.2f} s = {ok / raw_s:.0f} docs/s")
    print(
        f"indexer (warm embedding cache): {summary.indexed} in {indexer_s:.2f} s = "
        f"{summary.indexed / indexer_s:.0f} docs/s"
    )
    ratio = (summary.indexed / indexer_s) / (ok / raw_s)
    print(f"indexer / raw bulk throughput ratio: {ratio:.2f}")


if __name__ == "__main__":
    typer.run(main)
