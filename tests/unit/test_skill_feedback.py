"""Pseudo-relevance feedback over skills (ranking.skill_feedback) and ordinary words."""

from __future__ import annotations

import math
from typing import Any

import pytest

from ranking.query_understanding import is_ordinary_word
from ranking.ranking_profile import FeedbackReading
from ranking.skill_feedback import feedback_evidence

READING = FeedbackReading(enabled=True, top_hits=3, top_skills=10, weight=2.0)


def sources(*skills: list[str]) -> dict[str, dict[str, Any]]:
    return {f"p{i}": {"skill_ids": s} for i, s in enumerate(skills)}


def test_skills_the_top_hits_share_more_than_the_window_are_read() -> None:
    window = sources(
        ["php", "laravel", "common"],
        ["php", "laravel", "common"],
        ["php", "common"],
        ["common", "excel"],
        ["common", "excel"],
        ["common", "word"],
    )
    found = feedback_evidence(list(window), window, READING)
    assert found is not None and found.source == "feedback" and found.posts == []
    weights = {s.id: s.weight for s in found.skills}
    assert set(weights) == {"php", "laravel"}  # "common" is everywhere: no evidence
    # share among the top hits times log-rarity among the six candidates
    php, laravel = 1.0 * math.log(7 / 4), 2 / 3 * math.log(7 / 3)
    assert weights["php"] == pytest.approx(php / (php + laravel))
    assert sum(weights.values()) == pytest.approx(1.0)


def test_a_skill_only_one_top_hit_holds_is_noise() -> None:
    window = sources(["rare"], ["x"], ["y"], ["z"])
    assert feedback_evidence(list(window), window, READING) is None


def test_known_limits_the_skills_and_top_skills_caps_them() -> None:
    window = sources(["a", "b", "c"], ["a", "b", "c"], ["a", "b", "c"], ["d"], ["e"])
    found = feedback_evidence(list(window), window, READING, known=["a", "b"])
    assert found is not None and {s.id for s in found.skills} == {"a", "b"}
    capped = feedback_evidence(list(window), window, READING.model_copy(update={"top_skills": 1}))
    assert capped is not None and [s.id for s in capped.skills] == ["a"]  # equal: by id
    assert feedback_evidence([], window, READING) is None


@pytest.mark.parametrize("word", ["redesign", "designing", "management", "website"])
def test_ordinary_words_are_not_typos(word: str) -> None:
    assert is_ordinary_word(word)


@pytest.mark.parametrize("word", ["pyhton", "javascirpt", "wordpres", "kubernets"])
def test_misspelt_skills_are_not_ordinary_words(word: str) -> None:
    assert not is_ordinary_word(word)
