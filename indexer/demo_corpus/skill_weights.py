"""Which skills an occupation's profiles draw, and how heavily.

From the spec (``indexer/demo_corpus/__init__.py``):

* Skills: the occupation's O*NET technology skills, weighted 1, plus 5 if Hot Technology, plus
  2 if In Demand (so profiles lean on current tools). With a title skill, skills of its O*NET
  commodity ("Web platform development software" for React, unless the commodity is generic,
  like "Operating system software") weigh 6 times as much (``lean_factor`` in
  ``occupations.yaml``), and its companions (``skills.yaml``: WordPress -> PHP, MySQL...) weigh
  at least as a Hot Technology, times 6; so do the skills the occupation leans to whatever the
  title (mobile: Swift, Kotlin...). Plus a few marketplace skills O*NET lacks (Shopify,
  WooCommerce, Flutter, Zendesk, Bookkeeping, Logo Design) for the occupations that use them;
  plus ESCO preferred labels from a small hand-picked pool per occupation family
  (``families.yaml``; keyword matching on ESCO gave too many false friends, e.g. "edit" in
  "credit"); every pooled label is checked against the ESCO file at load time and dropped if
  absent.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from domain import taxonomy_files
from indexer.demo_corpus.data_files import data_yaml, string_map, strings
from indexer.demo_corpus.draws import cumulative
from indexer.demo_corpus.skill_spellings import (
    MAX_SKILL_CHARS,
    NO_SKILL,
    Spelling,
    match_words,
    spellings,
)

BASE_WEIGHT: Final = 1.0  # every technology skill
HOT_WEIGHT: Final = 6.0  # a Hot Technology's draw weight (1 + 5)
IN_DEMAND_BONUS: Final = 2.0  # added for an In Demand technology


@dataclass(frozen=True, slots=True)
class SkillFacts:
    """What the loader knows about one skill name, wherever it comes from."""

    commodity: str
    weight: float  # 1 + 5 if hot + 2 if in demand


class Lean:
    """Skill weights of one occupation, leaning to a title skill and to the occupation's picks.

    A skill the occupation leans to, or a companion of the title skill, weighs at least as much
    as a Hot Technology, times the lean factor; a skill of the title skill's O*NET commodity
    (unless the commodity is generic) weighs its own weight times the factor.
    """

    def __init__(
        self,
        skills: tuple[str, ...],
        facts: Sequence[SkillFacts],
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
        if named != NO_SKILL:
            name = self._skills[named]
            commodity = self._facts[named].commodity
            if commodity in self._generic:
                commodity = ""
            partners = frozenset(self._companions.get(name, ()))
        weights = []
        for name, facts in zip(self._skills, self._facts, strict=True):
            weight = facts.weight
            if name in self._leaned or name in partners:  # hand-picked: weigh as hot, then lean
                weight = max(weight, HOT_WEIGHT) * self._factor
            elif commodity and facts.commodity == commodity:
                weight *= self._factor
            weights.append(weight)
        return cumulative(weights)


@dataclass(frozen=True, slots=True)
class SkillRules:
    """What every occupation's titles and skills are built with (taxonomy and skills.yaml)."""

    aliases: Mapping[str, tuple[str, ...]]
    linguist: Mapping[str, tuple[str, ...]]
    skipped: frozenset[str]  # Linguist aliases never used
    vendors: tuple[str, ...]
    not_in_titles: frozenset[tuple[str, ...]]
    companions: Mapping[str, tuple[str, ...]]
    generic: frozenset[str]  # commodities too broad to lean on
    lean_factor: float
    onet: Mapping[str, list[tuple[str, SkillFacts]]]  # code -> its O*NET technologies
    anywhere: Mapping[str, SkillFacts]  # every O*NET technology, as its first row has it
    onet_spellings: Mapping[tuple[str, ...], Spelling]  # title spellings of all of them
    marketplace: Mapping[str, SkillFacts]
    blocklist: re.Pattern[str]
    esco_found: frozenset[str]  # the families' ESCO labels that ESCO has

    def spellings(self, pairs: Sequence[tuple[str, SkillFacts]]) -> dict[tuple[str, ...], Spelling]:
        weights = {name: facts.weight for name, facts in pairs}
        names = [name for name, _ in pairs]
        return spellings(
            names, weights, self.aliases, self.linguist, self.skipped, self.not_in_titles
        )


def skill_rules(spec: Any, families: Any, problems: list[str], codes: set[str]) -> SkillRules:
    """Read skills.yaml and the O*NET technologies of `codes` (and of all occupations, for titles
    naming a technology O*NET lists elsewhere); report names the taxonomy lacks in `problems`."""
    skill_spec = data_yaml("skills.yaml")
    aliases = string_map(skill_spec["aliases"])
    onet: dict[str, list[tuple[str, SkillFacts]]] = {code: [] for code in codes}
    anywhere: dict[str, SkillFacts] = {}
    for row in taxonomy_files.technology_skills():
        if len(row.example) <= MAX_SKILL_CHARS:
            weight = BASE_WEIGHT + (HOT_WEIGHT - BASE_WEIGHT) * row.hot
            weight += IN_DEMAND_BONUS * row.in_demand
            facts = SkillFacts(row.commodity_title, weight)
            anywhere.setdefault(row.example, facts)
            if row.code in codes:
                onet[row.code].append((row.example, facts))
    marketplace = {
        str(name): SkillFacts(str(facts["commodity"]), HOT_WEIGHT if facts["hot"] else BASE_WEIGHT)
        for name, facts in skill_spec["marketplace_skills"].items()
    }
    every_skill = set(anywhere) | set(marketplace)
    companions = string_map(skill_spec["companions"])
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
    skipped = frozenset(strings(skill_spec["linguist_aliases_skipped"]))
    not_in_titles = frozenset(match_words(s) for s in strings(skill_spec["not_in_titles"]))
    weights = {name: facts.weight for name, facts in anywhere.items()}
    onet_spellings = spellings(sorted(anywhere), weights, aliases, linguist, skipped, not_in_titles)
    blocked = "|".join(strings(data_yaml("texts.yaml")["title_blocklist"]))
    esco_wanted = {str(label) for family in families.values() for label in family["esco"]}
    esco_found = esco_wanted & taxonomy_files.esco_preferred_labels()
    problems += [
        f"families.yaml: {label!r} is no ESCO preferred label"
        for label in sorted(esco_wanted - esco_found)
    ]
    return SkillRules(
        aliases=aliases,
        linguist=linguist,
        skipped=skipped,
        vendors=strings(skill_spec["vendor_prefixes"]),
        not_in_titles=not_in_titles,
        companions=companions,
        generic=frozenset(strings(skill_spec["generic_commodities"])),
        lean_factor=float(spec["lean_factor"]),
        onet=onet,
        anywhere=anywhere,
        onet_spellings=onet_spellings,
        marketplace=marketplace,
        blocklist=re.compile(r"\b(" + blocked + r")\b"),
        esco_found=frozenset(esco_found),
    )
