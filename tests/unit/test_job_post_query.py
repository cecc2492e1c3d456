"""Reading a job post: resolving its skills, weighting them by rarity, and a profile's fit."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from domain.encoder import EMBEDDING_DIM
from domain.skill_vocabulary import SkillVocabulary
from query_api.search_request import MAX_DESCRIPTION_CHARS, MAX_SKILLS, SearchBody
from ranking.job_post_query import (
    JobPost,
    JobPostReader,
    JobSkill,
    idf_of_share,
    rarity,
    weighted,
)
from ranking.query_understanding import QueryInterpreter
from ranking.skill_matcher import SkillMatcher

# how many of the TOTAL indexed profiles hold each skill: vocabulary skills, and one the
# vocabulary lacks (learned from the profiles)
HELD = {"python": 90, "django": 30, "java": 20, "go": 10, "rust": 5, "docker": 40}
HELD |= {"landing page design": 2}
TOTAL = 100


@pytest.fixture(scope="module")
def vocabulary() -> SkillVocabulary:
    return SkillVocabulary.load_default()


LABELS = {"landing page design": "Landing Page Design"}


@pytest.fixture(scope="module")
def reader(vocabulary: SkillVocabulary) -> JobPostReader:
    ids = list(HELD)
    labels = [LABELS.get(i) or vocabulary.get(i).label for i in ids]  # type: ignore[union-attr]
    held = SkillMatcher(ids, labels, np.zeros((len(ids), EMBEDDING_DIM), np.float32))
    return JobPostReader(vocabulary, QueryInterpreter(vocabulary), held)


def ids_of(vocabulary: SkillVocabulary, name: str) -> tuple[str, ...]:
    return tuple(e.id for e in vocabulary.expansions(name))


def test_a_tagged_skill_is_found_by_name_alias_profiles_typo_or_else_its_text(
    reader: JobPostReader, vocabulary: SkillVocabulary
) -> None:
    by_name = reader.resolve("Python")
    assert (by_name.found_by, by_name.label, by_name.ids) == (
        "name",
        "Python",
        ids_of(vocabulary, "Python"),
    )
    alias = reader.resolve("golang")
    assert (alias.found_by, alias.label) == ("alias", "Go")
    learned = reader.resolve("Landing Page Design")
    assert (learned.found_by, learned.ids) == ("profiles", ("landing page design",))
    typo = reader.resolve("Pyhton")
    assert (typo.found_by, typo.label) == ("typo", "Python")
    # a name nothing knows: held through the profiles' skills that say it
    unknown = reader.resolve("Landing Page")
    assert (unknown.found_by, unknown.label, unknown.ids, unknown.known) == (
        "text",
        "Landing Page",
        ("landing page design",),
        False,
    )
    nobody = reader.resolve("Zapier Wizardry")
    assert (nobody.found_by, nobody.ids) == ("text", ())


def test_required_skills_weigh_by_rarity_and_sum_to_one(reader: JobPostReader) -> None:
    job = JobPost("Web shop", required=("Python", "Django", "Landing Page"))
    reading = reader.read(job, rarity(TOTAL, {"python": 90, "django": 30}), 10)
    weights = {s.label: s.weight for s in reading.required}
    assert sum(weights.values()) == pytest.approx(1.0)
    # the commonest skill says least about fit; a name nothing knows counts as rare
    assert weights["Python"] < weights["Django"] < weights["Landing Page"]


# No rarity between 0 and 1e-9 (the product's idf is at least 1): divided by their sum, such
# tiny rarities underflow to equal weights (hypothesis found [0.0, 2.0, 5e-324]).
RARITIES = st.floats(0, 50, allow_nan=False).filter(lambda r: r == 0.0 or r >= 1e-9)


@given(st.lists(RARITIES, min_size=1, max_size=20))
def test_weights_always_sum_to_one_and_follow_the_rarity(rarities: list[float]) -> None:
    skills = [JobSkill(f"s{i}", f"S{i}", (f"s{i}",), "name") for i in range(len(rarities))]
    by_id = dict(zip((s.ids[0] for s in skills), rarities, strict=True))
    out = weighted(skills, lambda s: by_id[s.ids[0]])
    assert sum(s.weight for s in out) == pytest.approx(1.0)
    for a, b in zip(out, rarities, strict=True):
        for c, d in zip(out, rarities, strict=True):
            if b > d and sum(rarities) > 0:
                assert a.weight > c.weight


def test_a_skill_given_twice_counts_once_in_its_first_role(
    reader: JobPostReader, vocabulary: SkillVocabulary
) -> None:
    job = JobPost(
        "Django developer",
        description="We use Django and Python every day, and some Docker.",
        required=("Django", "django"),
        nice_to_have=("Django", "Python"),
    )
    reading = reader.read(job, rarity(TOTAL, HELD), 10)
    assert [s.label for s in reading.required] == ["Django"]
    assert [s.label for s in reading.nice_to_have] == ["Python"]
    assert [s.label for s in reading.from_description] == ["Docker"]


def test_description_skills_are_held_capped_and_never_typo_guesses(
    reader: JobPostReader,
) -> None:
    text = "Pyhton, Kotlin, Java, Go, Rust and Docker"  # no profile holds Kotlin
    found = reader.description_skills(text, 3)
    assert [s.label for s in found] == ["Java", "Go", "Rust"]
    assert reader.description_skills(text, 0) == []


def test_a_description_skill_most_profiles_list_counts_for_nothing(
    reader: JobPostReader,
) -> None:
    job = JobPost("Shop", description="Python, Django and Rust.")
    idf = rarity(TOTAL, HELD)  # python 90 %, django 30 %, rust 5 %
    kept = reader.read(job, idf, 10, idf_of_share(0.3, TOTAL)).from_description
    assert [s.label for s in kept] == ["Django", "Rust"]
    rare = reader.read(job, idf, 10, idf_of_share(0.05, TOTAL)).from_description
    assert [s.label for s in rare] == ["Rust"]


def test_the_fit_lists_matched_and_missing_labels_in_the_jobs_order(
    reader: JobPostReader, vocabulary: SkillVocabulary
) -> None:
    job = JobPost("Shop", required=("Django", "Landing Page", "Python", "Kubernetes"))
    reading = reader.read(job, rarity(TOTAL, HELD), 10)
    holder = {
        "skill_ids": [
            *ids_of(vocabulary, "Python"),
            *ids_of(vocabulary, "Kubernetes"),
            "landing page design",
        ],
    }
    fit = reading.fit(holder)
    assert fit.matched == ["Landing Page", "Python", "Kubernetes"]
    assert fit.missing == ["Django"]
    assert (fit.held, fit.of) == (3, 4)


def test_a_name_nothing_knows_is_held_through_the_skills_that_say_it_in_a_row(
    reader: JobPostReader,
) -> None:
    skill = reader.resolve("Landing Page")
    assert skill.held_by({"skill_ids": ["landing page design", "python"]})
    assert not skill.held_by({"skill_ids": ["python"]})
    assert skill.clause() == {"terms": {"skill_ids": ["landing page design"]}}
    assert reader.resolve("Page Landing").ids == ()  # the words in a row, in order
    nobody = reader.resolve("Zapier Wizardry")
    assert not nobody.held_by({"skill_ids": ["python"]})
    assert nobody.clause() == {"bool": {"must_not": {"match_all": {}}}}  # matches nobody


def test_match_all_adds_one_filter_per_required_skill(reader: JobPostReader) -> None:
    job = JobPost("Shop", required=("Python", "Landing Page"))
    assert reader.read(job, rarity(TOTAL, HELD), 10).must_hold() == []
    strict = reader.read(
        JobPost("Shop", required=("Python", "Landing Page"), match_all=True),
        rarity(TOTAL, HELD),
        10,
    )
    clauses = strict.must_hold()
    assert len(clauses) == 2
    assert clauses[1] == {"terms": {"skill_ids": ["landing page design"]}}


def test_each_role_scores_its_weight_when_every_skill_is_held(reader: JobPostReader) -> None:
    job = JobPost("Shop", description="Docker", required=("Python", "Django"), nice_to_have=("Go",))
    reading = reader.read(job, rarity(TOTAL, HELD), 10)
    scored = reading.scored({"required": 6.0, "nice_to_have": 2.0, "description": 1.0})
    assert sum(score for _, score in scored) == pytest.approx(9.0)
    off = reading.scored({"required": 6.0, "nice_to_have": 0.0, "description": 0.0})
    assert sum(score for _, score in off) == pytest.approx(6.0)


def test_unknown_and_misspelt_skills_are_named(reader: JobPostReader) -> None:
    job = JobPost("Shop", required=("Landing Page", "Pyhton"), nice_to_have=("Zapier Wizardry",))
    reading = reader.read(job, rarity(TOTAL, HELD), 10)
    assert reading.unknown_skills == ["Landing Page", "Zapier Wizardry"]
    # named outright: the known tags' ids, not the skills that merely say an unknown name
    assert reading.skill_ids == ["python"]
    # a name no profile lists scores nothing (no clause that matches nobody is sent)
    scored = reading.scored({"required": 6.0, "nice_to_have": 2.0, "description": 1.0})
    assert [clause for clause, _ in scored] == [
        {"terms": {"skill_ids": ["landing page design"]}},
        {"terms": {"skill_ids": ["python"]}},
    ]
    assert reading.did_you_mean == [{"typed": "Pyhton", "suggestion": "Python"}]


# --- the request's bounds --------------------------------------------------------------------


def job_errors(job: object) -> list[tuple[str, ...]]:
    with pytest.raises(ValidationError) as caught:
        SearchBody.model_validate({"job": job})
    return [tuple(str(p) for p in e["loc"]) for e in caught.value.errors()]


def test_a_job_post_is_bounded_and_each_error_names_its_field() -> None:
    assert job_errors({"title": "x", "description": "d" * (MAX_DESCRIPTION_CHARS + 1)}) == [
        ("job", "description")
    ]
    assert job_errors({"title": "x", "skills": ["Go"] * (MAX_SKILLS + 1)}) == [("job", "skills")]
    assert job_errors({"title": "x", "nice_to_have": ["Go"] * (MAX_SKILLS + 1)}) == [
        ("job", "nice_to_have")
    ]
    assert job_errors({"title": " \u0000 "}) == [("job", "title")]
    assert job_errors({"skills": ["Go"]}) == [("job", "title")]
    assert job_errors({"title": "x", "match": "some"}) == [("job", "match")]
    assert job_errors({"title": "x", "budget": 10}) == [("job", "budget")]


def test_a_valid_job_post_reads_as_the_ranking_reads_it() -> None:
    body = SearchBody.model_validate(
        {"job": {"title": " Shop\tbuild ", "skills": ["Python"], "match": "all"}}
    )
    assert body.job is not None
    assert body.job.job_post() == JobPost("Shop build", "", ("Python",), (), match_all=True)
