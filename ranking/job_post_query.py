"""A whole job post as the query: its required and nice-to-have skills, read against the
vocabulary, weighted by rarity, and each profile's fit against the required ones.

A client hiring for a job has a title, a description and the skills they tagged it with. The
tagged skills are the surest evidence of what the job needs, so they carry the ranking: each is
resolved like a skill in `q` (a label or alias of the vocabulary, a skill the indexed profiles
hold, a typo of a technology skill), weighted by its rarity among the profiles (a skill every
profile lists says little about fit), and a profile scores the weighted share of them it holds.
Marketplace names the vocabulary lacks ("Landing Page") still count, by their text: a profile
holds one when one of its own skills says it, word for word ("Landing Page Design"); those
skills are found among the ones the profiles list, so the engine matches ids, never phrases.
Skills named in the description count less, nice-to-have skills in between. Pure: no engine,
no model.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Literal, Protocol

from domain.skill_vocabulary import SkillVocabulary, normalise_skill
from ranking.query_understanding import QueryInterpreter

# How a skill of the job post was recognised: a vocabulary label ("name"), one of its aliases
# ("alias"), a skill the indexed profiles hold that the vocabulary lacks ("profiles"), a typo
# of a technology skill ("typo", reported as a did-you-mean), or not at all ("text": matched by
# its words in the profiles' own skills).
FoundBy = Literal["name", "alias", "profiles", "typo", "text"]
SkillRole = Literal["required", "nice_to_have", "description"]


@dataclass(frozen=True)
class JobPost:
    """What the client wrote: the post's title, description and tagged skills."""

    title: str
    description: str = ""
    required: tuple[str, ...] = ()
    nice_to_have: tuple[str, ...] = ()
    # keep only profiles that hold every required skill (a filter); otherwise the fit ranks
    match_all: bool = False


@dataclass(frozen=True)
class JobSkill:
    """One skill of the post as the ranking reads it."""

    text: str  # as the client wrote it
    label: str  # the canonical label (the text itself when nothing names it)
    # holding any of these skills counts (for a name nothing knows, the profiles' skills that
    # say it); empty: no profile lists it
    ids: tuple[str, ...]
    found_by: FoundBy
    weight: float = 0.0  # its share of its list's rarity (the list sums to 1)

    @property
    def known(self) -> bool:
        return self.found_by != "text"

    def clause(self) -> dict[str, Any]:
        """The engine query a profile holding this skill matches (none when no id: nobody)."""
        if self.ids:
            return {"terms": {"skill_ids": list(self.ids)}}
        return {"bool": {"must_not": {"match_all": {}}}}

    def held_by(self, source: Mapping[str, Any]) -> bool:
        """Whether the profile (its `_source`) holds it, as `clause` matches it."""
        return not set(self.ids).isdisjoint(source.get("skill_ids") or ())

    def as_dict(self) -> dict[str, Any]:
        found: dict[str, Any] = {"text": self.text, "label": self.label}
        found |= {"skill_ids": list(self.ids), "found_by": self.found_by}
        return found | {"weight": round(self.weight, 4)}


@dataclass(frozen=True)
class Fit:
    """A profile's fit against the required skills, in the job's order."""

    matched: list[str]
    missing: list[str]

    @property
    def held(self) -> int:
        return len(self.matched)

    @property
    def of(self) -> int:
        return len(self.matched) + len(self.missing)


@dataclass(frozen=True)
class JobReading:
    """The post as read: its skills by role, and what could not be recognised."""

    required: list[JobSkill] = field(default_factory=list)
    nice_to_have: list[JobSkill] = field(default_factory=list)
    from_description: list[JobSkill] = field(default_factory=list)
    match_all: bool = False

    @property
    def match(self) -> Literal["rank", "all"]:
        """`match` as the request says it: `all` filters, `rank` ranks by the fit."""
        return "all" if self.match_all else "rank"

    @property
    def unknown_skills(self) -> list[str]:
        """The client's tagged skills nothing recognised (they still count, by their text)."""
        return [s.text for s in [*self.required, *self.nice_to_have] if not s.known]

    @property
    def did_you_mean(self) -> list[dict[str, str]]:
        return [
            {"typed": s.text, "suggestion": s.label}
            for s in [*self.required, *self.nice_to_have]
            if s.found_by == "typo"
        ]

    @property
    def skill_ids(self) -> list[str]:
        """The recognised skills of the tags, each once (named outright, like `skills`; not
        the skills that merely say a name nothing knows)."""
        skills = [s for s in [*self.required, *self.nice_to_have] if s.known]
        return list(dict.fromkeys(i for s in skills for i in s.ids))

    def fit(self, source: Mapping[str, Any]) -> Fit:
        held = [s.held_by(source) for s in self.required]
        return Fit(
            matched=[s.label for s, h in zip(self.required, held, strict=True) if h],
            missing=[s.label for s, h in zip(self.required, held, strict=True) if not h],
        )

    def must_hold(self) -> list[dict[str, Any]]:
        """`match: all`: one filter clause per required skill."""
        return [s.clause() for s in self.required] if self.match_all else []

    def scored(self, weights: Mapping[SkillRole, float]) -> list[tuple[dict[str, Any], float]]:
        """(clause, score) for every skill: a profile adds the score of each one it holds, so
        holding all required skills adds `weights["required"]`."""
        roles: list[tuple[SkillRole, list[JobSkill]]] = [
            ("required", self.required),
            ("nice_to_have", self.nice_to_have),
            ("description", self.from_description),
        ]
        return [
            (s.clause(), s.weight * weights[role])
            for role, skills in roles
            for s in skills
            if s.ids and s.weight * weights[role] > 0
        ]

    def as_dict(self) -> dict[str, Any]:
        return {
            "required": [s.as_dict() for s in self.required],
            "nice_to_have": [s.as_dict() for s in self.nice_to_have],
            "from_description": [s.as_dict() for s in self.from_description],
            "unknown_skills": self.unknown_skills,
            "match": self.match,
        }


class HeldSkills(Protocol):
    """The skills the indexed profiles list (`ranking.skill_matcher.SkillMatcher`)."""

    def __contains__(self, skill_id: object) -> bool: ...

    def label(self, skill_id: str) -> str: ...

    def containing(self, text: str, limit: int = ...) -> list[str]: ...


class JobPostReader:
    """Reads job posts against one vocabulary and the skills the profiles hold."""

    def __init__(
        self, vocabulary: SkillVocabulary, interpreter: QueryInterpreter, held: HeldSkills
    ) -> None:
        self.vocabulary = vocabulary
        self.interpreter = interpreter
        self.held = held

    def resolve(self, text: str) -> JobSkill:
        """One tagged skill: the vocabulary by label or alias, then the profiles' own skills,
        then a typo of a technology skill; else its text."""
        entries = self.vocabulary.expansions(text)
        if entries:
            label = entries[0].label
            named = normalise_skill(label) == normalise_skill(text)
            ids = tuple(e.id for e in entries)
            return JobSkill(text, label, ids, "name" if named else "alias")
        learned = normalise_skill(text)
        if learned in self.held:
            return JobSkill(text, self.held.label(learned), (learned,), "profiles")
        understood = self.interpreter.understand(text, typo_correction=True)
        if len(understood.skills) == 1 and not understood.rest and not understood.role_words:
            found = understood.skills[0]
            found_by: FoundBy = "typo" if found.corrected_from is not None else "name"
            return JobSkill(text, found.label, found.skill_ids, found_by)
        return JobSkill(text, text.strip(), tuple(self.held.containing(text)), "text")

    def description_skills(
        self, description: str, limit: int, telling: Callable[[JobSkill], bool] = bool
    ) -> list[JobSkill]:
        """The skills the description names outright (no typo guesses in running prose) that
        the indexed profiles hold (no other could score) and that are `telling`, at most
        `limit`, in order of first mention."""
        if not description or limit <= 0:
            return []
        understood = self.interpreter.understand(description, typo_correction=False)
        found: dict[str, JobSkill] = {}
        for skill in understood.skills:
            ids = tuple(i for i in skill.skill_ids if i in self.held)
            named = JobSkill(skill.text, skill.label, ids, "name")
            if ids and skill.label not in found and telling(named):
                found[skill.label] = named
        return list(found.values())[:limit]

    def read(
        self,
        job: JobPost,
        idf: Callable[[JobSkill], float],
        description_limit: int,
        description_min_idf: float = 0.0,
    ) -> JobReading:
        """The post's skills by role, each list weighted by `idf` to sum to 1. A skill given
        twice counts once, in its first role (required before nice-to-have before the
        description). The description's skills count only when their idf reaches
        `description_min_idf`: prose names common skills ("communication") that cannot tell
        candidates apart, and they cost the engine the most (the longest posting lists)."""
        seen: set[str] = set()

        def fresh(skills: Sequence[JobSkill]) -> list[JobSkill]:
            kept = []
            for s in skills:
                # a known skill by its id; a name nothing knows by its own words (two such
                # names may share the profiles' skills that say them)
                key = s.ids[0] if s.known and s.ids else normalise_skill(s.text)
                if key not in seen:
                    seen.add(key)
                    kept.append(s)
            return kept

        required = fresh([self.resolve(t) for t in job.required])
        nice = fresh([self.resolve(t) for t in job.nice_to_have])
        described = fresh(
            self.description_skills(
                job.description, description_limit, lambda s: idf(s) >= description_min_idf
            )
        )
        return JobReading(
            required=weighted(required, idf),
            nice_to_have=weighted(nice, idf),
            from_description=weighted(described, idf),
            match_all=job.match_all,
        )


def weighted(skills: list[JobSkill], idf: Callable[[JobSkill], float]) -> list[JobSkill]:
    """The skills with weights in proportion to their rarity, summing to 1."""
    rarity = [max(idf(s), 0.0) for s in skills]
    total = sum(rarity)
    if total <= 0:
        rarity, total = [1.0] * len(skills), float(len(skills))
    return [replace(s, weight=r / total) for s, r in zip(skills, rarity, strict=True)]


def idf_of_share(share: float, total: int) -> float:
    """The idf (as `rarity` computes it) of a skill `share` of `total` profiles hold."""
    return math.log((total + 1) / (share * total + 1)) + 1.0


def rarity(total: int, counts: Mapping[str, int]) -> Callable[[JobSkill], float]:
    """A skill's idf among `total` profiles (`counts`: profiles per skill id); a skill of
    several ids counts the profiles of all of them (at most `total`: one may hold several)."""

    def idf(skill: JobSkill) -> float:
        held = min(sum(counts.get(i, 0) for i in skill.ids), total)
        return math.log((total + 1) / (held + 1)) + 1.0

    return idf
