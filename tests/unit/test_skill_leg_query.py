"""The skill leg's query body (ranking.skill_matcher.skill_leg_query): pure, no engine."""

from __future__ import annotations

from typing import Any

from ranking.ranking_profile import SkillLeg
from ranking.skill_matcher import SkillMatch, skill_leg_query

NAMED = SkillMatch("python", "Python", 1.0, exact=True)
NEIGHBOUR = SkillMatch("django", "Django", 0.62)
LEG = SkillLeg(tie_breaker=0.2)  # the default's settings: exact_boost 1, occupations 1


def _boosts(query: dict[str, Any]) -> dict[str, float]:
    found = {}
    for clause in query["dis_max"]["queries"]:
        score = clause["constant_score"]
        field, value = next(iter(score["filter"].values())).popitem()
        found[f"{field}={value}"] = score["boost"]
    return found


def test_a_named_skill_scores_one_plus_the_exact_boost_and_neighbours_their_similarity() -> None:
    query = skill_leg_query([NAMED, NEIGHBOUR], SkillLeg(tie_breaker=0.3, exact_boost=1.0))
    assert query is not None and query["dis_max"]["tie_breaker"] == 0.3
    assert _boosts(query) == {"skill_ids=python": 2.0, "skill_ids=django": 0.62}
    plain = skill_leg_query([NAMED, NEIGHBOUR], SkillLeg(exact_boost=0.0))
    assert plain is not None and _boosts(plain)["skill_ids=python"] == 1.0


def test_an_occupation_counts_like_one_more_skill_only_when_weighted() -> None:
    codes = ["43-3031.00"]
    on = SkillLeg(title_occupation_similarity=1.0)
    query = skill_leg_query([NEIGHBOUR], on, occupations=codes)
    assert query is not None
    clauses = query["dis_max"]["queries"]
    assert clauses[-1] == {
        "constant_score": {"filter": {"terms": {"title_occupations": codes}}, "boost": 1.0}
    }
    off_leg = SkillLeg(title_occupation_similarity=0.0)
    off = skill_leg_query([NEIGHBOUR], off_leg, occupations=codes)
    assert off is not None and "title_occupations" not in str(off)
    # a job title whose occupation lists no skill the index holds still finds its titles
    alone = skill_leg_query([], on, occupations=codes)
    assert alone is not None and len(alone["dis_max"]["queries"]) == 1
    assert skill_leg_query([], on) is None
