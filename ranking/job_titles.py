"""From a job title in the query to the skills that job needs, through O*NET.

Why: clients paste job-post titles ("Information Developer", "Accounts Payable Clerk") that no
profile writes as such and that name no skill, so neither leg has much to go on: the lexical leg
matches "developer" everywhere and the title's embedding lands near generic skills. O*NET, which
we ship, lists 56,000 alternate titles of 1,016 occupations and each occupation's technologies.
A title in the query (the longest run of words equal to an alternate or occupation title, at
least two words or one that is not a role word) becomes its occupation's technologies, each
weighted by how specific it is to that occupation, and these join the skill leg below the
similarity of a skill the query names outright (`legs.skill.title_similarity`).

    weight(skill, occupation) = popularity * log(occupations / occupations listing the skill),
                                scaled so the occupation's best skill has weight 1
    popularity = 1 if O*NET flags it a Hot Technology else 0.2, times 1.5 if In Demand

Popularity keeps the long tail of rare products (hundreds for some occupations, held by few)
from outweighing the tools job posts name; specificity keeps Microsoft Office, listed for most
occupations, near zero. A title several occupations share averages their weights.
Pure after construction: no server, no model.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Final

from domain.occupation_titles import OccupationTitles
from domain.skill_mentions import tokens, word_kind
from domain.skill_vocabulary import SkillVocabulary
from domain.taxonomy_files import technology_skills

# Popularity prior: O*NET flags a technology "hot" when job postings often name it, and "in
# demand" when they often name it for this occupation; the rest of a long list (hundreds of
# products for some occupations) is what few people hold.
_NOT_HOT: Final = 0.2
_IN_DEMAND: Final = 1.5


@dataclass(frozen=True)
class TitleMatch:
    """A run of query words that is an O*NET title, and what the title's occupations use."""

    text: str
    occupations: tuple[str, ...]  # O*NET-SOC codes
    skills: tuple[tuple[str, float], ...]  # (skill id, weight in (0, 1]), heaviest first
    # the title is the whole request: every other query word is a role or filler word. Only
    # then do profile titles of the occupation count (`legs.skill.title_occupation_similarity`):
    # in "FEM software developer" the client wants FEM, not every software developer.
    whole_query: bool = False

    def as_dict(self) -> dict[str, object]:
        return {
            "text": self.text,
            "occupations": list(self.occupations),
            "skills": [{"id": s, "weight": round(w, 4)} for s, w in self.skills],
            "whole_query": self.whole_query,
        }


class JobTitles:
    """Job titles to occupations (`domain.occupation_titles`) to weighted skills, for one
    vocabulary."""

    def __init__(
        self,
        titles: OccupationTitles,
        skills: dict[str, tuple[tuple[str, float], ...]],
    ) -> None:
        self.titles = titles
        self._skills = skills  # occupation code -> (skill id, weight), heaviest first

    @classmethod
    def from_taxonomy(cls, vocabulary: SkillVocabulary) -> JobTitles:
        return _from_taxonomy(vocabulary)

    def find(self, text: str, top_k: int, skill_names: Sequence[str] = ()) -> TitleMatch | None:
        """The longest title in `text` (the first among equals), with its `top_k` skills.

        A title inside one of `skill_names` (the skills the query names) is part of a skill's
        name, not a job: "Server" in "Microsoft SQL Server", "Acrobat" in "Adobe Acrobat".
        """
        found = self.titles.find(text, skill_names)
        if found is None:
            return None
        words = tokens(text)
        others = words[: found.start] + words[found.start + found.span :]
        whole = all(word_kind(word) != "rest" for word in others)
        skills = self._weighted(found.occupations, top_k)
        return TitleMatch(found.phrase, found.occupations, skills, whole)

    def _weighted(self, codes: Sequence[str], top_k: int) -> tuple[tuple[str, float], ...]:
        total: dict[str, float] = {}
        for code in codes:
            for skill_id, weight in self._skills.get(code, ()):
                total[skill_id] = total.get(skill_id, 0.0) + weight / len(codes)
        ranked = sorted(total.items(), key=lambda item: (-item[1], item[0]))[:top_k]
        return tuple(ranked)


@cache
def _from_taxonomy(vocabulary: SkillVocabulary) -> JobTitles:
    uses: dict[str, dict[str, float]] = {}  # occupation -> skill id -> popularity
    for tech in technology_skills():
        entries = vocabulary.expansions(tech.example)
        if entries:
            held = uses.setdefault(tech.code, {})
            popularity = (1.0 if tech.hot else _NOT_HOT) * (_IN_DEMAND if tech.in_demand else 1.0)
            held[entries[0].id] = max(held.get(entries[0].id, 0.0), popularity)
    occupations = max(1, len(uses))
    listing: dict[str, int] = {}
    for held in uses.values():
        for skill_id in held:
            listing[skill_id] = listing.get(skill_id, 0) + 1
    skills: dict[str, tuple[tuple[str, float], ...]] = {}
    for code, held in uses.items():
        raw = {
            skill_id: popularity * math.log(occupations / listing[skill_id])
            for skill_id, popularity in held.items()
        }
        top = max(raw.values(), default=0.0)
        if top > 0:
            ranked = sorted(raw.items(), key=lambda item: (-item[1], item[0]))
            skills[code] = tuple((s, w / top) for s, w in ranked if w > 0)
    return JobTitles(OccupationTitles.from_taxonomy(), skills)
