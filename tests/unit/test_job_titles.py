"""Job titles to occupations to weighted skills (ranking.job_titles), and title skill ids."""

from __future__ import annotations

import pytest

from domain.skill_mentions import SkillMentions
from domain.skill_vocabulary import SkillVocabulary
from ranking.job_titles import JobTitles, TitleMatch


@pytest.fixture(scope="module")
def vocabulary() -> SkillVocabulary:
    return SkillVocabulary.load_default()


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
    vocabulary: SkillVocabulary, title: str, skill_ids: list[str]
) -> None:
    assert SkillMentions(vocabulary).skill_ids(title) == skill_ids
