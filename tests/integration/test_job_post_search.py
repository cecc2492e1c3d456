"""Searching by a whole job post, on both engines: its required skills rank, every tile shows
the fit, `match: all` filters, explain says how the post was read, and bad posts get 422s."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.factories import profile
from tests.integration.api_support import (
    ENGINEER,
    ENTERPRISE,
    STANDARD,
    Dataset,
    dataset_api,
    result_ids,
)

pytestmark = pytest.mark.integration

# Every profile has the same badge, JSS and overview, so only the skills decide.
SAME = {"overview": "I help small companies ship their products.", "job_success_score": 95}


@pytest.fixture(scope="module")
def dataset_rows() -> list[dict[str, Any]]:
    """This module's `dataset` (tests/integration/conftest.py): profiles only skills tell apart."""
    # designers, so that no one skill below is held by more than 5 % of the profiles (the
    # default's description_max_share: commoner skills in a description count for nothing)
    fillers = [
        profile(id=f"filler-{i}", title="Illustrator", skills=["Adobe Illustrator"], **SAME)
        for i in range(16)
    ]
    return [
        *fillers,
        profile(
            id="all-four",
            title="Backend Developer",
            skills=["Python", "Django", "PostgreSQL", "Docker"],
            **SAME,
        ),
        profile(
            id="three", title="Backend Developer", skills=["Python", "Django", "PostgreSQL"], **SAME
        ),
        profile(
            id="py-only", title="Software Engineer", skills=["Python", "Microsoft Excel"], **SAME
        ),
        profile(id="py-too", title="Data Analyst", skills=["Python", "Tableau"], **SAME),
        profile(id="py-also", title="QA Engineer", skills=["Python", "Selenium"], **SAME),
        profile(
            id="es-only",
            title="Software Engineer",
            skills=["Elasticsearch", "Microsoft Excel"],
            **SAME,
        ),
        profile(id="landing", title="Web Designer", skills=["Landing Page Design", "HTML"], **SAME),
        profile(
            id="designer",
            title="Graphic Designer",
            skills=["Graphic Design", "Adobe Illustrator"],
            **SAME,
        ),
        profile(
            id="de-full",
            title="Backend Developer",
            skills=["Python", "Django", "PostgreSQL", "Docker"],
            country="DE",
            **SAME,
        ),
    ]


@pytest.fixture(scope="module")
def api(dataset: Dataset, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    with dataset_api(dataset, tmp_path_factory.mktemp("app")) as client:
        yield client


BACKEND_JOB = {
    "title": "Build the backend of our booking app",
    "description": "You will deploy with Docker.",
    "skills": ["Python", "Django", "postgres", "Docker"],
}


def search(api: TestClient, headers: dict[str, str] = STANDARD, **body: Any) -> dict[str, Any]:
    response = api.post("/v1/search", json=body, headers=headers)
    assert response.status_code == 200, response.text
    found: dict[str, Any] = response.json()
    return found


def test_holding_more_of_the_required_skills_ranks_higher(api: TestClient) -> None:
    ids = [t["id"] for t in search(api, job=BACKEND_JOB)["results"]]
    assert ids.index("all-four") < ids.index("three") < ids.index("py-only")
    assert "designer" not in ids[:4]


def test_a_rare_required_skill_counts_more_than_a_common_one(api: TestClient) -> None:
    job = {"title": "Help with our shop", "skills": ["Python", "Elasticsearch"]}
    ids = [t["id"] for t in search(api, job=job)["results"]]
    assert ids.index("es-only") < ids.index("py-only")


def test_every_tile_shows_matched_and_missing_required_skills_in_the_jobs_order(
    api: TestClient,
) -> None:
    body = search(api, job=BACKEND_JOB)
    tiles = {t["id"]: t for t in body["results"]}
    assert tiles["all-four"]["required_skills"] == {
        "matched": ["Python", "Django", "PostgreSQL", "Docker"],
        "missing": [],
        "held": 4,
        "of": 4,
    }
    assert tiles["py-only"]["required_skills"] == {
        "matched": ["Python"],
        "missing": ["Django", "PostgreSQL", "Docker"],
        "held": 1,
        "of": 4,
    }
    job = body["query"]["job"]
    assert [(s["text"], s["label"], s["found_by"]) for s in job["required"]] == [
        ("Python", "Python", "name"),
        ("Django", "Django", "name"),
        ("postgres", "PostgreSQL", "alias"),
        ("Docker", "Docker", "name"),
    ]
    assert job["unknown_skills"] == [] and job["match"] == "rank"


def test_a_name_nothing_knows_still_counts_by_its_text_and_is_named(api: TestClient) -> None:
    job = {"title": "Landing page for a launch", "skills": ["Landing Page", "HTML", "Pyhton"]}
    body = search(api, job=job)
    assert body["query"]["job"]["unknown_skills"] == ["Landing Page"]
    assert {"typed": "Pyhton", "suggestion": "Python"} in body["did_you_mean"]
    first = body["results"][0]
    assert first["id"] == "landing"
    assert first["required_skills"]["matched"] == ["Landing Page", "HTML"]
    assert first["required_skills"]["missing"] == ["Python"]


def test_match_all_keeps_only_full_holders_and_counts_them(api: TestClient) -> None:
    ranked = search(api, job=BACKEND_JOB)
    strict = search(api, job={**BACKEND_JOB, "match": "all"})
    assert sorted(t["id"] for t in strict["results"]) == ["all-four", "de-full"]
    assert strict["total"] == 2 < ranked["total"]
    assert strict["facets"]["countries"] == [
        {"value": "DE", "count": 1},
        {"value": "US", "count": 1},
    ]
    assert all(t["required_skills"]["missing"] == [] for t in strict["results"])
    us_only = search(api, job={**BACKEND_JOB, "match": "all"}, country=["US"])
    assert result_ids_of(us_only) == ["all-four"]


def result_ids_of(body: dict[str, Any]) -> list[str]:
    return [t["id"] for t in body["results"]]


def test_a_job_title_alone_searches_as_q_with_the_same_text(api: TestClient) -> None:
    title = "python developer"
    as_q = api.post("/v1/search", json={"q": title}, headers=STANDARD)
    as_job = api.post("/v1/search", json={"job": {"title": title}}, headers=STANDARD)
    assert result_ids(as_job) == result_ids(as_q)
    assert [t["score"] for t in as_job.json()["results"]] == [
        t["score"] for t in as_q.json()["results"]
    ]
    assert "required_skills" not in as_q.json()["results"][0]
    assert "job" not in as_q.json()["query"]


def test_paging_and_sorting_work_on_a_job_post_search(api: TestClient) -> None:
    first = search(api, job=BACKEND_JOB, size=2)
    second = search(api, job=BACKEND_JOB, size=2, page=2)
    everything = search(api, job=BACKEND_JOB, size=50)
    assert result_ids_of(first) + result_ids_of(second) == result_ids_of(everything)[:4]
    by_rate = search(api, job=BACKEND_JOB, sort="rate_asc", size=50)
    assert sorted(result_ids_of(by_rate)) == sorted(result_ids_of(everything))


def test_enterprise_clients_get_the_fit_too(api: TestClient) -> None:
    body = search(api, ENTERPRISE, job=BACKEND_JOB, diversity_certified=False)
    assert body["results"][0]["required_skills"]["held"] == 4


def test_explain_shows_where_each_skill_of_the_post_came_from(api: TestClient) -> None:
    job = {
        **BACKEND_JOB,
        "nice_to_have": ["Elasticsearch"],
        "description": "We test with Selenium.",
    }
    body = search(api, ENGINEER, job=job, explain=True)
    explained = body["results"][0]["explain"]["job_post"]
    assert [s["label"] for s in explained["required"]] == [
        "Python",
        "Django",
        "PostgreSQL",
        "Docker",
    ]
    assert sum(s["weight"] for s in explained["required"]) == pytest.approx(1.0, abs=1e-3)
    assert [s["label"] for s in explained["nice_to_have"]] == ["Elasticsearch"]
    assert [s["label"] for s in explained["from_description"]] == ["Selenium"]
    assert "from_title" in explained and "from_past_posts" in explained


@pytest.mark.parametrize(
    ("job", "field"),
    [
        ({"skills": ["Python"]}, "job.title"),
        ({"title": "x", "description": "d" * 5001}, "job.description"),
        ({"title": "x", "skills": [f"s{i}" for i in range(21)]}, "job.skills"),
        ({"title": "x", "match": "most"}, "job.match"),
        ({"title": "x", "salary": 5}, "job.salary"),
        ("a plain string", "job"),
    ],
)
def test_a_bad_job_post_gets_a_422_naming_the_field(api: TestClient, job: Any, field: str) -> None:
    response = api.post("/v1/search", json={"job": job}, headers=STANDARD)
    assert response.status_code == 422, response.text
    fields = [d["field"] for d in response.json()["error"]["details"]]
    assert field in fields, fields
