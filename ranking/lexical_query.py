"""The lexical leg: multi_match over title, skills and overview, with skill alias expansion.

The embedded server ignores synonym token filters and custom analyzers, so synonyms are expanded
here, on the query side, from the skill vocabulary: a query naming an alias ("golang") also
matches profiles that list the canonical skill ("Go"), and a query naming a skill matches the
titles that name it however they spell it ("react" and the title "React.js Developer", through
the indexed `title_skill_ids`). User text only ever goes into match-type queries, never into
query_string or a script.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ranking.ranking_profile import LexicalFields, LexicalLeg


def multi_match_fields(fields: LexicalFields) -> list[str]:
    """The profile's field boosts as multi_match fields ("title^2"); a 0 boost leaves it out."""
    return [
        name if boost == 1 else f"{name}^{boost:.10g}"
        for name, boost in fields.model_dump().items()
        if boost > 0
    ]


def lexical_query(
    text: str,
    expanded_skill_ids: Sequence[str],
    lexical: LexicalLeg,
    skill_names: Sequence[str] = (),
) -> dict[str, Any] | None:
    """Text relevance over the profile's fields (`legs.lexical.fields`), plus constant boosts
    for holding a named skill and for a title naming it (`legs.lexical.skill_boost`,
    `title_skill_boost`). None when it has no clause (every field boost 0, and no skill to
    boost): a clause-less bool would match every profile.

    Each of `skill_names` (a job post's tagged skills) adds the relevance of the profiles'
    skills that hold all its words: "API" finds "REST API" and "API Development" too. One
    match per name, on the skills alone: the names' words in every field, as one query, cost
    the embedded engine three times the query's own text, and a phrase query thirty."""
    should: list[dict[str, Any]] = []
    fields = multi_match_fields(lexical.fields)
    if text and fields:
        should.append({"multi_match": {"query": text, "fields": fields, "type": "best_fields"}})
    should += [{"match": {"skills": {"query": name, "operator": "and"}}} for name in skill_names]
    ids = list(expanded_skill_ids)
    if ids and lexical.skill_boost > 0:
        should.append({"terms": {"skill_ids": ids, "boost": lexical.skill_boost}})
    if ids and lexical.title_skill_boost > 0:
        should.append({"terms": {"title_skill_ids": ids, "boost": lexical.title_skill_boost}})
    if not should:  # every field boost 0 and nothing to boost: the leg has nothing to match
        return None
    return {"bool": {"should": should, "minimum_should_match": 1}}
