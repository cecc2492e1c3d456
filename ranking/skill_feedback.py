"""Pseudo-relevance feedback over skills: what a first pass's best hits have in common.

Without past job posts, the profiles a first pass ranks highest are the next best evidence of
what a query needs: the skills they share more than the other candidates do (share among the
top hits times log-rarity among the candidates) are read as the query's skills, as job-post
evidence would be (ranking.job_post_evidence). Pure: plain data in, plain data out.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from ranking.job_post_evidence import JobPostEvidence, PostSkill
from ranking.ranking_profile import FeedbackReading


def feedback_evidence(
    ranked_ids: Sequence[str],
    sources: Mapping[str, Mapping[str, Any]],
    reading: FeedbackReading,
    known: Iterable[str] | None = None,
) -> JobPostEvidence | None:
    """The skills over-represented among the first `reading.top_hits` of `ranked_ids` (every
    id is a candidate with its `_source` in `sources`), weighted to sum to 1; None when the
    top hits share nothing. `known` limits them to skills the ranking can use."""
    top = ranked_ids[: reading.top_hits]
    if not top:
        return None
    allowed = set(known) if known is not None else None
    in_top = Counter(s for i in top for s in set(sources[i].get("skill_ids", [])))
    in_window = Counter(s for src in sources.values() for s in set(src.get("skill_ids", [])))
    total = len(sources)
    votes = {
        skill: (count / len(top)) * math.log((total + 1) / (in_window[skill] + 1))
        for skill, count in in_top.items()
        if count > 1 and (allowed is None or skill in allowed)  # one profile's skill: noise
    }
    best = sorted(((s, v) for s, v in votes.items() if v > 0), key=lambda kv: (-kv[1], kv[0]))
    best = best[: reading.top_skills]
    weight = sum(v for _, v in best)
    if weight <= 0:
        return None
    return JobPostEvidence([], [PostSkill(s, v / weight) for s, v in best], source="feedback")
