"""Past job posts on both engines: indexing, swaps and rollbacks, and the ranking reading them.

The fake encoder stands in for the model on both sides: a query reaches the post whose title it
is (the query embedder folds case, so the titles here are lower case) and no other, and it is
near no skill, so whatever the skill leg adds comes from the job posts. Each test has its own
index namespace.
"""

from __future__ import annotations

import io
import json
import re
import threading
import uuid
from pathlib import Path
from typing import Any

import pytest
from opensearchpy import OpenSearch
from typer.testing import CliRunner

from domain.skill_vocabulary import SkillVocabulary
from indexer.document_builder import DocumentBuilder
from indexer.index_aliases import concrete_indices, roll_back
from indexer.indexing_run import run_index
from indexer.job_post_indexing import JobPostRunSummary, job_post_id, run_job_post_index
from indexer.job_post_input import JobPostInput
from indexer.skill_embeddings import EmbeddingCache
from mappings.aliases import alias_target
from mappings.index_contract import IndexNamespace
from query_api.searcher_provider import SearcherProvider
from ranking.job_post_evidence import JobPostSource
from ranking.query_embedder import QueryEmbedder
from ranking.ranking_profile import load_profile
from ranking.skill_matcher import SkillMatcher
from ranking.talent_searcher import SearchQuery, SearchResult, TalentSearcher
from talent_search import cli, index_commands
from tests.factories import fake_encode, profile, write_jsonl
from tests.integration.conftest import Engine

pytestmark = pytest.mark.integration

READS_POSTS = load_profile("default").with_overrides({"query": {"job_posts": {"enabled": True}}})
SHOP_QUERY = "fix my online shop checkout"  # no word of it is in any profile below

# the shop post votes for PHP and Laravel; PHP is on another post too, so Laravel is rarer
POSTS: list[dict[str, Any] | str] = [
    {"id": "jp-shop", "title": SHOP_QUERY, "skills": ["PHP", "Laravel"]},
    {"id": "jp-blog", "title": "wordpress blog setup", "skills": ["WordPress", "PHP"]},
    {"id": "jp-logo", "title": "logo for a bakery", "skills": ["Adobe Illustrator", "Logo Design"]},
]
# a rebuild: the same title now votes for MySQL and Docker
OTHER_POSTS: list[dict[str, Any] | str] = [
    {"id": "jp-shop-2", "title": SHOP_QUERY, "skills": ["MySQL", "Docker"]},
    {"id": "jp-blog", "title": "wordpress blog setup", "skills": ["WordPress", "PHP"]},
    {"id": "jp-logo", "title": "logo for a bakery", "skills": ["Adobe Illustrator", "Logo Design"]},
]
PROFILES: list[dict[str, Any] | str] = [
    # A: holds every skill the shop post votes for
    profile(
        id="a-shop",
        name="Maria Garcia",
        title="Storefront Builder",
        overview="Ecommerce sites for small brands.",
        skills=["PHP", "Laravel", "MySQL"],
    ),
    # B: holds none of them
    profile(
        id="b-art",
        name="Ben Okafor",
        title="Illustrator",
        overview="Book covers and posters.",
        skills=["Adobe Illustrator", "Figma"],
    ),
    # C: holds one of them (the commoner one)
    profile(
        id="c-ops",
        name="Chen Wei",
        title="Server Administrator",
        overview="Linux servers kept healthy.",
        skills=["PHP", "Docker"],
    ),
]


@pytest.fixture
def namespace() -> IndexNamespace:
    """This test's own indices and aliases (wiped with the rest on the real node)."""
    return IndexNamespace(f"jp{uuid.uuid4().hex[:10]}")


def index_posts(
    client: OpenSearch,
    namespace: IndexNamespace,
    path: Path,
    cache: EmbeddingCache,
    mode: str = "rebuild",
) -> tuple[JobPostRunSummary, list[dict[str, Any]]]:
    """A job-post run as the CLI makes it (the shipped vocabulary, a fresh copy)."""
    rejects = io.StringIO()
    summary = run_job_post_index(
        client,
        path,
        rejects,
        SkillVocabulary.load_default().copy(),
        fake_encode,
        cache,
        "fake-model",
        mode=mode,  # type: ignore[arg-type]
        namespace=namespace,
    )
    return summary, [json.loads(line) for line in rejects.getvalue().splitlines()]


def index_profiles(
    client: OpenSearch,
    namespace: IndexNamespace,
    path: Path,
    builder: DocumentBuilder,
    cache: EmbeddingCache,
    rows: list[dict[str, Any] | str] = PROFILES,
) -> None:
    summary = run_index(
        client,
        write_jsonl(path, rows),
        io.StringIO(),
        builder,
        fake_encode,
        cache,
        "fake-model",
        namespace=namespace,
    )
    assert summary.rejected == 0


def aliases(client: OpenSearch, namespace: IndexNamespace) -> dict[str, str | None]:
    """Where each profiles-run alias (live and previous) points."""
    return {
        alias: alias_target(client, alias)
        for kind in namespace.kinds
        for alias in (kind.alias, kind.previous_alias)
    }


def post_ids(client: OpenSearch, namespace: IndexNamespace) -> set[str]:
    hits = client.search(index=namespace.job_posts.alias, body={"size": 100})["hits"]["hits"]
    return {h["_id"] for h in hits}


# -- indexing ---------------------------------------------------------------------------------


def test_good_lines_are_indexed_and_bad_ones_rejected_with_line_and_field(
    client: OpenSearch,
    namespace: IndexNamespace,
    builder: DocumentBuilder,
    embedding_cache: EmbeddingCache,
    tmp_path: Path,
) -> None:
    derived = {"title": "wordpress blog setup", "skills": ["WordPress"]}
    rows: list[dict[str, Any] | str] = [
        {
            "id": "jp-1",
            "title": SHOP_QUERY,
            "skills": ["ReactJS", "PHP"],
            "description": "Payments fail at the last step.",
            "posted_at": "2024-05-01T09:30:00Z",
        },
        "not json",
        {"id": "jp-3", "skills": ["PHP"]},
        {"id": "jp-4", "title": "logo for a bakery", "skills": []},
        {"title": "need a pitch deck", "skills": ["Go"], "budget_usd": 100},
        derived,  # no id: one is derived
    ]
    summary, rejects = index_posts(
        client, namespace, write_jsonl(tmp_path / "posts.jsonl", rows), embedding_cache
    )
    assert (summary.read, summary.indexed, summary.rejected) == (6, 2, 4)
    assert summary.read == summary.indexed + summary.rejected
    assert summary.exit_code == 3
    assert [(r["line"], r["id"], r["field"]) for r in rejects] == [
        (2, None, "(line)"),
        (3, "jp-3", "title"),
        (4, "jp-4", "skills"),
        (5, None, "budget_usd"),
    ]
    assert all(r["reason"] for r in rejects)

    alias = namespace.job_posts.alias
    assert alias_target(client, alias) == summary.index
    assert post_ids(client, namespace) == {
        "jp-1",
        job_post_id(JobPostInput.model_validate(derived)),
    }
    found = client.search(index=alias, body={"query": {"match": {"title": "checkout"}}})
    assert [h["_id"] for h in found["hits"]["hits"]] == ["jp-1"]
    post = client.get(index=alias, id="jp-1")["_source"]
    assert post["skills"] == ["ReactJS", "PHP"]  # as tagged, for people
    assert post["posted_at"] == "2024-05-01"
    assert post["embedding_model"] == "fake-model" and len(post["embedding"]) == 384

    # the skill ids are the ones a profile's skills get: "ReactJS" on a post is "React" on a profile
    index_profiles(
        client,
        namespace,
        tmp_path / "p.jsonl",
        builder,
        embedding_cache,
        [profile(id="fl-1", skills=["React", "PHP"])],
    )
    held = client.get(index=namespace.profiles.alias, id="fl-1")["_source"]["skill_ids"]
    assert post["skill_ids"] == held


def test_rebuild_swaps_the_job_post_alias_and_rollback_swaps_back(
    engine: Engine,
    client: OpenSearch,
    namespace: IndexNamespace,
    builder: DocumentBuilder,
    embedding_cache: EmbeddingCache,
    tmp_path: Path,
) -> None:
    # profiles with a previous generation, so that a rollback of theirs would show
    index_profiles(client, namespace, tmp_path / "p1.jsonl", builder, embedding_cache)
    index_profiles(client, namespace, tmp_path / "p2.jsonl", builder, embedding_cache)
    profiles_before = aliases(client, namespace)
    kind = namespace.job_posts

    first, _ = index_posts(
        client, namespace, write_jsonl(tmp_path / "1.jsonl", POSTS[:1]), embedding_cache
    )
    assert alias_target(client, kind.alias) == first.index
    assert alias_target(client, kind.previous_alias) is None

    # while the second rebuild runs, readers of the alias see the first index, then the second
    seen: list[set[str] | str] = []
    done = threading.Event()

    def read_while_rebuilding() -> None:
        reader = engine.client()
        try:
            while True:  # at least one read, however quick the rebuild
                try:
                    seen.append(post_ids(reader, namespace))
                except Exception as exc:  # any failure is a finding
                    seen.append(repr(exc))
                if done.is_set():
                    break
        finally:
            reader.close()

    thread = threading.Thread(target=read_while_rebuilding)
    thread.start()
    try:
        second, _ = index_posts(
            client, namespace, write_jsonl(tmp_path / "2.jsonl", OTHER_POSTS), embedding_cache
        )
    finally:
        done.set()
        thread.join()
    old, new = {"jp-shop"}, {"jp-shop-2", "jp-blog", "jp-logo"}
    assert seen and all(s in (old, new) for s in seen), seen[:5]
    assert alias_target(client, kind.alias) == second.index
    assert alias_target(client, kind.previous_alias) == first.index
    assert post_ids(client, namespace) == new

    assert roll_back(client, [kind]) == {kind.alias: first.index}
    assert alias_target(client, kind.alias) == first.index
    assert alias_target(client, kind.previous_alias) == second.index
    assert post_ids(client, namespace) == old

    # a third rebuild keeps the live and previous indices only
    third, _ = index_posts(
        client, namespace, write_jsonl(tmp_path / "3.jsonl", POSTS), embedding_cache
    )
    assert alias_target(client, kind.previous_alias) == first.index
    assert set(concrete_indices(client, kind)) == {first.index, third.index}
    assert second.index in third.deleted_leftovers

    # the profiles never moved, and still hold what they held
    assert aliases(client, namespace) == profiles_before
    assert client.count(index=namespace.profiles.alias)["count"] == len(PROFILES)

    # and rolling the profiles back leaves the job posts where they are
    roll_back(client, namespace.kinds)
    assert aliases(client, namespace) != profiles_before
    assert alias_target(client, kind.alias) == third.index
    assert alias_target(client, kind.previous_alias) == first.index


def test_titles_are_embedded_once(
    client: OpenSearch, namespace: IndexNamespace, embedding_cache: EmbeddingCache, tmp_path: Path
) -> None:
    rows: list[dict[str, Any] | str] = [
        *POSTS,
        {"id": "jp-shop-again", "title": SHOP_QUERY, "skills": ["PHP"]},  # a repeated title
    ]
    path = write_jsonl(tmp_path / "posts.jsonl", rows)
    first, _ = index_posts(client, namespace, path, embedding_cache)
    assert first.indexed == 4
    assert first.embeddings_computed == 3  # distinct titles
    again, _ = index_posts(client, namespace, path, embedding_cache)
    assert again.indexed == 4 and again.index != first.index
    assert again.embeddings_computed == 0
    upserted, _ = index_posts(client, namespace, path, embedding_cache, mode="upsert")
    assert upserted.mode == "upsert" and upserted.embeddings_computed == 0


# -- the ranking reads them -------------------------------------------------------------------


@pytest.fixture
def searcher(
    client: OpenSearch,
    namespace: IndexNamespace,
    builder: DocumentBuilder,
    embedding_cache: EmbeddingCache,
    tmp_path: Path,
) -> TalentSearcher:
    """A searcher over PROFILES, started before any job post is indexed."""
    index_profiles(client, namespace, tmp_path / "profiles.jsonl", builder, embedding_cache)
    return TalentSearcher(
        client,
        builder.vocabulary,
        SkillMatcher.from_index(client, namespace.skills.alias),
        QueryEmbedder(fake_encode),
        index=namespace.profiles.alias,
        job_posts=JobPostSource(client, namespace.job_posts.alias, refresh_s=0),
    )


def shop_search(searcher: TalentSearcher) -> SearchResult:
    return searcher.search(SearchQuery(SHOP_QUERY), READS_POSTS)


def voted_skills(result: SearchResult) -> list[str]:
    assert result.understanding.job_posts is not None
    return [s.id for s in result.understanding.job_posts.skills]


def test_a_running_searcher_picks_up_indexed_and_rebuilt_job_posts(
    searcher: TalentSearcher,
    client: OpenSearch,
    namespace: IndexNamespace,
    embedding_cache: EmbeddingCache,
    tmp_path: Path,
) -> None:
    before = shop_search(searcher)
    assert before.understanding.job_posts is None
    assert "job_posts" not in before.understanding.as_dict()

    index_posts(client, namespace, write_jsonl(tmp_path / "1.jsonl", POSTS), embedding_cache)
    after = shop_search(searcher)
    assert after.understanding.job_posts is not None
    assert [p.id for p in after.understanding.job_posts.posts] == ["jp-shop"]
    assert voted_skills(after) == ["laravel", "php"]  # the rarer one first

    index_posts(client, namespace, write_jsonl(tmp_path / "2.jsonl", OTHER_POSTS), embedding_cache)
    rebuilt = shop_search(searcher)
    assert rebuilt.understanding.job_posts is not None
    assert [p.id for p in rebuilt.understanding.job_posts.posts] == ["jp-shop-2"]
    assert sorted(voted_skills(rebuilt)) == ["docker", "mysql"]

    roll_back(client, [namespace.job_posts])
    assert voted_skills(shop_search(searcher)) == ["laravel", "php"]


def test_a_query_near_no_post_gets_no_evidence(
    searcher: TalentSearcher,
    client: OpenSearch,
    namespace: IndexNamespace,
    embedding_cache: EmbeddingCache,
    tmp_path: Path,
) -> None:
    index_posts(client, namespace, write_jsonl(tmp_path / "1.jsonl", POSTS), embedding_cache)
    far = searcher.search(SearchQuery("ledger reconciliation"), READS_POSTS)
    assert far.understanding.job_posts is None
    off = READS_POSTS.with_overrides({"query": {"job_posts": {"enabled": False}}})
    assert searcher.search(SearchQuery(SHOP_QUERY), off).understanding.job_posts is None


def test_a_running_searcher_picks_up_upserted_job_posts(
    searcher: TalentSearcher,
    client: OpenSearch,
    namespace: IndexNamespace,
    embedding_cache: EmbeddingCache,
    tmp_path: Path,
) -> None:
    index_posts(client, namespace, write_jsonl(tmp_path / "1.jsonl", POSTS[1:]), embedding_cache)
    assert shop_search(searcher).understanding.job_posts is None  # no shop post yet
    added, _ = index_posts(
        client, namespace, write_jsonl(tmp_path / "2.jsonl", POSTS[:1]), embedding_cache, "upsert"
    )
    assert added.mode == "upsert" and "jp-shop" in post_ids(client, namespace)
    assert voted_skills(shop_search(searcher)) == ["laravel", "php"]  # fails: no evidence


def test_explain_lists_the_posts_and_the_skills_they_vote_for(
    searcher: TalentSearcher,
    client: OpenSearch,
    namespace: IndexNamespace,
    embedding_cache: EmbeddingCache,
    tmp_path: Path,
) -> None:
    index_posts(client, namespace, write_jsonl(tmp_path / "1.jsonl", POSTS), embedding_cache)
    result = shop_search(searcher)
    assert result.hits
    explained = result.explain(result.hits[0])["query_understanding"]["job_posts"]
    assert [(p["id"], p["title"]) for p in explained["posts"]] == [("jp-shop", SHOP_QUERY)]
    assert explained["posts"][0]["similarity"] == pytest.approx(1.0, abs=1e-3)
    assert [(s["id"], s["label"]) for s in explained["skills"]] == [
        ("laravel", "Laravel"),
        ("php", "PHP"),
    ]
    assert sum(s["weight"] for s in explained["skills"]) == pytest.approx(1.0, abs=1e-3)
    assert all(s["weight"] > 0 for s in explained["skills"])
    json.dumps(explained)  # as the API sends it


def test_job_posts_rank_the_profile_holding_their_skills_first(
    searcher: TalentSearcher,
    client: OpenSearch,
    namespace: IndexNamespace,
    embedding_cache: EmbeddingCache,
    tmp_path: Path,
) -> None:
    before = [h.id for h in shop_search(searcher).hits]
    assert "a-shop" not in before  # nothing in the query's words reaches A

    index_posts(client, namespace, write_jsonl(tmp_path / "1.jsonl", POSTS), embedding_cache)
    after = [h.id for h in shop_search(searcher).hits]
    assert after[0] == "a-shop"  # holds all the evidence
    assert after.index("c-ops") > after.index("a-shop")  # holds part of it
    assert "b-art" not in after[: after.index("c-ops")]  # holds none of it


def test_the_apis_searcher_reads_the_job_posts(
    client: OpenSearch,
    namespace: IndexNamespace,
    builder: DocumentBuilder,
    embedding_cache: EmbeddingCache,
    tmp_path: Path,
) -> None:
    """The API's searcher (query_api.searcher_provider) reads past posts as the CLI's does."""
    index_profiles(client, namespace, tmp_path / "profiles.jsonl", builder, embedding_cache)
    provider = SearcherProvider(
        client,
        builder.vocabulary,
        QueryEmbedder(fake_encode),
        ["US"],
        request_timeout_s=10.0,
        namespace=namespace,
        job_posts_refresh_s=0,
    )
    before = provider.searcher().search(SearchQuery(SHOP_QUERY), READS_POSTS)
    assert before.understanding.job_posts is None
    index_posts(client, namespace, write_jsonl(tmp_path / "1.jsonl", POSTS), embedding_cache)
    assert voted_skills(provider.searcher().search(SearchQuery(SHOP_QUERY), READS_POSTS)) == [
        "laravel",
        "php",
    ]


# -- the CLI ----------------------------------------------------------------------------------


def test_cli_indexes_shows_and_rolls_back_job_posts(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENSEARCH_URL", engine.url)
    monkeypatch.setenv("TALENT_SEARCH_STATE_DIR", str(tmp_path / "state"))
    monkeypatch.delenv("TALENT_SEARCH_INDEX_PREFIX", raising=False)
    monkeypatch.setattr(index_commands, "model_encoder", lambda batch_size=128: fake_encode)
    runner = CliRunner()

    def invoke(*args: str) -> Any:
        return runner.invoke(cli.app, list(args), catch_exceptions=False)

    mixed = write_jsonl(tmp_path / "mixed.jsonl", [POSTS[0], {"title": "no skills"}])
    loaded = invoke("index", "job-posts", str(mixed), "--rebuild")
    assert loaded.exit_code == 3, loaded.output
    assert "read 2, indexed 1, rejected 1" in loaded.stdout
    rejects = (tmp_path / "mixed.jsonl.rejects.jsonl").read_text().splitlines()
    assert [(r["line"], r["field"]) for r in map(json.loads, rejects)] == [(2, "skills")]

    good = write_jsonl(tmp_path / "good.jsonl", OTHER_POSTS)
    loaded = invoke("index", "job-posts", str(good), "--rebuild")
    assert loaded.exit_code == 0, loaded.output
    assert "read 3, indexed 3, rejected 0" in loaded.stdout

    client = engine.client()
    try:
        first, second = concrete_indices(client, IndexNamespace().job_posts)
        status = invoke("index", "status")
        assert status.exit_code == 0, status.output
        shown = " ".join(status.stdout.split())  # alias, index (maybe cut short), documents
        assert re.search(r"talent-jobposts\W+talent-jobposts-v3-\S+\W+3\W", shown), shown
        assert re.search(r"talent-jobposts-previous\W+talent-jobposts-v3-\S+\W+1\W", shown)

        rolled = invoke("index", "rollback", "--job-posts")
        assert rolled.exit_code == 0, rolled.output
        assert f"talent-jobposts -> {first}" in " ".join(rolled.stdout.split())
        assert "talent-profiles" not in rolled.stdout
        assert alias_target(client, "talent-jobposts") == first
        assert alias_target(client, "talent-jobposts-previous") == second
        assert client.count(index="talent-jobposts")["count"] == 1
    finally:
        client.close()
    assert invoke("index", "rollback").exit_code == 1  # the profiles have nothing to roll back
