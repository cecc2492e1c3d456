"""The query API end to end on both engines: tiers, visibility, filters, errors, metrics."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from ranking.ranking_profile import load_profile
from tests.integration.api_support import (
    CERT_SECRETS,
    COUNTING,
    ENGINEER,
    ENTERPRISE,
    OPERATOR,
    OPERATOR_TOKEN,
    STANDARD,
    Dataset,
    api_client,
    dataset_api,
    result_ids,
)
from tests.integration.fault_proxy import fault_proxy

pytestmark = pytest.mark.integration


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


def test_an_engineer_key_using_a_diversity_parameter_gets_403_before_validation(
    api: TestClient,
) -> None:
    for params in (
        {"q": "python", "diversity_certified": "true"},
        {"diversity_categories": "woman_owned"},
        {"diversity_categories": "not-a-category"},  # 403, not a 422 listing the categories
        {"diversity_certified": "false"},
    ):
        body = error(api.get("/v1/search", params=params, headers=ENGINEER), 403)
        assert "Enterprise Suite clients" in body["message"]
    body = error(api.post("/v1/search", json={"diversity_certified": True}, headers=ENGINEER), 403)
    assert "Enterprise Suite clients" in body["message"]


def unknown_parameter_answer(response: Any, hidden: str) -> dict[str, Any]:
    """The error body with the parameter's name replaced, and without the request id."""
    body = error(response, 422)
    body.pop("request_id")
    return json.loads(json.dumps(body).replace(hidden, "NAME"))


@pytest.mark.parametrize(
    ("params", "hidden"),
    [
        ({"q": "python", "diversity_certified": "true"}, "diversity_certified"),
        ({"diversity_categories": "woman_owned"}, "diversity_categories"),
        ({"diversity_categories": "not-a-category"}, "diversity_categories"),
        ({"diversity_certified": "false", "page": "0"}, "diversity_certified"),
        ({"diversity_certified": "maybe", "size": "99"}, "diversity_certified"),
    ],
)
def test_a_standard_keys_diversity_parameter_is_answered_as_any_unknown_parameter(
    api: TestClient, params: dict[str, str], hidden: str
) -> None:
    """Not a 403 that names the filter: to a standard client the feature does not exist."""
    unknown = {("colour" if k == hidden else k): v for k, v in params.items()}
    for send in (
        lambda p: api.get("/v1/search", params=p, headers=STANDARD),
        lambda p: api.post("/v1/search", json=p, headers=STANDARD),
    ):
        got = unknown_parameter_answer(send(params), hidden)
        assert got == unknown_parameter_answer(send(unknown), "colour")
        assert "iversity" not in json.dumps(got) and "nterprise" not in json.dumps(got)


@pytest.mark.parametrize("hidden", ["diversity_certified", "diversity_categories"])
def test_a_standard_keys_diversity_name_in_any_post_is_answered_as_any_unknown_name(
    api: TestClient, hidden: str
) -> None:
    """A POST whose body is not one JSON object, or is sent as something else than JSON, or
    that carries the name in its query string (which a POST does not read): the same answer
    as for an unknown name, so the names cannot be found by trying them one at a time."""

    def answer(name: str, body: str | None, content_type: str | None, in_query: bool) -> Any:
        headers = dict(STANDARD) | ({"Content-Type": content_type} if content_type else {})
        response = api.post(
            "/v1/search",
            params={name: "1"} if in_query else None,
            content=None if body is None else body.replace("NAME", name),
            headers=headers,
        )
        got = response.json()
        got.get("error", {}).pop("request_id", None)
        return response.status_code, json.loads(json.dumps(got).replace(name, "NAME"))

    for body, content_type, in_query in [
        (None, None, True),
        (None, "application/json", True),
        ("[1]", "text/plain", True),
        ('{"page": "abc"}', "text/plain", True),
        ('{"q": "go"}', "text/plain", True),
        ('{"NAME": true}', "text/plain", False),
        ('{"NAME": true, "page": "abc"}', "application/x-www-form-urlencoded", False),
        ('{"NAME": true', "application/json", False),
        ("null", None, True),
        ('{"q": "go", "NAME": true}', "application/json", False),
    ]:
        unknown = "x" * len(hidden)  # as long: a JSON error's column is the same
        assert answer(hidden, body, content_type, in_query) == answer(
            unknown, body, content_type, in_query
        ), (body, content_type, in_query)


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
    version = load_profile("default").version
    # "python developer" is an O*NET job title as a whole: the response names its class
    assert body["ranking"] == {
        "profile": "default",
        "version": version,
        "overridden": False,
        "query_class": "job_title",
        "badge_exposure": None,  # the default profile gives no badge its share of each prefix
    }
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


def test_a_page_far_beyond_the_window_says_where_the_last_page_is(api: TestClient) -> None:
    for page, size, last in ((9999, 10, 20), (21, 10, 20), (5, 50, 4)):
        response = api.get(
            "/v1/search", params={"q": "python", "page": page, "size": size}, headers=STANDARD
        )
        detail = error(response, 422)["details"][0]
        assert detail["field"] == "page"
        assert f"the last page is {last}" in detail["message"]
        assert f"page={last} or lower" in detail["message"]
        assert "1000" not in detail["message"]


def test_facets_count_the_ranked_candidates(api: TestClient) -> None:
    body = api.get("/v1/search", params={"size": 1}, headers=STANDARD).json()
    countries = {b["value"]: b["count"] for b in body["facets"]["countries"]}
    assert countries == {"US": 7, "DE": 1, "PH": 2, "CA": 1}
    assert sum(b["count"] for b in body["facets"]["badges"]) == body["total"]
    assert sum(b["count"] for b in body["facets"]["rate_bands"]) == body["total"]
    assert body["matched"] == {"count": 11, "relation": "eq"}
    assert body["pages"] == 11


def test_total_pages_and_facets_agree_within_a_small_window(api: TestClient) -> None:
    """`total` (what pages reach) = the facets' counts = the best `window` by relevance;
    `matched` says the engine matched more. The same for every tier."""
    state = api.app.state.talent  # type: ignore[attr-defined]
    default = state.service.default_profile
    state.service.default_profile = default.with_overrides({"window": 10})
    try:
        for headers in (STANDARD, ENTERPRISE, ENGINEER):
            body = api.get("/v1/search", params={"size": 4}, headers=headers).json()
            assert body["total"] == 10 and body["window"] == 10
            assert body["matched"] == {"count": 10, "relation": "gte"}  # 11 indexed
            assert body["pages"] == 3
            for facet in ("badges", "countries"):
                assert sum(b["count"] for b in body["facets"][facet]) == 10
            last = api.get("/v1/search", params={"size": 4, "page": 3}, headers=headers).json()
            assert len(last["results"]) == 2
            detail = error(
                api.get("/v1/search", params={"size": 4, "page": 4}, headers=headers), 422
            )["details"][0]
            assert "the last page is 3" in detail["message"]
            # a sort re-orders the same ten, never reaches past them
            ids = set(result_ids(api.get("/v1/search", params={"size": 10}, headers=headers)))
            cheap = api.get("/v1/search", params={"size": 10, "sort": "rate_asc"}, headers=headers)
            assert set(result_ids(cheap)) == ids
    finally:
        state.service.default_profile = default


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


def test_naming_a_profile_is_not_an_override(api: TestClient) -> None:
    named = api.get(
        "/v1/search", params={"q": "go", "ranking_profile": "bm25"}, headers=ENGINEER
    ).json()
    bm25 = load_profile("bm25")
    assert named["ranking"] == {
        "profile": "bm25",
        "version": bm25.version,
        "overridden": False,
        "query_class": None,
        "badge_exposure": None,
    }
    tuned = api.post(
        "/v1/search",
        json={"q": "go", "ranking_profile": "bm25", "ranking_overrides": {"rrf_k": 10}},
        headers=ENGINEER,
    ).json()
    assert tuned["ranking"] == {
        "profile": "bm25",
        "version": bm25.version,
        "overridden": True,
        "query_class": None,
        "badge_exposure": None,
    }
    empty = api.post(
        "/v1/search", json={"q": "go", "ranking_overrides": {}}, headers=ENGINEER
    ).json()
    assert empty["ranking"]["overridden"] is False


# --- did you mean -------------------------------------------------------------------------------


def test_a_misspelt_skill_gets_a_did_you_mean_on_every_tier(api: TestClient) -> None:
    for headers in (STANDARD, ENTERPRISE, ENGINEER):
        response = api.get("/v1/search", params={"q": "pyhton developer"}, headers=headers)
        body = response.json()
        assert body["did_you_mean"] == [{"typed": "pyhton", "suggestion": "Python"}]
        assert "cert-ok" in result_ids(response)  # read as Python
        clean = api.get("/v1/search", params={"q": "python developer"}, headers=headers)
        assert clean.json()["did_you_mean"] == []
        assert api.get("/v1/search", headers=headers).json()["did_you_mean"] == []


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


def test_min_rate_above_max_rate_is_refused_naming_min_rate(api: TestClient) -> None:
    for response in (
        api.get("/v1/search", params={"min_rate": 90, "max_rate": 10}, headers=STANDARD),
        api.post("/v1/search", json={"min_rate": 90, "max_rate": 10}, headers=STANDARD),
    ):
        body = error(response, 422)
        assert body["details"] == [
            {
                "field": "min_rate",
                "message": "min_rate must not exceed max_rate: lower min_rate to 10 or less, "
                "or raise max_rate",
            }
        ]
        assert body["message"] == "invalid parameters: min_rate"


def test_no_error_message_keeps_pydantics_value_error_prefix(api: TestClient) -> None:
    for params in ({"min_rate": 90, "max_rate": 10}, {"country": "XX"}, {"badges": "gold"}):
        body = error(api.get("/v1/search", params=params, headers=STANDARD), 422)
        assert all(not d["message"].startswith("Value error") for d in body["details"])


@pytest.mark.parametrize(
    ("content", "content_type", "expected"),
    [
        (b"[1, 2]", "application/json", "one JSON object, not an array"),
        (b'"python"', "application/json", "one JSON object, not a string"),
        (b"3", "application/json", "one JSON object, not a number"),
        (b'{"q": "go"}', "text/plain", "Content-Type: application/json (Content-Type: text/plain)"),
        (b"[" * 5000 + b"]" * 5000, "application/json", "nested too deeply"),
        (b'{"q":' + b"[" * 5000 + b"]" * 5000 + b"}", "application/json", "nested too deeply"),
    ],
)
def test_a_body_that_is_not_one_json_object_gets_a_422_on_body_saying_what_is_expected(
    api: TestClient, content: bytes, content_type: str, expected: str
) -> None:
    response = api.post(
        "/v1/search", content=content, headers=STANDARD | {"content-type": content_type}
    )
    body = error(response, 422)
    assert body["code"] == "invalid_parameters"
    assert body["message"] == "invalid parameters: body"
    [detail] = body["details"]
    assert detail["field"] == "body"
    assert expected in detail["message"] and '{"q": "python developer"}' in detail["message"]


@pytest.mark.parametrize("name", ["page", "size", "q", "sort", "min_rate"])
def test_a_single_valued_parameter_given_twice_is_a_422_naming_it(
    api: TestClient, name: str
) -> None:
    values = {"page": "1", "size": "5", "q": "go", "sort": "jss", "min_rate": "5"}[name]
    response = api.get(f"/v1/search?{name}={values}&{name}={values}", headers=STANDARD)
    body = error(response, 422)
    assert body["details"] == [{"field": name, "message": "given more than once: give it once"}]


def test_get_and_post_share_one_limit_on_skills(api: TestClient) -> None:
    skills = [f"skill{i}" for i in range(21)]
    for response in (
        api.get("/v1/search", params={"skills": ",".join(skills)}, headers=STANDARD),
        api.get("/v1/search", params={"skills": skills}, headers=STANDARD),
        api.post("/v1/search", json={"skills": skills}, headers=STANDARD),
        api.post("/v1/search", json={"skills": [",".join(skills)]}, headers=STANDARD),
    ):
        assert [d["field"] for d in error(response, 422)["details"]] == ["skills"]
    commas = api.get("/v1/search", params={"skills": "Go,PostgreSQL"}, headers=STANDARD)
    repeated = api.get("/v1/search", params={"skills": ["Go", "PostgreSQL"]}, headers=STANDARD)
    assert result_ids(commas) == result_ids(repeated)


def test_422s_escape_and_cap_what_they_echo(api: TestClient) -> None:
    name = "col\x1b[31mour\u202e" + "x" * 5000
    body = error(api.get("/v1/search", params={name: "1"}, headers=STANDARD), 422)
    [detail] = body["details"]
    for echoed in (detail["field"], body["message"]):
        assert "\x1b" not in echoed and "\u202e" not in echoed
        assert "col\\x1b[31mour\\u202e" in echoed
    assert len(detail["field"]) <= 64 and len(body["message"]) <= 100
    for params in ({"page": "1" * 4000}, {"country": "X" * 4000}, {"min_rate": "9" * 4000}):
        response = api.get("/v1/search", params=params, headers=STANDARD)
        assert response.status_code == 422 and len(response.text) < 1000, response.text[:200]
    many = {f"unknown{i}": "1" for i in range(200)}
    body = error(api.get("/v1/search", params=many, headers=STANDARD), 422)
    assert len(body["details"]) == 20 and body["message"].endswith("and 180 more")


def test_api_responses_are_never_cached_or_sniffed(api: TestClient) -> None:
    for response in (
        api.get("/v1/search", params={"q": "go"}, headers=STANDARD),
        api.get("/v1/search", params={"page": "0"}, headers=STANDARD),
        api.get("/v1/search", params={"q": "go"}),
        api.get("/v1/me", headers=ENTERPRISE),
        api.get("/v1/skills/suggest", params={"prefix": "pyt"}, headers=STANDARD),
    ):
        assert response.headers["cache-control"] == "no-store", response.url
        assert response.headers["x-content-type-options"] == "nosniff", response.url


def test_an_unknown_parameter_says_how_to_fix_it(api: TestClient) -> None:
    body = error(api.get("/v1/search", params={"colour": "blue"}, headers=STANDARD), 422)
    assert body["details"][0]["field"] == "colour"
    assert "spelling" in body["details"][0]["message"]


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


@pytest.mark.parametrize(
    ("content", "where"),
    [
        (b"{not json", "line 1, column 2"),
        (b'{"q": "go",}', "line 1, column 12"),
        (b'{\n  "q": "go",\n  size: 3\n}', "line 3, column 3"),
    ],
)
def test_malformed_json_gets_a_422_on_body_with_line_and_column(
    api: TestClient, content: bytes, where: str
) -> None:
    response = api.post(
        "/v1/search", content=content, headers=STANDARD | {"content-type": "application/json"}
    )
    body = error(response, 422)
    assert body["code"] == "invalid_parameters"
    assert body["message"] == "invalid parameters: body"
    [detail] = body["details"]
    assert detail["field"] == "body"
    assert where in detail["message"] and "not valid JSON" in detail["message"]


@pytest.mark.parametrize("path", ["/v1/search", "/v1/ranking-profiles/export"])
@pytest.mark.parametrize("key", [None, "", "not-a-key"])
@pytest.mark.parametrize("content", [b"{not json", b"x" * 20_000, b'{"q": 1}'])
def test_without_a_valid_key_any_body_gets_401_first(
    api: TestClient, path: str, key: str | None, content: bytes
) -> None:
    headers = {"content-type": "application/json"} | ({} if key is None else {"X-API-Key": key})
    assert error(api.post(path, content=content, headers=headers), 401)["code"] == "unauthorized"


# --- skill autocomplete -------------------------------------------------------------------------


def test_skill_suggestions_come_from_the_vocabulary_for_every_tier(api: TestClient) -> None:
    answers = []
    for headers in (STANDARD, ENTERPRISE, ENGINEER):
        response = api.get("/v1/skills/suggest", params={"prefix": "reac"}, headers=headers)
        assert response.status_code == 200, response.text
        answers.append(response.json())
    assert answers[0] == answers[1] == answers[2]
    labels = [s["label"] for s in answers[0]["suggestions"]]
    assert labels[0] == "React" and "React Native" in labels
    golang = api.get("/v1/skills/suggest", params={"prefix": "golan"}, headers=STANDARD).json()
    assert golang["suggestions"][0] == {"id": "go", "label": "Go", "matched": "golang"}
    limited = api.get(
        "/v1/skills/suggest", params={"prefix": "p", "limit": 3}, headers=STANDARD
    ).json()
    assert len(limited["suggestions"]) == 3


def test_skill_suggestions_put_skills_profiles_hold_first_and_task_phrases_last(
    api: TestClient,
) -> None:
    """ "quickb" offers QuickBooks (held by an indexed profile) before QuickBASIC; "reac" offers
    no ESCO task phrase ("react to mining emergencies"); a prefix only phrases match still
    gets them."""
    api.get("/v1/search", params={"q": "bookkeeping"}, headers=STANDARD)  # the searcher is up

    def labels(prefix: str) -> list[str]:
        response = api.get(
            "/v1/skills/suggest", params={"prefix": prefix, "limit": 25}, headers=STANDARD
        )
        assert response.status_code == 200, response.text
        return [s["label"] for s in response.json()["suggestions"]]

    quickb = labels("quickb")
    assert quickb[0] == "Intuit QuickBooks" and "QuickBASIC" in quickb
    reac = labels("reac")
    assert reac[0] == "React" and not [label for label in reac if label.startswith("react ")]
    assert "react to mining emergencies" in labels("react to m")


def test_skill_suggestions_never_mention_certification(api: TestClient) -> None:
    for prefix in ["divers", "minority", "woman", "women", "veteran", "lgbt", "wbenc", "nmsdc",
                   "navoba", "certif", "black-owned", "disability"]:  # fmt: skip
        response = api.get(
            "/v1/skills/suggest", params={"prefix": prefix, "limit": 25}, headers=ENTERPRISE
        )
        assert response.status_code == 200
        text = response.text.lower()
        for marker in ("divers", "owned", "certif", "wbenc", "nmsdc", "navoba", "lgbt"):
            assert marker not in text.replace(prefix, ""), (prefix, text)


def test_skill_suggest_refuses_bad_parameters_and_missing_keys(api: TestClient) -> None:
    assert error(api.get("/v1/skills/suggest", params={"prefix": "go"}), 401)
    for params, field in (
        ({}, "prefix"),
        ({"prefix": ""}, "prefix"),
        ({"prefix": "go", "limit": 0}, "limit"),
        ({"prefix": "go", "limit": 500}, "limit"),
    ):
        body = error(api.get("/v1/skills/suggest", params=params, headers=STANDARD), 422)
        assert body["details"][0]["field"] == field


def test_skill_suggest_answers_every_prefix(api: TestClient) -> None:
    """Its speed is a benchmark's to measure, never a test's (shared, noisy machines)."""
    api.get("/v1/skills/suggest", params={"prefix": "a"}, headers=STANDARD)  # built by now
    for prefix in ("a", "py", "reac", "java", "s", "golan"):
        response = api.get("/v1/skills/suggest", params={"prefix": prefix}, headers=STANDARD)
        assert response.status_code == 200


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
    schema = api.get("/openapi.json", headers=ENTERPRISE).json()
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
        proxy.delay_s = 30.0  # the first search's msearch is held until released
        results: dict[str, Any] = {}

        def slow_search() -> None:
            results["first"] = api.get("/v1/search", params={"q": "go"}, headers=STANDARD)

        first = threading.Thread(target=slow_search)
        first.start()
        # its msearch reached the backend: the first search holds the only slot
        assert proxy.slow_arrived.wait(timeout=30)
        second = api.get("/v1/search", params={"q": "python"}, headers=STANDARD)
        proxy.release.set()
        first.join()
    assert results["first"].status_code == 200  # the one holding the slot is served
    body = error(second, 503)
    assert "busy" in body["message"] and second.headers["retry-after"] == "5"


def test_the_api_runs_numpys_blas_on_one_thread_per_call(api: TestClient) -> None:
    """Concurrent searches each multiply tiny matrices; a BLAS pool per call made them contend."""
    from threadpoolctl import threadpool_info

    # numpy's own OpenBLAS (the skill matcher's); scipy may load another copy later, unused here
    pools = [p for p in threadpool_info() if "numpy" in p["filepath"]]
    assert pools and all(p["num_threads"] == 1 for p in pools)
