"""Skill autocomplete: the vocabulary's labels and aliases that start with what was typed.

Built once, in memory, from the searcher's skill vocabulary (ESCO, O*NET and linguist; never
the profiles index, and never a skill learned from a profile), so a suggestion says nothing
about who holds a skill. Names are folded
(case, accents, punctuation: the vocabulary's own normalisation) and kept sorted, so a prefix is
a binary search plus a walk over its matches. Skills more indexed profiles hold come first
(`counts`: how many profiles list each skill, the same for every tier and independent of any
certification), then labels before aliases, technology skills before ESCO's, shorter names
before longer ones: "reac" gives React, React Native; "quickb" gives Intuit QuickBooks before
QuickBASIC when profiles hold QuickBooks; "golan" gives Go (by its alias golang). ESCO's task
phrases ("react to mining emergencies") are left out unless nothing else matches.

Nothing about diversity certification is ever suggested: a name that mentions a certification
category, a certifying body or diversity itself is left out of the index.
"""

from __future__ import annotations

import bisect
import heapq
import re
import threading
import weakref
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Final

from domain.skill_vocabulary import SkillEntry, SkillVocabulary, normalise_skill

# Source priority: technology skills first, then ESCO, then skills learned from profiles.
SOURCE_ORDER: Final = {"linguist": 0, "onet": 1, "esco": 2}
# Words that never belong in a suggestion: diversity certification is enterprise-only data, and
# autocomplete is for every tier.
CERTIFICATION_WORDS: Final = re.compile(
    r"divers|minority|woman.?owned|women.?owned|veteran.?owned|disability.?owned|lgbt|"
    r"black.?owned|owned business|\bnmsdc\b|\bwbenc\b|\bnglcc\b|disability:in|\bnavoba\b|"
    r"vetcert|\bwosb\b|\bcamsc\b|certif",
    re.IGNORECASE,
)
# A walk over one prefix's matches stops after this many names (a one-letter prefix matches
# thousands); the best are among the first because short names sort first within a prefix.
MAX_SCANNED: Final = 5000
# An ESCO-only skill whose label has this many words or more is a task phrase ("react to mining
# emergencies"), not a skill a client types a prefix of.
PHRASE_WORDS: Final = 3


_LOCK = threading.Lock()
_BUILT: weakref.WeakKeyDictionary[SkillVocabulary, tuple[int, SkillSuggester]] = (
    weakref.WeakKeyDictionary()
)


@dataclass(frozen=True)
class SkillSuggestion:
    id: str
    label: str
    matched: str  # the name that starts with the prefix: the label or an alias


@dataclass(frozen=True, order=True)
class _Name:
    key: str
    name: str
    tier: int  # 0 label, 1 alias
    source: int
    entry_id: str
    label: str
    phrase: bool  # an ESCO task phrase: suggested only when nothing else matches


def _source_rank(entry: SkillEntry) -> int:
    return min((SOURCE_ORDER.get(s, len(SOURCE_ORDER)) for s in entry.sources), default=3)


def suggestible(entry: SkillEntry) -> bool:
    """From the shipped taxonomies (never learned from a profile) and not about certification."""
    if not any(source in SOURCE_ORDER for source in entry.sources):
        return False
    return not any(CERTIFICATION_WORDS.search(n) for n in (entry.label, *entry.aliases))


class SkillSuggester:
    def __init__(self, entries: Iterable[SkillEntry]) -> None:
        names: list[_Name] = []
        for entry in entries:
            if not suggestible(entry):
                continue
            source = _source_rank(entry)
            phrase = source == SOURCE_ORDER["esco"] and len(entry.label.split()) >= PHRASE_WORDS
            seen: set[str] = set()
            for tier, name in ((0, entry.label), *((1, alias) for alias in entry.aliases)):
                key = normalise_skill(name)
                if key and key not in seen:
                    seen.add(key)
                    names.append(_Name(key, name, tier, source, entry.id, entry.label, phrase))
        names.sort()
        self._names = names
        self._keys = [n.key for n in names]

    @classmethod
    def from_vocabulary(cls, vocabulary: SkillVocabulary) -> SkillSuggester:
        """One suggester per vocabulary and process (building one takes about a second)."""
        with _LOCK:
            cached = _BUILT.get(vocabulary)
            if cached is None or cached[0] != len(vocabulary):
                cached = (len(vocabulary), cls(vocabulary))
                _BUILT[vocabulary] = cached
            return cached[1]

    def __len__(self) -> int:
        return len(self._names)

    def suggest(
        self, prefix: str, limit: int = 10, counts: Mapping[str, int] | None = None
    ) -> list[SkillSuggestion]:
        """The best `limit` names starting with `prefix`; `counts`: profiles holding each skill."""
        key = normalise_skill(prefix)
        if not key or limit < 1:
            return []
        held = counts or {}
        start = bisect.bisect_left(self._keys, key)
        best: dict[str, tuple[tuple[int, int, int, int, int, str], _Name]] = {}
        for i in range(start, min(len(self._names), start + MAX_SCANNED)):
            name = self._names[i]
            if not name.key.startswith(key):
                break
            exact = 0 if name.key == key else 1
            rank = (
                exact,
                -held.get(name.entry_id, 0),
                name.tier,
                name.source,
                len(name.key),
                name.key,
            )
            current = best.get(name.entry_id)
            if current is None or rank < current[0]:
                best[name.entry_id] = (rank, name)
        skills = [item for item in best.values() if not item[1].phrase]
        chosen = heapq.nsmallest(limit, skills or best.values(), key=lambda item: item[0])
        return [SkillSuggestion(n.entry_id, n.label, n.name) for _, n in chosen]
