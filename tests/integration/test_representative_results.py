"""Representative results through the API, on both engines: the enterprise `representative`
option, the Rising Talent profile an engineer may rank with (explain shows the positions), and
what other tiers see (nothing of the diversity pass)."""

from __future__ import annotations

from collections.abc import Iterator
from fractions import Fraction
from typing import Any

import pytest
from fastapi.testclient import TestClient

from ranking.representative import floor_at
from tests.factories import certification, profile
from tests.integration.api_support import (
    ENGINEER,
    ENTERPRISE,
    STANDARD,
    Dataset,
    dataset_api,
    indexed_dataset,
    result_ids,
)

pytestmark = pytest.mark.integration


def rows() -> list[dict[str, Any]]:
    """Python developers first by relevance; the certified and the Rising Talent are analysts
    who hold Python too, so they rank below them; some certifications do not count."""
    developers = [
        profile(id=f"dev-{i:02d}", name=f"Dev {i}", title="Python Developer", badge="top_rated")
        for i in range(24)
    ]
    analyst = {"title": "Data Analyst", "skills": ["Python", "Microsoft Excel"]}
    certified = [
        profile(
            id=f"cert-{i}", name=f"Cert {i}", diversity_certifications=[certification()], **analyst
        )
        for i in range(5)
    ]
    certified.append(
        profile(
            id="cert-vet",
            name="Vet",
            diversity_certifications=[
                certification(category="veteran_owned", certifying_body="NaVOBA")
            ],
            **analyst,
        )
    )
    not_counting = [
        profile(
            id="cert-pending",
            name="Pending",
            diversity_certifications=[certification(review_status="pending")],
            **analyst,
        ),
        profile(
            id="cert-expired",
            name="Expired",
            diversity_certifications=[certification(expires_on="2026-11-10")],
            **analyst,
        ),
    ]
    rising = [
        profile(id=f"new-{i}", name=f"New {i}", badge="rising_talent", **analyst) for i in range(4)
    ]
    return developers + certified + not_counting + rising


COUNTING = {f"cert-{i}" for i in range(5)} | {"cert-vet"}


@pytest.fixture(scope="module")
def api(
    request: pytest.FixtureRequest, module_engine: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[TestClient]:
    mk = tmp_path_factory.mktemp
    dataset: Dataset
    with (
        indexed_dataset(request, module_engine, rows(), mk("representative")) as dataset,
        dataset_api(dataset, mk("app")) as client,
    ):
        yield client


def window(api: TestClient, headers: dict[str, str], **params: Any) -> list[str]:
    """Every result id of the window, in order (pages of 50)."""
    found: list[str] = []
    for page in (1, 2):
        response = api.get(
            "/v1/search",
            params={"q": "python", "size": 50, "page": page, **params},
            headers=headers,
        )
        if response.status_code == 422:
            break
        found += result_ids(response)
    return found


def assert_floors(ids: list[str], members: set[str], depth: int) -> None:
    """Each prefix up to `depth` holds the group, and the rest, at their floors (the share
    among the first 50 of the unmodified ranking, here the whole window)."""
    share = Fraction(sum(i in members for i in ids[:50]), len(ids[:50]))
    for k in range(1, depth + 1):
        held = sum(i in members for i in ids[:k])
        assert held >= floor_at(share, k), (k, ids[:k])
        assert k - held >= floor_at(1 - share, k), (k, ids[:k])


def test_without_the_option_an_enterprise_search_ranks_as_any_other(api: TestClient) -> None:
    standard = window(api, STANDARD)
    assert window(api, ENTERPRISE) == standard
    body = api.get("/v1/search", params={"q": "python"}, headers=ENTERPRISE).json()
    assert body["representative"] is None and body["ranking"]["badge_exposure"] is None
    assert not COUNTING & set(standard[:10])  # the analysts rank below the developers


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_representative_diversity_holds_the_floors_on_the_page_read(
    api: TestClient, method: str
) -> None:
    before = window(api, ENTERPRISE)
    params = {"q": "python", "representative": "diversity", "size": 20}
    if method == "GET":
        response = api.get("/v1/search", params=params, headers=ENTERPRISE)
    else:
        response = api.post(
            "/v1/search", json=params | {"representative": ["diversity"]}, headers=ENTERPRISE
        )
    body = response.json()
    page = result_ids(response)
    assert_floors(page + [i for i in before if i not in page], COUNTING, depth=20)
    # the same certified, in their own order; pending and expired certifications do not count
    assert [i for i in page if i in COUNTING] == [i for i in before if i in COUNTING][
        : len([i for i in page if i in COUNTING])
    ]
    assert not {"cert-pending", "cert-expired"} & set(page[:10])
    slate = body["representative"]
    assert slate["groups"] == ["diversity"] and slate["reordered"] is True
    assert slate["depth"] == 20 and slate["pool"] == 50
    assert slate["share"] == pytest.approx(len(COUNTING) / len(before), abs=1e-6)
    assert slate["hits_moved"] > 0 and slate["positions_moved"] >= slate["hits_moved"]
    # nobody enters or leaves: the same total and facets
    plain = api.get("/v1/search", params={"q": "python", "size": 20}, headers=ENTERPRISE).json()
    assert (body["total"], body["facets"]) == (plain["total"], plain["facets"])


def test_page_two_continues_page_one(api: TestClient) -> None:
    def page(number: int) -> list[str]:
        params = {"q": "python", "representative": "diversity", "size": 10, "page": number}
        return result_ids(api.get("/v1/search", params=params, headers=ENTERPRISE))

    first_twenty = result_ids(
        api.get(
            "/v1/search",
            params={"q": "python", "representative": "diversity", "size": 20},
            headers=ENTERPRISE,
        )
    )
    assert page(1) + page(2) == first_twenty


def test_naming_a_category_represents_that_category_only(api: TestClient) -> None:
    response = api.get(
        "/v1/search",
        params={"q": "python", "representative": "veteran_owned", "size": 50},
        headers=ENTERPRISE,
    )
    ids = result_ids(response)
    assert response.json()["representative"]["groups"] == ["veteran_owned"]
    assert_floors(ids, {"cert-vet"}, depth=50)
    others = [i for i in ids if i in COUNTING - {"cert-vet"}]
    assert others == sorted(others)  # the other certified keep their relevance order


def test_diversity_beside_categories_is_refused_naming_the_field(api: TestClient) -> None:
    response = api.get(
        "/v1/search",
        params={"q": "python", "representative": "diversity,woman_owned"},
        headers=ENTERPRISE,
    )
    assert response.status_code == 422
    assert response.json()["error"]["details"][0]["field"] == "representative"


def test_other_tiers_cannot_ask_for_it(api: TestClient) -> None:
    engineer = api.get(
        "/v1/search", params={"q": "python", "representative": "diversity"}, headers=ENGINEER
    )
    assert engineer.status_code == 403
    assert "Enterprise Suite clients" in engineer.json()["error"]["message"]
    standard = api.get(
        "/v1/search", params={"q": "python", "representative": "diversity"}, headers=STANDARD
    )
    unknown = api.get("/v1/search", params={"q": "python", "colour": "diversity"}, headers=STANDARD)
    assert standard.status_code == unknown.status_code == 422
    assert (
        standard.text.replace("representative", "colour").split('"request_id"')[0]
        == (unknown.text.split('"request_id"')[0])
    )


def test_rising_talent_exposure_shows_positions_in_explain(api: TestClient) -> None:
    """The rising-talent profile: the badge pass for everyone; engineers see the positions."""
    rising = {f"new-{i}" for i in range(4)}
    plain = window(api, ENGINEER)
    body = api.post(
        "/v1/search",
        json={"q": "python", "ranking_profile": "rising-talent", "explain": True, "size": 20},
        headers=ENGINEER,
    ).json()
    ids = [t["id"] for t in body["results"]]
    assert_floors(ids + [i for i in plain if i not in ids], rising, depth=20)
    exposure = body["ranking"]["badge_exposure"]
    assert exposure["badge"] == "rising_talent" and exposure["reordered"] is True
    for after, tile in enumerate(body["results"], start=1):
        positions = tile["explain"]["representative"]
        assert positions["position_after"] == after
        assert plain[positions["position_before"] - 1] == tile["id"]
    default = api.post("/v1/search", json={"q": "python", "explain": True}, headers=ENGINEER).json()
    assert default["ranking"]["badge_exposure"] is None
    assert all("representative" not in t["explain"] for t in default["results"])
