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
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Final

from domain.skill_mentions import tokens, word_kind
from domain.skill_vocabulary import SkillVocabulary, normalise_skill
from domain.taxonomy_files import alternate_titles, onet_occupations, technology_skills

MAX_TITLE_WORDS: Final = 6
_JS_SUFFIX: Final = re.compile(r"(?i)(?<=[a-z])\.?js\b")
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

    def as_dict(self) -> dict[str, object]:
        return {
            "text": self.text,
            "occupations": list(self.occupations),
            "skills": [{"id": s, "weight": round(w, 4)} for s, w in self.skills],
        }


class JobTitles:
    """Job titles to occupations to weighted skills, for one vocabulary."""

    def __init__(
        self,
        titles: dict[str, tuple[str, ...]],
        skills: dict[str, tuple[tuple[str, float], ...]],
    ) -> None:
        self._titles = titles  # normalised title -> occupation codes
        self._skills = skills  # occupation code -> (skill id, weight), heaviest first

    @classmethod
    def from_taxonomy(cls, vocabulary: SkillVocabulary) -> JobTitles:
        return _from_taxonomy(vocabulary)

    def find(self, text: str, top_k: int) -> TitleMatch | None:
        """The longest title in `text` (the first among equals), with its `top_k` skills."""
        words = tokens(text)
        best: tuple[int, int] | None = None
        for start in range(len(words)):
            for span in range(min(MAX_TITLE_WORDS, len(words) - start), 0, -1):
                if best is not None and span <= best[1]:
                    break
                if span == 1 and word_kind(words[start]) != "rest":
                    continue
                if _key(" ".join(words[start : start + span])) in self._titles:
                    best = (start, span)
                    break
        if best is None:
            return None
        start, span = best
        phrase = " ".join(words[start : start + span])
        codes = self._titles[_key(phrase)]
        return TitleMatch(phrase, codes, self._weighted(codes, top_k))

    def _weighted(self, codes: Sequence[str], top_k: int) -> tuple[tuple[str, float], ...]:
        total: dict[str, float] = {}
        for code in codes:
            for skill_id, weight in self._skills.get(code, ()):
                total[skill_id] = total.get(skill_id, 0.0) + weight / len(codes)
        ranked = sorted(total.items(), key=lambda item: (-item[1], item[0]))[:top_k]
        return tuple(ranked)


def _key(title: str) -> str:
    """Matching key: the vocabulary's normalisation; "React.js" = "reactjs" = "react"."""
    return normalise_skill(_JS_SUFFIX.sub("", title))


@cache
def _from_taxonomy(vocabulary: SkillVocabulary) -> JobTitles:
    titles: dict[str, set[str]] = {}
    for occupation in onet_occupations():
        titles.setdefault(_key(occupation.title), set()).add(occupation.code)
    for row in alternate_titles():
        if "(" in row.title:  # "UI Designer (User Interface Designer)": both halves are titles
            head, _, inner = row.title.partition("(")
            for part in (head, inner.rstrip(")")):
                if part.strip():
                    titles.setdefault(_key(part), set()).add(row.code)
        else:
            titles.setdefault(_key(row.title), set()).add(row.code)

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
    known = {key: tuple(sorted(codes)) for key, codes in titles.items() if key}
    return JobTitles(known, skills)
