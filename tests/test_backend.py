"""Backend management: the background embedded server and client construction."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from talent_search.backend import (
    background_status,
    make_client,
    open_backend,
    start_background,
    stop_background,
)
from talent_search.settings import BackendSettings, TalentSettings


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.mark.integration
def test_background_backend_start_status_stop(tmp_path: Path) -> None:
    settings = TalentSettings(state_dir=tmp_path)
    assert background_status(settings) is None
    state = start_background(settings, port=_free_port())
    try:
        assert background_status(settings) == state
        # a second start reuses the running server instead of starting another
        assert start_background(settings, port=_free_port()) == state
        # commands without OPENSEARCH_URL find it, and data survives across "processes"
        with open_backend(BackendSettings(url=None), settings) as backend:
            assert backend.kind == "background"
            backend.client.index(index="probe", id="1", body={"x": 1}, refresh=True)
        with open_backend(BackendSettings(url=None), settings) as backend:
            assert backend.client.count(index="probe")["count"] == 1
    finally:
        assert stop_background(settings) is True
    assert background_status(settings) is None
    assert not settings.backend_pid_file.exists()
    assert stop_background(settings) is False


@pytest.mark.integration
def test_embedded_backend_is_started_and_stopped(tmp_path: Path) -> None:
    settings = TalentSettings(state_dir=tmp_path)
    with open_backend(BackendSettings(url=None), settings) as backend:
        assert backend.kind == "embedded"
        assert backend.client.info()["version"]["number"]
        url = backend.url
    with pytest.raises(Exception):  # noqa: B017 - any connection error: the server is gone
        make_client(url, BackendSettings(timeout_s=1)).info()


def test_cluster_settings_build_an_authenticated_tls_client() -> None:
    settings = BackendSettings(
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
    assert BackendSettings().url == "https://x:9200"
    assert BackendSettings().verify_certs is False
    assert TalentSettings().certification_countries == ["CA", "US"]
