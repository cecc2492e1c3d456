"""The lexical leg: multi_match over title, skills and overview, with skill alias expansion.

The embedded server ignores synonym token filters, so synonyms are expanded here, on the query
side, from the skill vocabulary: a query naming an alias ("golang") also matches profiles that
list the canonical skill ("Go"). User text only ever goes into match-type queries, never into
query_string or a script.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

LEXICAL_FIELDS = ["title^2", "skill_labels^3", "skills^2", "overview"]
EXPANSION_BOOST = 2.0


def lexical_query(text: str, expanded_skill_ids: Sequence[str]) -> dict[str, Any]:
    """Text relevance plus a boost for profiles holding a skill the query names by any alias."""
    should: list[dict[str, Any]] = [
        {"multi_match": {"query": text, "fields": LEXICAL_FIELDS, "type": "best_fields"}}
    ]
    if expanded_skill_ids:
        should.append({"terms": {"skill_ids": list(expanded_skill_ids), "boost": EXPANSION_BOOST}})
    return {"bool": {"should": should, "minimum_should_match": 1}}
