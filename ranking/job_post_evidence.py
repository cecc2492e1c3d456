"""What a query needs, read from the marketplace's past job posts.

A client types a job post's title ("Laravel developer to fix checkout errors on our bakery
site"); past posts with similar titles carry the skills their clients tagged. The nearest past
titles (MiniLM cosine, the query's own embedding: no extra model call) vote for their skills,
each vote weighted by the post's similarity raised to `power` (the nearest posts count most) and
by the skill's rarity among the posts (idf: "Web Development" is tagged on everything and says
little). The weights are scaled to sum to 1, so the skill leg adds `weight` times the share of
that evidence a profile holds: coverage, on an absolute scale, whatever the query.

The posts are held in memory as a normalised matrix (like the skill vocabulary), loaded from the
job-post alias, and read again when that alias moves or its count changes (ranking.live_index,
checked at most every JOB_POST_REFRESH_S), so a rebuilt, rolled-back or grown job-post index
reaches a running API without a restart.
"""

from __future__ import annotations

import itertools
import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final

import numpy as np
import numpy.typing as npt
from opensearchpy import OpenSearch

from domain.encoder import EMBEDDING_DIM
from ranking.errors import RankingInputError
from ranking.live_index import LiveIndexReader, sorted_pages
from ranking.nearest_rows import EXACT_BELOW, NearestRows
from ranking.ranking_profile import JobPostReading

_SNAPSHOTS = itertools.count(1)

#: How often a searcher asks whether the job-post alias moved (one `_alias` call).
JOB_POST_REFRESH_S: Final = 30.0


@dataclass(frozen=True)
class PastPost:
    id: str
    title: str
    similarity: float


@dataclass(frozen=True)
class PostSkill:
    id: str
    weight: float  # share of the evidence: the weights of one query sum to 1
    label: str = ""  # the vocabulary's label (the searcher sets it)


@dataclass(frozen=True)
class JobPostEvidence:
    """The past posts nearest a query, and the skills they vote for (heaviest first)."""

    posts: list[PastPost]
    skills: list[PostSkill]
    # "job_posts", or "feedback": read from a first pass's top hits (ranking.skill_feedback)
    source: str = "job_posts"

    def as_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "posts": [
                {"id": p.id, "title": p.title, "similarity": round(p.similarity, 4)}
                for p in self.posts
            ],
            "skills": [
                {"id": s.id, "label": s.label or s.id, "weight": round(s.weight, 4)}
                for s in self.skills
            ],
        }


class JobPosts:
    """Past job posts: normalised title vectors, their skill ids, and each skill's idf.

    `vectors` holds one vector per post; or, with `row_of_post`, each distinct vector once and
    post i reads row `row_of_post[i]` (how `from_index` builds it). Either way a title posted
    again is held and scored once (`matrix`), and its similarity read back for every post that
    shares it. `exact_below`: the distinct titles below which the nearest are found exactly
    (ranking.nearest_rows); at and above it an HNSW graph proposes them.
    """

    def __init__(
        self,
        ids: Sequence[str],
        titles: Sequence[str],
        skill_ids: Sequence[Sequence[str]],
        vectors: npt.NDArray[np.float32],
        *,
        row_of_post: Sequence[int] | npt.NDArray[np.int64] | None = None,
        exact_below: int = EXACT_BELOW,
    ) -> None:
        rows = len(ids) if row_of_post is None else len(row_of_post)
        if not len(ids) == len(titles) == len(skill_ids) == rows:
            raise RankingInputError("ids, titles, skill_ids and vectors must have the same length")
        self.ids = list(ids)
        self.titles = list(titles)
        self.skill_ids = [tuple(s) for s in skill_ids]
        matrix = np.asarray(vectors, dtype=np.float32).reshape(-1, EMBEDDING_DIM)
        if row_of_post is None:
            if len(matrix) != len(self.ids):
                raise RankingInputError(
                    "ids, titles, skill_ids and vectors must have the same length"
                )
            matrix, of_post = distinct_rows(matrix)
        else:
            of_post = np.asarray(row_of_post, dtype=np.int64).reshape(-1)
            if len(of_post) and not 0 <= of_post.min() <= of_post.max() < len(matrix):
                raise RankingInputError("row_of_post points outside the vectors")
        norms = np.linalg.norm(matrix, axis=1, keepdims=True)
        normalised = matrix / np.where(norms == 0, 1, norms)
        # The rows in np.unique's order: a row's float32 product with a query can differ in its
        # last bit with its place in the matrix (BLAS blocks rows), and this is the order exact
        # search has always read them in, so its similarities stay the same to the bit.
        unique, inverse = np.unique(normalised, axis=0, return_inverse=True)
        self.matrix = np.ascontiguousarray(unique, dtype=np.float32)
        of_post = inverse.reshape(-1)[of_post]
        self.row_of_post = of_post  # post -> its row of `matrix`
        # each row's posts, in post order: `_post_order[_row_start[r]:_row_start[r + 1]]`
        self._post_order = np.argsort(of_post, kind="stable")
        per_row = np.bincount(of_post, minlength=len(self.matrix))
        self._row_start = np.concatenate([[0], np.cumsum(per_row)]).astype(np.int64)
        self.nearest = NearestRows(self.matrix, exact_below)
        counts = Counter(s for skills in self.skill_ids for s in set(skills))
        total = len(self.ids)
        self.idf = {s: math.log((total + 1) / (n + 1)) for s, n in counts.items()}
        # Names this set of posts in cache keys (ranking.client_cache): a refresh builds another.
        self.version = next(_SNAPSHOTS)

    def __len__(self) -> int:
        return len(self.ids)

    @classmethod
    def from_index(cls, client: OpenSearch, alias: str, exact_below: int = EXACT_BELOW) -> JobPosts:
        """Every post behind `alias` (id, title, skill ids, title embedding), in id order.

        Each embedding is written straight into a float32 array (no list of Python floats
        kept), and a vector already seen (a title posted again) is not kept twice."""
        ids: list[str] = []
        titles: list[str] = []
        skills: list[tuple[str, ...]] = []
        row_of_post: list[int] = []
        vectors = DistinctRows(int(client.count(index=alias)["count"]))
        for src in sorted_pages(client, alias, ["id", "title", "skill_ids", "embedding"], 2000):
            row_of_post.append(vectors.add(src["embedding"]))
            ids.append(src["id"])
            titles.append(src["title"])
            skills.append(tuple(src.get("skill_ids", ())))
        return cls(
            ids, titles, skills, vectors.held(), row_of_post=row_of_post, exact_below=exact_below
        )

    def evidence(
        self, query_vectors: npt.NDArray[np.float32], reading: JobPostReading
    ) -> JobPostEvidence | None:
        """The nearest posts to the query (best cosine over its vectors) and their skills'
        weights; None when no post is at least `reading.min_similarity` similar."""
        if not len(self.ids) or not len(query_vectors):
            return None
        vectors = np.atleast_2d(query_vectors).astype(np.float32, copy=False)
        k = min(reading.neighbours, len(self.ids))
        # The k nearest posts lie in the k nearest titles (each title has a post at least):
        # those titles (and any tied with the k-th), then their posts, at most k of each
        # title (a title's posts tie: the first ones in id order come first).
        rows, sims = self.nearest.nearest(vectors, k, floor=reading.min_similarity)
        starts = self._row_start[rows]
        counts = np.minimum(self._row_start[rows + 1] - starts, k)
        offsets = np.repeat(starts - np.cumsum(counts) + counts, counts)
        found = self._post_order[offsets + np.arange(len(offsets))]
        post_sims = np.repeat(sims, counts)
        order = np.lexsort((found, -post_sims))[:k]  # most similar first, then first row
        top, top_sims = found[order], post_sims[order]
        if not len(top):
            return None
        posts = [
            PastPost(self.ids[r], self.titles[r], float(s))
            for r, s in zip(top.tolist(), top_sims.tolist(), strict=True)
        ]
        votes: Counter[str] = Counter()
        for post, row in zip(posts, top.tolist(), strict=True):
            for skill_id in self.skill_ids[row]:
                votes[skill_id] += post.similarity**reading.power * self.idf.get(skill_id, 0.0)
        best = sorted(votes.items(), key=lambda kv: (-kv[1], kv[0]))[: reading.top_skills]
        total = sum(v for _, v in best)
        if total <= 0:
            return None
        skills = [PostSkill(s, v / total) for s, v in best if v > 0]
        return JobPostEvidence(posts[: reading.explain_posts], skills)


class DistinctRows:
    """Vectors added one at a time into a float32 array, each distinct one held once.

    The array is allocated for `capacity` rows up front and grows if more come; rows never
    written take no memory (the kernel maps pages on first touch), so it costs what the distinct
    vectors fill. A vector equal to one held (bit for bit: a title posted again) gets its row.
    """

    def __init__(self, capacity: int) -> None:
        self._rows = np.empty((max(capacity, 1), EMBEDDING_DIM), np.float32)
        self._count = 0
        self._row_of: dict[int, int] = {}  # hash of a held row's bytes -> the row

    def add(self, vector: Sequence[float] | npt.NDArray[np.float32]) -> int:
        """The row holding `vector` (a new one if no equal vector is held)."""
        if self._count == len(self._rows):
            grown = np.empty((2 * len(self._rows), EMBEDDING_DIM), np.float32)
            grown[: self._count] = self._rows
            self._rows = grown
        slot = self._rows[self._count]
        slot[:] = vector  # Python floats straight into float32: no list kept
        key = hash(slot.tobytes())
        held = self._row_of.get(key)
        if held is not None and np.array_equal(self._rows[held], slot):
            return held
        self._row_of.setdefault(key, self._count)  # (a hash collision: held twice, harmless)
        self._count += 1
        return self._count - 1

    def held(self) -> npt.NDArray[np.float32]:
        """The distinct vectors, in the order first added (a view of the array)."""
        return self._rows[: self._count]


def distinct_rows(
    matrix: npt.NDArray[np.float32],
) -> tuple[npt.NDArray[np.float32], npt.NDArray[np.int64]]:
    """Each distinct row of `matrix` once (first-seen order), and the row each input row is."""
    rows = DistinctRows(len(matrix))
    of_input = np.fromiter((rows.add(row) for row in matrix), np.int64, count=len(matrix))
    return rows.held(), of_input


class JobPostSource(LiveIndexReader[JobPosts]):
    """The job posts behind an alias (ranking.live_index: read again when the alias moves or
    its count changes). No alias (a marketplace without job posts) gives None: the ranking
    then behaves as without them."""

    def __init__(self, client: OpenSearch, alias: str, refresh_s: float = JOB_POST_REFRESH_S):
        super().__init__(client, alias, JobPosts.from_index, refresh_s)
