"""Deterministic demo corpus of freelancer profiles, in the product's input format.

Why: the product demo, the relevance set and the benchmarks all need many profiles that look like a
real freelance marketplace (a title, skills and overview that belong together, stats that earn or
miss a badge, a few diversity certifications in every review state) without touching anyone's
personal data. The generator is deterministic so that a benchmark or a demo can be rebuilt byte for
byte, and a new user's first searches ("react developer", "logo design", "bookkeeping") find the
profiles they expect.

How: every profile ``i`` gets its own ``random.Random`` seeded from ``(seed, i)``, so profile ``i``
does not depend on how many profiles are generated, and the corpus streams in constant memory. The
tables are data files in ``indexer/demo_corpus_data`` (occupations and categories, families,
skills, skill certifications, countries, names, texts, diversity certifications), read with the
taxonomy (``domain/taxonomy_files.py``) and the certifying-bodies registry
(``domain/certification_registry.py``) once per process (about half a second). Badges come from the
shared badge policy (``domain/badges.py``).

How the distributions were chosen (loosely modelled on public marketplace statistics; the targets
are for a 5,000-profile sample, see ``tests/unit/test_demo_corpus.py``):

* Occupation: 62 O*NET occupations that freelancers sell (``occupations.yaml``), each in one of
  twelve marketplace categories, weighted roughly like the category mix of a large marketplace:
  web, mobile and software development about 26% (mobile apps 3.5%), design and creative 13%,
  writing and translation 11%, sales and marketing 13%, admin and customer support 11%, accounting
  and finance 6%, video and audio 5%, then IT and networking, data science, engineering and
  architecture, business consulting and HR, legal. A code may appear twice with disjoint title
  filters, so that a specialty (mobile development within Software Developers) has its own weight.
* Title: one of the occupation's O*NET alternate titles (expansions in parentheses dropped,
  obsolete or public-sector titles filtered out), or one of a few marketplace titles O*NET does not
  list for it ("Shopify Developer", "Virtual Assistant", "Logo Designer"); titles clients search
  for weigh more ("WordPress Developer", "Bookkeeper"). Sometimes prefixed ("Senior ...") or
  suffixed marketplace-style ("... | React Expert", always a held skill other than the title's).
* Title skill: a title that names one of the occupation's technology skills ("React.js
  Developer", "Android Developer", "Salesforce Developer") is matched to it once at load:
  the skill's name or spellings as whole words, case- and punctuation-insensitive ("React.js" and
  "ReactJS" are "react", ".NET" is "net"), the longest match winning; a technology O*NET lists
  only for other occupations counts too ("HRIS Analyst"), a few false friends do not
  (``not_in_titles`` in ``skills.yaml``: "Front Desk", "Route"). About a third of the development
  profiles have one (a tenth of all profiles). Such a profile always holds the skill (listed
  first, under its own name), its other skills lean to it (below), and its overview names it.
* Skills: 3-15 O*NET technology skills of the occupation (mean about 7.3), weighted 1, plus 5 if Hot
  Technology, plus 2 if In Demand (so profiles lean on current tools). With a title skill, skills
  of its O*NET commodity ("Web platform development software" for React, unless the commodity is
  generic, like "Operating system software") weigh 6 times as much, and its companions
  (``skills.yaml``: WordPress -> PHP, MySQL...) weigh at least as a Hot Technology, times 6; so do
  the skills the occupation leans to whatever the title (mobile: Swift, Kotlin...). Plus a few
  marketplace skills O*NET lacks (Shopify, WooCommerce, Flutter, Zendesk, Bookkeeping, Logo Design)
  for the occupations that use them; plus 0-3 ESCO preferred labels (mean 1.15) from a small
  hand-picked pool per occupation family (``families.yaml``; keyword matching on ESCO gave too many
  false friends, e.g. "edit" in "credit"); every pooled label is checked against the ESCO file at
  load time and dropped if absent. Mean about 8.5 skills in all. Skills are unique per profile,
  case-insensitively. About 1 O*NET skill in 10 (never the title skill) is written as an alias or
  variant spelling (``ReactJS``, ``CSS``, ``Photoshop``, ``golang``, lower case...), from a small
  curated table, GitHub Linguist aliases and a few mechanical rules, so that skill
  canonicalisation has work to do.
* Overview: an introduction naming the title, then up to three sentences: the occupation's O*NET
  description in the first person, a sentence naming three held skills (always present, and naming
  the title skill first, when the title names one), a closing.
* Country: United States 55%, then IN, PH, GB, CA, UA, PK and 20 smaller ones. Names come from small
  first/last name lists per region, mostly matching the country.
* Hourly rate: log-normal, median about $35 (sigma 0.55), scaled by occupation (legal and data
  higher, data entry lower) and country (about 1.3x US, 0.55x South Asia), clipped to $5-$250,
  missing for 5%.
* Activity: 25% have no job yet; otherwise jobs are log-normal (median about 3, a few hundreds). The
  job success score is null under 3 jobs, else 100 for a quarter and otherwise 100 minus an
  exponential (mean 7), floored at 40. First contract: null without jobs; within the last 90 days
  for a share of the new freelancers (rising-talent candidates); otherwise 91 days to 8 years ago,
  longer for busier freelancers. Twelve-month earnings: 0 for the inactive (about 45% of all
  profiles), else rate x log-normal hours growing with the job count, capped at $300,000.
  ``profile_complete`` is true for about 70%, more often for active freelancers.
* Badges, derived with the indexer's default ``BadgePolicy`` as of ``as_of``: about 78% no badge,
  5% rising talent, 12% top rated and 5% top rated plus (the activity parameters above were tuned
  for it). The ``badge`` field itself is set on about 1% of profiles (an upstream assertion),
  agreeing with the policy 85% of the time. ``expert_vetted`` is about 0.2%, mostly among
  top-rated profiles.
* Skill certifications: about 10% of profiles hold 1-2 real-world certifications chosen from those
  matching their skills or family (AWS, Google Ads, Microsoft Office Specialist...). Never diversity
  certifications.
* Diversity certifications: about 4% of profiles (6% of US ones, 9% of Canadian ones, under 1%
  elsewhere) hold one, 10% of holders two. For US holders: 68% approved and unexpired from a
  registry body (code or name, in varied letter case, a category the body certifies; most expire
  within 18 months, 12% within 30 days), 10% expired, 8% pending, 6% rejected, 8% from an
  unrecognised body. Canadian holders use the registry's CA bodies (country CA); elsewhere the body
  is unrecognised.

Determinism: the output is byte-identical for the same ``(count, seed, as_of)`` on the same CPython
minor version (``random`` is stable across versions in practice, but not promised).
"""

from __future__ import annotations

import bisect
import csv
import functools
import json
import math
import random
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from importlib import resources
from pathlib import Path
from typing import Any, Final

import yaml

from domain import taxonomy_files
from domain.badges import BadgePolicy, BadgeStats, derive_badge
from domain.certification_registry import CertificationRegistry, CertifyingBody, default_registry

__all__ = ["DEFAULT_AS_OF", "generate_profiles", "write_demo_corpus"]

DEFAULT_AS_OF: Final = date(2026, 11, 1)

_PACKAGE: Final = "indexer"
_DATA: Final = "demo_corpus_data"
_PROGRESS_EVERY: Final = 1000
_MAX_SKILL_CHARS: Final = 100
_NO_SKILL: Final = -1  # "the title names no skill"
_HOT_WEIGHT: Final = 6.0  # a Hot Technology's draw weight (1 + 5)
_ESCO_COUNT_WEIGHTS: Final = (0.35, 0.3, 0.2, 0.15)  # 0, 1, 2 or 3 ESCO labels
_BADGES: Final = ("rising_talent", "top_rated", "top_rated_plus")
_ACRONYM: Final = re.compile(r"^[A-Z][a-z]+(?: [a-z/-]+)+ ([A-Z][A-Z0-9+#.]+)(?: software)?$")
_PARENTHESISED_ACRONYM: Final = re.compile(r"^.+ \(([A-Z][A-Z0-9+#.]+)\)$")
_WORD: Final = re.compile(r"[0-9a-z#+.]+")


# --------------------------------------------------------------------------------------------
# Loaded tables
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Occupation:
    code: str
    family: str
    category: str
    rate_factor: float
    titles: tuple[str, ...]
    title_cum: tuple[float, ...]
    title_skills: tuple[int, ...]  # per title: index in `skills` of the skill it names, or -1
    sentences: tuple[str, ...]
    skills: tuple[str, ...]
    skill_cum: Mapping[int, tuple[float, ...]]  # by title skill (-1: none): cumulative weights
    esco: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class _Body:
    code: str
    name: str
    categories: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class _Country:
    code: str
    rate_factor: float
    region: str
    name: str


@dataclass(frozen=True, slots=True)
class _Certification:
    name: str
    issuer: str


@dataclass(frozen=True, slots=True)
class _UnrecognisedBody:
    name: str
    prefix: str
    categories: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class _Texts:
    prefixes: tuple[str, ...]
    suffixes: tuple[str, ...]
    intros: tuple[str, ...]
    skill_sentences: tuple[str, ...]
    single_skill_sentence: str
    closings: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class _Tables:
    occupations: tuple[_Occupation, ...]
    occupation_cum: tuple[float, ...]
    categories: Mapping[str, str]  # key -> display name
    countries: tuple[_Country, ...]
    country_cum: tuple[float, ...]
    names: Mapping[str, tuple[tuple[str, ...], tuple[str, ...]]]  # region -> (firsts, lasts)
    regions: tuple[str, ...]
    us_name_regions: tuple[str, ...]
    us_name_cum: tuple[float, ...]
    texts: _Texts
    variants: Mapping[str, tuple[str, ...]]
    headlines: Mapping[str, str]
    certifications: tuple[_Certification, ...]
    certs_by_skill: Mapping[str, tuple[int, ...]]
    certs_by_family: Mapping[str, tuple[int, ...]]
    us_bodies: tuple[_Body, ...]
    ca_bodies: tuple[_Body, ...]
    us_outcomes: tuple[str, ...]
    us_outcome_cum: tuple[float, ...]
    ca_outcomes: tuple[str, ...]
    ca_outcome_cum: tuple[float, ...]
    types_by_body: Mapping[str, tuple[str, ...]]
    types_by_category: Mapping[str, tuple[str, ...]]
    number_prefixes: Mapping[str, str]
    unrecognised: tuple[_UnrecognisedBody, ...]
    business_words: Mapping[str, tuple[str, ...]]
    business_adjectives: tuple[str, ...]
    entity_suffixes: Mapping[str, tuple[str, ...]]
    policy: BadgePolicy
    problems: tuple[str, ...]  # data that names something the taxonomy lacks (tests: none)


def _cumulative(weights: Sequence[float]) -> tuple[float, ...]:
    out: list[float] = []
    total = 0.0
    for weight in weights:
        total += weight
        out.append(total)
    return tuple(out)


def _data_text(name: str) -> str:
    return (resources.files(_PACKAGE) / _DATA / name).read_text(encoding="utf-8")


_YAML_LOADER: Final[Any] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml if built


@functools.cache
def _yaml(name: str) -> Any:
    """A data file, parsed once (a safe loader: plain data only)."""
    return yaml.load(_data_text(name), Loader=_YAML_LOADER)


def _strings(value: Any) -> tuple[str, ...]:
    return tuple(str(item) for item in value or ())


def _string_map(value: Any) -> dict[str, tuple[str, ...]]:
    return {str(key): _strings(items) for key, items in (value or {}).items()}


def _weights(value: Any) -> dict[str, float]:
    return {str(key): float(weight) for key, weight in (value or {}).items()}


def _first_person(sentence: str) -> str | None:
    """Turn an O*NET description sentence ("Develop websites.") into "I develop websites."."""
    if sentence.startswith(("Includes", "Excludes", "Duties")):
        return None
    if sentence.startswith("May also "):
        return "I also " + sentence[len("May also ") :]
    if sentence.startswith("May "):
        return "I also " + sentence[len("May ") :]
    return "I " + sentence[0].lower() + sentence[1:]


def _clean_title(title: str) -> str:
    return re.sub(r"\s*\([^)]*\)", "", title).strip()


def _match_words(text: str) -> tuple[str, ...]:
    """Words for matching a skill in a title: case- and punctuation-insensitive.

    "React.js" and "ReactJS" -> ("react",); "Node.js" -> ("node",); ".NET" -> ("net",);
    "ASP.NET" -> ("aspnet",); "C#", "C++" stay as they are; "Ruby on Rails" -> three words.
    """
    words: list[str] = []
    for word in _WORD.findall(text.casefold()):
        word = word.strip(".").replace(".", "")
        if word.endswith("js") and len(word) > 4:
            word = word[:-2]
        if word:
            words.append(word)
    return tuple(words)


@dataclass(frozen=True, slots=True)
class _Spelling:
    """A way a title can name a skill; `exact`: only as written ("CALL" is not "Call Center")."""

    skill: str
    exact: str | None = None


def _spellings(
    names: Sequence[str],
    weights: Mapping[str, float],
    aliases: Mapping[str, tuple[str, ...]],
    linguist: Mapping[str, tuple[str, ...]],
    skipped: frozenset[str],
    not_in_titles: frozenset[tuple[str, ...]],
) -> dict[tuple[str, ...], _Spelling]:
    """Matching words of every title spelling of `names` -> the spelling; a spelling several
    skills share goes to the heavier skill, then to the first."""
    index: dict[tuple[str, ...], _Spelling] = {}
    for name in names:
        texts = [name, *aliases.get(name, ())]
        texts += [a for a in linguist.get(name, ()) if a not in skipped]
        spellings = [(text, _Spelling(name)) for text in texts]
        match = _ACRONYM.match(name) or _PARENTHESISED_ACRONYM.match(name)
        if match:  # "Long form ACRONYM" or "Long form (ACRONYM)": the long form, the acronym
            spellings.append((name[: match.start(1)].rstrip(" ("), _Spelling(name)))
            spellings.append((match.group(1), _Spelling(name, match.group(1))))
        for text, spelling in spellings:
            words = _match_words(text)
            if words and words not in not_in_titles:
                held = index.get(words)
                if held is None or weights[name] > weights[held.skill]:
                    index[words] = spelling
    return index


def _title_skill(title: str, index: Mapping[tuple[str, ...], _Spelling]) -> str | None:
    """The skill the title names: its longest run of words that spells a skill, or None."""
    words = _match_words(title)
    for size in range(len(words), 0, -1):
        for start in range(len(words) - size + 1):
            found = index.get(words[start : start + size])
            if found is not None and (
                found.exact is None or re.search(rf"(?<!\w){re.escape(found.exact)}(?!\w)", title)
            ):
                return found.skill
    return None


def _skill_variants(
    skill: str,
    aliases: Mapping[str, tuple[str, ...]],
    linguist: Mapping[str, tuple[str, ...]],
    skipped: frozenset[str],
    vendors: tuple[str, ...],
) -> tuple[str, ...]:
    """Alias and variant spellings of a skill name (never the name itself)."""
    found: list[str] = list(aliases.get(skill, ()))
    found += [a for a in linguist.get(skill, ()) if a not in skipped]
    for vendor in vendors:
        prefix = vendor + " "
        if skill.startswith(prefix) and len(skill) - len(prefix) >= 3:
            found.append(skill[len(prefix) :])
    match = _ACRONYM.match(skill)
    if match:
        found.append(match.group(1))
    if skill.endswith(".js"):
        found += [skill[:-3] + "JS", skill[:-3] + "js"]
    if not found and skill.lower() != skill:
        found.append(skill.lower())
    unique = dict.fromkeys(v for v in found if v and v != skill and len(v) <= _MAX_SKILL_CHARS)
    return tuple(unique)


def _headline(name: str, aliases: Mapping[str, tuple[str, ...]]) -> str | None:
    """A skill name fit for a title suffix ("| AWS Expert"), or None."""
    spellings = aliases.get(name)
    if spellings:
        return spellings[0]
    if len(name) <= 20 and name[:1].isupper() and not name.endswith("software"):
        return name
    return None


@dataclass(frozen=True, slots=True)
class _SkillFacts:
    """What the loader knows about one skill name, wherever it comes from."""

    commodity: str
    weight: float  # 1 + 5 if hot + 2 if in demand


class _Lean:
    """Skill weights of one occupation, leaning to a title skill and to the occupation's picks.

    A skill the occupation leans to, or a companion of the title skill, weighs at least as much
    as a Hot Technology, times the lean factor; a skill of the title skill's O*NET commodity
    (unless the commodity is generic) weighs its own weight times the factor.
    """

    def __init__(
        self,
        skills: tuple[str, ...],
        facts: Sequence[_SkillFacts],
        leaned: frozenset[str],
        companions: Mapping[str, tuple[str, ...]],
        generic: frozenset[str],
        factor: float,
    ) -> None:
        self._skills, self._facts, self._leaned = skills, facts, leaned
        self._companions, self._generic, self._factor = companions, generic, factor

    def cumulative(self, named: int) -> tuple[float, ...]:
        commodity = ""
        partners: frozenset[str] = frozenset()
        if named != _NO_SKILL:
            name = self._skills[named]
            commodity = self._facts[named].commodity
            if commodity in self._generic:
                commodity = ""
            partners = frozenset(self._companions.get(name, ()))
        weights = []
        for name, facts in zip(self._skills, self._facts, strict=True):
            weight = facts.weight
            if name in self._leaned or name in partners:  # hand-picked: weigh as hot, then lean
                weight = max(weight, _HOT_WEIGHT) * self._factor
            elif commodity and facts.commodity == commodity:
                weight *= self._factor
            weights.append(weight)
        return _cumulative(weights)


@dataclass(frozen=True, slots=True)
class _SkillRules:
    """What every occupation's titles and skills are built with (taxonomy and skills.yaml)."""

    aliases: Mapping[str, tuple[str, ...]]
    linguist: Mapping[str, tuple[str, ...]]
    skipped: frozenset[str]  # Linguist aliases never used
    vendors: tuple[str, ...]
    not_in_titles: frozenset[tuple[str, ...]]
    companions: Mapping[str, tuple[str, ...]]
    generic: frozenset[str]  # commodities too broad to lean on
    lean_factor: float
    onet: Mapping[str, list[tuple[str, _SkillFacts]]]  # code -> its O*NET technologies
    anywhere: Mapping[str, _SkillFacts]  # every O*NET technology, as its first row has it
    onet_spellings: Mapping[tuple[str, ...], _Spelling]  # title spellings of all of them
    marketplace: Mapping[str, _SkillFacts]
    blocklist: re.Pattern[str]
    esco_found: frozenset[str]  # the families' ESCO labels that ESCO has

    def spellings(
        self, pairs: Sequence[tuple[str, _SkillFacts]]
    ) -> dict[tuple[str, ...], _Spelling]:
        weights = {name: facts.weight for name, facts in pairs}
        names = [name for name, _ in pairs]
        return _spellings(
            names, weights, self.aliases, self.linguist, self.skipped, self.not_in_titles
        )


def _skill_rules(spec: Any, families: Any, problems: list[str], codes: set[str]) -> _SkillRules:
    """Read skills.yaml and the O*NET technologies of `codes` (and of all occupations, for titles
    naming a technology O*NET lists elsewhere); report names the taxonomy lacks in `problems`."""
    skill_spec = _yaml("skills.yaml")
    aliases = _string_map(skill_spec["aliases"])
    onet: dict[str, list[tuple[str, _SkillFacts]]] = {code: [] for code in codes}
    anywhere: dict[str, _SkillFacts] = {}
    for row in taxonomy_files.technology_skills():
        if len(row.example) <= _MAX_SKILL_CHARS:
            weight = 1.0 + (_HOT_WEIGHT - 1.0) * row.hot + 2.0 * row.in_demand
            facts = _SkillFacts(row.commodity_title, weight)
            anywhere.setdefault(row.example, facts)
            if row.code in codes:
                onet[row.code].append((row.example, facts))
    marketplace = {
        str(name): _SkillFacts(str(facts["commodity"]), _HOT_WEIGHT if facts["hot"] else 1.0)
        for name, facts in skill_spec["marketplace_skills"].items()
    }
    every_skill = set(anywhere) | set(marketplace)
    companions = _string_map(skill_spec["companions"])
    for name, partners in companions.items():
        problems += [
            f"skills.yaml companions: unknown skill {partner!r}"
            for partner in (name, *partners)
            if partner not in every_skill
        ]
    problems += [
        f"skills.yaml aliases: unknown skill {n!r}" for n in aliases if n not in every_skill
    ]
    linguist = {lang.name: lang.aliases for lang in taxonomy_files.linguist_languages()}
    skipped = frozenset(_strings(skill_spec["linguist_aliases_skipped"]))
    not_in_titles = frozenset(_match_words(s) for s in _strings(skill_spec["not_in_titles"]))
    weights = {name: facts.weight for name, facts in anywhere.items()}
    onet_spellings = _spellings(
        sorted(anywhere), weights, aliases, linguist, skipped, not_in_titles
    )
    blocked = "|".join(_strings(_yaml("texts.yaml")["title_blocklist"]))
    esco_wanted = {str(label) for family in families.values() for label in family["esco"]}
    esco_found = esco_wanted & taxonomy_files.esco_preferred_labels()
    problems += [
        f"families.yaml: {label!r} is no ESCO preferred label"
        for label in sorted(esco_wanted - esco_found)
    ]
    return _SkillRules(
        aliases=aliases,
        linguist=linguist,
        skipped=skipped,
        vendors=_strings(skill_spec["vendor_prefixes"]),
        not_in_titles=not_in_titles,
        companions=companions,
        generic=frozenset(_strings(skill_spec["generic_commodities"])),
        lean_factor=float(spec["lean_factor"]),
        onet=onet,
        anywhere=anywhere,
        onet_spellings=onet_spellings,
        marketplace=marketplace,
        blocklist=re.compile(r"\b(" + blocked + r")\b"),
        esco_found=frozenset(esco_found),
    )


def _titles(
    row: Any, onet_titles: Sequence[str], rules: _SkillRules, where: str, problems: list[str]
) -> tuple[list[str], list[float]]:
    """An occupation's titles and their weights: its O*NET alternate titles, cleaned and filtered,
    then its marketplace titles."""
    keep = tuple(k.lower() for k in _strings(row.get("titles_with")))
    drop = tuple(k.lower() for k in _strings(row.get("titles_without")))
    names = [
        t
        for t in dict.fromkeys(_clean_title(t) for t in onet_titles)
        if t
        and not rules.blocklist.search(t)
        and (not keep or any(k in t.lower() for k in keep))
        and not any(k in t.lower() for k in drop)
    ]
    title_weights = _weights(row.get("title_weights"))
    extra_titles = _weights(row.get("extra_titles"))
    problems += [
        f"{where}: title_weights: {t!r} is not one of its titles"
        for t in title_weights
        if t not in names
    ]
    spelled = {_match_words(t) for t in names}
    problems += [
        f"{where}: extra_titles: {t!r} is one of its O*NET titles"
        for t in extra_titles
        if _match_words(t) in spelled
    ]
    titles = names + [t for t in extra_titles if t not in names]
    if not titles:
        raise ValueError(f"{where}: no titles left")
    return titles, [title_weights.get(t, extra_titles.get(t, 1.0)) for t in titles]


def _occupation(
    row: Any,
    onet_titles: Sequence[str],
    description: str,
    families: Any,
    rules: _SkillRules,
    variants: dict[str, tuple[str, ...]],
    problems: list[str],
) -> _Occupation:
    """One occupation of occupations.yaml, with its titles, title skills and skill weights."""
    code, family = str(row["code"]), str(row["family"])
    where = f"occupations.yaml {code} ({family})"
    titles, weights = _titles(row, onet_titles, rules, where, problems)
    # Skills: the occupation's O*NET technology skills, its marketplace skills, then the
    # technologies its titles name that O*NET lists for other occupations only.
    pairs = list(rules.onet[code])
    for name in _strings(row.get("extra_skills")):
        if name in rules.marketplace:
            pairs.append((name, rules.marketplace[name]))
        else:
            problems.append(f"{where}: extra_skills: {name!r} is not in skills.yaml")
    own = rules.spellings(pairs)
    named = [_title_skill(t, own) or _title_skill(t, rules.onet_spellings) for t in titles]
    held = {name for name, _ in pairs}
    for found in named:
        if found is not None and found not in held:
            held.add(found)
            pairs.append((found, rules.anywhere[found]))
    skills = tuple(name for name, _ in pairs)
    for name in skills:
        if name not in variants:
            variants[name] = _skill_variants(
                name, rules.aliases, rules.linguist, rules.skipped, rules.vendors
            )
    number = {name: i for i, name in enumerate(skills)}
    title_skills = tuple(_NO_SKILL if n is None else number[n] for n in named)
    leaned = frozenset(_strings(row.get("lean")))
    problems += [
        f"{where}: lean: {s!r} is not one of its skills" for s in sorted(leaned - set(skills))
    ]
    lean = _Lean(
        skills,
        [facts for _, facts in pairs],
        leaned,
        rules.companions,
        rules.generic,
        rules.lean_factor,
    )
    sentences = [s for s in map(_first_person, re.split(r"(?<=\.)\s+", description)) if s]
    return _Occupation(
        code=code,
        family=family,
        category=str(row["category"]),
        rate_factor=float(row["rate"]),
        titles=tuple(titles),
        title_cum=_cumulative(weights),
        title_skills=title_skills,
        sentences=tuple(sentences),
        skills=skills,
        skill_cum={named: lean.cumulative(named) for named in {_NO_SKILL, *title_skills}},
        esco=tuple(str(x) for x in families[family]["esco"] if x in rules.esco_found),
    )


def _load_occupations(
    problems: list[str], variants: dict[str, tuple[str, ...]]
) -> tuple[tuple[_Occupation, ...], tuple[float, ...], dict[str, str], dict[str, tuple[str, ...]]]:
    """The occupations, their cumulative weights, the categories and the families' business
    words; fills `variants` (skill -> its spellings) and `problems`."""
    spec = _yaml("occupations.yaml")
    families = _yaml("families.yaml")
    categories = {str(k): str(v) for k, v in spec["categories"].items()}
    rows = list(spec["occupations"])
    codes = {str(row["code"]) for row in rows}
    descriptions = {o.code: o.description for o in taxonomy_files.onet_occupations()}
    onet_titles: dict[str, list[str]] = {code: [] for code in codes}
    for alternate in taxonomy_files.alternate_titles():
        if alternate.code in codes:
            onet_titles[alternate.code].append(alternate.title)
    rules = _skill_rules(spec, families, problems, codes)
    occupations = []
    for row in rows:
        code, family, category = str(row["code"]), str(row["family"]), str(row["category"])
        where = f"occupations.yaml {code} ({family})"
        if code not in descriptions:
            raise ValueError(f"{where}: no such O*NET occupation")
        if category not in categories:
            raise ValueError(f"{where}: unknown category {category!r}")
        if family not in families:
            raise ValueError(f"{where}: unknown family {family!r}")
        occupations.append(
            _occupation(
                row, onet_titles[code], descriptions[code], families, rules, variants, problems
            )
        )
    business_words = {str(f): _strings(v["business_words"]) for f, v in families.items()}
    weights = [float(row["weight"]) for row in rows]
    return tuple(occupations), _cumulative(weights), categories, business_words


def _body(body: CertifyingBody) -> _Body:
    return _Body(body.code, body.name, tuple(sorted(str(c) for c in body.categories)))


def _load_countries() -> tuple[tuple[_Country, ...], tuple[float, ...]]:
    rows = list(csv.DictReader(_data_text("countries.tsv").splitlines(), delimiter="\t"))
    countries = tuple(
        _Country(r["code"], float(r["rate_factor"]), r["name_region"], r["display_name"])
        for r in rows
    )
    return countries, _cumulative([float(r["weight_percent"]) for r in rows])


@functools.cache
def _tables() -> _Tables:
    """Load and index the data files, the taxonomy and the registry once."""
    problems: list[str] = []
    aliases = _string_map(_yaml("skills.yaml")["aliases"])
    variants: dict[str, tuple[str, ...]] = {}
    occupations, occupation_cum, categories, business_words = _load_occupations(problems, variants)
    headlines = {
        name: headline
        for occupation in occupations
        for name in occupation.skills
        if (headline := _headline(name, aliases))
    }

    certs = _yaml("skill_certifications.yaml")["certifications"]
    certifications = tuple(_Certification(str(c["name"]), str(c["issuer"])) for c in certs)
    certs_by_skill: dict[str, list[int]] = {}
    certs_by_family: dict[str, list[int]] = {}
    known = {name for occupation in occupations for name in occupation.skills}
    for number, cert in enumerate(certs):
        for skill in _strings(cert.get("skills")):
            certs_by_skill.setdefault(skill, []).append(number)
        for family in _strings(cert.get("families")):
            certs_by_family.setdefault(family, []).append(number)
    problems += [
        f"skill_certifications.yaml: no occupation has {skill!r}"
        for skill in sorted(set(certs_by_skill) - known)
    ]
    problems += [
        f"skill_certifications.yaml: unknown family {family!r}"
        for family in sorted(set(certs_by_family) - set(business_words))
    ]

    names_spec = _yaml("names.yaml")
    names = {
        str(region): (_strings(lists["first"]), _strings(lists["last"]))
        for region, lists in names_spec["regions"].items()
    }
    us_mix = _weights(names_spec["us_mix"])
    countries, country_cum = _load_countries()

    texts_spec = _yaml("texts.yaml")
    texts = _Texts(
        prefixes=tuple(p + " " for p in _strings(texts_spec["title_prefixes"])),
        suffixes=_strings(texts_spec["title_suffixes"]),
        intros=_strings(texts_spec["intros"]),
        skill_sentences=_strings(texts_spec["skill_sentences"]),
        single_skill_sentence=str(texts_spec["single_skill_sentence"]),
        closings=_strings(texts_spec["closings"]),
    )

    diversity = _yaml("diversity.yaml")
    types_by_category = _string_map(diversity["types_by_category"])
    unrecognised = tuple(
        _UnrecognisedBody(
            str(b["name"]),
            str(b["prefix"]),
            tuple(types_by_category) if b["categories"] == "all" else _strings(b["categories"]),
        )
        for b in diversity["unrecognised_bodies"]
    )
    registry: CertificationRegistry = default_registry()
    us_outcomes, ca_outcomes = (
        _weights(diversity["us_outcomes"]),
        _weights(diversity["ca_outcomes"]),
    )
    return _Tables(
        occupations=occupations,
        occupation_cum=occupation_cum,
        categories=categories,
        countries=countries,
        country_cum=country_cum,
        names=names,
        regions=tuple(names),
        us_name_regions=tuple(us_mix),
        us_name_cum=_cumulative(list(us_mix.values())),
        texts=texts,
        variants={name: spellings for name, spellings in variants.items() if spellings},
        headlines=headlines,
        certifications=certifications,
        certs_by_skill={k: tuple(v) for k, v in certs_by_skill.items()},
        certs_by_family={k: tuple(v) for k, v in certs_by_family.items()},
        us_bodies=tuple(_body(b) for b in registry.countries["US"].bodies),
        ca_bodies=tuple(_body(b) for b in registry.countries["CA"].bodies),
        us_outcomes=tuple(us_outcomes),
        us_outcome_cum=_cumulative(list(us_outcomes.values())),
        ca_outcomes=tuple(ca_outcomes),
        ca_outcome_cum=_cumulative(list(ca_outcomes.values())),
        types_by_body=_string_map(diversity["types_by_body"]),
        types_by_category=types_by_category,
        number_prefixes={str(k): str(v) for k, v in diversity["number_prefixes"].items()},
        unrecognised=unrecognised,
        business_words=business_words,
        business_adjectives=_strings(diversity["business_adjectives"]),
        entity_suffixes=_string_map(diversity["entity_suffixes"]),
        policy=BadgePolicy(),
        problems=tuple(problems),
    )


# --------------------------------------------------------------------------------------------
# One profile
# --------------------------------------------------------------------------------------------

_ESCO_COUNT_CUM: Final = _cumulative(_ESCO_COUNT_WEIGHTS)


def _pick(rng: random.Random, cum: tuple[float, ...]) -> int:
    """Index drawn with the given cumulative weights."""
    return bisect.bisect_right(cum, rng.random() * cum[-1], 0, len(cum) - 1)


def _choice(rng: random.Random, items: Sequence[str]) -> str:
    return items[rng.randrange(len(items))]


def _name(rng: random.Random, t: _Tables, region: str) -> tuple[str, str]:
    if region == "us":
        region = t.us_name_regions[_pick(rng, t.us_name_cum)]
    elif rng.random() < 0.12:
        region = _choice(rng, t.regions)
    firsts, lasts = t.names[region]
    return _choice(rng, firsts), _choice(rng, lasts)


def _skills(
    rng: random.Random, t: _Tables, occ: _Occupation, named: int
) -> tuple[list[str], list[str], str | None]:
    """(skills as shown, the names they were drawn from, how the title skill is shown)."""
    wanted = min(len(occ.skills), max(3, min(15, round(rng.gauss(7.3, 2.6)))))
    cum = occ.skill_cum[named]
    sources: list[str] = [occ.skills[named]] if named != _NO_SKILL else []
    for _ in range(4):
        draws = rng.choices(occ.skills, cum_weights=cum, k=2 * wanted)
        sources = list(dict.fromkeys(sources + draws))[:wanted]
        if len(sources) == wanted:
            break
    shown: list[str] = []
    folded: set[str] = set()
    for position, name in enumerate(sources):
        display = name
        variants = t.variants.get(name)
        # The title skill keeps its own name: "WP" would not tell a search it is WordPress.
        if variants and rng.random() < 0.1 and (position or named == _NO_SKILL):
            display = _choice(rng, variants)
        key = display.casefold()
        if key not in folded:
            folded.add(key)
            shown.append(display)
    title_skill = shown[0] if named != _NO_SKILL else None
    labels: list[str] = []
    for _ in range(_pick(rng, _ESCO_COUNT_CUM)):
        label = _choice(rng, occ.esco)
        if label.casefold() not in folded:
            folded.add(label.casefold())
            labels.append(label)
    return shown + labels, sources, title_skill


def _title(rng: random.Random, t: _Tables, base: str, others: list[str]) -> str:
    """The full title: `base`, sometimes prefixed or suffixed with a held skill from `others`."""
    roll = rng.random()
    if roll < 0.06:
        prefix = _choice(rng, t.texts.prefixes)
        if not base.startswith(prefix.split()[0]):
            return prefix + base
    elif roll < 0.24:
        short = list(dict.fromkeys(h for h in (t.headlines.get(s) for s in others[:4]) if h))
        if short:
            skill = _choice(rng, short)
            suffixes = t.texts.suffixes
            template = suffixes[rng.randrange(len(suffixes))]
            if "{other}" in template and len(short) < 2:
                template = suffixes[-1]
            other = short[0] if short[0] != skill else short[-1]
            return template.format(title=base, skill=skill, other=other)
    return base


def _overview(
    rng: random.Random,
    t: _Tables,
    occ: _Occupation,
    title: str,
    first: str,
    country: str,
    years: int,
    since: int,
    shown: list[str],
    title_skill: str | None,
) -> str:
    article = "an" if title[:1] in "AEIOU" else "a"
    intro = _choice(rng, t.texts.intros).format(
        title=title, years=years, first=first, article=article, country=country, since=since
    )
    parts = [intro]
    sentences = rng.choices((1, 2, 3, 4), weights=(15, 30, 30, 25))[0]
    if sentences >= 2 and occ.sentences:
        parts.append(occ.sentences[0])
        if len(occ.sentences) > 1 and rng.random() < 0.3:
            parts.append(occ.sentences[1 + rng.randrange(len(occ.sentences) - 1)])
    if title_skill is not None:
        others = [s for s in shown if s != title_skill]
        if len(others) >= 2:
            b, c = rng.sample(others, 2)
            sentence = _choice(rng, t.texts.skill_sentences)
            parts.append(sentence.format(a=title_skill, b=b, c=c))
        else:
            parts.append(t.texts.single_skill_sentence.format(a=title_skill))
    elif sentences >= 3 and len(shown) >= 3:
        a, b, c = rng.sample(shown, 3)
        parts.append(_choice(rng, t.texts.skill_sentences).format(a=a, b=b, c=c))
    if sentences >= 4:
        parts.append(_choice(rng, t.texts.closings))
    return " ".join(parts)


def _skill_certifications(
    rng: random.Random, t: _Tables, family: str, sources: list[str], as_of_ordinal: int
) -> list[dict[str, Any]]:
    candidates = set(t.certs_by_family.get(family, ()))
    for name in sources:
        candidates.update(t.certs_by_skill.get(name, ()))
    if not candidates:
        return []
    ordered = sorted(candidates)
    chosen = rng.sample(ordered, min(len(ordered), 2 if rng.random() < 0.25 else 1))
    out: list[dict[str, Any]] = []
    for index in chosen:
        cert = t.certifications[index]
        earned = None
        if rng.random() < 0.85:
            earned = date.fromordinal(as_of_ordinal - rng.randint(20, 5 * 365)).isoformat()
        out.append({"name": cert.name, "issuer": cert.issuer, "earned_on": earned})
    return out


def _body_display(rng: random.Random, body: _Body) -> str:
    """The body as an applicant types it: code or full name, in varied letter case."""
    roll = rng.random()
    if roll < 0.40:
        return body.code
    if roll < 0.70:
        return body.name
    if roll < 0.80:
        return body.code.lower()
    if roll < 0.88:
        return body.code.upper()
    if roll < 0.94:
        return body.name.lower()
    return body.name.upper()


def _business_name(
    rng: random.Random, t: _Tables, family: str, first: str, last: str, country: str
) -> str:
    word = _choice(rng, t.business_words[family])
    entity = _choice(rng, t.entity_suffixes.get(country) or t.entity_suffixes["default"])
    style = rng.randrange(3)
    if style == 0:
        return f"{last} {word} {entity}"
    if style == 1:
        return f"{_choice(rng, t.business_adjectives)} {word} {entity}"
    return f"{first} {last} {word}"


def _diversity_certification(
    rng: random.Random,
    t: _Tables,
    country: str,
    business: str,
    as_of_ordinal: int,
) -> dict[str, Any]:
    bodies: tuple[_Body, ...] = ()
    if country == "US":
        kind, bodies = t.us_outcomes[_pick(rng, t.us_outcome_cum)], t.us_bodies
    elif country == "CA":
        kind, bodies = t.ca_outcomes[_pick(rng, t.ca_outcome_cum)], t.ca_bodies
    else:
        kind = "unrecognised"
    if kind == "unrecognised":
        claimed = t.unrecognised[rng.randrange(len(t.unrecognised))]
        category = _choice(rng, claimed.categories)
        body_text, prefix = claimed.name, claimed.prefix
        types = t.types_by_category[category]
        status = "approved" if rng.random() < 0.7 else "pending"
    else:
        body = bodies[rng.randrange(len(bodies))]
        category = _choice(rng, body.categories)
        body_text = _body_display(rng, body)
        types = t.types_by_body.get(body.code) or t.types_by_category.get(category, ("MBE",))
        prefix = t.number_prefixes.get(body.code) or re.sub(r"[^A-Za-z]", "", body.code).upper()
        status = "approved" if kind in ("approved", "expired") else kind
    if kind == "expired":
        expires = as_of_ordinal - rng.randint(1, 900)
    elif kind == "rejected":
        expires = as_of_ordinal + rng.randint(-200, 730)
    elif rng.random() < 0.12:
        expires = as_of_ordinal + rng.randint(1, 30)
    else:
        expires = as_of_ordinal + rng.randint(31, 540)
    expires_on = date.fromordinal(expires)
    issued_year = min(expires_on.year - 1, date.fromordinal(as_of_ordinal).year)
    return {
        "business_name": business,
        "category": category,
        "certifying_body": body_text,
        "certification_type": _choice(rng, types),
        "certificate_number": f"{prefix}-{issued_year}-{rng.randrange(1_000_000):06d}",
        "expires_on": expires_on.isoformat(),
        "review_status": status,
        "country": country,
    }


def _start(t: _Tables, seed: int, index: int) -> tuple[random.Random, _Occupation]:
    """The generator of profile `index` for `seed`, and the occupation it draws first."""
    rng = random.Random(f"demo-corpus:{seed}:{index}")
    return rng, t.occupations[_pick(rng, t.occupation_cum)]


def _occupation_of(seed: int, index: int) -> _Occupation:
    """The occupation of profile `index` (tests check titles and categories against it)."""
    return _start(_tables(), seed, index)[1]


def _profile(t: _Tables, seed: int, index: int, as_of: date) -> dict[str, Any]:
    """Profile number `index` (0-based) of the corpus for `seed`."""
    rng, occ = _start(t, seed, index)
    as_of_ordinal = as_of.toordinal()
    country = t.countries[_pick(rng, t.country_cum)]
    first, last = _name(rng, t, country.region)

    # Activity: jobs, first contract, job success, earnings, completeness.
    jobs = 0 if rng.random() < 0.25 else max(1, min(1500, int(math.exp(rng.gauss(1.2, 1.35)))))
    days_ago: int | None = None
    if jobs:
        recent = 0.14 if jobs <= 3 else 0.05 if jobs <= 10 else 0.01 if jobs <= 30 else 0.0
        if rng.random() < recent:
            days_ago = rng.randint(3, 90)
        else:
            shortest = 91 + min(jobs * 4, 1500)
            days_ago = shortest + int((2920 - shortest) * rng.random() ** 1.3)
    jss: int | None = None
    if jobs >= 3:
        jss = 100 if rng.random() < 0.25 else max(40, round(100 - rng.expovariate(1 / 7)))
    rate = (
        32.0
        * occ.rate_factor
        * country.rate_factor
        * math.exp(rng.gauss(0.0, 0.55) + 0.05 * math.log1p(jobs))
    )
    rate = min(250.0, max(5.0, rate))
    rate = float(round(rate / 5) * 5) if rate >= 20 and rng.random() < 0.6 else float(round(rate))
    earnings = 0.0
    if days_ago is not None:
        active = 0.95 if days_ago < 365 else min(0.92, 0.45 + 0.12 * math.log1p(jobs))
        if rng.random() < active:
            hours = math.exp(rng.gauss(math.log(28) + 0.55 * math.log1p(jobs), 1.1))
            if days_ago < 365:
                hours *= days_ago / 365
            earnings = round(min(300_000.0, rate * hours), 2)
    complete_p = 0.5 if jobs == 0 else 0.72 if jobs < 3 else 0.8 if jobs < 10 else 0.9
    complete = rng.random() < complete_p
    first_contract = date.fromordinal(as_of_ordinal - days_ago) if days_ago is not None else None
    stats = BadgeStats(
        job_success_score=jss,
        earnings_12m_usd=earnings,
        total_jobs=jobs,
        first_contract_date=first_contract,
        profile_complete=complete,
    )
    badge = derive_badge(stats, as_of, t.policy)
    derived = badge.value if badge is not None else None

    pick = _pick(rng, occ.title_cum)
    base_title, named = occ.titles[pick], occ.title_skills[pick]
    shown, sources, title_skill = _skills(rng, t, occ, named)
    others = sources[1:] if named != _NO_SKILL else sources
    title = _title(rng, t, base_title, others)
    years = max(1, (days_ago or 0) // 365 + rng.randint(0, 6))
    overview: str | None = None
    if complete or rng.random() < 0.8:
        since = as_of.year - years
        overview = _overview(
            rng, t, occ, base_title, first, country.name, years, since, shown, title_skill
        )
    display_name = f"{first} {last[0]}." if rng.random() < 0.3 else f"{first} {last}"

    profile: dict[str, Any] = {
        "id": f"fl-{index + 1:07d}",
        "name": display_name,
        "title": title,
        "overview": overview,
        "skills": shown,
    }
    if rng.random() >= 0.05:
        profile["hourly_rate_usd"] = rate
    profile["country"] = country.code
    profile["job_success_score"] = jss
    profile["earnings_12m_usd"] = earnings
    profile["total_jobs"] = jobs
    profile["first_contract_date"] = first_contract.isoformat() if first_contract else None
    profile["profile_complete"] = complete
    vetted_p = 0.012 if derived in ("top_rated", "top_rated_plus") else 0.001
    profile["expert_vetted"] = rng.random() < vetted_p

    # Upstream badge assertion on ~1% of profiles, mostly agreeing with the policy.
    roll = rng.random()
    if derived is not None and roll < 0.05:
        if rng.random() < 0.85:
            profile["badge"] = derived
        else:
            profile["badge"] = rng.choice([b for b in _BADGES if b != derived])
    elif derived is None and roll < 0.001:
        profile["badge"] = _choice(rng, _BADGES)

    profile["skill_certifications"] = (
        _skill_certifications(rng, t, occ.family, sources, as_of_ordinal)
        if rng.random() < 0.1
        else []
    )
    hold_p = 0.062 if country.code == "US" else 0.09 if country.code == "CA" else 0.008
    certifications: list[dict[str, Any]] = []
    if rng.random() < hold_p:
        business = _business_name(rng, t, occ.family, first, last, country.code)
        for _ in range(2 if rng.random() < 0.1 else 1):
            certifications.append(
                _diversity_certification(rng, t, country.code, business, as_of_ordinal)
            )
    profile["diversity_certifications"] = certifications
    updated = datetime(as_of.year, as_of.month, as_of.day) - timedelta(
        seconds=rng.randrange(1, 60 * 86_400)
    )
    profile["updated_at"] = updated.isoformat() + "Z"
    return profile


# --------------------------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------------------------


def generate_profiles(
    count: int, seed: int = 42, as_of: date | None = None
) -> Iterator[dict[str, Any]]:
    """Yield `count` demo profiles as JSON-ready dicts, lazily.

    Profile ``i`` depends only on ``(seed, i, as_of)``; ``as_of`` (default 2026-11-01) anchors
    every relative date, so the output never depends on today's date.
    """
    if count < 0:
        raise ValueError(f"count must be >= 0, got {count}")
    return _stream(_tables(), count, seed, as_of or DEFAULT_AS_OF)


def _stream(t: _Tables, count: int, seed: int, as_of: date) -> Iterator[dict[str, Any]]:
    for index in range(count):
        yield _profile(t, seed, index, as_of)


_ENCODER: Final = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


def write_demo_corpus(
    path: Path,
    count: int,
    seed: int = 42,
    as_of: date | None = None,
    on_progress: Callable[[int], None] | None = None,
) -> int:
    """Write `count` profiles to `path` as JSON Lines; return the number written.

    ``on_progress(n)`` is called every 1,000 lines and once at the end.
    """
    return write_json_lines(path, generate_profiles(count, seed=seed, as_of=as_of), on_progress)


def write_json_lines(
    path: Path,
    rows: Iterable[dict[str, Any]],
    on_progress: Callable[[int], None] | None = None,
) -> int:
    """Stream `rows` to `path`, one compact JSON object a line (the demo files' format: the
    same bytes for the same rows); return the number written. ``on_progress(n)`` is called
    every 1,000 lines and once at the end."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    written = 0
    encode = _ENCODER.encode
    with path.open("w", encoding="utf-8", newline="\n") as handle:
        for row in rows:
            handle.write(encode(row))
            handle.write("\n")
            written += 1
            if on_progress is not None and written % _PROGRESS_EVERY == 0:
                on_progress(written)
    if on_progress is not None and written % _PROGRESS_EVERY != 0:
        on_progress(written)
    return written
