"""Indexing on both engines: rebuild, verify, swap, rollback, upsert, updates, shard layout."""

from __future__ import annotations

import io
import json
import multiprocessing
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from opensearchpy import OpenSearch, TransportError

from indexer import indexing_run
from indexer.bulk_loading import BulkSettings, read_ahead
from indexer.document_builder import DocumentBuilder
from indexer.errors import IndexerError
from indexer.index_aliases import concrete_indices, create_index, roll_back
from indexer.indexing_run import run_index
from indexer.profile_updates import delete_profiles, update_stats
from indexer.skill_embeddings import EmbeddingCache
from mappings.aliases import alias_target
from mappings.index_contract import PROFILES, SKILLS, ShardLayout, new_stamp
from ranking.search_filters import diversity_clause
from tests.factories import (
    AS_OF,
    certification,
    document_builder,
    fake_encode,
    index_file,
    profile,
    write_jsonl,
)
from tests.integration.conftest import Engine

pytestmark = pytest.mark.integration


def _source(client: OpenSearch, doc_id: str) -> dict[str, Any]:
    src: dict[str, Any] = client.get(index=PROFILES.alias, id=doc_id)["_source"]
    return src


def test_rebuild_indexes_good_lines_and_rejects_bad_ones(
    client: OpenSearch, builder: DocumentBuilder, embedding_cache: EmbeddingCache, tmp_path: Path
) -> None:
    rows: list[dict[str, Any] | str] = [
        profile(id="a"),
        profile(id="b", skills=[]),
        "not json",
        profile(id="c", skills=["golang", "Kubernetes", "Totally Novel Skill 3000"]),
    ]
    summary, rejects = index_file(
        client, write_jsonl(tmp_path / "p.jsonl", rows), builder, embedding_cache
    )
    assert (summary.read, summary.indexed, summary.rejected) == (4, 2, 2)
    assert summary.exit_code == 3
    assert [(r["line"], r["id"], r["field"]) for r in rejects] == [
        (2, "b", "skills"),
        (3, None, "(line)"),
    ]
    assert client.count(index=PROFILES.alias)["count"] == 2
    c = _source(client, "c")
    assert c["skill_ids"][0] == builder.vocabulary.canonicalise("Go")[0].id
    assert "Totally Novel Skill 3000" in c["skill_labels"]
    # every skill a profile uses is in the skills index, with an embedding
    skills = client.search(index=SKILLS.alias, body={"size": 100, "query": {"match_all": {}}})
    skill_docs = {h["_id"]: h["_source"] for h in skills["hits"]["hits"]}
    assert set(c["skill_ids"]) <= set(skill_docs)
    assert all(len(d["embedding"]) == 384 for d in skill_docs.values())
    assert summary.skills_learned >= 1


def test_certificate_numbers_never_reach_the_index(
    client: OpenSearch, builder: DocumentBuilder, embedding_cache: EmbeddingCache, tmp_path: Path
) -> None:
    certs = [
        certification(certificate_number="SECRET-A"),
        certification(certificate_number="SECRET-B", review_status="pending"),
        certification(certificate_number="SECRET-C", certifying_body="Nobody Inc"),
        certification(
            certificate_number="SECRET-D",
            certifying_body="CGLCC",
            country="CA",
            category="lgbtq_owned",
        ),
        certification(certificate_number="SECRET-E", expires_on="2020-01-01"),
    ]
    path = write_jsonl(tmp_path / "p.jsonl", [profile(id="a", diversity_certifications=certs)])
    summary, _ = index_file(client, path, builder, embedding_cache)
    assert summary.report.certifications == {
        "counted": 1,
        "pending": 1,
        "unrecognised_body": 1,
        "country_not_enabled": 1,
        "expired": 1,
    }
    raw = json.dumps(client.search(index=PROFILES.alias, body={"query": {"match_all": {}}}))
    assert "SECRET" not in raw
    assert "Lovelace Analytics" not in raw
    # approved certifications from registered bodies only, as country|category|expiry grants
    assert _source(client, "a")["diversity_grants"] == [
        "US|woman_owned|2027-06-30",
        "CA|lgbtq_owned|2027-06-30",
    ]
    hits = client.search(index=PROFILES.alias, body={"query": {"match": {"overview": "SECRET-A"}}})
    assert hits["hits"]["total"]["value"] == 0


def test_expiry_is_checked_at_query_time(
    client: OpenSearch, builder: DocumentBuilder, embedding_cache: EmbeddingCache, tmp_path: Path
) -> None:
    path = write_jsonl(
        tmp_path / "p.jsonl",
        [
            profile(id="soon", diversity_certifications=[certification(expires_on="2026-11-15")]),
            profile(id="later", diversity_certifications=[certification(expires_on="2027-11-15")]),
        ],
    )
    index_file(client, path, builder, embedding_cache)

    def certified_on(day: str) -> set[str]:
        query = diversity_clause([], date.fromisoformat(day), ["US"])
        hits = client.search(index=PROFILES.alias, body={"query": query})["hits"]["hits"]
        return {h["_id"] for h in hits}

    assert certified_on("2026-11-10") == {"soon", "later"}
    assert certified_on("2026-11-16") == {"later"}


def test_upstream_badge_wins_and_disagreement_is_reported(
    client: OpenSearch, builder: DocumentBuilder, embedding_cache: EmbeddingCache, tmp_path: Path
) -> None:
    path = write_jsonl(
        tmp_path / "p.jsonl",
        [
            profile(id="agrees", badge="top_rated_plus"),
            profile(id="disagrees", badge="expert_vetted"),
            profile(id="derived"),
        ],
    )
    summary, _ = index_file(client, path, builder, embedding_cache)
    assert summary.report.badge_disagreements == {"expert_vetted!=top_rated_plus": 1}
    disagrees = _source(client, "disagrees")
    assert (disagrees["badge"], disagrees["badge_derived"], disagrees["badge_source"]) == (
        "expert_vetted",
        "top_rated_plus",
        "upstream",
    )
    assert _source(client, "derived")["badge_source"] == "policy"
    assert _source(client, "derived")["badge_as_of"] == AS_OF.isoformat()


def test_rebuild_swaps_alias_and_rollback_restores(
    client: OpenSearch, builder: DocumentBuilder, embedding_cache: EmbeddingCache, tmp_path: Path
) -> None:
    first = write_jsonl(tmp_path / "1.jsonl", [profile(id="old")])
    second = write_jsonl(tmp_path / "2.jsonl", [profile(id="new-1"), profile(id="new-2")])
    s1, _ = index_file(client, first, builder, embedding_cache)
    s2, _ = index_file(client, second, builder, embedding_cache)
    assert alias_target(client, PROFILES.alias) == s2.profiles_index
    assert alias_target(client, PROFILES.previous_alias) == s1.profiles_index
    assert client.count(index=PROFILES.alias)["count"] == 2

    now_live = roll_back(client)
    assert now_live[PROFILES.alias] == s1.profiles_index
    assert now_live[SKILLS.alias] == s1.skills_index
    assert client.count(index=PROFILES.alias)["count"] == 1

    # a third rebuild keeps only live and previous
    s3, _ = index_file(client, second, builder, embedding_cache)
    assert set(concrete_indices(client, PROFILES)) == {s1.profiles_index, s3.profiles_index}


def test_leftover_partial_index_is_cleaned_and_never_aliased(
    client: OpenSearch, builder: DocumentBuilder, embedding_cache: EmbeddingCache, tmp_path: Path
) -> None:
    path = write_jsonl(tmp_path / "p.jsonl", [profile(id="a")])
    index_file(client, path, builder, embedding_cache)
    partial = PROFILES.index_name(new_stamp())
    create_index(client, PROFILES, partial)  # as a killed rebuild would leave it
    s2, _ = index_file(client, path, builder, embedding_cache)
    assert partial in s2.deleted_leftovers
    assert partial not in concrete_indices(client, PROFILES)
    assert alias_target(client, PROFILES.alias) == s2.profiles_index


def test_failed_verification_leaves_aliases_alone(
    client: OpenSearch,
    builder: DocumentBuilder,
    embedding_cache: EmbeddingCache,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    path = write_jsonl(tmp_path / "p.jsonl", [profile(id="a")])
    s1, _ = index_file(client, path, builder, embedding_cache)
    real_count = client.count
    monkeypatch.setattr(client, "count", lambda **kw: {"count": real_count(**kw)["count"] - 1})
    with pytest.raises(IndexerError, match="expected"):
        index_file(client, path, builder, embedding_cache)
    monkeypatch.undo()
    assert alias_target(client, PROFILES.alias) == s1.profiles_index
    assert concrete_indices(client, PROFILES) == [s1.profiles_index]


def test_upsert_updates_live_index_in_place(
    client: OpenSearch, builder: DocumentBuilder, embedding_cache: EmbeddingCache, tmp_path: Path
) -> None:
    s1, _ = index_file(
        client, write_jsonl(tmp_path / "1.jsonl", [profile(id="a")]), builder, embedding_cache
    )
    path = write_jsonl(
        tmp_path / "2.jsonl",
        [profile(id="a", title="Rust Engineer"), profile(id="b", skills=["Zig"])],
    )
    s2, _ = index_file(client, path, builder, embedding_cache, mode="upsert")
    assert s2.mode == "upsert"
    assert alias_target(client, PROFILES.alias) == s1.profiles_index
    assert client.count(index=PROFILES.alias)["count"] == 2
    assert _source(client, "a")["title"] == "Rust Engineer"
    zig = builder.vocabulary.canonicalise("Zig")[0].id
    assert client.get(index=SKILLS.alias, id=zig)["found"]


def test_first_upsert_without_live_index_is_a_rebuild(
    client: OpenSearch, builder: DocumentBuilder, embedding_cache: EmbeddingCache, tmp_path: Path
) -> None:
    summary, _ = index_file(
        client,
        write_jsonl(tmp_path / "p.jsonl", [profile()]),
        builder,
        embedding_cache,
        mode="upsert",
    )
    assert summary.mode == "rebuild"
    assert alias_target(client, PROFILES.alias) == summary.profiles_index


def test_stats_update_rederives_badges_without_rebuild(
    client: OpenSearch, builder: DocumentBuilder, embedding_cache: EmbeddingCache, tmp_path: Path
) -> None:
    rows: list[dict[str, Any] | str] = [
        profile(id="tr", earnings_12m_usd=5000),
        profile(id="up", earnings_12m_usd=5000, badge="expert_vetted"),
    ]
    s1, _ = index_file(client, write_jsonl(tmp_path / "p.jsonl", rows), builder, embedding_cache)
    assert _source(client, "tr")["badge"] == "top_rated"
    updates = write_jsonl(
        tmp_path / "stats.jsonl",
        [
            {"id": "tr", "earnings_12m_usd": 20000},
            {"id": "up", "job_success_score": 50},
            {"id": "ghost", "job_success_score": 99},
            {"id": "tr", "job_success_score": 250},
        ],
    )
    with updates.open("ab") as fh:
        fh.write(b'{"id": "tr", "job_success_score": 9\xff}\n')  # not UTF-8: its own reject
    rejects = io.StringIO()
    summary = update_stats(client, updates, rejects, builder.policy, AS_OF)
    assert (summary.read, summary.updated, summary.rejected) == (5, 2, 3)
    assert summary.badge_changes == {"top_rated->top_rated_plus": 1}
    tr = _source(client, "tr")
    assert (tr["badge"], tr["earnings_12m_usd"]) == ("top_rated_plus", 20000)
    up = _source(client, "up")
    assert (up["badge"], up["badge_derived"]) == ("expert_vetted", None) or up[
        "badge"
    ] == "expert_vetted"
    assert up["job_success_score"] == 50
    fields = sorted(json.loads(line)["field"] for line in rejects.getvalue().splitlines())
    assert fields == ["(line)", "id", "job_success_score"]
    assert "not UTF-8" in rejects.getvalue()
    assert alias_target(client, PROFILES.alias) == s1.profiles_index


def test_delete_removes_profiles_and_reports_unknown_ids(
    client: OpenSearch, builder: DocumentBuilder, embedding_cache: EmbeddingCache, tmp_path: Path
) -> None:
    index_file(
        client,
        write_jsonl(tmp_path / "p.jsonl", [profile(id="a"), profile(id="b")]),
        builder,
        embedding_cache,
    )
    summary = delete_profiles(client, ["a", "nope"])
    assert (summary.deleted, summary.not_found) == (["a"], ["nope"])
    assert client.count(index=PROFILES.alias)["count"] == 1


def test_embeddings_are_computed_once_per_distinct_skill_and_title(
    engine: Engine,
    client: OpenSearch,
    builder: DocumentBuilder,
    embedding_cache: EmbeddingCache,
    tmp_path: Path,
) -> None:
    """Skills always; titles too where the engine has k-NN (profile vectors): never per profile."""
    rows: list[dict[str, Any] | str] = [
        profile(id=f"p{i}", title=f"Developer {i % 2}", skills=["Python", "Django", "golang"])
        for i in range(50)
    ]
    path = write_jsonl(tmp_path / "p.jsonl", rows)
    first, _ = index_file(client, path, builder, embedding_cache)
    texts = 3 + (2 if engine.is_real else 0)  # the 3 skills (+ the 2 titles for the vectors)
    assert first.profile_vectors is engine.is_real
    assert first.embeddings_computed == texts
    second, _ = index_file(client, path, builder, embedding_cache)
    assert second.embeddings_computed == 0
    assert embedding_cache.count("fake-model") == texts


def _indexed(client: OpenSearch) -> dict[str, dict[str, Any]]:
    """Every document behind the profiles and skills aliases (profiles without indexed_at)."""
    found = {}
    for alias in (PROFILES.alias, SKILLS.alias):
        body = {"size": 1000, "query": {"match_all": {}}}
        for hit in client.search(index=alias, body=body)["hits"]["hits"]:
            hit["_source"].pop("indexed_at", None)
            found[f"{alias}/{hit['_id']}"] = hit["_source"]
    return found


def test_workers_index_what_one_process_indexes(
    engine: Engine, client: OpenSearch, embedding_cache: EmbeddingCache, tmp_path: Path
) -> None:
    """The same documents, skills, counts and rejects, with profile vectors on the real engine;
    an unknown skill spelled two ways in different batches is learned as first written."""
    cert = "WBENC-2024-55120"
    rows: list[dict[str, Any] | str] = []
    for i in range(600):
        skills = ["Python", "golang"] + (["Quux.Wrangling"] if i == 5 else [])
        rows.append(profile(id=f"p{i % 550}", title=f"Quux Wrangling Lead {i % 3}", skills=skills))
    rows[300] = profile(id="late", skills=["Quux Wrangling", "Django"])
    rows[301] = "not json"
    rows[302] = profile(
        id="cert",
        title=cert,
        diversity_certifications=[certification(certificate_number=cert)],
    )
    path = write_jsonl(tmp_path / "p.jsonl", rows)
    results = []
    for workers in (0, 2):
        summary, rejects = index_file(
            client, path, document_builder(), embedding_cache, workers=workers
        )
        learned = summary.skills_learned
        results.append((summary.report, summary.duplicates, learned, rejects, _indexed(client)))
        assert (summary.read, summary.indexed, summary.rejected) == (600, 548, 2)
        assert summary.duplicate_ids == 50 and summary.profile_vectors is engine.is_real
    assert results[0] == results[1]
    late = results[1][4][f"{PROFILES.alias}/late"]
    assert late["skill_labels"][0] == "Quux.Wrangling"  # learned from line 6, not line 301


@pytest.mark.parametrize("error", [RuntimeError, KeyboardInterrupt])
def test_a_run_stopped_midway_stops_its_workers(
    client: OpenSearch,
    embedding_cache: EmbeddingCache,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    error: type[BaseException],
) -> None:
    rows: list[dict[str, Any] | str] = [profile(id=f"p{i}") for i in range(2000)]
    path = write_jsonl(tmp_path / "p.jsonl", rows)
    answered = 0
    record = indexing_run._record_result

    def record_then_fail(*args: Any) -> None:
        nonlocal answered
        answered += 1
        if answered == 300:
            raise error("stopped")
        record(*args)

    monkeypatch.setattr(indexing_run, "_record_result", record_then_fail)
    with pytest.raises(error):
        index_file(client, path, document_builder(), embedding_cache, workers=2)
    assert not multiprocessing.active_children()
    assert alias_target(client, PROFILES.alias) is None  # nothing was swapped in


@pytest.mark.fault
def test_bulk_429s_are_retried_and_nothing_is_lost(
    client: OpenSearch,
    builder: DocumentBuilder,
    embedding_cache: EmbeddingCache,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    record_property: Any,
) -> None:
    """The backend pushes back twice (whole request, then half the items); all 40 land."""
    real_bulk = client.bulk
    calls = {"n": 0}

    def pushy_bulk(*args: Any, **kwargs: Any) -> Any:
        calls["n"] += 1
        if calls["n"] == 1:
            raise TransportError(429, "too_many_requests", {"error": "rejected execution"})
        if calls["n"] == 2:
            lines = kwargs["body"].strip().split("\n")
            ids = [json.loads(line)["index"]["_id"] for line in lines[::2]]
            keep = [i for n, i in enumerate(ids) if n % 2 == 0]
            keep_lines = [
                pair
                for n, pair in enumerate(zip(lines[::2], lines[1::2], strict=True))
                if n % 2 == 0
            ]
            kwargs["body"] = "\n".join(x for pair in keep_lines for x in pair) + "\n"
            result = real_bulk(*args, **kwargs)
            by_id = {item["index"]["_id"]: item for item in result["items"]}
            result["errors"] = True
            result["items"] = [
                by_id[i] if i in keep else {"index": {"_id": i, "status": 429, "error": "busy"}}
                for i in ids
            ]
            return result
        return real_bulk(*args, **kwargs)

    monkeypatch.setattr(client, "bulk", pushy_bulk)
    rows: list[dict[str, Any] | str] = [profile(id=f"p{i}") for i in range(40)]
    rejects = io.StringIO()
    summary = run_index(
        client,
        write_jsonl(tmp_path / "p.jsonl", rows),
        rejects,
        builder,
        fake_encode,
        embedding_cache,
        "fake-model",
        bulk=BulkSettings(chunk_size=100, initial_backoff_s=0.01, max_backoff_s=0.05),
    )
    assert calls["n"] >= 3
    assert (summary.read, summary.indexed, summary.rejected) == (40, 40, 0)
    assert rejects.getvalue() == ""
    assert client.count(index=PROFILES.alias)["count"] == 40
    record_property("fault", "bulk 429 from the backend")
    record_property(
        "observed",
        f"{calls['n']} bulk calls (a whole-request 429, then 20 item 429s): read 40, indexed 40, "
        "rejected 0, 40 in the index",
    )


def test_a_rebuild_uses_the_layout_it_is_given_and_one_shard_on_one_node(
    client: OpenSearch, builder: DocumentBuilder, embedding_cache: EmbeddingCache, tmp_path: Path
) -> None:
    path = write_jsonl(tmp_path / "p.jsonl", [profile(id="a")])
    auto, _ = index_file(client, path, builder, embedding_cache)
    given = run_index(
        client,
        path,
        io.StringIO(),
        builder,
        fake_encode,
        embedding_cache,
        "fake-model",
        layout=ShardLayout(shards=2, replicas=0),
    )

    def shards(index: str) -> tuple[str, str]:
        settings = client.indices.get_settings(index=index)[index]["settings"]["index"]
        return settings["number_of_shards"], settings["number_of_replicas"]

    assert shards(auto.profiles_index) == ("1", "0")  # the test engines have one data node
    assert shards(given.profiles_index) == ("2", "0")
    assert shards(given.skills_index) == ("2", "0")
    assert client.count(index=PROFILES.alias)["count"] == 1


def test_read_ahead_keeps_order_raises_the_producers_error_and_stops_early() -> None:
    assert list(read_ahead(iter(range(1000)), max_ahead=7)) == list(range(1000))

    def broken() -> Iterator[int]:
        yield 1
        raise ValueError("line 2 is bad")

    consumed = []
    with pytest.raises(ValueError, match="line 2 is bad"):
        for item in read_ahead(broken(), max_ahead=2):
            consumed.append(item)
    assert consumed == [1]

    produced = []

    def endless() -> Iterator[int]:
        n = 0
        while True:
            produced.append(n)
            yield n
            n += 1

    ahead = read_ahead(endless(), max_ahead=3)
    assert [next(ahead) for _ in range(5)] == [0, 1, 2, 3, 4]
    ahead.close()  # the consumer stops: so does the producer, a few items ahead at most
    assert len(produced) <= 5 + 3 + 2
