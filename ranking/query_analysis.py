"""What a free-text query names: its listed parts, and the skills it names outright.

Clients type a skill, a list of skills ("react, node.js and mongodb") or a job title. Both legs
use the same analysis: each listed part is looked up in the skill vocabulary by label or alias
(query-side synonym expansion: the embedded server ignores synonym analyzers), and embedded.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from domain.skill_vocabulary import SkillEntry, SkillVocabulary

_SPLIT = re.compile(r"\s*(?:[,;|/]|\band\b|&)\s*", re.IGNORECASE)


def query_parts(text: str) -> list[str]:
    """The query and, for lists of skills ("react, node.js and mongodb"), each listed part."""
    parts = [p.strip() for p in _SPLIT.split(text) if p and p.strip()]
    whole = text.strip()
    return [whole, *[p for p in parts if p.lower() != whole.lower()]] if whole else parts


# The model work one search may cost: the whole query and at most this many of its listed
# parts, and at most this many of the request's skills, are embedded (one model call each).
# The parts and skills beyond still count: they match by name, in the lexical leg and as exact
# skills; they only add no nearest skills of their own. A 256-character list of 85 parts plus
# 20 skills costs 17 model calls instead of 106.
MAX_EMBEDDED_PARTS = 8
MAX_EMBEDDED_SKILLS = 8


def embedded_texts(text: str, skills: Sequence[str]) -> tuple[list[str], list[str]]:
    """The query texts and the skills a search embeds, within the per-request bounds."""
    query_texts = query_parts(text)[: 1 + MAX_EMBEDDED_PARTS] if text else []
    return query_texts, list(skills[:MAX_EMBEDDED_SKILLS])


def skill_parts(text: str, vocabulary: SkillVocabulary) -> dict[str, list[SkillEntry]]:
    """The whole text and the listed parts that name a skill outright (by label or alias), each
    with its vocabulary entries."""
    found = {part: vocabulary.expansions(part) for part in query_parts(text)}
    return {part: entries for part, entries in found.items() if entries}


def exact_skill_ids(parts: dict[str, list[SkillEntry]]) -> list[str]:
    """The skills those parts name, each once, in order."""
    return list(dict.fromkeys(entry.id for entries in parts.values() for entry in entries))
