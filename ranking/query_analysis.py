"""What a free-text query names: its listed parts, and the skills it names outright.

Clients type a skill, a list of skills ("react, node.js and mongodb") or a job title. Both legs
use the same analysis: each listed part is looked up in the skill vocabulary by label or alias
(query-side synonym expansion: the embedded server ignores synonym analyzers), and embedded.
"""

from __future__ import annotations

import re

from domain.skill_vocabulary import SkillVocabulary

_SPLIT = re.compile(r"\s*(?:[,;|/]|\band\b|&)\s*", re.IGNORECASE)


def query_parts(text: str) -> list[str]:
    """The query and, for lists of skills ("react, node.js and mongodb"), each listed part."""
    parts = [p.strip() for p in _SPLIT.split(text) if p and p.strip()]
    whole = text.strip()
    return [whole, *[p for p in parts if p.lower() != whole.lower()]] if whole else parts


def exact_skill_ids(text: str, vocabulary: SkillVocabulary) -> list[str]:
    """Skills the query names outright: the whole text or a listed part, by label or alias."""
    found: list[str] = []
    for part in query_parts(text):
        for entry in vocabulary.expansions(part):
            if entry.id not in found:
                found.append(entry.id)
    return found
