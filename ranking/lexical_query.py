"""The lexical leg: multi_match over title, skills and overview, with skill alias expansion.

The embedded server ignores synonym token filters, so synonyms are expanded here, on the query
side, from the skill vocabulary: a query naming an alias ("golang") also matches profiles that
list the canonical skill ("Go"). User text only ever goes into match-type queries, never into
query_string or a script.
"""

from __future__ import annotations

from typing import Any

from indexer.skill_vocabulary import SkillVocabulary

LEXICAL_FIELDS = ["title^2", "skill_labels^3", "skills^2", "overview"]


def alias_expansions(text: str, vocabulary: SkillVocabulary) -> list[str]:
    """Canonical skill ids the query text names, directly or through an alias."""
    return [entry.id for entry in vocabulary.expansions(text)]


def lexical_query(text: str, vocabulary: SkillVocabulary) -> dict[str, Any]:
    should: list[dict[str, Any]] = [
        {"multi_match": {"query": text, "fields": LEXICAL_FIELDS, "type": "best_fields"}}
    ]
    expanded = alias_expansions(text, vocabulary)
    if expanded:
        should.append({"terms": {"skill_ids": expanded, "boost": 2.0}})
    return {"bool": {"should": should, "minimum_should_match": 1}}


def lexical_search_body(text: str, vocabulary: SkillVocabulary, size: int = 10) -> dict[str, Any]:
    return {
        "size": size,
        "query": lexical_query(text, vocabulary),
        "_source": {"excludes": ["diversity_certifications"]},
    }
