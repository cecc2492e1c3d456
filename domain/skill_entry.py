"""One canonical skill (`SkillEntry`) and the priority of the sources that name skills.

Why a module of its own: the vocabulary (`domain.skill_vocabulary`) and its build from the
taxonomies (`domain.vocabulary_build`) both make entries and rank sources. Here, the build needs
nothing from the vocabulary module, which imports the build (no import cycle).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from typing import Final, Literal

__all__ = [
    "SOURCE_PRIORITY",
    "SOURCE_RANK",
    "SkillEntry",
    "Source",
    "ordered_sources",
    "source_rank",
]

Source = Literal["linguist", "onet", "esco", "curated", "profile"]

SOURCE_PRIORITY: Final[tuple[Source, ...]] = ("linguist", "onet", "esco", "curated", "profile")
SOURCE_RANK: Final[dict[str, int]] = {source: rank for rank, source in enumerate(SOURCE_PRIORITY)}


@dataclass(frozen=True)
class SkillEntry:
    """One canonical skill. `id` is the normalised canonical label and is stable across builds."""

    id: str
    label: str
    aliases: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()


@cache
def source_rank(sources: tuple[str, ...]) -> int:
    """The best priority among `sources` (cached: there are only a few combinations)."""
    return min(
        (SOURCE_RANK.get(source, len(SOURCE_RANK)) for source in sources), default=len(SOURCE_RANK)
    )


def ordered_sources(sources: Iterable[str]) -> tuple[str, ...]:
    return _sorted_sources(frozenset(sources))


@cache
def _sorted_sources(sources: frozenset[str]) -> tuple[str, ...]:
    return tuple(
        sorted(sources, key=lambda source: (SOURCE_RANK.get(source, len(SOURCE_RANK)), source))
    )
