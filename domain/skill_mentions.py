"""Which vocabulary skills a piece of text names: queries at search time, titles at index time.

One finder for both sides, so that "React.js Developer" in a title and "react developer" in a
query are read the same way. Every word n-gram (up to `MAX_NGRAM` words) is looked up in the
skill vocabulary, longest first, with the vocabulary's own normalisation ("React.js" = "reactjs",
"node js" = "Node.js"; "C#", "C++", ".NET" and "ASP.NET" stay themselves; `without_js_suffix` is
the one ".js" rule, shared with the O*NET titles and the demo corpus). Role and filler words
("developer", "needed", "looking for") are never taken for skills, and a common word is not taken
for a skill it is only an alias of ("design" is not "think creatively"). Pure: no server, no model.
"""

from __future__ import annotations

import re
import weakref
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property
from typing import Final, Literal

from domain.skill_names import compact_key
from domain.skill_vocabulary import SkillEntry, SkillVocabulary, normalise_skill

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
# A single word inside a longer text is taken for a skill it is only an alias of when the word
# is rare among skill names: "bookkeeping" (-> accounting) is, "data" (-> statistics) and
# "design" (-> think creatively) are not. The count is of vocabulary names containing the word.
GENERIC_WORD_NAMES: Final = 12
# Technology sources: their names are product names, never common words taken for a skill.
TECHNOLOGY_SOURCES: Final = frozenset({"linguist", "onet"})
_JS_MIN_CHARS: Final = 4  # "ejs" and "d3js" are names of their own, not "e.js", "d3.js"
_TOKEN = re.compile(r"[^\s,;|/()\[\]{}!?\"]+")

WordKind = Literal["role", "filler", "rest"]


@dataclass(frozen=True)
class Mention:
    """`span` words from `start` name `entries` (best first)."""

    start: int
    span: int
    entries: tuple[SkillEntry, ...]


def tokens(text: str) -> list[str]:
    """Words as typed, keeping the punctuation that is part of a skill's name (c#, c++, .net)."""
    words = []
    for raw in _TOKEN.findall(text):
        word = raw.rstrip(".:'")
        if not (word.startswith(".") and word[1:2].isalnum()):  # ".NET" keeps its dot
            word = word.lstrip(".:'")
        if word and any(char.isalnum() for char in word):  # "-" and "&" between words are none
            words.append(word)
    return words


def without_js_suffix(word: str) -> str:
    """The one ".js" rule: a normalised word of more than four characters ending in "js" names
    the library without it ("reactjs" and "nodejs" -> "react", "node"; "d3js" and "ejs" stay).
    Skills, O*NET titles (`domain.occupation_titles.title_key`) and the demo corpus's title
    skills all read "React.js" this way."""
    return word[:-2] if len(word) > _JS_MIN_CHARS and word.endswith("js") else word


def word_kind(word: str) -> WordKind:
    lowered = word.lower().strip(".")
    if lowered in ROLE_WORDS:
        return "role"
    if lowered in FILLER_WORDS:
        return "filler"
    return "rest"


class SkillMentions:
    """Finds the skills named in texts against one vocabulary."""

    def __init__(
        self, vocabulary: SkillVocabulary, word_names: dict[str, int] | None = None
    ) -> None:
        """`word_names`: the table `word_names` gives, counted earlier (else counted at first
        use), so that finders in several processes read texts alike."""
        self.vocabulary = vocabulary
        if word_names is not None:
            self.__dict__["word_names"] = word_names  # the cached_property's value

    def named(self, text: str, unmatched: set[str] | None = None) -> list[tuple[str, SkillEntry]]:
        """(the words as written, the best entry) for every skill the text names, in order: a
        title's `title_skill_ids`, and the names a job title inside them is not read from.

        `unmatched` receives the compact keys (skill_names.compact_key) of the word groups
        looked up and not found: an entry learned later under one of them could change what
        the text names, and nothing else could (learning only adds names nothing matched).
        """
        words = tokens(text)
        return [
            (" ".join(words[m.start : m.start + m.span]), m.entries[0])
            for m in self.mentions(words, unmatched)
        ]

    def mentions(self, words: list[str], unmatched: set[str] | None = None) -> Iterator[Mention]:
        """Longest matches left to right; words between them are not skills."""
        i = 0
        while i < len(words):
            found = self.longest_at(words, i, unmatched)
            if found is None:
                i += 1
                continue
            yield found
            i += found.span

    def longest_at(
        self, words: list[str], start: int, unmatched: set[str] | None = None
    ) -> Mention | None:
        whole = len(words) == 1
        for span in range(min(MAX_NGRAM, len(words) - start), 0, -1):
            if span == 1 and word_kind(words[start]) != "rest":
                return None
            text = " ".join(words[start : start + span])
            entries = self.lookup(text, unmatched)
            if not entries:
                continue
            if span == 1 and not whole and not self.names_skill(text, entries[0]):
                return None
            return Mention(start, span, tuple(entries))
        return None

    def lookup(self, text: str, unmatched: set[str] | None = None) -> list[SkillEntry]:
        """Vocabulary entries for `text`; "React.js" and "reactjs" also find "React".
        `unmatched` receives the compact key of each form found nothing (see `named`)."""
        entries = self.vocabulary.expansions(text)
        if not entries:
            key = normalise_skill(text)
            if unmatched is not None:
                unmatched.add(compact_key(key))
            stem = without_js_suffix(key)
            if stem != key:
                entries = self.vocabulary.expansions(stem)
                if not entries and unmatched is not None:
                    unmatched.add(compact_key(normalise_skill(stem)))
        return entries

    def names_skill(self, word: str, entry: SkillEntry) -> bool:
        """Whether one word inside a phrase really names `entry` (see GENERIC_WORD_NAMES)."""
        key = normalise_skill(word)
        if key in (normalise_skill(entry.label), entry.id) or TECHNOLOGY_SOURCES & set(
            entry.sources
        ):
            return True
        return self.word_names.get(key, 0) <= GENERIC_WORD_NAMES

    @cached_property
    def word_names(self) -> dict[str, int]:
        """How many vocabulary names (labels and aliases) contain each word."""
        return _word_names(self.vocabulary)


# Counted once per vocabulary (about 0.5 s over 22,000 entries), for every finder built on it;
# recounted when the vocabulary has learned entries since.
_WORD_NAMES: weakref.WeakKeyDictionary[SkillVocabulary, tuple[int, dict[str, int]]] = (
    weakref.WeakKeyDictionary()
)


def _word_names(vocabulary: SkillVocabulary) -> dict[str, int]:
    cached = _WORD_NAMES.get(vocabulary)
    if cached is not None and cached[0] == len(vocabulary):
        return cached[1]
    counts: dict[str, int] = {}
    for entry in vocabulary:
        for name in {normalise_skill(n) for n in (entry.label, *entry.aliases)}:
            for word in set(name.split()):
                counts[word] = counts.get(word, 0) + 1
    _WORD_NAMES[vocabulary] = (len(vocabulary), counts)
    return counts
