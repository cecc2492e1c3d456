"""Backend settings and client construction: no server is started."""

from __future__ import annotations

import pytest

from config.settings import EngineSettings, TalentSettings
from talent_search.engine_process import make_client


def test_cluster_settings_build_an_authenticated_tls_client() -> None:
    settings = EngineSettings(
        url="https://search.example.com:9200", user="admin", password="s3cret", verify_certs=False
    )
    client = make_client(settings.url or "", settings)
    conn = client.transport.get_connection()
    assert conn.host == "https://search.example.com:9200"
    assert "s3cret" not in repr(settings)


def test_backend_settings_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENSEARCH_URL", "https://x:9200")
    monkeypatch.setenv("OPENSEARCH_VERIFY_CERTS", "false")
    monkeypatch.setenv("TALENT_SEARCH_CERTIFICATION_COUNTRIES", "ca, us")
    assert EngineSettings().url == "https://x:9200"
    assert EngineSettings().verify_certs is False
    assert TalentSettings().certification_countries == ["CA", "US"]


def test_the_client_keeps_as_many_connections_per_node_as_the_setting_says(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """opensearch-py reads `pool_maxsize` (not `maxsize`); unset, urllib3 keeps one connection
    and opens and closes another for every concurrent request."""

    def kept(settings: EngineSettings) -> list[int]:
        client = make_client("http://a:9200,http://b:9200", settings)
        return [c.pool.pool.maxsize for c in client.transport.connection_pool.connections]

    assert kept(EngineSettings()) == [32, 32]
    monkeypatch.setenv("OPENSEARCH_CONNECTIONS", "12")
    assert kept(EngineSettings()) == [12, 12]
