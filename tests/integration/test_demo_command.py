"""`talent-search demo`: the README's main command indexes a corpus and serves the API."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from config.settings import TalentSettings
from mappings.index_contract import PROFILES
from query_api import app as api_module
from talent_search import cli, cli_support, demo_commands
from talent_search.engine_process import background_status, open_engine
from tests.factories import fake_encode
from tests.integration.api_support import ENTERPRISE, STANDARD

pytestmark = pytest.mark.integration


def test_demo_indexes_the_corpus_and_serves_the_api_with_demo_keys(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("OPENSEARCH_URL", raising=False)
    monkeypatch.setenv("TALENT_SEARCH_STATE_DIR", str(tmp_path))
    # the fake encoder everywhere the real model would load
    monkeypatch.setattr(demo_commands, "model_encoder", lambda batch_size=128: fake_encode)
    monkeypatch.setattr(cli_support, "query_encoder", lambda *_: fake_encode)
    monkeypatch.setattr(api_module, "query_encoder", lambda *_: fake_encode)
    served: dict[str, Any] = {}

    def run_api(app: FastAPI, host: str, port: int) -> None:
        served["address"] = (host, port)
        # another shell's command finds the demo's backend and its index by itself
        with open_engine() as other_shell:
            served["other shell"] = (
                other_shell.kind,
                int(other_shell.client.count(index=PROFILES.alias)["count"]),
            )
        with TestClient(app) as client:
            served["ready"] = client.get("/readyz").json()["ready"]
            standard = client.get("/v1/search", params={"q": "python"}, headers=STANDARD)
            served["standard"] = standard.status_code, len(standard.json()["results"])
            certified = client.get(
                "/v1/search", params={"diversity_certified": "true"}, headers=ENTERPRISE
            )
            served["enterprise"] = certified.status_code, certified.json()["total"]
            served["unknown key"] = client.get("/v1/search", headers={"X-API-Key": "x"}).status_code
            served["page keys"] = [
                k["key"] for k in client.get("/pages/config").json()["demo_keys"]
            ]

    monkeypatch.setattr(demo_commands, "run_api", run_api)
    result = CliRunner().invoke(
        cli.app, ["demo", "--count", "300", "--port", "8123"], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    assert "read 300, indexed 300, rejected 0" in result.stdout
    assert "demo-enterprise-key" in result.stdout
    assert served["address"] == ("127.0.0.1", 8123)
    assert served["ready"] is True
    assert served["standard"][0] == 200 and served["standard"][1] > 0
    assert served["enterprise"][0] == 200 and served["enterprise"][1] > 0
    assert served["unknown key"] == 401
    assert served["page keys"] == ["demo-standard-key", "demo-enterprise-key", "demo-engineer-key"]
    assert served["other shell"] == ("background", 300)
    assert background_status(TalentSettings()) is None  # the demo stopped what it started
