"""How a query is understood: the skills it names, its role and filler words, and the rest.

Clients type "python developer", "need a React.js expert", "fix my wordpres site". Looking up
only the whole query (or its comma-separated parts) misses the skill named inside the phrase, so
here every word n-gram is looked up in the skill vocabulary, longest first, insensitive to case
and punctuation (the vocabulary's own normalisation: "React.js" = "reactjs", "node js" = "Node.js",
"C#", "C++", ".NET" and "ASP.NET" stay themselves). Role and filler words ("developer", "needed",
"looking for") are never taken for skills. A word that names no skill but is one or two edits
from a technology skill ("pyhton", "javascirpt", "wordpres") is read as that skill and reported
as a "did you mean", so the client sees the correction. Pure: no server, no model.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Final, Literal

from indexer.skill_vocabulary import SkillEntry, SkillVocabulary, normalise_skill

MAX_NGRAM: Final = 4


def _word_set(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Words that say what kind of person or help is wanted, not which skill. A bigram such as
# "web developer" can still be a skill: only single words are held back.
ROLE_WORDS: Final = _word_set(
    """
    developer developers dev devs engineer engineers programmer programmers coder designer
    designers expert experts specialist specialists consultant consultants freelancer
    freelancers architect admin administrator analyst writer editor manager assistant va
    virtual professional pro guru ninja wizard lead senior junior mid level freelance
    """
)
FILLER_WORDS: Final = _word_set(
    """
    a an the and or of for to in on at with by from my our your me we i you us need needed
    needs want wanted looking look seeking hire hiring help helper fix fixing build building
    create creating make making setup set up someone somebody who can please urgent urgently
    asap quick small new existing project job task work website site app apps using use
    experienced experience good great best top expert-level
    """
)
# Typo correction only for words of at least this length that appear in no skill name at all
# ("logo" is a word, "pyhton" is not), and only against technology skills (linguist languages
# and O*NET technology).
MIN_TYPO_LENGTH: Final = 4
TYPO_SOURCES: Final = frozenset({"linguist", "onet"})
# A single word inside a longer query is taken for a skill it is only an alias of when the word
# is rare among skill names: "bookkeeping" (-> accounting) is, "data" (-> statistics) and
# "design" (-> think creatively) are not. The count is of vocabulary names containing the word.
GENERIC_WORD_NAMES: Final = 12
_TOKEN = re.compile(r"[^\s,;|/()\[\]{}!?\"]+")

Role = Literal["skill", "role", "filler", "rest"]


@dataclass(frozen=True)
class FoundSkill:
    """A span of the query that names a vocabulary skill."""

    text: str
    skill_ids: tuple[str, ...]
    label: str
    corrected_from: str | None = None  # the typed word when this is a typo correction

    def as_dict(self) -> dict[str, Any]:
        found: dict[str, Any] = {"text": self.text, "skill_ids": list(self.skill_ids)}
        found["label"] = self.label
        if self.corrected_from is not None:
            found["did_you_mean"] = self.label
        return found


@dataclass(frozen=True)
class QueryUnderstanding:
    skills: list[FoundSkill] = field(default_factory=list)
    role_words: list[str] = field(default_factory=list)
    filler_words: list[str] = field(default_factory=list)
    rest: list[str] = field(default_factory=list)

    @property
    def skill_ids(self) -> list[str]:
        return list(dict.fromkeys(i for found in self.skills for i in found.skill_ids))

    @property
    def did_you_mean(self) -> list[dict[str, str]]:
        return [
            {"typed": s.corrected_from, "suggestion": s.label}
            for s in self.skills
            if s.corrected_from is not None
        ]

    def as_dict(self) -> dict[str, Any]:
        return {
            "skills": [s.as_dict() for s in self.skills],
            "role_words": self.role_words,
            "filler_words": self.filler_words,
            "rest": self.rest,
            "did_you_mean": self.did_you_mean,
        }


def tokens(text: str) -> list[str]:
    """Words as typed, keeping the punctuation that is part of a skill's name (c#, c++, .net)."""
    words = []
    for raw in _TOKEN.findall(text):
        word = raw.rstrip(".:'")
        if not (word.startswith(".") and word[1:2].isalnum()):  # ".NET" keeps its dot
            word = word.lstrip(".:'")
        if word:
            words.append(word)
    return words


class QueryInterpreter:
    """Understands queries against one vocabulary; the typo index is built on first need."""

    def __init__(self, vocabulary: SkillVocabulary) -> None:
        self.vocabulary = vocabulary

    def understand(self, text: str, typo_correction: bool = True) -> QueryUnderstanding:
        words = tokens(text)
        result = QueryUnderstanding()
        i = 0
        while i < len(words):
            found = self._longest_skill(words, i)
            if found is not None:
                span, entries = found
                result.skills.append(_found(" ".join(words[i : i + span]), entries))
                i += span
                continue
            word = words[i]
            kind = _word_kind(word)
            if kind == "role":
                result.role_words.append(word)
            elif kind == "filler":
                result.filler_words.append(word)
            else:
                correction = self._correction(word) if typo_correction else None
                if correction is not None:
                    result.skills.append(_found(word, [correction], corrected_from=word))
                else:
                    result.rest.append(word)
            i += 1
        return result

    def _longest_skill(self, words: list[str], start: int) -> tuple[int, list[SkillEntry]] | None:
        whole = len(words) == 1
        for span in range(min(MAX_NGRAM, len(words) - start), 0, -1):
            if span == 1 and _word_kind(words[start]) != "rest":
                return None
            text = " ".join(words[start : start + span])
            entries = self._lookup(text)
            if not entries:
                continue
            if span == 1 and not whole and not self._names_skill(text, entries[0]):
                return None
            return span, entries
        return None

    def _lookup(self, text: str) -> list[SkillEntry]:
        """Vocabulary entries for `text`; "React.js" and "reactjs" also find "React"."""
        entries = self.vocabulary.expansions(text)
        key = normalise_skill(text)
        if not entries and key.endswith("js") and len(key) > 4:
            entries = self.vocabulary.expansions(key[:-2])
        return entries

    def _names_skill(self, word: str, entry: SkillEntry) -> bool:
        """Whether one word inside a phrase really names `entry` (see GENERIC_WORD_NAMES)."""
        key = normalise_skill(word)
        if key in (normalise_skill(entry.label), entry.id) or TYPO_SOURCES & set(entry.sources):
            return True
        return self._word_names.get(key, 0) <= GENERIC_WORD_NAMES

    def _correction(self, word: str) -> SkillEntry | None:
        key = normalise_skill(word)
        if len(key) < MIN_TYPO_LENGTH or not key.isalpha() or key in self._word_names:
            return None
        # the closest name; among equals the shortest, then the first alphabetically
        within = [
            (distance, len(candidate), candidate)
            for candidate in self._typo_index.candidates(key)
            if (distance := osa_distance(key, candidate)) <= _allowed_edits(key)
        ]
        if not within:
            return None
        best = min(within)
        entries = self.vocabulary.expansions(best[2])
        return entries[0] if entries else None

    @cached_property
    def _word_names(self) -> dict[str, int]:
        """How many vocabulary names (labels and aliases) contain each word."""
        counts: dict[str, int] = {}
        for entry in self.vocabulary:
            for name in {normalise_skill(n) for n in (entry.label, *entry.aliases)}:
                for word in set(name.split()):
                    counts[word] = counts.get(word, 0) + 1
        return counts

    @cached_property
    def _typo_index(self) -> DeletionIndex:
        names: set[str] = set()
        for entry in self.vocabulary:
            if not TYPO_SOURCES & set(entry.sources):
                continue
            for name in (entry.label, *entry.aliases):
                key = normalise_skill(name)
                if " " not in key and key.isalpha() and len(key) >= MIN_TYPO_LENGTH - 1:
                    names.add(key)
        return DeletionIndex(names, max_edits=2)


def _found(text: str, entries: list[SkillEntry], corrected_from: str | None = None) -> FoundSkill:
    return FoundSkill(
        text=text,
        skill_ids=tuple(e.id for e in entries),
        label=entries[0].label,
        corrected_from=corrected_from,
    )


def _word_kind(word: str) -> Role:
    lowered = word.lower().strip(".")
    if lowered in ROLE_WORDS:
        return "role"
    if lowered in FILLER_WORDS:
        return "filler"
    return "rest"


def _allowed_edits(key: str) -> int:
    return 1 if len(key) <= 5 else 2


class DeletionIndex:
    """Symmetric-deletion candidates (as in SymSpell): words within `max_edits` of a query word.

    Every name is stored under each string its deletions of up to `max_edits` letters make; a
    query word's own deletions then find every name within that many edits (and a few more, which
    `osa_distance` then rules out). One dictionary lookup per deletion: fast enough per query.
    """

    def __init__(self, names: Iterable[str], max_edits: int) -> None:
        self.max_edits = max_edits
        self._by_deletion: dict[str, set[str]] = {}
        for name in names:
            for variant in _deletions(name, max_edits):
                self._by_deletion.setdefault(variant, set()).add(name)

    def candidates(self, word: str) -> set[str]:
        found: set[str] = set()
        for variant in _deletions(word, self.max_edits):
            found |= self._by_deletion.get(variant, set())
        return found


def _deletions(word: str, max_edits: int) -> set[str]:
    variants = {word}
    frontier = {word}
    for _ in range(max_edits):
        frontier = {w[:i] + w[i + 1 :] for w in frontier for i in range(len(w)) if len(w) > 1}
        variants |= frontier
    return variants


def osa_distance(a: str, b: str) -> int:
    """Edits between `a` and `b`: insertions, deletions, substitutions and adjacent swaps."""
    rows = [list(range(len(b) + 1))]
    for i in range(1, len(a) + 1):
        row = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            row[j] = min(rows[i - 1][j] + 1, row[j - 1] + 1, rows[i - 1][j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                row[j] = min(row[j], rows[i - 2][j - 2] + 1)
        rows.append(row)
    return rows[len(a)][len(b)]
