"""Which O*NET occupations a job title names: in queries at search time, in profile titles at
index time.

Why: a client's "Accounts Payable Clerk" and a profile's "Bookkeeping Clerk" share no skill word,
yet O*NET lists both as alternate titles of one occupation (Bookkeeping, Accounting, and Auditing
Clerks). Reading both sides with the same table lets the lexical leg match them
(`title_occupations` in the index; `legs.lexical.title_occupation_boost`) and the skill leg
read the occupation's technologies (`ranking.job_titles`). One finder for both sides, as
`domain.skill_mentions` is for skills. Pure: no server, no model.

A title is the longest run of words (at most `MAX_TITLE_WORDS`) equal to an O*NET occupation or
alternate title, with the skill vocabulary's normalisation and its ".js" rule ("React.js" =
"reactjs" = "react": `title_key`). It is at least two words, or one word that is not a role word
("Bookkeeper" is a title, "Developer" is not). A title inside the name of a skill the text names
is part of that name, not a job ("Server" in "Microsoft SQL Server", "Acrobat" in "Adobe
Acrobat").

This module is also the one reader of O*NET's alternate titles as people write them
(`alternate_titles_by_occupation`: "Software Developer (Applications)" -> "Software Developer"),
which the demo corpus draws its profile titles from and the development relevance set its
``onet_title`` queries; `title_key` is the matching key all of them compare titles by.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Final

from domain.skill_mentions import tokens, without_js_suffix, word_kind
from domain.skill_vocabulary import normalise_skill
from domain.taxonomy_files import alternate_titles, onet_occupations

MAX_TITLE_WORDS: Final = 6
_EXPANSION: Final = re.compile(r"\s*\([^)]*\)")  # "(Applications)", "(User Interface Designer)"


@dataclass(frozen=True)
class TitleSpan:
    """`span` words from `start` of the text form `phrase`, a title of `occupations`."""

    start: int
    span: int
    phrase: str
    occupations: tuple[str, ...]  # O*NET-SOC codes, sorted


def title_key(title: str) -> str:
    """Matching key: the vocabulary's normalisation, then the ".js" rule on every word
    (`domain.skill_mentions.without_js_suffix`); "React.js" = "reactjs" = "react"."""
    return " ".join(without_js_suffix(word) for word in normalise_skill(title).split())


def clean_title(title: str) -> str:
    """A title as people write it: parenthesised expansions and qualifiers dropped, spaces
    collapsed ("Software Developer (Applications)" -> "Software Developer")."""
    return " ".join(_EXPANSION.sub("", title).split())


@cache
def alternate_titles_by_occupation() -> Mapping[str, tuple[str, ...]]:
    """O*NET-SOC code -> its alternate titles as people write them (`clean_title`), each once,
    in file order."""
    titles: dict[str, dict[str, None]] = {}
    for row in alternate_titles():
        title = clean_title(row.title)
        if title:
            titles.setdefault(row.code, {})[title] = None
    return {code: tuple(names) for code, names in titles.items()}


@cache
def alternate_title_occupations() -> Mapping[str, frozenset[str]]:
    """`title_key` of every alternate title, as O*NET writes it and as people write it
    (`clean_title`) -> its occupations: which occupation a profile's title names, for the
    development relevance set.

    Narrower than the index's table (`OccupationTitles`, which also holds the occupation titles
    and each half of "UI Designer (User Interface Designer)"): the relevance set's judgments were
    built with this one, and reading profiles with the index's table changes some of them.
    """
    index: dict[str, set[str]] = {}
    for row in alternate_titles():
        for title in (row.title, clean_title(row.title)):
            key = title_key(title) if title.strip() else ""
            if key:
                index.setdefault(key, set()).add(row.code)
    return {key: frozenset(codes) for key, codes in index.items()}


class OccupationTitles:
    """O*NET occupation and alternate titles to occupation codes."""

    def __init__(self, titles: dict[str, tuple[str, ...]]) -> None:
        self._titles = titles  # title key -> occupation codes

    @classmethod
    def from_taxonomy(cls) -> OccupationTitles:
        return _from_taxonomy()

    def __len__(self) -> int:
        return len(self._titles)

    def occupations_of(self, key: str) -> tuple[str, ...]:
        return self._titles.get(key, ())

    def find(self, text: str, skill_names: Sequence[str] = ()) -> TitleSpan | None:
        """The longest title in `text` (the first among equals), or None."""
        words = tokens(text)
        inside = _skill_keys(skill_names)
        best: TitleSpan | None = None
        for start in range(len(words)):
            found = self._longest_at(words, start, inside, longer_than=best.span if best else 0)
            if found is not None:
                best = found
        return best

    def spans(self, text: str, skill_names: Sequence[str] = ()) -> Iterator[TitleSpan]:
        """Every title in `text`, longest first from the left, none overlapping: a profile title
        "Web Developer | Bookkeeper" names two occupations' titles."""
        words = tokens(text)
        inside = _skill_keys(skill_names)
        start = 0
        while start < len(words):
            found = self._longest_at(words, start, inside)
            if found is None:
                start += 1
                continue
            yield found
            start += found.span

    def occupation_codes(self, text: str, skill_names: Sequence[str] = ()) -> list[str]:
        """The occupations every title in `text` belongs to, in order, each once."""
        codes = (code for span in self.spans(text, skill_names) for code in span.occupations)
        return list(dict.fromkeys(codes))

    def _longest_at(
        self, words: list[str], start: int, inside: list[str], longer_than: int = 0
    ) -> TitleSpan | None:
        for span in range(min(MAX_TITLE_WORDS, len(words) - start), longer_than, -1):
            if span == 1 and word_kind(words[start]) != "rest":
                return None
            phrase = " ".join(words[start : start + span])
            key = title_key(phrase)
            codes = self._titles.get(key)
            if codes and not any(f" {key} " in name for name in inside):
                return TitleSpan(start, span, phrase, codes)
        return None


def _skill_keys(skill_names: Sequence[str]) -> list[str]:
    return [f" {title_key(name)} " for name in skill_names]


@cache
def _from_taxonomy() -> OccupationTitles:
    titles: dict[str, set[str]] = {}
    for occupation in onet_occupations():
        titles.setdefault(title_key(occupation.title), set()).add(occupation.code)
    for row in alternate_titles():
        if "(" in row.title:  # "UI Designer (User Interface Designer)": both halves are titles
            head, _, inner = row.title.partition("(")
            for part in (head, inner.rstrip(")")):
                if part.strip():
                    titles.setdefault(title_key(part), set()).add(row.code)
        else:
            titles.setdefault(title_key(row.title), set()).add(row.code)
    return OccupationTitles({key: tuple(sorted(codes)) for key, codes in titles.items() if key})
