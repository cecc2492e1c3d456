"""Ranking profiles: every weight and mode of the ranking, in a validated, versioned YAML file.

A relevance engineer tunes ranking by editing (or adding) a profile, never code. Each search
response names the profile and version that ranked it, so results are reproducible.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from indexer.profile_input import Badge

PROFILES_DIR = Path(__file__).with_name("profiles")
_NAME = r"^[a-z0-9][a-z0-9_-]{0,63}$"

Weight = Annotated[float, Field(ge=0, le=10)]
Multiplier = Annotated[float, Field(gt=0, le=10)]


class RankingProfileError(ValueError):
    """A ranking profile is missing or invalid."""


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class LexicalLeg(_Frozen):
    weight: Weight = 0.35


class SkillLeg(_Frozen):
    weight: Weight = 0.65
    top_k_skills: Annotated[int, Field(ge=1, le=256)] = 48
    tie_breaker: Annotated[float, Field(ge=0, le=1)] = 0.2
    min_similarity: Annotated[float, Field(ge=-1, le=1)] = 0.35


class Legs(_Frozen):
    lexical: LexicalLeg = LexicalLeg()
    skill: SkillLeg = SkillLeg()


class QueryReading(_Frozen):
    """How much of the query `ranking.query_understanding` reads as skills."""

    # every skill named inside the query ("python developer"), not only the whole query
    skills_in_phrases: bool = True
    # a word one or two edits from a technology skill ("pyhton") is read as it (did you mean)
    typo_correction: bool = True


class BadgeMultipliers(_Frozen):
    expert_vetted: Multiplier = 1.15
    top_rated_plus: Multiplier = 1.10
    top_rated: Multiplier = 1.06
    rising_talent: Multiplier = 1.03

    def for_badge(self, badge: str | None) -> float:
        if badge is None or badge not in Badge.__members__.values():
            return 1.0
        value: float = getattr(self, badge)
        return value


class JssPrior(_Frozen):
    """final *= 1 + weight * clamp((jss - pivot) / (100 - pivot), -1, 1); missing JSS is neutral."""

    weight: Annotated[float, Field(ge=0, le=1)] = 0.10
    pivot: Annotated[float, Field(ge=0, lt=100)] = 90
    missing: Literal["neutral"] = "neutral"

    def multiplier(self, jss: float | None) -> float:
        if jss is None:
            return 1.0
        position = (jss - self.pivot) / (100 - self.pivot)
        return 1.0 + self.weight * max(-1.0, min(1.0, position))


class RankingProfile(_Frozen):
    name: Annotated[str, Field(pattern=_NAME)]
    version: Annotated[int, Field(ge=1)]
    description: str = ""
    window: Annotated[int, Field(ge=10, le=1000)] = 200
    normalisation: Literal["minmax", "rrf"] = "minmax"
    rrf_k: Annotated[int, Field(ge=1, le=1000)] = 60
    legs: Legs = Legs()
    query: QueryReading = QueryReading()
    badges: BadgeMultipliers = BadgeMultipliers()
    jss_prior: JssPrior = JssPrior()

    @classmethod
    def from_yaml(cls, path: Path) -> RankingProfile:
        try:
            data = yaml.safe_load(path.read_text())
        except (OSError, yaml.YAMLError) as exc:
            raise RankingProfileError(f"cannot read ranking profile {path}: {exc}") from exc
        try:
            return cls.model_validate(data)
        except ValidationError as exc:
            raise RankingProfileError(f"invalid ranking profile {path}: {exc}") from exc

    def with_overrides(self, overrides: dict[str, Any]) -> RankingProfile:
        """A copy with nested fields replaced (per-request tuning), validated like a file."""
        merged = _deep_merge(self.model_dump(), overrides)
        try:
            return RankingProfile.model_validate(merged)
        except ValidationError as exc:
            raise RankingProfileError(f"invalid ranking overrides: {exc}") from exc

    def to_yaml(self) -> str:
        return yaml.safe_dump(self.model_dump(mode="json"), sort_keys=False)


def _deep_merge(base: dict[str, Any], overrides: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in overrides.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _deep_merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def available_profiles(directory: Path = PROFILES_DIR) -> list[str]:
    return sorted(p.stem for p in directory.glob("*.yaml"))


@cache
def load_profile(name: str = "default", directory: Path = PROFILES_DIR) -> RankingProfile:
    """A named profile from the profiles directory; the file name is the profile name."""
    if not re.fullmatch(_NAME, name):
        raise RankingProfileError(f"invalid ranking profile name {name!r}")
    path = directory / f"{name}.yaml"
    if not path.exists():
        known = ", ".join(available_profiles(directory))
        raise RankingProfileError(f"no ranking profile {name!r}; available: {known}")
    profile = RankingProfile.from_yaml(path)
    if profile.name != name:
        raise RankingProfileError(f"{path} declares name {profile.name!r}, expected {name!r}")
    return profile
