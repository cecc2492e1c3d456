"""Property-based leak tests: a standard client can learn nothing about diversity certification.

Two indices hold the same profiles, one with their certifications and one with all of them
removed. For any standard-tier request (valid or not, with forbidden parameters or not), the
two APIs must answer exactly the same: same status, same results in the same order, same
totals, facets, scores and error text. If certification influenced anything a standard client
sees (a tile field, a facet, a count, an order, a sort key, an error), the answers would differ.
Every answer is also scanned for certification data.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from indexer.profile_input import Badge, DiversityCategory
from tests.api_support import (
    CERT_SECRETS,
    ENGINEER,
    STANDARD,
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
}


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
@given(body=params(), engineer=st.booleans())
def test_standard_and_engineer_post_requests_reveal_nothing_about_certification(
    twin_apis: tuple[TestClient, TestClient], body: dict[str, Any], engineer: bool
) -> None:
    """Engineers see explain output and may tune ranking, but not certification either."""
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
