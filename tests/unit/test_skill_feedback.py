"""Pseudo-relevance feedback over skills (ranking.skill_feedback) and ordinary words."""

from __future__ import annotations

import math
from typing import Any

import pytest

from ranking.query_understanding import QueryUnderstanding, is_ordinary_word
from ranking.ranking_profile import FeedbackReading
from ranking.skill_feedback import SkillFrequencies, feedback_evidence
from ranking.talent_searcher import only_role_words

READING = FeedbackReading(enabled=True, top_hits=3, top_skills=10, weight=2.0)


def sources(*skills: list[str]) -> dict[str, dict[str, Any]]:
    return {f"p{i}": {"skill_ids": s} for i, s in enumerate(skills)}


# 100 profiles: "common" is everywhere, "php" and "laravel" in 10, "excel" in 50
FREQUENCIES = SkillFrequencies(100, {"common": 100, "php": 10, "laravel": 10, "excel": 50})


def test_skills_the_top_hits_share_are_weighted_by_rank_and_rarity() -> None:
    window = sources(
        ["php", "laravel", "common"],
        ["php", "common", "excel"],
        ["laravel", "common", "excel"],
        ["common", "word"],
    )
    found = feedback_evidence(list(window), window, READING, FREQUENCIES)
    assert found is not None and found.source == "feedback" and found.posts == []
    weights = {s.id: s.weight for s in found.skills}
    # "common" has idf 0; "word" is one top hit's (noise)
    assert set(weights) == {"php", "laravel", "excel"}
    php = (1 + 1 / math.sqrt(2)) * FREQUENCIES.idf("php")
    laravel = (1 + 1 / math.sqrt(3)) * FREQUENCIES.idf("laravel")
    excel = (1 / math.sqrt(2) + 1 / math.sqrt(3)) * FREQUENCIES.idf("excel")
    assert weights["php"] == pytest.approx(php / (php + laravel + excel))
    assert weights["php"] > weights["laravel"] > weights["excel"]  # rank, then rarity
    assert sum(weights.values()) == pytest.approx(1.0)


def test_a_skill_only_one_top_hit_holds_is_noise() -> None:
    window = sources(["php"], ["x"], ["y"], ["z"])
    assert feedback_evidence(list(window), window, READING, FREQUENCIES) is None


def test_known_limits_the_skills_and_top_skills_caps_them() -> None:
    window = sources(["php", "laravel", "excel"], ["php", "laravel", "excel"], ["d"], ["e"])
    found = feedback_evidence(list(window), window, READING, FREQUENCIES, known=["php", "excel"])
    assert found is not None and {s.id for s in found.skills} == {"php", "excel"}
    one = READING.model_copy(update={"top_skills": 1})
    capped = feedback_evidence(list(window), window, one, FREQUENCIES)
    assert capped is not None and [s.id for s in capped.skills] == ["laravel"]  # equal: by id
    assert feedback_evidence([], window, READING, FREQUENCIES) is None


def test_an_unknown_skill_counts_as_rare() -> None:
    assert FREQUENCIES.idf("never-seen") == pytest.approx(math.log(101))
    assert FREQUENCIES.idf("common") == pytest.approx(math.log(101 / 101))


@pytest.mark.parametrize("word", ["redesign", "designing", "management", "website"])
def test_ordinary_words_are_not_typos(word: str) -> None:
    assert is_ordinary_word(word)


@pytest.mark.parametrize("word", ["pyhton", "javascirpt", "wordpres", "kubernets"])
def test_misspelt_skills_are_not_ordinary_words(word: str) -> None:
    assert not is_ordinary_word(word)


def test_a_query_of_role_words_alone_gets_no_feedback() -> None:
    """ "developer" says nothing a first pass's shared skills could sharpen."""
    assert only_role_words(QueryUnderstanding(role_words=["developer"]))
    assert not only_role_words(QueryUnderstanding(role_words=["developer"], rest=["bakery"]))
    assert not only_role_words(QueryUnderstanding())  # not read at all: feedback may run
