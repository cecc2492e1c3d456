"""The skill-embedding leg: map a query onto the skills the profiles hold, then score in the engine.

The query is embedded once; its nearest skills in the indexed vocabulary (a few thousand vectors,
held in memory) become `dis_max(tie_breaker=t, [constant_score(term skill_ids=s, boost=sim)])`. A
profile's score is the similarity of its best-matching skill plus t times the rest. No vectors in
the profile index and no k-NN plugin are needed, and the model runs once per query, never per
profile. A skill that the query names outright (directly or through an alias) gets similarity 1.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np
import numpy.typing as npt
from opensearchpy import OpenSearch

from domain.encoder import EMBEDDING_DIM
from domain.skill_names import normalise_skill
from mappings.index_contract import SKILLS
from ranking.errors import RankingInputError
from ranking.live_index import sorted_pages
from ranking.ranking_profile import SkillLeg


@dataclass(frozen=True)
class SkillMatch:
    id: str
    label: str
    similarity: float
    exact: bool = False


class SkillMatcher:
    """The indexed skill vocabulary as a normalised matrix, for nearest-skill lookups."""

    def __init__(self, ids: Sequence[str], labels: Sequence[str], vectors: npt.NDArray[np.float32]):
        if len(ids) != len(labels) or len(ids) != len(vectors):
            raise RankingInputError("ids, labels and vectors must have the same length")
        self.ids = list(ids)
        self.labels = list(labels)
        self._row = {skill_id: i for i, skill_id in enumerate(self.ids)}
        matrix = np.asarray(vectors, dtype=np.float32).reshape(len(self.ids), EMBEDDING_DIM)
        norms = np.linalg.norm(matrix, axis=1, keepdims=True)
        self.matrix = matrix / np.where(norms == 0, 1, norms)

    def __len__(self) -> int:
        return len(self.ids)

    def __contains__(self, skill_id: object) -> bool:
        return skill_id in self._row

    def label(self, skill_id: str) -> str:
        return self.labels[self._row[skill_id]]

    def containing(self, text: str, limit: int = 64) -> list[str]:
        """The skills whose label holds the words of `text` in a row ("Landing Page" ->
        "Landing Page Design"), shortest label first, at most `limit`: how a name the
        vocabulary lacks is found among the skills the profiles list."""
        words = normalise_skill(text).split()
        if not words:
            return []
        rows = set.intersection(*(self._rows_with_word.get(w, set()) for w in words))
        found = [r for r in rows if _contains_run(self._label_words[r], words)]
        found.sort(key=lambda r: (len(self._label_words[r]), self.ids[r]))
        return [self.ids[r] for r in found[:limit]]

    @cached_property
    def _label_words(self) -> list[list[str]]:
        return [normalise_skill(label).split() for label in self.labels]

    @cached_property
    def _rows_with_word(self) -> dict[str, set[int]]:
        rows: dict[str, set[int]] = {}
        for row, words in enumerate(self._label_words):
            for word in words:
                rows.setdefault(word, set()).add(row)
        return rows

    @classmethod
    def from_index(cls, client: OpenSearch, alias: str = SKILLS.alias) -> SkillMatcher:
        """Load every skill document (id, label, embedding) behind the skills alias."""
        ids: list[str] = []
        labels: list[str] = []
        vectors: list[list[float]] = []
        for src in sorted_pages(client, alias, ["id", "label", "embedding"], 1000):
            ids.append(src["id"])
            labels.append(src["label"])
            vectors.append(src["embedding"])
        empty = np.zeros((0, EMBEDDING_DIM), np.float32)
        matrix = np.asarray(vectors, dtype=np.float32) if vectors else empty
        return cls(ids, labels, matrix)

    def nearest(
        self,
        query_vectors: npt.NDArray[np.float32],
        top_k: int,
        min_similarity: float,
        exact_ids: Iterable[str] = (),
    ) -> list[SkillMatch]:
        """Top-k skills by the best cosine over the query's vectors, plus the exact matches."""
        matches: dict[str, SkillMatch] = {}
        for skill_id in exact_ids:
            row = self._row.get(skill_id)
            if row is not None:
                matches[skill_id] = SkillMatch(skill_id, self.labels[row], 1.0, exact=True)
        if len(self.ids) and len(query_vectors):
            sims = (self.matrix @ np.atleast_2d(query_vectors).T).max(axis=1)
            k = min(top_k, len(sims))
            top = np.argpartition(-sims, k - 1)[:k]
            for row in top[np.argsort(-sims[top], kind="stable")]:
                sim = float(sims[row])
                skill_id = self.ids[row]
                if sim < min_similarity or skill_id in matches:
                    continue
                matches[skill_id] = SkillMatch(skill_id, self.labels[row], sim)
        ordered = sorted(matches.values(), key=lambda m: (-m.similarity, m.id))
        return ordered[: max(top_k, sum(m.exact for m in ordered))]


def _contains_run(words: Sequence[str], run: Sequence[str]) -> bool:
    """Whether `run` occurs in `words` as consecutive words."""
    n = len(run)
    return any(list(words[i : i + n]) == list(run) for i in range(len(words) - n + 1))


def skill_leg_query(
    matches: Sequence[SkillMatch],
    skill: SkillLeg,
    *,
    occupations: Sequence[str] = (),
    post_skills: Sequence[tuple[str, float]] = (),
    title_text: str = "",
    job_skills: Sequence[tuple[dict[str, Any], float]] = (),
) -> dict[str, Any] | None:
    """dis_max over constant_score term queries, one per matched skill; None when none matched.
    The settings are the profile's skill leg (`legs.skill`).

    A skill the query names outright scores its similarity (1) plus `exact_boost`, so holding
    it outweighs holding several of its neighbours (each adds `tie_breaker` times its own). A
    title of an occupation the query's job title names (`title_occupations`) counts like one
    more skill of `title_occupation_similarity`: being that job is as telling as holding its
    tools.

    A profile title that holds every word of `title_text` (the query without its filler
    words) adds `title_match_similarity`, beside the dis_max: "Virtual Assistant" for "virtual
    assistant" is strong evidence even when the profile's skills are only loosely related.

    `post_skills` (skill id, score) are what past job posts say the query needs
    (ranking.job_post_evidence): each held one adds its score, beside the dis_max, so a
    profile's score grows with how much of that evidence it covers.

    `job_skills` (engine clause, score) are a job post's skills (ranking.job_post_query): each
    held one adds its score the same way.
    """
    clauses = [
        {
            "constant_score": {
                "filter": {"term": {"skill_ids": m.id}},
                "boost": round(max(m.similarity, 1e-4) + (skill.exact_boost if m.exact else 0), 6),
            }
        }
        for m in matches
    ]
    if occupations and skill.title_occupation_similarity > 0:
        terms = {"terms": {"title_occupations": list(occupations)}}
        boost = skill.title_occupation_similarity
        clauses.append({"constant_score": {"filter": terms, "boost": boost}})
    covered = [
        {"constant_score": {"filter": {"term": {"skill_ids": skill_id}}, "boost": round(score, 6)}}
        for skill_id, score in post_skills
        if score > 0
    ]
    covered += [
        {"constant_score": {"filter": clause, "boost": round(score, 6)}}
        for clause, score in job_skills
        if score > 0
    ]
    if title_text and skill.title_match_similarity > 0:  # the title says every word the query says
        says = {"match": {"title": {"query": title_text, "operator": "and"}}}
        boost = skill.title_match_similarity
        covered.append({"constant_score": {"filter": says, "boost": boost}})
    tie_breaker = skill.tie_breaker
    dis_max = {"dis_max": {"tie_breaker": tie_breaker, "queries": clauses}} if clauses else None
    if not covered:
        return dis_max
    return {"bool": {"should": ([dis_max] if dis_max else []) + covered}}
