"""The query API end to end on both engines: tiers, visibility, filters, errors, metrics."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.api_support import (
    CERT_SECRETS,
    COUNTING,
    ENGINEER,
    ENTERPRISE,
    OPERATOR,
    OPERATOR_TOKEN,
    STANDARD,
    Dataset,
    api_client,
    corpus,
    dataset_api,
    indexed_dataset,
    result_ids,
)
from tests.fault_proxy import fault_proxy

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def dataset(
    request: pytest.FixtureRequest, module_engine: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Dataset]:
    with indexed_dataset(request, module_engine, corpus(), tmp_path_factory.mktemp("api")) as ds:
        yield ds


@pytest.fixture(scope="module")
def api(dataset: Dataset, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    operator = {"operator_token": OPERATOR_TOKEN}
    with dataset_api(dataset, tmp_path_factory.mktemp("app"), settings=operator) as client:
        yield client


def error(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()["error"]
    assert body["status"] == status
    assert body["request_id"] == response.headers["x-request-id"]
    return body


# --- keys and tiers ---------------------------------------------------------------------------


def test_a_search_without_a_key_or_with_an_unknown_key_gets_401(api: TestClient) -> None:
    for headers in ({}, {"X-API-Key": "not-a-key"}, {"X-API-Key": ""}):
        body = error(api.get("/v1/search", params={"q": "python"}, headers=headers), 401)
        assert body["code"] == "unauthorized"
        assert "X-API-Key" in body["message"]


def test_a_standard_key_using_a_diversity_parameter_gets_403_before_validation(
    api: TestClient,
) -> None:
    for params in (
        {"q": "python", "diversity_certified": "true"},
        {"diversity_categories": "woman_owned"},
        {"diversity_categories": "not-a-category"},  # 403, not a 422 listing the categories
        {"diversity_certified": "false"},
    ):
        for headers in (STANDARD, ENGINEER):
            body = error(api.get("/v1/search", params=params, headers=headers), 403)
            assert "Enterprise Suite clients" in body["message"]
    body = error(api.post("/v1/search", json={"diversity_certified": True}, headers=STANDARD), 403)
    assert "Enterprise Suite clients" in body["message"]


def test_ranking_overrides_and_explain_are_for_relevance_engineers_only(api: TestClient) -> None:
    for headers in (STANDARD, ENTERPRISE):
        for params in ({"explain": "true"}, {"ranking_profile": "default"}):
            body = error(api.get("/v1/search", params={"q": "go", **params}, headers=headers), 403)
            assert "relevance engineer" in body["message"]
        overrides = {"q": "go", "ranking_overrides": {"badges": {"expert_vetted": 3}}}
        error(api.post("/v1/search", json=overrides, headers=headers), 403)


# --- searching ----------------------------------------------------------------------------------


def test_a_standard_search_returns_ranked_tiles_without_diversity_fields(api: TestClient) -> None:
    response = api.get("/v1/search", params={"q": "python developer"}, headers=STANDARD)
    body = response.json()
    assert result_ids(response)
    assert body["ranking"] == {"profile": "default", "version": 2, "overridden": False}
    tile = body["results"][0]
    assert set(tile) == {
        "id",
        "name",
        "title",
        "top_skills",
        "badge",
        "job_success_score",
        "hourly_rate_usd",
        "country",
        "score",
        "matched_skills",
        "highlights",
    }
    assert set(body["facets"]) == {"badges", "countries", "rate_bands"}
    assert any(t["highlights"].get("title") for t in body["results"])
    assert "<em>" in json.dumps(body["results"][0]["highlights"])
    text = response.text
    for secret in [*CERT_SECRETS, "diversity", "woman_owned", "veteran_owned", "WBENC"]:
        assert secret not in text


def test_get_and_post_give_the_same_results(api: TestClient) -> None:
    params = {"q": "python", "country": ["US"], "min_jss": 80, "size": 5}
    got = api.get("/v1/search", params=params, headers=STANDARD).json()
    posted = api.post("/v1/search", json=params, headers=STANDARD).json()
    for body in (got, posted):
        body.pop("took_ms")
    assert got == posted


def test_comma_separated_and_repeated_list_parameters_mean_the_same(api: TestClient) -> None:
    repeated = api.get("/v1/search", params={"country": ["PH", "DE"]}, headers=STANDARD)
    commas = api.get("/v1/search", params={"country": "PH,DE"}, headers=STANDARD)
    assert (
        sorted(result_ids(repeated)) == sorted(result_ids(commas)) == ["acc-1", "go-ev", "react-1"]
    )


def test_filters_alone_order_by_priors(api: TestClient) -> None:
    response = api.get("/v1/search", params={"country": "DE,US"}, headers=STANDARD)
    ids = result_ids(response)
    assert ids[0] == "go-ev"  # the only expert-vetted profile
    assert "acc-1" not in ids


def test_sorting_by_rate_and_jss_reorders_the_window(api: TestClient) -> None:
    def values(sort: str, field: str) -> list[Any]:
        body = api.get("/v1/search", params={"sort": sort, "size": 50}, headers=STANDARD).json()
        return [tile[field] for tile in body["results"]]

    ascending = values("rate_asc", "hourly_rate_usd")
    assert ascending == sorted(ascending)
    descending = values("rate_desc", "hourly_rate_usd")
    assert descending == sorted(descending, reverse=True)
    jss = values("jss", "job_success_score")
    known = [v for v in jss if v is not None]
    assert known == sorted(known, reverse=True)
    assert jss[-1] is None  # new talent without a JSS comes last, not first


def test_paging_stays_inside_the_window(api: TestClient) -> None:
    first = result_ids(api.get("/v1/search", params={"size": 4}, headers=STANDARD))
    second = result_ids(api.get("/v1/search", params={"size": 4, "page": 2}, headers=STANDARD))
    assert len(first) == 4 and not set(first) & set(second)
    body = error(
        api.get("/v1/search", params={"q": "python", "page": 21, "size": 10}, headers=STANDARD),
        422,
    )
    assert body["details"][0]["field"] == "page"
    assert "window of 200" in body["details"][0]["message"]


def test_facets_count_the_ranked_candidates(api: TestClient) -> None:
    body = api.get("/v1/search", params={"size": 1}, headers=STANDARD).json()
    countries = {b["value"]: b["count"] for b in body["facets"]["countries"]}
    assert countries == {"US": 7, "DE": 1, "PH": 2, "CA": 1}
    assert sum(b["count"] for b in body["facets"]["badges"]) == body["total"]
    assert sum(b["count"] for b in body["facets"]["rate_bands"]) == body["total"]


# --- the Diversity-Certified filter ---------------------------------------------------------------


def test_enterprise_filter_returns_exactly_the_counting_certifications(api: TestClient) -> None:
    """Approved, unexpired, recognised body, enabled country: nothing pending, rejected,
    expired, from an unknown body, or Canadian (Canada is not enabled)."""
    for params in ({"diversity_certified": "true"}, {"q": "python", "diversity_certified": True}):
        response = api.get("/v1/search", params=params | {"size": 50}, headers=ENTERPRISE)
        assert sorted(result_ids(response)) == sorted(COUNTING)
        tiles = {t["id"]: t for t in response.json()["results"]}
        for profile_id, categories in COUNTING.items():
            assert tiles[profile_id]["diversity"] == {"categories": categories}
    veterans = api.get(
        "/v1/search", params={"diversity_categories": "veteran_owned"}, headers=ENTERPRISE
    )
    assert result_ids(veterans) == ["cert-vet"]


def test_enterprise_tiles_and_facets_show_only_counting_categories(api: TestClient) -> None:
    response = api.get("/v1/search", params={"q": "python", "size": 50}, headers=ENTERPRISE)
    body = response.json()
    badges = {t["id"]: t["diversity"] for t in body["results"]}
    assert {k for k, v in badges.items() if v} == set(COUNTING)
    assert badges["cert-expired"] is None and badges["cert-ca"] is None
    facet = {b["value"]: b["count"] for b in body["facets"]["diversity_categories"]}
    assert facet == {"woman_owned": 1, "veteran_owned": 1}
    for secret in [*CERT_SECRETS, "expires_on", "certifying_body", "NaVOBA"]:
        assert secret not in response.text


def test_engineer_explain_adds_up_and_overrides_change_the_order(api: TestClient) -> None:
    body = api.get(
        "/v1/search", params={"q": "go developer", "explain": "true"}, headers=ENGINEER
    ).json()
    for tile in body["results"]:
        parts = tile["explain"]["parts"]
        assert sum(parts.values()) == pytest.approx(tile["explain"]["final_score"], rel=1e-6)
        assert "diversity" not in json.dumps(tile["explain"])
    assert "timings_ms" not in body  # stage timings are for operators (/metrics) only
    neutral = {"badges": {"expert_vetted": 1.0}, "jss_prior": {"weight": 0}}
    boosted = {"badges": {"expert_vetted": 10.0}}
    ranks = {}
    for name, overrides in (("neutral", neutral), ("boosted", boosted)):
        response = api.post(
            "/v1/search",
            json={"q": "go backend", "ranking_overrides": overrides},
            headers=ENGINEER,
        )
        ranks[name] = result_ids(response).index("go-ev")
        assert response.json()["ranking"]["overridden"] is True
    assert ranks["boosted"] == 0
    assert ranks["boosted"] <= ranks["neutral"]


def test_an_unknown_ranking_profile_is_a_422_naming_it(api: TestClient) -> None:
    response = api.get(
        "/v1/search", params={"q": "go", "ranking_profile": "nope"}, headers=ENGINEER
    )
    body = error(response, 422)
    assert body["details"][0]["field"] == "ranking_profile"
    assert "available" in body["details"][0]["message"]


# --- bad input ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"min_jss": "150"}, "min_jss"),
        ({"min_jss": "high"}, "min_jss"),
        ({"size": "500"}, "size"),
        ({"page": "0"}, "page"),
        ({"sort": "random"}, "sort"),
        ({"badges": "gold"}, "badges[0]"),
        ({"country": "XX"}, "country[0]"),
        ({"q": "x" * 300}, "q"),
        ({"skills": [f"s{i}" for i in range(25)]}, "skills"),
        ({"colour": "blue"}, "colour"),
    ],
)
def test_bad_parameters_get_a_422_naming_the_field(
    api: TestClient, params: dict[str, Any], field: str
) -> None:
    body = error(api.get("/v1/search", params=params, headers=STANDARD), 422)
    assert body["code"] == "invalid_parameters"
    assert field in [d["field"] for d in body["details"]]
    assert field.split("[")[0] in body["message"]


def test_min_rate_above_max_rate_is_refused(api: TestClient) -> None:
    body = error(
        api.get("/v1/search", params={"min_rate": 90, "max_rate": 10}, headers=STANDARD), 422
    )
    assert "min_rate must not exceed max_rate" in body["details"][0]["message"]


def test_lucene_syntax_unicode_and_control_characters_are_plain_text(api: TestClient) -> None:
    for q in [
        'title:(python AND "django',
        "python\x00\x1b[31m developer",
        "*:* OR _exists_:diversity_certifications",
        "pythön 開発者 \u202e\ufeff",
        "\\ / ~ ^ { } [ ] ! ?",
    ]:
        response = api.get("/v1/search", params={"q": q}, headers=STANDARD)
        assert response.status_code == 200, (q, response.text)
        assert "diversity" not in response.text


def test_an_oversized_body_gets_413(api: TestClient) -> None:
    response = api.post("/v1/search", content=json.dumps({"q": "x" * 20_000}), headers=STANDARD)
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "payload_too_large"


def test_malformed_json_gets_a_422(api: TestClient) -> None:
    response = api.post(
        "/v1/search",
        content=b"{not json",
        headers=STANDARD | {"content-type": "application/json"},
    )
    assert error(response, 422)["code"] == "invalid_parameters"


@pytest.mark.parametrize("path", ["/v1/search", "/v1/ranking-profiles/export"])
@pytest.mark.parametrize("key", [None, "", "not-a-key"])
@pytest.mark.parametrize("content", [b"{not json", b"x" * 20_000, b'{"q": 1}'])
def test_without_a_valid_key_any_body_gets_401_first(
    api: TestClient, path: str, key: str | None, content: bytes
) -> None:
    headers = {"content-type": "application/json"} | ({} if key is None else {"X-API-Key": key})
    assert error(api.post(path, content=content, headers=headers), 401)["code"] == "unauthorized"


# --- profiles, operations -------------------------------------------------------------------------


def test_a_profile_tile_shows_diversity_to_enterprise_keys_only(api: TestClient) -> None:
    standard = api.get("/v1/profiles/cert-ok", headers=STANDARD)
    assert standard.status_code == 200
    assert "diversity" not in standard.json()
    assert "woman_owned" not in standard.text
    enterprise = api.get("/v1/profiles/cert-ok", headers=ENTERPRISE).json()
    assert enterprise["diversity"] == {"categories": ["woman_owned"]}
    expired = api.get("/v1/profiles/cert-expired", headers=ENTERPRISE).json()
    assert expired["diversity"] is None
    error(api.get("/v1/profiles/nobody", headers=STANDARD), 404)
    error(api.get("/v1/profiles/bad id!", headers=STANDARD), 422)
    error(api.get("/v1/profiles/cert-ok"), 401)


def test_health_readiness_and_metrics(api: TestClient, dataset: Dataset) -> None:
    assert api.get("/healthz").json() == {"status": "ok"}
    ready = api.get("/readyz")
    assert ready.status_code == 200
    assert ready.json() == {"ready": True, "reason": None}  # nothing internal for anyone
    details = api.get("/readyz", headers=OPERATOR).json()
    assert details["profiles_index"].startswith(dataset.namespace.profiles.index_name(""))
    api.get("/v1/search", params={"q": "python"}, headers=STANDARD)
    assert error(api.get("/metrics"), 404)["code"] == "not_found"
    assert error(api.get("/metrics", headers=STANDARD), 404)["code"] == "not_found"
    text = api.get("/metrics", headers=OPERATOR).text
    assert 'talent_search_requests_total{method="GET",route="/v1/search",status="200"}' in text
    assert 'talent_search_backend_seconds_count{stage="msearch"}' in text
    assert 'talent_search_backend_seconds_count{stage="engine_lexical"}' in text


def test_request_ids_are_echoed_or_made(api: TestClient) -> None:
    echoed = api.get("/healthz", headers={"X-Request-ID": "abc-123"})
    assert echoed.headers["x-request-id"] == "abc-123"
    made = api.get("/healthz", headers={"X-Request-ID": "bad id\n"})
    assert made.headers["x-request-id"] != "bad id\n" and len(made.headers["x-request-id"]) == 32


def test_openapi_documents_the_tiers_and_the_search_models(api: TestClient) -> None:
    schema = api.get("/openapi.json").json()
    assert "X-API-Key" in json.dumps(schema["components"]["securitySchemes"])
    assert {"EnterpriseSearchResponse", "SearchResponse", "ErrorResponse"} <= set(
        schema["components"]["schemas"]
    )


# --- backend faults -------------------------------------------------------------------------------


def test_searches_beyond_the_concurrency_limit_wait_then_get_503(
    dataset: Dataset, tmp_path: Path
) -> None:
    settings = {"max_concurrent_searches": 1, "queue_timeout_s": 0.3}
    with (
        fault_proxy(dataset.url) as proxy,
        api_client(proxy.url, tmp_path, namespace=dataset.namespace, settings=settings) as api,
    ):
        assert result_ids(api.get("/v1/search", params={"q": "go"}, headers=STANDARD))
        proxy.delay_s = 1.5
        results: dict[str, Any] = {}

        def slow_search() -> None:
            results["first"] = api.get("/v1/search", params={"q": "go"}, headers=STANDARD)

        first = threading.Thread(target=slow_search)
        first.start()
        time.sleep(0.3)
        second = api.get("/v1/search", params={"q": "python"}, headers=STANDARD)
        first.join()
    assert results["first"].status_code == 200  # the one holding the slot is served
    body = error(second, 503)
    assert "busy" in body["message"] and second.headers["retry-after"] == "5"
