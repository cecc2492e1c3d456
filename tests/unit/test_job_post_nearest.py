"""Finding the past posts nearest a query, pure: no engine, no model.

Exact search (below `EXACT_BELOW` distinct titles) must pick what a brute force over every post
picks, floats and ties included; HNSW (at and above it) must agree with exact on what it finds;
loading from the index keeps each distinct title vector once.
"""

from __future__ import annotations

import math
from collections import Counter
from typing import Any, cast

import numpy as np
import numpy.typing as npt
import pytest
from opensearchpy import OpenSearch

from domain.encoder import EMBEDDING_DIM
from ranking.job_post_evidence import (
    JobPostEvidence,
    JobPosts,
    PastPost,
    PostSkill,
    distinct_rows,
)
from ranking.nearest_rows import EXACT_BELOW, NearestRows
from ranking.ranking_profile import JobPostReading

Matrix = npt.NDArray[np.float32]
DEFAULT = JobPostReading(enabled=True)
READINGS = [
    DEFAULT,
    JobPostReading(enabled=True, neighbours=1, min_similarity=0.0, power=1.0),
    JobPostReading(enabled=True, neighbours=7, min_similarity=0.0, top_skills=50),
    JobPostReading(enabled=True, neighbours=500, min_similarity=0.1, explain_posts=50),
]


def clustered(rng: np.random.Generator, count: int, centres: int = 40) -> Matrix:
    """Unit vectors around a few centres, like titles of a few kinds of job."""
    middle = rng.standard_normal((centres, EMBEDDING_DIM))
    picked = middle[rng.integers(0, centres, count)]
    rows = (picked + 0.6 * rng.standard_normal((count, EMBEDDING_DIM))).astype(np.float32)
    return rows / np.linalg.norm(rows, axis=1, keepdims=True)


def corpus(seed: int, titles: int, posts: int, exact_below: int = EXACT_BELOW) -> JobPosts:
    """`posts` posts over `titles` title vectors (so titles posted again), each with a few of
    30 skills."""
    rng = np.random.default_rng(seed)
    distinct = clustered(rng, titles)
    per_post = distinct[rng.integers(0, titles, posts)]
    skills = [
        [f"s{j}" for j in rng.choice(30, rng.integers(1, 5), replace=False)] for _ in range(posts)
    ]
    ids = [f"p{i:05d}" for i in range(posts)]
    titles_of = [f"t{i}" for i in range(posts)]
    return JobPosts(ids, titles_of, skills, per_post, exact_below=exact_below)


def queries(seed: int, count: int) -> list[Matrix]:
    """One to three query vectors each, near the corpus's kinds of title."""
    rng = np.random.default_rng(seed)
    return [clustered(rng, int(rng.integers(1, 4))) for _ in range(count)]


def brute_force(posts: JobPosts, query: Matrix, reading: JobPostReading) -> JobPostEvidence | None:
    """What evidence was before titles were searched first: every post's similarity, the
    k-th post's as the cut, ties at it included, most similar first, then first row."""
    sims = np.max([posts.matrix @ v for v in query], axis=0)[posts.row_of_post]
    k = min(reading.neighbours, len(sims))
    cut = sims[np.argpartition(-sims, k - 1)[k - 1]]
    tied = np.flatnonzero(sims >= cut)
    top = tied[np.lexsort((tied, -sims[tied]))][:k]
    found = [
        PastPost(posts.ids[r], posts.titles[r], float(sims[r]))
        for r in top
        if sims[r] >= reading.min_similarity
    ]
    if not found:
        return None
    votes: Counter[str] = Counter()
    for post, row in zip(found, top, strict=False):
        for skill_id in posts.skill_ids[row]:
            votes[skill_id] += post.similarity**reading.power * posts.idf.get(skill_id, 0.0)
    best = sorted(votes.items(), key=lambda kv: (-kv[1], kv[0]))[: reading.top_skills]
    total = sum(v for _, v in best)
    if total <= 0:
        return None
    return JobPostEvidence(
        found[: reading.explain_posts], [PostSkill(s, v / total) for s, v in best if v > 0]
    )


# -- exact: what a brute force over every post gives ------------------------------------------


@pytest.mark.parametrize("reading", READINGS)
@pytest.mark.parametrize("seed", [1, 2])
def test_exact_search_gives_what_a_brute_force_over_every_post_gives(
    reading: JobPostReading, seed: int
) -> None:
    job_posts = corpus(seed, titles=300, posts=1200)
    assert not job_posts.nearest.approximate
    for query in queries(seed + 100, 30):
        assert job_posts.evidence(query, reading) == brute_force(job_posts, query, reading)


def test_a_popular_title_fills_the_neighbours_with_its_first_posts() -> None:
    """50 posts of one title, the nearest: the first `neighbours` of them (id order) vote."""
    near, far = np.eye(2, EMBEDDING_DIM, dtype=np.float32)
    vectors = np.stack([far, *[near] * 50, far])
    ids = [f"p{i:02d}" for i in range(52)]
    skills = [[f"s{i}"] for i in range(len(ids))]
    reading = JobPostReading(enabled=True, neighbours=5, min_similarity=0.0, explain_posts=50)
    for exact_below in (EXACT_BELOW, 0):
        job_posts = JobPosts(ids, ids, skills, vectors, exact_below=exact_below)
        found = job_posts.evidence(near[None, :], reading)
        assert found is not None
        assert [p.id for p in found.posts] == ["p01", "p02", "p03", "p04", "p05"]


def test_rows_tied_at_the_cut_all_come_back() -> None:
    """Distinct titles at the same cosine: the search returns them all, the posts' order (id)
    then decides which vote."""
    query = np.eye(1, EMBEDDING_DIM, 0, dtype=np.float32)
    rows = np.zeros((4, EMBEDDING_DIM), np.float32)
    rows[:, 0] = [0.9, 0.6, 0.6, 0.6]
    rows[[1, 2, 3], [1, 2, 3]] = math.sqrt(1 - 0.36)
    rows[0, 4] = math.sqrt(1 - 0.81)
    nearest = NearestRows(rows, exact_below=5)
    got, sims = nearest.nearest(query, 2)
    assert got.tolist() == [0, 1, 2, 3]
    assert sims.tolist() == pytest.approx([0.9, 0.6, 0.6, 0.6])
    above, _ = nearest.nearest(query, 2, floor=0.7)
    assert above.tolist() == [0]


# -- the threshold ----------------------------------------------------------------------------


def test_exact_below_the_threshold_hnsw_from_it_on() -> None:
    rows = clustered(np.random.default_rng(3), 50)
    assert not NearestRows(rows, exact_below=51).approximate
    assert NearestRows(rows, exact_below=50).approximate
    # the real relevance set's 4,411 distinct titles are searched exactly: its scores stand
    assert EXACT_BELOW > 4_411
    job_posts = corpus(4, titles=100, posts=200)
    assert not job_posts.nearest.approximate
    held = len(job_posts.matrix)  # the distinct titles drawn, not the posts, count
    assert corpus(4, titles=100, posts=200, exact_below=held).nearest.approximate
    assert not corpus(4, titles=100, posts=200, exact_below=held + 1).nearest.approximate


def test_hnsw_finds_what_exact_finds_and_scores_it_the_same() -> None:
    exact = corpus(5, titles=3000, posts=6000)
    approx = corpus(5, titles=3000, posts=6000, exact_below=0)
    assert approx.nearest.approximate and not exact.nearest.approximate
    found = wanted = same = 0
    tests = queries(6, 60)
    for query in tests:
        rows, sims = exact.nearest.nearest(query, 40)
        got, got_sims = approx.nearest.nearest(query, 40)
        both, at_exact, at_approx = np.intersect1d(rows, got, return_indices=True)
        wanted += len(rows)
        found += len(both)
        # what HNSW finds is scored against the same matrix: the same similarities
        assert got_sims[at_approx] == pytest.approx(sims[at_exact], abs=1e-6)
        evidence = approx.evidence(query, DEFAULT)
        reference = exact.evidence(query, DEFAULT)
        same += _explained(evidence) == _explained(reference)
    assert found / wanted >= 0.95
    assert same >= 0.9 * len(tests)


def test_hnsw_is_built_the_same_every_time() -> None:
    """Built on one thread: every API process finds the same neighbours."""
    rows = clustered(np.random.default_rng(7), 2000)
    first, second = NearestRows(rows, exact_below=0), NearestRows(rows, exact_below=0)
    for query in queries(8, 20):
        assert np.array_equal(first.nearest(query, 10)[0], second.nearest(query, 10)[0])


# -- empty ------------------------------------------------------------------------------------


def test_nothing_to_search_finds_nothing() -> None:
    empty = np.zeros((0, EMBEDDING_DIM), np.float32)
    query = np.eye(1, EMBEDDING_DIM, dtype=np.float32)
    for exact_below in (EXACT_BELOW, 0):
        nearest = NearestRows(empty, exact_below=exact_below)
        assert not nearest.approximate and len(nearest) == 0
        assert [len(a) for a in nearest.nearest(query, 5)] == [0, 0]
        job_posts = JobPosts([], [], [], empty, exact_below=exact_below)
        assert job_posts.evidence(query, DEFAULT) is None
    rows = clustered(np.random.default_rng(9), 5)
    assert [len(a) for a in NearestRows(rows).nearest(empty, 5)] == [0, 0]


# -- each distinct title vector once ----------------------------------------------------------


def test_distinct_rows_keeps_each_vector_once_in_first_seen_order() -> None:
    a, b, c = clustered(np.random.default_rng(10), 3)
    distinct, row_of = distinct_rows(np.stack([b, a, b, c, a]))
    assert np.array_equal(distinct, np.stack([b, a, c]))
    assert row_of.tolist() == [0, 1, 0, 2, 1]
    none, of_none = distinct_rows(np.zeros((0, EMBEDDING_DIM), np.float32))
    assert none.shape == (0, EMBEDDING_DIM) and len(of_none) == 0


def test_the_matrix_holds_the_titles_in_the_order_exact_search_always_read_them() -> None:
    """np.unique's order of the normalised vectors: a row's float32 product can differ in its
    last bit with its place in the matrix, so the order is kept, and the similarities with it."""
    rng = np.random.default_rng(14)
    distinct = clustered(rng, 50) * rng.uniform(0.5, 2.0, (50, 1)).astype(np.float32)
    per_post = distinct[rng.integers(0, 50, 120)]
    job_posts = JobPosts([f"p{i}" for i in range(120)], ["t"] * 120, [["x"]] * 120, per_post)
    normalised = per_post / np.linalg.norm(per_post, axis=1, keepdims=True)
    unique, inverse = np.unique(normalised, axis=0, return_inverse=True)
    assert np.array_equal(job_posts.matrix, unique)
    assert job_posts.row_of_post.tolist() == inverse.reshape(-1).tolist()


def test_row_of_post_must_point_into_the_vectors() -> None:
    rows = clustered(np.random.default_rng(11), 2)
    with pytest.raises(ValueError, match="outside"):
        JobPosts(["a", "b"], ["A", "B"], [["x"], ["y"]], rows, row_of_post=[0, 2])
    with pytest.raises(ValueError, match="same length"):
        JobPosts(["a", "b"], ["A", "B"], [["x"], ["y"]], rows, row_of_post=[0])


class PagedClient:
    """Serves `count` and `search_after` pages of documents, sorted by id, as the engine does
    for ranking.live_index.sorted_pages."""

    def __init__(self, docs: list[dict[str, Any]], count: int | None = None) -> None:
        self.docs = sorted(docs, key=lambda d: d["id"])
        self._count = len(docs) if count is None else count

    def count(self, index: str) -> dict[str, int]:
        return {"count": self._count}

    def search(self, index: str, body: dict[str, Any]) -> dict[str, Any]:
        after = body.get("search_after", [""])[0]
        page = [d for d in self.docs if d["id"] > after][: body["size"]]
        hits = [
            {"_source": {k: d[k] for k in body["_source"] if k in d}, "sort": [d["id"]]}
            for d in page
        ]
        return {"hits": {"hits": hits}}


@pytest.mark.parametrize("counted", [None, 10])  # 10: posts arrived after the count
def test_from_index_keeps_each_title_vector_once_and_reads_as_built(counted: int | None) -> None:
    """4,500 posts (three pages) over 40 titles: 40 rows; evidence as from per-post vectors."""
    rng = np.random.default_rng(12)
    titles = clustered(rng, 40)
    picks = rng.integers(0, 40, 4500)
    docs = [
        {
            "id": f"jp-{i:05d}",
            "title": f"title {p}",
            "skill_ids": [f"s{p % 7}", f"s{i % 5}"],
            "embedding": [float(x) for x in titles[p]],
        }
        for i, p in enumerate(picks)
    ]
    client = cast(OpenSearch, PagedClient(docs, counted))
    loaded = JobPosts.from_index(client, "job-posts")
    assert len(loaded) == 4500 and loaded.matrix.shape == (40, EMBEDDING_DIM)
    assert loaded.ids == sorted(d["id"] for d in docs)
    built = JobPosts(
        [d["id"] for d in docs],
        [d["title"] for d in docs],
        [d["skill_ids"] for d in docs],
        titles[picks],
    )
    for query in queries(13, 10):
        assert loaded.evidence(query, DEFAULT) == built.evidence(query, DEFAULT)
    empty = JobPosts.from_index(cast(OpenSearch, PagedClient([])), "job-posts")
    assert len(empty) == 0 and empty.matrix.shape == (0, EMBEDDING_DIM)


def _explained(evidence: JobPostEvidence | None) -> Any:
    return None if evidence is None else evidence.as_dict()
