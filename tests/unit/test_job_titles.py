"""Job titles to occupations (domain.occupation_titles) to weighted skills (ranking.job_titles),
and what the indexer reads in a profile's title."""

from __future__ import annotations

import pytest

from domain.occupation_titles import OccupationTitles
from domain.skill_vocabulary import SkillVocabulary
from indexer.document_builder import BuildReport, DocumentBuilder
from indexer.profile_input import ProfileInput
from ranking.job_titles import JobTitles, TitleMatch
from tests.factories import document_builder, profile


@pytest.fixture(scope="module")
def vocabulary() -> SkillVocabulary:
    return SkillVocabulary.load_default()


@pytest.fixture(scope="module")
def builder() -> DocumentBuilder:
    return document_builder()


@pytest.fixture(scope="module")
def titles(vocabulary: SkillVocabulary) -> JobTitles:
    return JobTitles.from_taxonomy(vocabulary)


def test_an_alternate_title_finds_its_occupation_and_its_tools(titles: JobTitles) -> None:
    found = titles.find("Information Developer", top_k=12)
    assert isinstance(found, TitleMatch)
    assert found.occupations == ("27-3042.00",)  # Technical Writers
    ids = [skill_id for skill_id, _ in found.skills]
    assert "atlassian confluence" in ids
    weights = [weight for _, weight in found.skills]
    assert weights == sorted(weights, reverse=True) and weights[0] == 1.0
    assert all(0 < w <= 1 for w in weights) and len(ids) <= 12


def test_the_longest_title_inside_a_phrase_wins(titles: JobTitles) -> None:
    found = titles.find("need an experienced accounts payable clerk asap", top_k=5)
    assert found is not None and found.text == "accounts payable clerk"


def test_a_role_word_alone_is_no_title(titles: JobTitles) -> None:
    assert titles.find("developer", top_k=5) is None
    assert titles.find("logo design", top_k=5) is None


def test_react_js_titles_are_found_as_typed(titles: JobTitles) -> None:
    for typed in ("react developer", "React.js Developer", "reactjs developer"):
        found = titles.find(typed, top_k=5)
        assert found is not None and "15-1254.00" in found.occupations, typed


def test_a_skill_every_occupation_lists_weighs_less_than_a_specific_one(
    titles: JobTitles,
) -> None:
    weights = dict(titles.find("technical writer", top_k=64).skills)  # type: ignore[union-attr]
    office = weights.get("microsoft office software", 0.0)
    assert weights["atlassian confluence"] > office


@pytest.mark.parametrize(
    ("title", "skill_ids"),
    [
        ("React.js Developer", ["react"]),
        ("Senior Python Developer - Django", ["python", "django"]),
        ("C# .NET Developer", ["c#", "microsoft .net framework"]),
        ("Data Scientist", []),
        ("Golang engineer | Kubernetes", ["go", "kubernetes"]),
    ],
)
def test_titles_name_skills_as_queries_do(
    builder: DocumentBuilder, title: str, skill_ids: list[str]
) -> None:
    assert builder.title_skill_ids(title) == skill_ids


def test_a_title_inside_a_skill_name_is_no_job(titles: JobTitles) -> None:
    """ "Server" is a waiter's title, but in "Microsoft SQL Server" it is part of a skill."""
    ssis = "Microsoft SQL Server Integration Services SSIS"
    assert titles.find(ssis, top_k=5) is not None  # the table alone reads "Server"
    assert titles.find(ssis, top_k=5, skill_names=[ssis]) is None
    found = titles.find("microsoft sql server database administrator", 5, ["microsoft sql server"])
    assert found is not None and found.text == "database administrator"


def test_profile_titles_and_queries_meet_in_their_occupation() -> None:
    """A query's title and a profile's title that O*NET lists for one occupation share its code,
    which the index stores as `title_occupations`."""
    occupations = OccupationTitles.from_taxonomy()
    assert "43-3031.00" in occupations.occupation_codes("Accounts Payable Clerk")
    assert occupations.occupation_codes("Bookkeeping Clerk") == ["43-3031.00"]
    # every title of a profile title, none overlapping; role words alone are none
    spans = list(occupations.spans("Web Developer | Bookkeeper"))
    assert [s.phrase for s in spans] == ["Web Developer", "Bookkeeper"]
    assert occupations.occupation_codes("Senior Developer") == []
    assert occupations.occupation_codes("SQL Server Specialist", ["SQL Server"]) == []


def test_the_document_builder_stores_the_titles_occupations(builder: DocumentBuilder) -> None:
    doc = builder.build(
        ProfileInput.model_validate(profile(title="Bookkeeping Clerk | QuickBooks")), BuildReport()
    )
    assert doc.title_occupations == ["43-3031.00"]
    assert "intuit quickbooks" in doc.title_skill_ids  # and "bookkeeping" reads as accounting


@pytest.mark.parametrize(
    ("query", "whole"),
    [
        ("Accounts Payable Clerk", True),
        ("need an accounts payable clerk asap", True),  # filler words only around it
        ("Finite element method FEM software developer", False),  # FEM is what is asked for
    ],
)
def test_a_title_is_the_whole_query_when_only_role_and_filler_words_remain(
    titles: JobTitles, query: str, whole: bool
) -> None:
    found = titles.find(query, top_k=5)
    assert found is not None and found.whole_query is whole
