"""Skill autocomplete's order: held skills first, shorter names next, task phrases last."""

from __future__ import annotations

from domain.skill_entry import SkillEntry
from ranking.skill_suggester import SkillSuggester


def entry(id: str, label: str, source: str, *aliases: str) -> SkillEntry:
    return SkillEntry(id=id, label=label, aliases=aliases, sources=(source,))


SUGGESTER = SkillSuggester(
    [
        entry("quickbasic", "QuickBASIC", "linguist"),
        entry("intuit quickbooks", "Intuit QuickBooks", "onet", "QuickBooks"),
        entry("react", "React", "onet"),
        entry("react native", "React Native", "onet"),
        entry("react to mining emergencies", "react to mining emergencies", "esco"),
        entry("reactive programming", "reactive programming", "esco"),
    ]
)


def labels(prefix: str, counts: dict[str, int] | None = None) -> list[str]:
    return [s.label for s in SUGGESTER.suggest(prefix, 10, counts)]


def test_skills_more_profiles_hold_come_first() -> None:
    assert labels("quickb") == ["QuickBASIC", "Intuit QuickBooks"]  # no counts: shorter first
    assert labels("quickb", {"intuit quickbooks": 40, "quickbasic": 1}) == [
        "Intuit QuickBooks",
        "QuickBASIC",
    ]
    assert labels("reac", {"react native": 5, "react": 2})[:2] == ["React Native", "React"]


def test_an_exact_name_still_comes_first() -> None:
    assert labels("react", {"react native": 5})[0] == "React"


def test_esco_task_phrases_only_when_nothing_else_matches() -> None:
    assert labels("reac") == ["React", "React Native", "reactive programming"]
    assert labels("react to") == ["react to mining emergencies"]
