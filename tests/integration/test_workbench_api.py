"""The endpoints behind the pages: `/v1/me`, `/v1/ranking-profiles` and its export, and the
pages themselves being served (their browser behaviour is in test_pages.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from fastapi.testclient import TestClient
from osmem_server import OsmemServer

from ranking.profile_settings import settings
from ranking.ranking_profile import RankingProfile, available_profiles, load_profile
from tests.integration.api_support import ENGINEER, ENTERPRISE, STANDARD, api_client

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def api(
    osmem_server: OsmemServer, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[TestClient]:
    # Nothing needs to be indexed: these endpoints never search.
    clone = osmem_server.clone()
    try:
        with api_client(clone.url, tmp_path_factory.mktemp("workbench-api")) as client:
            yield client
    finally:
        clone.close()


def error(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()["error"]
    assert body["status"] == status
    return body


def test_me_names_the_client_and_tier_of_the_key(api: TestClient) -> None:
    for headers, client, tier in (
        (STANDARD, "demo-standard", "standard"),
        (ENTERPRISE, "demo-enterprise", "enterprise"),
        (ENGINEER, "demo-engineer", "relevance_engineer"),
    ):
        response = api.get("/v1/me", headers=headers)
        assert response.status_code == 200, response.text
        me = response.json()
        modules = me.pop("page_modules")
        assert me == {"client": client, "tier": tier}
        # only enterprise keys load a page module (the diversity filter), with its grant
        assert [m.partition("?")[0] for m in modules] == (
            ["/pages/enterprise/diversity.js"] if tier == "enterprise" else []
        )
    for headers in ({}, {"X-API-Key": "not-a-key"}):
        assert error(api.get("/v1/me", headers=headers), 401)["code"] == "unauthorized"


def test_ranking_profiles_list_every_profile_with_its_settings_for_engineers(
    api: TestClient,
) -> None:
    response = api.get("/v1/ranking-profiles", headers=ENGINEER)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["default"] == "default"
    listed = {p["name"]: p for p in body["profiles"]}
    invalid = {d["field"] for d in body["invalid"]}
    assert set(listed) | invalid == set(available_profiles())
    assert listed["default"] == load_profile("default").model_dump(mode="json")
    assert set(listed["default"]["badges"]) == {
        "expert_vetted",
        "top_rated_plus",
        "top_rated",
        "rising_talent",
    }
    # every setting, with its stage and valid range, from the model: the sliders' ranges
    assert set(body["settings"]) == {s.path for s in settings()}
    badge = body["settings"]["badges.expert_vetted"]
    assert (badge["min"], badge["max"], badge["min_exclusive"], badge["stage"]) == (
        0,
        10,
        True,
        "fusion",
    )
    assert body["settings"]["legs.skill.exact_boost"]["stage"] == "request"


@pytest.mark.parametrize(
    ("method", "path"),
    [("GET", "/v1/ranking-profiles"), ("POST", "/v1/ranking-profiles/export")],
)
def test_ranking_profiles_are_for_relevance_engineers_only(
    api: TestClient, method: str, path: str
) -> None:
    export = {"base": "default", "name": "mine", "overrides": {}}
    for headers in (STANDARD, ENTERPRISE):
        body = error(api.request(method, path, headers=headers, json=export), 403)
        assert body["code"] == "forbidden"
        assert "relevance engineer" in body["message"]
    error(api.request(method, path, json=export), 401)


def test_export_returns_a_profile_file_that_loads(api: TestClient, tmp_path: Path) -> None:
    overrides = {"badges": {"expert_vetted": 1.6}, "legs": {"lexical": {"weight": 0.5}}}
    response = api.post(
        "/v1/ranking-profiles/export",
        headers=ENGINEER,
        json={"base": "default", "name": "tuned-ev", "version": 3, "overrides": overrides},
    )
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/yaml")
    assert response.headers["content-disposition"] == 'attachment; filename="tuned-ev.yaml"'
    (tmp_path / "tuned-ev.yaml").write_text(response.text)
    loaded = load_profile("tuned-ev", tmp_path)
    assert loaded.name == "tuned-ev" and loaded.version == 3
    assert loaded.badges.expert_vetted == 1.6
    assert loaded.legs.lexical.weight == 0.5
    base = load_profile("default")
    assert loaded.legs.skill == base.legs.skill
    assert loaded.jss_prior == base.jss_prior
    assert "default" in loaded.description
    assert isinstance(yaml.safe_load(response.text), dict)


def test_export_without_overrides_copies_the_base_under_the_new_name(api: TestClient) -> None:
    response = api.post(
        "/v1/ranking-profiles/export",
        headers=ENGINEER,
        json={"base": "default", "name": "copy", "description": "A copy."},
    )
    assert response.status_code == 200, response.text
    profile = RankingProfile.model_validate(yaml.safe_load(response.text))
    expected = load_profile("default").model_dump() | {
        "name": "copy",
        "version": 1,
        "description": "A copy.",
    }
    assert profile.model_dump() == expected


@pytest.mark.parametrize(
    ("export", "field"),
    [
        ({"overrides": {"badges": {"expert_vetted": 0}}}, "overrides.badges.expert_vetted"),
        ({"overrides": {"legs": {"lexical": {"weight": 11}}}}, "overrides.legs.lexical.weight"),
        ({"overrides": {"legs": {"lexcal": {"weight": 1}}}}, "overrides.legs.lexcal"),
        ({"overrides": {"jss_prior": {"weight": "high"}}}, "overrides.jss_prior.weight"),
        ({"overrides": {"badges": 2}}, "overrides.badges"),
        ({"overrides": {"name": "other"}}, "overrides.name"),
        ({"base": "no-such-profile"}, "base"),
        ({"name": "Not A Name"}, "name"),
        ({"version": 0}, "version"),
    ],
)
def test_export_refuses_invalid_input_naming_the_field(
    api: TestClient, export: dict[str, Any], field: str
) -> None:
    request = {"base": "default", "name": "tuned", "version": 1} | export
    body = error(api.post("/v1/ranking-profiles/export", headers=ENGINEER, json=request), 422)
    assert body["code"] == "invalid_parameters"
    assert field in {d["field"] for d in body["details"]}, body
    assert field in body["message"]


def test_the_pages_are_served_with_a_strict_content_security_policy(api: TestClient) -> None:
    for path, marker in (("/", "search.js"), ("/workbench", "workbench.js")):
        response = api.get(path)
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/html")
        assert marker in response.text
        policy = response.headers["content-security-policy"]
        assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    for asset in ("search.js", "workbench.js", "common.js", "style.css"):
        assert api.get(f"/pages/{asset}").status_code == 200
    # the enterprise module only with the grant /v1/me gives an enterprise key
    assert api.get("/pages/diversity.js").status_code == 404
    [module] = api.get("/v1/me", headers=ENTERPRISE).json()["page_modules"]
    granted = api.get(module)
    assert granted.status_code == 200
    assert granted.headers["content-security-policy"].startswith("default-src 'self'")
    paths = set(api.get("/openapi.json").json()["paths"])
    assert {"/v1/me", "/v1/ranking-profiles", "/v1/ranking-profiles/export"} <= paths
    assert not {"/", "/workbench"} & paths
