"""Readers of the taxonomy files shipped in ``domain/taxonomy``: one parser per file.

Why: the skill vocabulary (`domain.vocabulary_build`), the job titles (`ranking.job_titles`), the
demo corpus (`indexer.demo_corpus`) and the development relevance set (`relevance.relevance_set`)
all read the same ESCO, O*NET and GitHub Linguist files (and the team's curated list). Parsing
each file in one place means one answer to "what is in it" (quoting, header, byte-order mark,
flags), whoever asks.

How: each function streams its file from the installed package (``importlib.resources``, so it
also works from a wheel) and yields its rows as named tuples, values stripped of surrounding
whitespace, rows without a value skipped, in file order. Nothing is cached or kept here: every
caller keeps only what it derives (the ESCO file alone is 96,000 rows; the demo corpus needs 250
of its labels). See ``domain/taxonomy/ATTRIBUTION.md`` for versions and licences.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from importlib import resources
from typing import Final, NamedTuple

import yaml

__all__ = [
    "AlternateTitle",
    "CuratedSkill",
    "EscoConcept",
    "LinguistLanguage",
    "OnetOccupation",
    "TechnologySkill",
    "alternate_titles",
    "curated_skills",
    "esco_concepts",
    "esco_preferred_labels",
    "linguist_languages",
    "onet_occupations",
    "technology_skills",
]

_PACKAGE: Final = "domain"
_FOLDER: Final = "taxonomy"
ESCO_FILE: Final = "esco_skill_labels.csv"
TECHNOLOGY_SKILLS_FILE: Final = "Technology_Skills.txt"
ALTERNATE_TITLES_FILE: Final = "Alternate_Titles.txt"
OCCUPATION_DATA_FILE: Final = "Occupation_Data.txt"
LINGUIST_FILE: Final = "linguist_languages_aliases.json"
CURATED_FILE: Final = "curated_skills.yaml"


class TechnologySkill(NamedTuple):
    """One row of O*NET ``Technology_Skills.txt``: a technology an occupation uses."""

    code: str  # O*NET-SOC code, "15-1254.00"
    example: str  # the technology, "React"
    commodity_code: str  # UNSPSC commodity, "43232408"
    commodity_title: str  # "Web platform development software"
    hot: bool  # Hot Technology: often named in job postings
    in_demand: bool  # In Demand: a hot technology often named for this occupation


class AlternateTitle(NamedTuple):
    """One row of O*NET ``Alternate_Titles.txt``."""

    code: str
    title: str  # as written, parenthesised expansions included: "UI Designer (...)"; as people
    # write titles, and how titles are matched: `domain.occupation_titles`


class OnetOccupation(NamedTuple):
    """One row of O*NET ``Occupation_Data.txt``."""

    code: str
    title: str
    description: str


class EscoConcept(NamedTuple):
    """An ESCO skill concept with its labels (``esco_skill_labels.csv``)."""

    concept_id: str
    preferred: str
    alternatives: tuple[str, ...]  # in file order; internal whitespace kept as the file has it


class LinguistLanguage(NamedTuple):
    """One GitHub Linguist language (``linguist_languages_aliases.json``)."""

    name: str
    type: str  # programming, markup, prose or data
    aliases: tuple[str, ...]


class CuratedSkill(NamedTuple):
    """One entry of ``curated_skills.yaml``: aliases for a taxonomy label, or a new skill."""

    label: str
    new: bool  # a skill no taxonomy has (the vocabulary's build checks that it has none)
    aliases: tuple[str, ...]


def _text(name: str) -> str:
    """A whole taxonomy file as text (byte-order mark dropped)."""
    return (resources.files(_PACKAGE) / _FOLDER / name).read_text(encoding="utf-8-sig")


def _columns(name: str, columns: tuple[str, ...], delimiter: str) -> Iterator[list[str]]:
    """The named columns of each row of a taxonomy table, stripped, read as a stream.

    O*NET files are tab-separated and never quote; the ESCO file is a quoting CSV.
    """
    path = resources.files(_PACKAGE) / _FOLDER / name
    with path.open("rb") as raw, io.TextIOWrapper(raw, encoding="utf-8-sig", newline="") as text:
        if delimiter == "\t":
            rows = csv.reader(text, delimiter="\t", quoting=csv.QUOTE_NONE)
        else:
            rows = csv.reader(text, delimiter=delimiter)
        header = next(rows)
        indices = [header.index(column) for column in columns]
        last = max(indices)
        for row in rows:
            if len(row) > last:
                yield [row[i].strip() for i in indices]


def technology_skills() -> Iterator[TechnologySkill]:
    """Every (occupation, technology) row of O*NET 29.2, in file order."""
    columns = ("O*NET-SOC Code", "Example", "Commodity Code", "Commodity Title")
    flags = ("Hot Technology", "In Demand")
    for code, example, commodity, title, hot, demand in _columns(
        TECHNOLOGY_SKILLS_FILE, columns + flags, "\t"
    ):
        if code and example:
            yield TechnologySkill(code, example, commodity, title, hot == "Y", demand == "Y")


def alternate_titles() -> Iterator[AlternateTitle]:
    """Every (occupation, alternate title) row of O*NET 29.2, in file order."""
    for code, title in _columns(ALTERNATE_TITLES_FILE, ("O*NET-SOC Code", "Alternate Title"), "\t"):
        if code and title:
            yield AlternateTitle(code, title)


def onet_occupations() -> Iterator[OnetOccupation]:
    """Every O*NET 29.2 occupation with its title and description, in file order."""
    columns = ("O*NET-SOC Code", "Title", "Description")
    for code, title, description in _columns(OCCUPATION_DATA_FILE, columns, "\t"):
        if code:
            yield OnetOccupation(code, title, description)


def _esco_labels() -> Iterator[list[str]]:
    """(concept id, label, type) of every non-empty ESCO label, in file order."""
    for row in _columns(ESCO_FILE, ("concept_id", "label", "type"), ","):
        if row[1]:
            yield row


def esco_concepts() -> tuple[EscoConcept, ...]:
    """ESCO v1.1.1 skill concepts that have a preferred label, in order of that label in the file.

    Labels are stripped; empty labels are skipped; a concept's alternative labels keep file order.
    """
    preferred: dict[str, str] = {}
    alternatives: dict[str, list[str]] = {}
    for concept, label, kind in _esco_labels():
        if kind == "preferredLabel":
            preferred[concept] = label
        else:
            alternatives.setdefault(concept, []).append(label)
    return tuple(
        EscoConcept(concept, label, tuple(alternatives.get(concept, ())))
        for concept, label in preferred.items()
    )


def esco_preferred_labels() -> frozenset[str]:
    """Every ESCO preferred label (one per concept), without keeping the rest of the file."""
    return frozenset(label for _, label, kind in _esco_labels() if kind == "preferredLabel")


def linguist_languages() -> Iterator[LinguistLanguage]:
    """Every GitHub Linguist language with its type and aliases, in file order."""
    for language in json.loads(_text(LINGUIST_FILE)):
        yield LinguistLanguage(
            str(language["name"]),
            str(language["type"]),
            tuple(str(alias) for alias in language.get("aliases", [])),
        )


def curated_skills() -> Iterator[CuratedSkill]:
    """The team's curated marketplace names, in file order."""
    for item in yaml.safe_load(_text(CURATED_FILE)):
        yield CuratedSkill(
            str(item["label"]),
            bool(item.get("new", False)),
            tuple(str(alias) for alias in item.get("aliases", [])),
        )
