"""The occupations profiles are drawn from, with their titles, title skills and skill weights.

From the spec (``indexer/demo_corpus/__init__.py``):

* Occupation: 62 O*NET occupations that freelancers sell (``occupations.yaml``), each in one of
  twelve marketplace categories, weighted roughly like the category mix of a large marketplace:
  web, mobile and software development about 26% (mobile apps 3.5%), design and creative 13%,
  writing and translation 11%, sales and marketing 13%, admin and customer support 11%,
  accounting and finance 6%, video and audio 5%, then IT and networking, data science,
  engineering and architecture, business consulting and HR, legal. A code may appear twice with
  disjoint title filters, so that a specialty (mobile development within Software Developers)
  has its own weight.
* Title: one of the occupation's O*NET alternate titles (as `domain.occupation_titles` reads
  them: expansions in parentheses dropped), obsolete or public-sector titles filtered out
  (``title_blocklist`` in ``texts.yaml``), or one of a few marketplace titles O*NET does not list
  for it ("Shopify Developer", "Virtual Assistant", "Logo Designer"); titles clients search for
  weigh more ("WordPress Developer", "Bookkeeper").
* Title skill: matched once here (`skill_spellings`). Such a profile always holds the skill,
  its other skills lean to it (`skill_weights`), and its overview names it.
* Overview material: the occupation's O*NET description in the first person.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from domain import taxonomy_files
from domain.occupation_titles import alternate_titles_by_occupation
from indexer.demo_corpus.data_files import data_yaml, strings, weights
from indexer.demo_corpus.draws import cumulative
from indexer.demo_corpus.skill_spellings import (
    NO_SKILL,
    match_words,
    skill_variants,
    title_skill,
)
from indexer.demo_corpus.skill_weights import Lean, SkillRules, skill_rules
from indexer.errors import DemoCorpusError

TITLE_WEIGHT: Final = 1.0  # a title's draw weight unless occupations.yaml weighs it


@dataclass(frozen=True, slots=True)
class Occupation:
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


def _first_person(sentence: str) -> str | None:
    """Turn an O*NET description sentence ("Develop websites.") into "I develop websites."."""
    if sentence.startswith(("Includes", "Excludes", "Duties")):
        return None
    if sentence.startswith("May also "):
        return "I also " + sentence[len("May also ") :]
    if sentence.startswith("May "):
        return "I also " + sentence[len("May ") :]
    return "I " + sentence[0].lower() + sentence[1:]


def _titles(
    row: Any, onet_titles: Sequence[str], rules: SkillRules, where: str, problems: list[str]
) -> tuple[list[str], list[float]]:
    """An occupation's titles and their weights: its O*NET alternate titles, filtered, then its
    marketplace titles."""
    keep = tuple(k.lower() for k in strings(row.get("titles_with")))
    drop = tuple(k.lower() for k in strings(row.get("titles_without")))
    names = [
        t
        for t in onet_titles
        if not rules.blocklist.search(t)
        and (not keep or any(k in t.lower() for k in keep))
        and not any(k in t.lower() for k in drop)
    ]
    title_weights = weights(row.get("title_weights"))
    extra_titles = weights(row.get("extra_titles"))
    problems += [
        f"{where}: title_weights: {t!r} is not one of its titles"
        for t in title_weights
        if t not in names
    ]
    spelled = {match_words(t) for t in names}
    problems += [
        f"{where}: extra_titles: {t!r} is one of its O*NET titles"
        for t in extra_titles
        if match_words(t) in spelled
    ]
    titles = names + [t for t in extra_titles if t not in names]
    if not titles:
        raise DemoCorpusError(f"{where}: no titles left")
    return titles, [title_weights.get(t, extra_titles.get(t, TITLE_WEIGHT)) for t in titles]


def _occupation(
    row: Any,
    onet_titles: Sequence[str],
    description: str,
    families: Any,
    rules: SkillRules,
    variants: dict[str, tuple[str, ...]],
    problems: list[str],
) -> Occupation:
    """One occupation of occupations.yaml, with its titles, title skills and skill weights."""
    code, family = str(row["code"]), str(row["family"])
    where = f"occupations.yaml {code} ({family})"
    titles, title_weights = _titles(row, onet_titles, rules, where, problems)
    # Skills: the occupation's O*NET technology skills, its marketplace skills, then the
    # technologies its titles name that O*NET lists for other occupations only.
    pairs = list(rules.onet[code])
    for name in strings(row.get("extra_skills")):
        if name in rules.marketplace:
            pairs.append((name, rules.marketplace[name]))
        else:
            problems.append(f"{where}: extra_skills: {name!r} is not in skills.yaml")
    own = rules.spellings(pairs)
    named = [title_skill(t, own) or title_skill(t, rules.onet_spellings) for t in titles]
    held = {name for name, _ in pairs}
    for found in named:
        if found is not None and found not in held:
            held.add(found)
            pairs.append((found, rules.anywhere[found]))
    skills = tuple(name for name, _ in pairs)
    for name in skills:
        if name not in variants:
            variants[name] = skill_variants(
                name, rules.aliases, rules.linguist, rules.skipped, rules.vendors
            )
    number = {name: i for i, name in enumerate(skills)}
    title_skills = tuple(NO_SKILL if n is None else number[n] for n in named)
    leaned = frozenset(strings(row.get("lean")))
    problems += [
        f"{where}: lean: {s!r} is not one of its skills" for s in sorted(leaned - set(skills))
    ]
    lean = Lean(
        skills,
        [facts for _, facts in pairs],
        leaned,
        rules.companions,
        rules.generic,
        rules.lean_factor,
    )
    sentences = [s for s in map(_first_person, re.split(r"(?<=\.)\s+", description)) if s]
    return Occupation(
        code=code,
        family=family,
        category=str(row["category"]),
        rate_factor=float(row["rate"]),
        titles=tuple(titles),
        title_cum=cumulative(title_weights),
        title_skills=title_skills,
        sentences=tuple(sentences),
        skills=skills,
        skill_cum={named: lean.cumulative(named) for named in {NO_SKILL, *title_skills}},
        esco=tuple(str(x) for x in families[family]["esco"] if x in rules.esco_found),
    )


def load_occupations(
    problems: list[str], variants: dict[str, tuple[str, ...]]
) -> tuple[tuple[Occupation, ...], tuple[float, ...], dict[str, str], dict[str, tuple[str, ...]]]:
    """The occupations, their cumulative weights, the categories and the families' business
    words; fills `variants` (skill -> its spellings) and `problems`."""
    spec = data_yaml("occupations.yaml")
    families = data_yaml("families.yaml")
    categories = {str(k): str(v) for k, v in spec["categories"].items()}
    rows = list(spec["occupations"])
    codes = {str(row["code"]) for row in rows}
    descriptions = {o.code: o.description for o in taxonomy_files.onet_occupations()}
    onet_titles = alternate_titles_by_occupation()
    rules = skill_rules(spec, families, problems, codes)
    occupations = []
    for row in rows:
        code, family, category = str(row["code"]), str(row["family"]), str(row["category"])
        where = f"occupations.yaml {code} ({family})"
        if code not in descriptions:
            raise DemoCorpusError(f"{where}: no such O*NET occupation")
        if category not in categories:
            raise DemoCorpusError(f"{where}: unknown category {category!r}")
        if family not in families:
            raise DemoCorpusError(f"{where}: unknown family {family!r}")
        occupations.append(
            _occupation(
                row,
                onet_titles.get(code, ()),
                descriptions[code],
                families,
                rules,
                variants,
                problems,
            )
        )
    business_words = {str(f): strings(v["business_words"]) for f, v in families.items()}
    occupation_weights = [float(row["weight"]) for row in rows]
    return tuple(occupations), cumulative(occupation_weights), categories, business_words
