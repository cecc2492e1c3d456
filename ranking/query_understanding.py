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
from functools import cache, cached_property
from typing import Any, Final

from domain.skill_mentions import (
    FILLER_WORDS,
    ROLE_WORDS,
    TECHNOLOGY_SOURCES,
    SkillMentions,
    tokens,
    word_kind,
)
from domain.skill_vocabulary import SkillEntry, SkillVocabulary, normalise_skill
from domain.taxonomy_files import onet_occupations
from ranking.job_post_evidence import JobPostEvidence
from ranking.job_titles import TitleMatch
from ranking.query_classes import QueryClass

__all__ = [
    "FILLER_WORDS",
    "MIN_TYPO_LENGTH",
    "ROLE_WORDS",
    "DeletionIndex",
    "FoundSkill",
    "QueryInterpreter",
    "QueryUnderstanding",
    "osa_distance",
    "tokens",
]

# Typo correction only for words of at least this length that appear in no skill name at all
# ("logo" is a word, "pyhton" is not), and only against technology skills (linguist languages
# and O*NET technology).
MIN_TYPO_LENGTH: Final = 4
TYPO_SOURCES: Final = TECHNOLOGY_SOURCES


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
    job_title: TitleMatch | None = None  # set by the searcher when the profile reads titles
    vector_leg: str | None = None  # why a weighted vector leg did not run, if it did not
    # the query class whose settings ranked it (RankingProfile.query_classes), set by the
    # searcher with the job title
    query_class: QueryClass | None = None
    # what the nearest past job posts say the query needs (set by the searcher)
    job_posts: JobPostEvidence | None = None

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
        return (
            {
                "skills": [s.as_dict() for s in self.skills],
                "role_words": self.role_words,
                "filler_words": self.filler_words,
                "rest": self.rest,
                "did_you_mean": self.did_you_mean,
                "job_title": self.job_title.as_dict() if self.job_title else None,
                "query_class": self.query_class,
            }
            | ({"vector_leg": self.vector_leg} if self.vector_leg else {})
            | ({"job_posts": self.job_posts.as_dict()} if self.job_posts else {})
        )


class QueryInterpreter:
    """Understands queries against one vocabulary; the typo index is built on first need."""

    def __init__(self, vocabulary: SkillVocabulary) -> None:
        self.vocabulary = vocabulary
        self.mentions = SkillMentions(vocabulary)

    def understand(self, text: str, typo_correction: bool = True) -> QueryUnderstanding:
        """Skills, role and filler words, and the rest. A query that is a skill's name as a whole
        ("Microsoft SQL Server Integration Services SSIS") is that one skill: the shorter skills
        inside it ("Microsoft SQL Server") are parts of its name, not skills the client asked for.
        """
        words = tokens(text)
        result = QueryUnderstanding()
        if len(words) > 1 and (entries := self.mentions.lookup(text)):
            result.skills.append(_found(" ".join(words), entries))
            return result
        i = 0
        while i < len(words):
            found = self.mentions.longest_at(words, i)
            if found is not None:
                span_text = " ".join(words[i : i + found.span])
                result.skills.append(_found(span_text, list(found.entries)))
                i += found.span
                continue
            word = words[i]
            kind = word_kind(word)
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

    def _correction(self, word: str) -> SkillEntry | None:
        key = normalise_skill(word)
        if len(key) < MIN_TYPO_LENGTH or not key.isalpha() or key in self.mentions.word_names:
            return None
        if is_ordinary_word(key):  # "redesign" is a word, not a misspelt "InDesign"
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


# Prefixes and suffixes that make a word from a word: "redesign" is "design" made again.
_PREFIXES: Final = ("re", "un", "pre", "co", "de", "sub", "over", "under", "multi", "non", "self")
_SUFFIXES: Final = ("s", "es", "ed", "ing", "er", "ers", "ment", "ments", "ly", "ion", "ions")


@cache
def ordinary_words() -> frozenset[str]:
    """Words of ordinary English in the text the product ships (O*NET's occupation titles and
    descriptions): a query word among them, or made from one with a common prefix or suffix,
    was typed on purpose."""
    words: set[str] = set()
    for occupation in onet_occupations():
        for text in (occupation.title, occupation.description):
            words.update(w for w in re.findall(r"[a-z]+", text.casefold()) if len(w) > 2)
    return frozenset(words)


def is_ordinary_word(key: str) -> bool:
    """Whether `key` (a normalised, alphabetic word) is ordinary English, as `ordinary_words`."""
    known = ordinary_words()
    if key in known:
        return True
    stems = [key[len(p) :] for p in _PREFIXES if key.startswith(p)]
    stems += [key[: -len(s)] for s in _SUFFIXES if key.endswith(s)]
    return any(len(stem) >= MIN_TYPO_LENGTH and stem in known for stem in stems)


def _found(text: str, entries: list[SkillEntry], corrected_from: str | None = None) -> FoundSkill:
    return FoundSkill(
        text=text,
        skill_ids=tuple(e.id for e in entries),
        label=entries[0].label,
        corrected_from=corrected_from,
    )


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
