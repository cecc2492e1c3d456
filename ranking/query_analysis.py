"""What a free-text query names: its listed parts, and the skills it names outright.

Clients type a skill, a list of skills ("react, node.js and mongodb") or a job title. Both legs
use the same analysis: each listed part is looked up in the skill vocabulary by label or alias
(query-side synonym expansion: the embedded server ignores synonym analyzers), and embedded.
"""

from __future__ import annotations

import re

from domain.skill_vocabulary import SkillEntry, SkillVocabulary

_SPLIT = re.compile(r"\s*(?:[,;|/]|\band\b|&)\s*", re.IGNORECASE)


def query_parts(text: str) -> list[str]:
    """The query and, for lists of skills ("react, node.js and mongodb"), each listed part."""
    parts = [p.strip() for p in _SPLIT.split(text) if p and p.strip()]
    whole = text.strip()
    return [whole, *[p for p in parts if p.lower() != whole.lower()]] if whole else parts


def skill_parts(text: str, vocabulary: SkillVocabulary) -> dict[str, list[SkillEntry]]:
    """The whole text and the listed parts that name a skill outright (by label or alias), each
    with its vocabulary entries."""
    found = {part: vocabulary.expansions(part) for part in query_parts(text)}
    return {part: entries for part, entries in found.items() if entries}


def exact_skill_ids(parts: dict[str, list[SkillEntry]]) -> list[str]:
    """The skills those parts name, each once, in order."""
    return list(dict.fromkeys(entry.id for entries in parts.values() for entry in entries))
