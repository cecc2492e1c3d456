"""A fake engine for the tuner: plans like `TalentSearcher.plan` and answers `_msearch` bodies
deterministically, so studies run without a server (tests/unit/test_tuning.py) and in a fresh
interpreter under another hash seed (tests/integration/test_hash_seed_independence.py).
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from ranking.ranking_profile import RankingProfile
from ranking.talent_searcher import SearchPlan, rank_responses
from relevance.evaluation import Judgment, Judgments

BADGES = ["expert_vetted", "top_rated_plus", "top_rated", "rising_talent", None]


class FakeEngine:
    """Plans like `TalentSearcher.plan` (a leg with weight 0 is not sent; request settings shape
    the bodies) and answers bodies deterministically, like an index would."""

    def __init__(self, docs: int = 40) -> None:
        self.sources = {
            f"d{i:02d}": {
                "id": f"d{i:02d}",
                "title": f"profile {i}",
                "badge": BADGES[i % len(BADGES)],
                "job_success_score": None if i % 7 == 0 else 70 + (i * 13) % 31,
            }
            for i in range(docs)
        }
        self.sent: list[dict[str, Any]] = []

    def plan(self, text: str, ranking: RankingProfile) -> SearchPlan:
        skill = ranking.legs.skill
        legs: dict[str, dict[str, Any]] = {}
        if ranking.legs.lexical.weight > 0:
            legs["lexical"] = {"fake": {"leg": "lexical", "text": text}}
        if skill.weight > 0:
            legs["skill"] = {
                "fake": {
                    "leg": "skill",
                    "text": text,
                    "k": skill.top_k_skills,
                    "t": skill.tie_breaker,
                }
            }
        source = ["id", "title", "badge", "job_success_score"]
        bodies = [{"size": 15, "query": q, "_source": source} for q in legs.values()]
        return SearchPlan(bodies, list(legs), False, [], [])

    def msearch(self, bodies: list[dict[str, Any]]) -> list[dict[str, Any]]:
        self.sent += bodies
        return [self._answer(body) for body in bodies]

    def _answer(self, body: dict[str, Any]) -> dict[str, Any]:
        spec = json.dumps(body["query"], sort_keys=True)
        scored = []
        for doc_id in self.sources:
            digest = hashlib.sha256(f"{spec}|{doc_id}".encode()).digest()
            if digest[0] < 90:  # about a third of the docs match
                continue
            scored.append((round(digest[1] / 16 + digest[2] / 4096, 4), doc_id))
        scored.sort(key=lambda sd: (-sd[0], sd[1]))
        fields = body["_source"]
        hits = [
            {
                "_id": d,
                "_score": s,
                "_source": {f: self.sources[d][f] for f in fields if f in self.sources[d]},
            }
            for s, d in scored[: body["size"]]
        ]
        return {"hits": {"hits": hits}}

    def ranked(self, text: str, ranking: RankingProfile, depth: int) -> list[str]:
        """The reference: plan and search afresh, as `TalentSearcher.search` does."""
        plan = self.plan(text, ranking)
        hits, _ = rank_responses(plan, self.msearch(plan.bodies), ranking)
        return [h.id for h in hits[:depth]]


def fake_judgments(engine: FakeEngine, queries: int = 12) -> Judgments:
    """Rated so that badge multipliers matter: top-rated-plus profiles are the relevant ones,
    expert-vetted ones are not, the rest in between."""
    rows = []
    for i in range(queries):
        for doc_id, src in engine.sources.items():
            badge = src["badge"]
            rating = 3 if badge == "top_rated_plus" else 0 if badge == "expert_vetted" else 1
            rows.append(Judgment(f"q{i}", doc_id, rating, "even" if i % 2 else "odd"))
    return Judgments.from_rows(rows)
