"""Query understanding: skills named inside phrases, role and filler words, typos (pure)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.skill_vocabulary import SkillVocabulary
from ranking.query_understanding import (
    DeletionIndex,
    QueryInterpreter,
    osa_distance,
    tokens,
)


@pytest.fixture(scope="module")
def interpreter() -> QueryInterpreter:
    return QueryInterpreter(SkillVocabulary.load_default())


def labels(interpreter: QueryInterpreter, text: str) -> list[str]:
    return [s.label for s in interpreter.understand(text).skills]


@pytest.mark.parametrize(
    ("query", "skill"),
    [
        ("python developer", "Python"),
        ("react developer", "React"),
        ("golang developer", "Go"),
        ("React.js expert needed", "React"),
        ("reactjs", "React"),
        ("node js developer", "Node.js"),
        ("Vue.js", "Vue.js"),
        ("C# developer", "C#"),
        ("C++ programmer", "C++"),
        ("ASP.NET MVC", "ASP.NET"),
        ("looking for help with bookkeeping", "accounting"),
        ("senior ios swift developer", "Swift"),
    ],
)
def test_a_skill_named_inside_a_phrase_is_found(
    interpreter: QueryInterpreter, query: str, skill: str
) -> None:
    understood = interpreter.understand(query)
    assert skill in [s.label for s in understood.skills]
    assert understood.did_you_mean == []


def test_role_and_filler_words_are_told_apart_from_skills(interpreter: QueryInterpreter) -> None:
    understood = interpreter.understand("need a senior Python developer for my project")
    assert [s.label for s in understood.skills] == ["Python"]
    assert understood.role_words == ["senior", "developer"]
    assert understood.filler_words == ["need", "a", "for", "my", "project"]
    assert understood.rest == []
    explained = understood.as_dict()
    assert set(explained) == {
        "skills",
        "role_words",
        "filler_words",
        "rest",
        "did_you_mean",
        "job_title",
        "query_class",
    }


def test_the_longest_name_wins(interpreter: QueryInterpreter) -> None:
    assert labels(interpreter, "microsoft excel expert") == ["Microsoft Excel"]


def test_common_words_inside_a_phrase_are_not_taken_for_skills(
    interpreter: QueryInterpreter,
) -> None:
    # "data" is an ESCO alias of statistics, "design" of "think creatively": too generic
    assert labels(interpreter, "data entry specialist") == []
    assert labels(interpreter, "logo design") == []


@pytest.mark.parametrize(
    ("typed", "skill"),
    [("pyhton", "Python"), ("javascirpt", "JavaScript"), ("wordpres", "WordPress")],
)
def test_a_misspelt_skill_finds_its_skill_and_says_did_you_mean(
    interpreter: QueryInterpreter, typed: str, skill: str
) -> None:
    understood = interpreter.understand(f"fix my {typed} site")
    assert [s.label for s in understood.skills] == [skill]
    assert understood.did_you_mean == [{"typed": typed, "suggestion": skill}]


def test_real_words_are_never_corrected(interpreter: QueryInterpreter) -> None:
    # "logo" is one edit from the language "Logos", but it is a word of other skill names
    understood = interpreter.understand("logo")
    assert understood.did_you_mean == []


def test_tokens_keep_the_punctuation_of_skill_names() -> None:
    assert tokens("C#, C++ and .NET (ASP.NET) developer.") == [
        "C#",
        "C++",
        "and",
        ".NET",
        "ASP.NET",
        "developer",
    ]


def test_edit_distance_counts_an_adjacent_swap_as_one() -> None:
    assert osa_distance("pyhton", "python") == 1
    assert osa_distance("wordpres", "wordpress") == 1
    assert osa_distance("kitten", "sitting") == 3
    assert osa_distance("", "abc") == 3


@settings(max_examples=200, deadline=None)
@given(st.sets(st.text(alphabet="abcdefgh", min_size=3, max_size=8), max_size=30), st.data())
def test_the_deletion_index_finds_every_name_within_two_edits(
    names: set[str], data: st.DataObject
) -> None:
    index = DeletionIndex(names, max_edits=2)
    word = data.draw(st.text(alphabet="abcdefgh", min_size=3, max_size=8))
    near = {n for n in names if osa_distance(word, n) <= 2}
    assert near <= index.candidates(word)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=80))
def test_any_text_is_understood_and_every_word_lands_somewhere(
    interpreter: QueryInterpreter, text: str
) -> None:
    # one interpreter for every example: its only state is the indexes it builds on first need
    understood = interpreter.understand(text)
    skill_words = sum(len(s.text.split()) for s in understood.skills)
    others = len(understood.role_words) + len(understood.filler_words) + len(understood.rest)
    assert skill_words + others == len(tokens(text))


def test_a_query_that_is_a_skill_name_is_that_one_skill(interpreter: QueryInterpreter) -> None:
    """The shorter skills inside a skill's name are parts of it, not skills asked for."""
    ssis = "Microsoft SQL Server Integration Services SSIS"
    assert labels(interpreter, ssis) == [ssis]
    assert labels(interpreter, "microsoft sql server developer") == ["Microsoft SQL Server"]
