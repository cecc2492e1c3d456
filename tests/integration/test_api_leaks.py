"""Property-based leak tests: a standard client can learn nothing about diversity certification,
and no client can learn anything about another client's searches.

Two indices hold the same profiles, one with their certifications and one with all of them
removed. For any standard-tier request (valid or not, with forbidden parameters or not), the
two APIs must answer exactly the same: same status, same results in the same order, same
totals, facets, scores and error text. If certification influenced anything a standard client
sees (a tile field, a facet, a count, an order, a sort key, an error), the answers would differ.
Every answer is also scanned for certification data.

The side-channel tests run a client's traffic through two APIs, one that serves only that
client and one that also serves other clients in between. The client's answers must be the
same in both, and so must the model work its requests cost (which is what their latency shows):
otherwise the query-embedding cache would tell it what others searched, or other traffic would
change its scores. Requests without a valid key get the same 401 whatever their body, and the
operations routes show nothing internal to callers without the operator credential.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from domain.badges import Badge
from domain.diversity import DiversityCategory
from domain.encoder import Vector
from tests.factories import fake_encode
from tests.integration.api_support import (
    CERT_SECRETS,
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
    without_certifications,
)

pytestmark = pytest.mark.integration

CERTIFICATION_MARKERS = [
    *CERT_SECRETS,
    *(c.value for c in DiversityCategory),
    "diversity_certifications",
    "diversity_grants",
    "certifying_body",
    "expires_on",
    "WBENC",
    "NaVOBA",
    "CAMSC",
]

WORDS = ["python", "go", "developer", "react", "bookkeeping", "django", "engineer", "data"]
text = st.one_of(
    st.lists(st.sampled_from(WORDS), min_size=1, max_size=4).map(" ".join),
    st.text(max_size=40),
)
list_or_csv = st.one_of(
    st.lists(st.sampled_from(["US", "DE", "PH", "CA", "xx"]), max_size=3),
    st.sampled_from(["US,PH", "DE", "CA,US", ""]),
)
number = st.one_of(st.integers(0, 120), st.floats(0, 200, allow_nan=False), st.integers(-5, 500))
allowed = st.fixed_dictionaries(
    {},
    optional={
        "q": text,
        "skills": st.lists(
            st.sampled_from(["Python", "Go", "React", "QuickBooks", "?"]), max_size=3
        ),
        "badges": st.lists(st.sampled_from([*(b.value for b in Badge), "gold"]), max_size=2),
        "min_jss": number,
        "min_rate": number,
        "max_rate": number,
        "country": list_or_csv,
        "page": st.integers(1, 3) | st.integers(-1, 25),
        "size": st.integers(1, 50) | st.integers(0, 60),
        "sort": st.sampled_from(["relevance", "rate_asc", "rate_desc", "jss", "bad"]),
    },
)
# Parameters a standard key may not use: both sides must give the same 403.
forbidden = {
    "diversity_certified": st.sampled_from(["true", "false", "1"]),
    "diversity_categories": st.sampled_from(["woman_owned", "veteran_owned,lgbtq_owned"]),
    "explain": st.booleans(),
    "unknown": st.just("x"),
    # enterprise only: as unknown to a standard key as diversity_certified, 403 for engineers
    "representative": st.sampled_from(["diversity", "woman_owned,veteran_owned", "bad"]),
    # an engineer ranks with it (the badge pass, explain's positions), a standard key gets 403
    "ranking_profile": st.sampled_from(["rising-talent", "default"]),
}


# A job post (POST only): its skills rank and every tile shows the fit, so both must be the
# same with and without certifications; `match: all` filters like any filter.
job_post = st.fixed_dictionaries(
    {"title": text},
    optional={
        "description": text,
        "skills": st.lists(
            st.sampled_from(["Python", "Django", "Go", "postgres", "Landing Page", "Pyhton"]),
            max_size=4,
        ),
        "nice_to_have": st.lists(st.sampled_from(["React", "Docker", "Flask"]), max_size=2),
        "match": st.sampled_from(["rank", "all", "bad"]),
    },
)


@st.composite
def params(draw: st.DrawFn) -> dict[str, Any]:
    """Mostly allowed parameters (so most requests search), sometimes one forbidden one."""
    query: dict[str, Any] = draw(allowed)
    extra = draw(st.sampled_from([None, None, None, *forbidden]))
    if extra is not None:
        query[extra] = draw(forbidden[extra])
    return query


@pytest.fixture(scope="module")
def twin_apis(
    request: pytest.FixtureRequest, module_engine: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[TestClient, TestClient]]:
    """Two datasets on the same engine, with and without certifications, and an API on each."""
    rows = corpus()
    mk = tmp_path_factory.mktemp
    with (
        indexed_dataset(request, module_engine, rows, mk("certified")) as certified,
        indexed_dataset(request, module_engine, without_certifications(rows), mk("plain")) as plain,
        dataset_api(certified, mk("a1")) as with_certs,
        dataset_api(plain, mk("a2")) as without_certs,
    ):
        yield with_certs, without_certs


def comparable(response: Any) -> tuple[int, Any]:
    """The response minus what legitimately differs between two calls (timings, request ids)."""
    body = response.json()
    if isinstance(body, dict):
        body.pop("took_ms", None)
        body.pop("timings_ms", None)
        if isinstance(body.get("error"), dict):
            body["error"].pop("request_id", None)
    return response.status_code, body


def assert_no_certification_data(response: Any) -> None:
    text = response.text + json.dumps(dict(response.headers))
    for marker in CERTIFICATION_MARKERS:
        assert marker not in text, f"{marker!r} leaked in {response.status_code}: {text[:500]}"


def assert_same_for_both(
    apis: tuple[TestClient, TestClient], method: str, headers: dict[str, str], **kwargs: Any
) -> None:
    with_certs, without_certs = apis
    first = with_certs.request(method, "/v1/search", headers=headers, **kwargs)
    second = without_certs.request(method, "/v1/search", headers=headers, **kwargs)
    assert first.status_code < 500, first.text
    event(f"status {first.status_code}")
    assert_no_certification_data(first)
    assert comparable(first) == comparable(second)


@settings(
    max_examples=500,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(query=params())
def test_standard_get_requests_reveal_nothing_about_certification(
    twin_apis: tuple[TestClient, TestClient], query: dict[str, Any]
) -> None:
    assert_same_for_both(twin_apis, "GET", STANDARD, params=query)


@settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(body=params(), engineer=st.booleans(), job=st.none() | job_post)
def test_standard_and_engineer_post_requests_reveal_nothing_about_certification(
    twin_apis: tuple[TestClient, TestClient],
    body: dict[str, Any],
    engineer: bool,
    job: dict[str, Any] | None,
) -> None:
    """Engineers see explain output and may tune ranking, but not certification either.
    Job-post searches (`job`) show each tile's fit: the same on both sides."""
    if job is not None:
        body["job"] = job
    if engineer and "explain" in body:
        body["explain"] = True
    assert_same_for_both(twin_apis, "POST", ENGINEER if engineer else STANDARD, json=body)


@pytest.mark.parametrize("profile_id", ["cert-ok", "cert-vet", "cert-expired", "go-ev", "nobody"])
def test_standard_profile_tiles_reveal_nothing_about_certification(
    twin_apis: tuple[TestClient, TestClient], profile_id: str
) -> None:
    with_certs, without_certs = twin_apis
    first = with_certs.get(f"/v1/profiles/{profile_id}", headers=STANDARD)
    second = without_certs.get(f"/v1/profiles/{profile_id}", headers=STANDARD)
    assert_no_certification_data(first)
    assert comparable(first) == comparable(second)


@pytest.mark.parametrize(
    ("headers", "sees_diversity"),
    [({}, False), ({"X-API-Key": "not-a-key"}, False), (STANDARD, False), (ENTERPRISE, True)],
)
def test_each_tier_is_served_its_own_openapi_document(
    twin_apis: tuple[TestClient, TestClient], headers: dict[str, str], sees_diversity: bool
) -> None:
    """A standard client's document does not say the diversity filter exists; enterprise's
    (and an engineer's, refused the filter with a 403 that names it) does."""
    with_certs, without_certs = twin_apis
    first = with_certs.get("/openapi.json", headers=headers)
    assert first.status_code == 200
    assert comparable(first) == comparable(without_certs.get("/openapi.json", headers=headers))
    document = first.json()
    schemas = set(document["components"]["schemas"])
    search_params = {p["name"] for p in document["paths"]["/v1/search"]["get"]["parameters"]}
    if sees_diversity:
        assert {"DiversityBadge", "DiversityCategory", "EnterpriseSearchResponse"} <= schemas
        assert "diversity_certified" in search_params
        assert first.json() == with_certs.get("/openapi.json", headers=ENGINEER).json()
    else:
        assert "iversity" not in first.text and "ertific" not in first.text
        assert not {s for s in schemas if s.startswith("Enterprise")}
        assert {"SearchResponse", "SearchBody", "ErrorResponse", "EngineerSearchResponse"} <= (
            schemas
        )
        assert {"q", "skills", "page", "explain"} <= search_params
        for ref in re.findall(r'"#/components/schemas/([^"]+)"', first.text):
            assert ref in schemas, f"{ref} is referenced but not defined"


# --- side channels: one client's traffic and another's answers -------------------------------


class BatchSensitiveEncoder:
    """fake_encode with the real model's flaw, exaggerated so that rounded scores show it.

    In a batch the model pads every text to the longest one, and a vector's low bits change
    with its batch (tests/integration/test_query_embedder.py measures it on the real model).
    Here a vector moves visibly when it shares a batch. Every batch is recorded: it is the model
    work a request costs, which is what its latency tells the client.
    """

    def __init__(self) -> None:
        self.texts: list[str] = []

    @staticmethod
    def meaning(text: str) -> Vector:
        """Near the indexed skills it names (`go` -> the fake vector of the label `Go`)."""
        words = [w.capitalize() for w in text.replace(",", " ").split()] or [text]
        vector = fake_encode(words).sum(axis=0)
        return np.asarray(vector / np.linalg.norm(vector), dtype=np.float32)

    def __call__(self, texts: list[str]) -> Vector:
        self.texts += texts
        vectors = np.stack([self.meaning(text) for text in texts])
        if len(texts) > 1:
            vectors = vectors + np.float32(0.02 * len(texts))
            vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
        return vectors


TRAFFIC_TEXTS = st.one_of(
    st.lists(st.sampled_from(WORDS), min_size=1, max_size=3).map(" ".join),
    st.lists(st.sampled_from(WORDS), min_size=2, max_size=3).map(", ".join),  # list queries
)
OBSERVERS = {"standard": STANDARD, "engineer": ENGINEER}
# The other client: its traffic goes to the busy API only.
OTHERS = {"enterprise": ENTERPRISE}


@st.composite
def traffic(draw: st.DrawFn) -> list[tuple[str, dict[str, Any]]]:
    steps = st.tuples(
        st.sampled_from([*OBSERVERS, *OTHERS]),
        st.fixed_dictionaries(
            {"q": TRAFFIC_TEXTS},
            optional={"skills": st.lists(st.sampled_from(["Python", "Go", "React"]), max_size=2)},
        ),
    )
    return draw(st.lists(steps, min_size=1, max_size=8))


@pytest.fixture(scope="module")
def traffic_dataset(
    request: pytest.FixtureRequest, module_engine: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Dataset]:
    with indexed_dataset(
        request, module_engine, corpus(), tmp_path_factory.mktemp("traffic")
    ) as dataset:
        yield dataset


@pytest.fixture(scope="module")
def quiet_and_busy(
    traffic_dataset: Dataset, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[tuple[TestClient, BatchSensitiveEncoder], ...]]:
    """Two APIs on one dataset: `quiet` serves the observers only, `busy` everyone."""
    mk = tmp_path_factory.mktemp
    quiet_encoder, busy_encoder = BatchSensitiveEncoder(), BatchSensitiveEncoder()
    with (
        dataset_api(traffic_dataset, mk("quiet"), encoder=quiet_encoder) as quiet,
        dataset_api(traffic_dataset, mk("busy"), encoder=busy_encoder) as busy,
    ):
        yield (quiet, quiet_encoder), (busy, busy_encoder)


def search_as(api: TestClient, who: str, query: dict[str, Any]) -> Any:
    headers = (OBSERVERS | OTHERS)[who]
    if who == "engineer":  # explain shows the query vector's similarities to the skills
        return api.post("/v1/search", headers=headers, json=query | {"explain": True})
    return api.get("/v1/search", headers=headers, params=query)


@settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=traffic())
def test_no_client_observes_another_clients_searches(
    quiet_and_busy: tuple[tuple[TestClient, BatchSensitiveEncoder], ...],
    steps: list[tuple[str, dict[str, Any]]],
) -> None:
    """Same answers and same model work for a client, whatever other clients searched."""
    (quiet, quiet_encoder), (busy, busy_encoder) = quiet_and_busy
    for who, query in steps:
        if who in OTHERS:
            assert search_as(busy, who, query).status_code == 200
            continue
        before = len(quiet_encoder.texts), len(busy_encoder.texts)
        alone, among_others = search_as(quiet, who, query), search_as(busy, who, query)
        assert alone.status_code == 200, alone.text
        event(f"model calls {len(quiet_encoder.texts) - before[0]}")
        for response in (alone, among_others):
            assert "timings_ms" not in response.json()  # no per-stage timings for clients
            assert not {"server-timing", "x-cache"} & set(response.headers)
        assert comparable(alone) == comparable(among_others)
        # What the request cost the model (its latency): only the client's own history counts.
        assert quiet_encoder.texts[before[0] :] == busy_encoder.texts[before[1] :]


@pytest.mark.parametrize("query", ["python developer", "react engineer"])
def test_a_response_is_identical_before_and_after_other_traffic(
    traffic_dataset: Dataset, tmp_path: Path, query: str
) -> None:
    """The first answer to a query, on an empty cache, is the answer it keeps getting."""
    body = {"q": query, "explain": True}
    with dataset_api(traffic_dataset, tmp_path, encoder=BatchSensitiveEncoder()) as api:
        for other in (f"{query}, docker", f"react, {query}, django"):  # batches holding it
            api.get("/v1/search", headers=ENTERPRISE, params={"q": other})
            api.post("/v1/search", headers=ENGINEER, json={"q": other})
        after_traffic = api.post("/v1/search", headers=ENGINEER, json=body)
    with dataset_api(traffic_dataset, tmp_path, encoder=BatchSensitiveEncoder()) as api:
        before_traffic = api.post("/v1/search", headers=ENGINEER, json=body)
    assert before_traffic.status_code == 200, before_traffic.text
    assert comparable(after_traffic) == comparable(before_traffic)


# --- requests without a key, and the operations routes ----------------------------------------

bodies = st.one_of(
    st.binary(max_size=200),
    st.text(max_size=100).map(str.encode),
    st.sampled_from([b"{not json", b"[", b'{"q": ', b"\xff\xfe", b"", b"null", b'{"q": 1}']),
    params().map(lambda p: json.dumps(p).encode()),
)
content_types = st.sampled_from(
    ["application/json", "text/plain", "application/x-www-form-urlencoded", None]
)
bad_keys = st.sampled_from([None, "", "not-a-key", "demo-standard-key "])


@settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    body=bodies,
    content_type=content_types,
    key=bad_keys,
    path=st.sampled_from(["/v1/search", "/v1/ranking-profiles/export", "/v1/nowhere"]),
)
def test_without_a_valid_key_every_body_gets_the_same_401(
    twin_apis: tuple[TestClient, TestClient],
    body: bytes,
    content_type: str | None,
    key: str | None,
    path: str,
) -> None:
    headers = {} if content_type is None else {"content-type": content_type}
    if key is not None:
        headers["X-API-Key"] = key
    response = twin_apis[0].post(path, content=body, headers=headers)
    assert response.status_code == 401, response.text
    error = response.json()["error"]
    assert (error["code"], error["details"]) == ("unauthorized", [])
    assert response.headers["www-authenticate"] == "ApiKey"


@pytest.fixture(scope="module")
def operated_api(
    request: pytest.FixtureRequest, module_engine: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[TestClient, str]]:
    """An API with the operator credential set; and its index prefix (an internal)."""
    mk = tmp_path_factory.mktemp
    with (
        indexed_dataset(request, module_engine, corpus(), mk("operated")) as dataset,
        dataset_api(dataset, mk("op"), settings={"operator_token": OPERATOR_TOKEN}) as api,
    ):
        yield api, dataset.namespace.prefix


def assert_no_internals(response: Any, prefix: str) -> None:
    text = response.text
    for internal in (f"{prefix}-", "index", "alias", "Error", "talent_search_"):
        assert internal not in text, f"{internal!r} shown in {response.status_code}: {text}"


@pytest.mark.parametrize(
    "headers",
    [{}, STANDARD, ENTERPRISE, ENGINEER, {"Authorization": "Bearer wrong-token-0123456789"}],
)
def test_operations_routes_show_no_internals_without_the_operator_credential(
    operated_api: tuple[TestClient, str], headers: dict[str, str]
) -> None:
    api, prefix = operated_api
    api.get("/v1/search", params={"q": "python"}, headers=STANDARD)
    ready = api.get("/readyz", headers=headers)
    assert ready.status_code == 200 and ready.json() == {"ready": True, "reason": None}
    assert_no_internals(ready, prefix)
    metrics = api.get("/metrics", headers=headers)
    assert metrics.status_code == 404 and metrics.json()["error"]["code"] == "not_found"
    assert_no_internals(metrics, prefix)
    assert comparable(metrics) == comparable(api.get("/no-such-route"))  # as if it did not exist


def test_the_operator_credential_opens_metrics_and_readiness_details(
    operated_api: tuple[TestClient, str],
) -> None:
    api, prefix = operated_api
    api.get("/v1/search", params={"q": "python"}, headers=STANDARD)
    metrics = api.get("/metrics", headers=OPERATOR)
    assert metrics.status_code == 200
    assert 'talent_search_backend_seconds_count{stage="plan_and_embed"}' in metrics.text
    ready = api.get("/readyz", headers=OPERATOR).json()
    assert ready["ready"] is True and ready["profiles_index"].startswith(f"{prefix}-profiles-v")


def test_readiness_without_a_backend_names_nothing(tmp_path: Path) -> None:
    with api_client("http://127.0.0.1:9", tmp_path) as api:  # nothing listens on port 9
        ready = api.get("/readyz")
    assert ready.status_code == 503
    assert ready.json() == {"ready": False, "reason": "the search backend is unreachable"}
