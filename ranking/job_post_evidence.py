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
from ranking.ranking_profile import JobPostReading

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
    """Past job posts: normalised title vectors, their skill ids, and each skill's idf."""

    def __init__(
        self,
        ids: Sequence[str],
        titles: Sequence[str],
        skill_ids: Sequence[Sequence[str]],
        vectors: npt.NDArray[np.float32],
    ) -> None:
        if not len(ids) == len(titles) == len(skill_ids) == len(vectors):
            raise RankingInputError("ids, titles, skill_ids and vectors must have the same length")
        self.ids = list(ids)
        self.titles = list(titles)
        self.skill_ids = [tuple(s) for s in skill_ids]
        matrix = np.asarray(vectors, dtype=np.float32).reshape(len(self.ids), EMBEDDING_DIM)
        norms = np.linalg.norm(matrix, axis=1, keepdims=True)
        normalised = matrix / np.where(norms == 0, 1, norms)
        # A title posted again has the same vector: each distinct vector is scored once and its
        # similarity read back for every post that shares it (a query reads the whole matrix,
        # so its size is the cost; the results are the same).
        unique, row_of_post = np.unique(normalised, axis=0, return_inverse=True)
        self.matrix = np.ascontiguousarray(unique, dtype=np.float32)
        self.row_of_post = row_of_post.reshape(-1)  # post -> its row of `matrix`
        counts = Counter(s for skills in self.skill_ids for s in set(skills))
        total = len(self.ids)
        self.idf = {s: math.log((total + 1) / (n + 1)) for s, n in counts.items()}

    def __len__(self) -> int:
        return len(self.ids)

    @classmethod
    def from_index(cls, client: OpenSearch, alias: str) -> JobPosts:
        """Every post behind `alias` (id, title, skill ids, title embedding), in id order."""
        ids: list[str] = []
        titles: list[str] = []
        skills: list[list[str]] = []
        vectors: list[list[float]] = []
        for src in sorted_pages(client, alias, ["id", "title", "skill_ids", "embedding"], 2000):
            ids.append(src["id"])
            titles.append(src["title"])
            skills.append(list(src.get("skill_ids", [])))
            vectors.append(src["embedding"])
        empty = np.zeros((0, EMBEDDING_DIM), np.float32)
        return cls(ids, titles, skills, np.asarray(vectors, np.float32) if vectors else empty)

    def evidence(
        self, query_vectors: npt.NDArray[np.float32], reading: JobPostReading
    ) -> JobPostEvidence | None:
        """The nearest posts to the query (best cosine over its vectors) and their skills'
        weights; None when no post is at least `reading.min_similarity` similar."""
        if not len(self.ids) or not len(query_vectors):
            return None
        vectors = np.atleast_2d(query_vectors).astype(np.float32, copy=False)
        # one matrix-vector product per query vector (cheaper here than one thin product)
        sims = np.max([self.matrix @ vector for vector in vectors], axis=0)[self.row_of_post]
        k = min(reading.neighbours, len(sims))
        cut = sims[np.argpartition(-sims, k - 1)[k - 1]]
        tied = np.flatnonzero(sims >= cut)  # every row as similar as the k-th, ties included
        top = tied[np.lexsort((tied, -sims[tied]))][:k]  # most similar first, then first row
        posts = [
            PastPost(self.ids[r], self.titles[r], float(sims[r]))
            for r in top
            if sims[r] >= reading.min_similarity
        ]
        if not posts:
            return None
        votes: Counter[str] = Counter()
        for post, row in zip(posts, top, strict=False):
            for skill_id in self.skill_ids[row]:
                votes[skill_id] += post.similarity**reading.power * self.idf.get(skill_id, 0.0)
        best = sorted(votes.items(), key=lambda kv: (-kv[1], kv[0]))[: reading.top_skills]
        total = sum(v for _, v in best)
        if total <= 0:
            return None
        skills = [PostSkill(s, v / total) for s, v in best if v > 0]
        return JobPostEvidence(posts[: reading.explain_posts], skills)


class JobPostSource(LiveIndexReader[JobPosts]):
    """The job posts behind an alias (ranking.live_index: read again when the alias moves or
    its count changes). No alias (a marketplace without job posts) gives None: the ranking
    then behaves as without them."""

    def __init__(self, client: OpenSearch, alias: str, refresh_s: float = JOB_POST_REFRESH_S):
        super().__init__(client, alias, JobPosts.from_index, refresh_s)
