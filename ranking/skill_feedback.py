"""Pseudo-relevance feedback over skills: what a first pass's best hits have in common.

Without past job posts, the profiles a first pass ranks highest are the next best evidence of
what a query needs: the skills they share more than the marketplace at large does are read as
the query's skills, as job-post evidence would be (ranking.job_post_evidence). Each of the
`top_hits` votes for its skills with 1/sqrt(rank) (the best hits are surer evidence), a vote is
scaled by the skill's rarity among all profiles (idf: a skill every profile lists says nothing),
and a skill only one top hit holds is noise. `feedback_evidence` is pure; `SkillCounts` reads
the profiles' skill frequencies from the engine (one terms aggregation, again when the profiles
alias moves or its count changes, checked at most every SKILL_COUNTS_REFRESH_S).
"""

from __future__ import annotations

import math
import threading
import time
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from opensearchpy import OpenSearch
from opensearchpy.exceptions import TransportError

from ranking.job_post_evidence import JobPostEvidence, PostSkill
from ranking.ranking_profile import FeedbackReading

SKILL_COUNTS_REFRESH_S: Final = 30.0
_MAX_SKILLS: Final = 65_536  # distinct skills counted (a vocabulary is a few thousand)


@dataclass(frozen=True)
class SkillFrequencies:
    """How many profiles list each skill, out of `total`."""

    total: int
    counts: Mapping[str, int]

    def idf(self, skill_id: str) -> float:
        return math.log((self.total + 1) / (self.counts.get(skill_id, 0) + 1))


def feedback_evidence(
    ranked_ids: Sequence[str],
    sources: Mapping[str, Mapping[str, Any]],
    reading: FeedbackReading,
    frequencies: SkillFrequencies,
    known: Iterable[str] | None = None,
) -> JobPostEvidence | None:
    """The skills over-represented among the first `reading.top_hits` of `ranked_ids` (each
    with its `_source` in `sources`), weighted to sum to 1; None when the top hits share
    nothing. `known` limits them to skills the ranking can use."""
    top = ranked_ids[: reading.top_hits]
    if not top:
        return None
    allowed = set(known) if known is not None else None
    votes: dict[str, float] = {}
    holders: Counter[str] = Counter()
    for rank, doc_id in enumerate(top, start=1):
        for skill in set(sources[doc_id].get("skill_ids", [])):
            votes[skill] = votes.get(skill, 0.0) + 1 / math.sqrt(rank)
            holders[skill] += 1
    scored = {
        skill: vote * frequencies.idf(skill)
        for skill, vote in votes.items()
        if holders[skill] > 1 and (allowed is None or skill in allowed)  # one hit's: noise
    }
    best = sorted(((s, v) for s, v in scored.items() if v > 0), key=lambda kv: (-kv[1], kv[0]))
    best = best[: reading.top_skills]
    weight = sum(v for _, v in best)
    if weight <= 0:
        return None
    return JobPostEvidence([], [PostSkill(s, v / weight) for s, v in best], source="feedback")


class SkillCounts:
    """The profiles' skill frequencies behind an alias, counted again when it changes."""

    def __init__(self, client: OpenSearch, alias: str, refresh_s: float = SKILL_COUNTS_REFRESH_S):
        self.client = client
        self.alias = alias
        self.refresh_s = refresh_s
        self._lock = threading.Lock()
        self._version: tuple[str | None, int] = (None, -1)
        self._frequencies = SkillFrequencies(0, {})
        self._checked_at = float("-inf")

    def current(self) -> SkillFrequencies:
        if time.monotonic() - self._checked_at < self.refresh_s:
            return self._frequencies
        with self._lock:
            if time.monotonic() - self._checked_at >= self.refresh_s:
                self._refresh()
                self._checked_at = time.monotonic()
        return self._frequencies

    def _refresh(self) -> None:
        try:
            found = self.client.indices.get_alias(name=self.alias, ignore=[404])
            index = None if "error" in found or found.get("status") == 404 else min(found)
            if index is None:
                self._version, self._frequencies = (None, 0), SkillFrequencies(0, {})
                return
            total = int(self.client.count(index=index)["count"])
            if (index, total) == self._version:
                return
            body = {
                "size": 0,
                "aggs": {"skills": {"terms": {"field": "skill_ids", "size": _MAX_SKILLS}}},
            }
            response = self.client.search(index=index, body=body)
            buckets = response["aggregations"]["skills"]["buckets"]
        except (TransportError, KeyError):
            return  # keep what we have; ask again at the next check
        counts = {b["key"]: int(b["doc_count"]) for b in buckets}
        self._version, self._frequencies = (index, total), SkillFrequencies(total, counts)
