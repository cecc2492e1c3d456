"""A development relevance set built from the taxonomy the product ships, against a corpus.

Why: tuning boosts and query legs needs judged queries long before real click or rater data
exists. This module derives queries and graded judgments from ESCO and O*NET (the files in
``domain/taxonomy``) and the profiles themselves, with no hand-written synonyms, so the set can
be rebuilt for any corpus and seed. It is optimistic (see ``docs/relevance-set.md``): the demo
corpus is generated from the same taxonomy.

Families (each at most ``max_queries_per_family`` queries, each with 1..``max_relevant`` judged
documents; documents not listed are unrated and so count as irrelevant):

* ``esco_alias``: an ESCO alternative label of a skill profiles hold ("Postgres" for
  PostgreSQL, "carry out financial audits"). Tests alias expansion: the text is not the label
  profiles carry.
* ``onet_title``: an O*NET alternate title of an occupation, chosen so that it is not part of
  any profile's title ("Information Developer" while technical writers say "Report Writer").
* ``skill_name``: a skill's canonical label ("Adobe InDesign").

Ratings (documented in ``docs/relevance-set.md``):

* skill families: 3 = holds the skill and names it in the title or overview (its label or the
  name the profile wrote), 2 = holds it (skills canonicalised with the product vocabulary).
* ``onet_title``: only members of the occupation are judged: profiles whose own title carries
  one of its alternate titles (the longest O*NET title in the profile title; a title several
  occupations share goes to those whose technology skills overlap the profile's most). 3 = the
  member holds 5 or more of the occupation's Hot Technologies (all, if it has fewer), 2 = 1 or
  more, 1 = none. Hot-technology overlap alone cannot decide relevance: Office tools are hot for
  most O*NET occupations, so thousands of profiles would match every title.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Final

from domain import taxonomy_files
from domain.occupation_titles import (
    alternate_title_occupations,
    alternate_titles_by_occupation,
    title_key,
)
from domain.skill_vocabulary import SkillEntry, SkillVocabulary, normalise_skill
from relevance.errors import RelevanceSetError
from relevance.evaluation import Judgment, save_judgments

__all__ = [
    "FAMILIES",
    "MAX_RELEVANT",
    "JudgmentRow",
    "build_relevance_set",
    "relevance_set_summary",
    "write_relevance_set",
]

JudgmentRow = Judgment
FAMILIES: Final = ("esco_alias", "onet_title", "skill_name")
MAX_RELEVANT: Final = 200
_HOT_FOR_TOP: Final = 5  # onet_title: this many hot technologies (or all, if fewer) earn 3
# Sampling strata by number of judged profiles, so long-tail queries do not crowd out the rest.
_STRATA: Final = (1, 2, 5, 20)  # lower bounds: 1, 2-4, 5-19, 20+
_MAX_ALIAS_WORDS: Final = 5  # prefer ESCO alternative labels about as long as a search query

# Title segments: "Web Developer | React Expert", "Data Analyst - Tableau".
_TITLE_SEPARATOR: Final = re.compile(r"\s+[|\u2013\u2014-]\s+|\|")


# --------------------------------------------------------------------------------------------
# Taxonomy tables (read once per process)
# --------------------------------------------------------------------------------------------


@cache
def _esco_alternatives() -> tuple[tuple[str, tuple[str, ...]], ...]:
    """(preferred label, its alternative labels) for every ESCO skill concept, by concept id."""
    ordered = sorted(taxonomy_files.esco_concepts())
    return tuple(
        (
            " ".join(concept.preferred.split()),
            tuple(" ".join(a.split()) for a in concept.alternatives),
        )
        for concept in ordered
    )


@cache
def _onet_technologies() -> dict[str, tuple[tuple[str, bool], ...]]:
    """O*NET-SOC code -> its technology skills, each with its Hot Technology flag."""
    technologies: dict[str, list[tuple[str, bool]]] = {}
    for row in taxonomy_files.technology_skills():
        technologies.setdefault(row.code, []).append((row.example, row.hot))
    return {code: tuple(names) for code, names in technologies.items()}


# --------------------------------------------------------------------------------------------
# Profiles as the builder sees them
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Profile:
    id: str
    skills: Mapping[str, str]  # canonical skill id -> the name the profile wrote
    text: str  # " normalised title normalised overview ", for mention checks
    title_segments: frozenset[str]  # normalised title segments ("web developer", "react expert")
    title_grams: frozenset[str]  # their word n-grams
    occupations: frozenset[str]  # O*NET codes whose alternate title the title carries


def _segments(title: str) -> list[list[str]]:
    """The title's segments as title-key words ("A | B - C" -> three segments)."""
    return [title_key(part).split() for part in _TITLE_SEPARATOR.split(title) if part.strip()]


def _grams(words: Sequence[str]) -> Iterable[tuple[int, str]]:
    """(length, n-gram) for every contiguous word n-gram, longest first."""
    for size in range(len(words), 0, -1):
        for start in range(len(words) - size + 1):
            yield size, " ".join(words[start : start + size])


def _occupations(
    segments: Sequence[Sequence[str]], index: Mapping[str, frozenset[str]]
) -> set[str]:
    """Occupations of the longest O*NET title in the first segment that has one."""
    for words in segments:
        found: set[str] = set()
        best = 0
        for size, gram in _grams(words):
            if size < best:
                break
            codes = index.get(gram)
            if codes:
                found |= codes
                best = size
        if found:
            return found
    return set()


class _Canonicaliser:
    """Skill text -> taxonomy entry via the vocabulary, memoised, never learning new entries."""

    def __init__(self, vocabulary: SkillVocabulary) -> None:
        self._vocabulary = vocabulary
        self._memo: dict[str, SkillEntry | None] = {}
        self._technologies: dict[str, tuple[frozenset[str], frozenset[str]]] = {}

    def __call__(self, text: str) -> SkillEntry | None:
        if text in self._memo:
            return self._memo[text]
        entries = self._vocabulary.expansions(text) if text.strip() else []
        # Entries learned from profiles ("profile" source) are not taxonomy: not query material.
        entry = entries[0] if entries and set(entries[0].sources) != {"profile"} else None
        self._memo[text] = entry
        return entry

    def technologies(self, code: str) -> tuple[frozenset[str], frozenset[str]]:
        """(all, hot) technology skill ids of an occupation."""
        found = self._technologies.get(code)
        if found is None:
            every: set[str] = set()
            hot: set[str] = set()
            for name, is_hot in _onet_technologies().get(code, ()):
                entry = self(name)
                if entry is not None:
                    every.add(entry.id)
                    if is_hot:
                        hot.add(entry.id)
            found = self._technologies[code] = (frozenset(every), frozenset(hot))
        return found


def _occupation_of(candidates: set[str], skills: Iterable[str], canon: _Canonicaliser) -> set[str]:
    """Disambiguate a title several occupations share by the profile's skills.

    Keeps the candidates whose O*NET technology skills overlap the profile's skills most; with
    no overlap at all, only an unshared title counts.
    """
    if len(candidates) <= 1:
        return candidates
    held = set(skills)
    overlap = {code: len(held & canon.technologies(code)[0]) for code in candidates}
    best = max(overlap.values())
    return {code for code, count in overlap.items() if count == best} if best else set()


def _read_profiles(profiles: Iterable[Mapping[str, Any]], canon: _Canonicaliser) -> list[_Profile]:
    index = alternate_title_occupations()
    out: list[_Profile] = []
    seen: set[str] = set()
    for number, raw in enumerate(profiles, start=1):
        if not raw.get("id"):
            raise RelevanceSetError(f"profile {number} has no id")
        profile_id = str(raw["id"])
        if profile_id in seen:
            raise RelevanceSetError(f"duplicate profile id {profile_id!r}")
        seen.add(profile_id)
        skills: dict[str, str] = {}
        for name in raw.get("skills") or ():
            entry = canon(str(name))
            if entry is not None:
                skills.setdefault(entry.id, str(name))
        title = str(raw.get("title") or "")
        overview = str(raw.get("overview") or "")
        segments = _segments(title)
        out.append(
            _Profile(
                id=profile_id,
                skills=skills,
                text=f" {normalise_skill(title)} {normalise_skill(overview)} ",
                title_segments=frozenset(" ".join(words) for words in segments),
                title_grams=frozenset(gram for words in segments for _, gram in _grams(words)),
                occupations=frozenset(_occupation_of(_occupations(segments, index), skills, canon)),
            )
        )
    return out


def _mentions(profile: _Profile, names: Iterable[str]) -> bool:
    """Whether the title or overview names the skill (whole words, normalised)."""
    for name in names:
        key = normalise_skill(name) if name.strip() else ""
        if key and f" {key} " in profile.text:
            return True
    return False


# --------------------------------------------------------------------------------------------
# Families
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Query:
    text: str
    ratings: Mapping[str, int]  # profile id -> rating (only rated, i.e. relevant, profiles)


def _skill_ratings(skill: SkillEntry, holders: Sequence[_Profile]) -> dict[str, int]:
    """3 if the profile names the skill in its title or overview, else 2."""
    return {p.id: 3 if _mentions(p, (skill.label, p.skills[skill.id])) else 2 for p in holders}


def _contains_words(longer: str, shorter: str) -> bool:
    return f" {shorter} " in f" {longer} "


def _esco_alias_candidates(
    holders: Mapping[str, list[_Profile]],
    canon: _Canonicaliser,
    vocabulary: SkillVocabulary,
    rng: random.Random,
) -> list[_Query]:
    """One ESCO alternative label per held skill that only the vocabulary can connect."""
    aliases: dict[str, set[str]] = {}
    for preferred, alternatives in _esco_alternatives():
        entry = canon(preferred)
        if entry is None or entry.id not in holders:
            continue
        names = {normalise_skill(preferred), entry.id}
        for alternative in alternatives:
            key = normalise_skill(alternative)
            if any(_contains_words(key, n) or _contains_words(n, key) for n in names):
                continue  # "Python (computer programming)" is a lexical giveaway for "Python"
            found = vocabulary.expansions(alternative)
            if len(found) == 1 and found[0].id == entry.id:  # unambiguous in the product
                aliases.setdefault(entry.id, set()).add(alternative)
    queries = []
    for skill_id in sorted(aliases):
        entry = vocabulary.get(skill_id)
        assert entry is not None
        every = sorted(aliases[skill_id])
        short = [name for name in every if len(name.split()) <= _MAX_ALIAS_WORDS]
        text = rng.choice(short or every)
        queries.append(_Query(text, _skill_ratings(entry, holders[skill_id])))
    return queries


def _onet_title_candidates(
    profiles: Sequence[_Profile], canon: _Canonicaliser, rng: random.Random
) -> list[_Query]:
    """One alternate title per occupation present in the corpus, preferably unused by profiles."""
    members: dict[str, list[_Profile]] = {}
    for profile in profiles:
        for code in profile.occupations:
            members.setdefault(code, []).append(profile)
    used_grams: set[str] = set()
    used_segments: set[str] = set()
    for profile in profiles:
        used_grams.update(profile.title_grams)
        used_segments.update(profile.title_segments)
    index = alternate_title_occupations()
    titles = alternate_titles_by_occupation()
    queries = []
    for code in sorted(members):
        unique = {
            title: key
            for title in titles.get(code, ())
            if (key := title_key(title)) and index.get(key) == frozenset({code})
        }
        fresh = sorted(title for title, key in unique.items() if key not in used_grams)
        if not fresh:  # every title is in use: at least avoid a profile's exact title
            fresh = sorted(title for title, key in unique.items() if key not in used_segments)
        if not fresh:
            continue
        text = rng.choice(fresh)
        hot = canon.technologies(code)[1]
        top = max(1, min(_HOT_FOR_TOP, len(hot)))
        ratings = {}
        for profile in members[code]:
            count = len(hot.intersection(profile.skills))
            ratings[profile.id] = 3 if count >= top else 2 if count >= 1 else 1
        queries.append(_Query(text, ratings))
    return queries


def _skill_name_candidates(
    holders: Mapping[str, list[_Profile]], vocabulary: SkillVocabulary
) -> list[_Query]:
    queries = []
    for skill_id in sorted(holders):
        entry = vocabulary.get(skill_id)
        if entry is not None:
            text = " ".join(entry.label.split())
            queries.append(_Query(text, _skill_ratings(entry, holders[skill_id])))
    return queries


def _stratified_sample(queries: list[_Query], count: int, rng: random.Random) -> list[_Query]:
    """Up to `count` queries, taken in turn from the strata of `_STRATA` (shuffled each)."""
    strata: list[list[_Query]] = [[] for _ in _STRATA]
    for query in sorted(queries, key=lambda q: q.text):
        size = len(query.ratings)
        strata[max(i for i, low in enumerate(_STRATA) if size >= low)].append(query)
    for stratum in strata:
        rng.shuffle(stratum)
    chosen: list[_Query] = []
    while len(chosen) < count and any(strata):
        for stratum in strata:
            if stratum and len(chosen) < count:
                chosen.append(stratum.pop())
    return chosen


# --------------------------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------------------------


def build_relevance_set(
    profiles: Iterable[Mapping[str, Any]],
    vocabulary: SkillVocabulary,
    seed: int = 7,
    max_queries_per_family: int = 100,
    *,
    max_relevant: int = MAX_RELEVANT,
) -> list[JudgmentRow]:
    """Queries and graded judgments for `profiles` (input-format dicts), deterministic per seed.

    Families are built in the order of `FAMILIES`; a query text (normalised) is used once across
    families. Each family keeps queries with 1..`max_relevant` judged profiles and samples at
    most `max_queries_per_family` of them. Rows come family by family, queries sorted, best
    rating first. The vocabulary is only read (``expansions``), never taught.
    """
    if max_queries_per_family < 0:
        raise RelevanceSetError(
            f"max_queries_per_family must be >= 0, got {max_queries_per_family}"
        )
    if max_relevant < 1:
        raise RelevanceSetError(f"max_relevant must be >= 1, got {max_relevant}")
    canon = _Canonicaliser(vocabulary)
    corpus = _read_profiles(profiles, canon)
    holders: dict[str, list[_Profile]] = {}
    for profile in corpus:
        for skill_id in profile.skills:
            holders.setdefault(skill_id, []).append(profile)

    def rng(family: str) -> random.Random:
        return random.Random(f"relevance-set:{seed}:{family}")

    builders: dict[str, Callable[[random.Random], list[_Query]]] = {
        "esco_alias": lambda r: _esco_alias_candidates(holders, canon, vocabulary, r),
        "onet_title": lambda r: _onet_title_candidates(corpus, canon, r),
        "skill_name": lambda r: _skill_name_candidates(holders, vocabulary),
    }
    used: set[str] = set()
    rows: list[JudgmentRow] = []
    for family in FAMILIES:
        family_rng = rng(family)
        candidates: dict[str, _Query] = {}
        for query in builders[family](family_rng):
            key = normalise_skill(query.text)
            if 1 <= len(query.ratings) <= max_relevant and key not in used:
                candidates.setdefault(key, query)
        chosen = _stratified_sample(list(candidates.values()), max_queries_per_family, family_rng)
        for query in sorted(chosen, key=lambda q: q.text):
            used.add(normalise_skill(query.text))
            for docid, rating in sorted(
                query.ratings.items(), key=lambda item: (-item[1], item[0])
            ):
                rows.append(JudgmentRow(query.text, docid, rating, family))
    return rows


def write_relevance_set(path: str | Path, rows: Iterable[JudgmentRow]) -> None:
    """Write the set as Quepid CSV (``query,docid,rating``) plus a ``family`` column."""
    save_judgments(path, rows, with_family=True)


def relevance_set_summary(rows: Iterable[JudgmentRow]) -> dict[str, dict[str, int]]:
    """Per family: queries, judged documents and the count of each rating (for the CLI)."""
    summary: dict[str, dict[str, int]] = {}
    queries: dict[str, set[str]] = {}
    for row in rows:
        family = summary.setdefault(
            row.family, {"queries": 0, "judgments": 0, "rating_1": 0, "rating_2": 0, "rating_3": 0}
        )
        queries.setdefault(row.family, set()).add(row.query)
        family["judgments"] += 1
        if row.rating:
            family[f"rating_{row.rating}"] += 1
    for name, texts in queries.items():
        summary[name]["queries"] = len(texts)
    return summary
