"""A running API follows its key file: a new key works and a revoked one stops, no restart."""

from __future__ import annotations

from pathlib import Path

import pytest

from query_api.api_keys import Tier, add_key, revoke_key
from tests.integration.api_support import api_client

pytestmark = pytest.mark.integration


def test_keys_added_and_revoked_reach_the_running_api(tmp_path: Path) -> None:
    keys_file = tmp_path / "no-keys.json"  # the key file of api_support's apps
    settings = {"keys_reload_s": 0.001}  # the next request after a change sees it
    # no engine is needed to tell who a key belongs to
    with api_client("http://127.0.0.1:9", tmp_path, key_store=None, settings=settings) as api:
        key = add_key(keys_file, "acme", Tier.ENTERPRISE)
        me = api.get("/v1/me", headers={"X-API-Key": key})
        assert me.status_code == 200, me.text
        assert (me.json()["client"], me.json()["tier"]) == ("acme", "enterprise")
        assert revoke_key(keys_file, "acme")
        assert api.get("/v1/me", headers={"X-API-Key": key}).status_code == 401
        assert (
            api.get("/v1/search", params={"q": "go"}, headers={"X-API-Key": key}).status_code == 401
        )
