"""Pseudo-relevance feedback over skills: what a first pass's best hits have in common.

Without past job posts, the profiles a first pass ranks highest are the next best evidence of
what a query needs: the skills they share more than the marketplace at large does are read as
the query's skills, as job-post evidence would be (ranking.job_post_evidence). Each of the
`top_hits` votes for its skills with 1/sqrt(rank) (the best hits are surer evidence), a vote is
scaled by the skill's rarity among all profiles (idf: a skill every profile lists says nothing),
and a skill only one top hit holds is noise. `feedback_evidence` is pure; `SkillCounts` reads
the profiles' skill frequencies from the engine (one terms aggregation, again when the profiles
alias moves or its count changes: ranking.live_index, checked at most every
SKILL_COUNTS_REFRESH_S).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from opensearchpy import OpenSearch

from ranking.job_post_evidence import JobPostEvidence, PostSkill
from ranking.live_index import LiveIndexReader
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


class SkillCounts(LiveIndexReader[SkillFrequencies]):
    """The profiles' skill frequencies behind an alias (ranking.live_index: counted again when
    the alias moves or its count changes)."""

    def __init__(self, client: OpenSearch, alias: str, refresh_s: float = SKILL_COUNTS_REFRESH_S):
        super().__init__(client, alias, skill_frequencies, refresh_s)


def skill_frequencies(client: OpenSearch, index: str) -> SkillFrequencies:
    """How many of `index`'s profiles list each skill: one terms aggregation."""
    body = {"size": 0, "aggs": {"skills": {"terms": {"field": "skill_ids", "size": _MAX_SKILLS}}}}
    buckets = client.search(index=index, body=body)["aggregations"]["skills"]["buckets"]
    total = int(client.count(index=index)["count"])
    return SkillFrequencies(total, {b["key"]: int(b["doc_count"]) for b in buckets})
