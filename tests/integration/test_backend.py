"""Backend management: the background and the per-command embedded server."""

from __future__ import annotations

from pathlib import Path

import pytest

from config.settings import EngineSettings, TalentSettings
from talent_search.engine_process import (
    background_status,
    make_client,
    open_engine,
    start_background,
    stop_background,
)
from talent_search.opensearch_engine import free_port_block


@pytest.mark.integration
def test_background_backend_start_status_stop(tmp_path: Path) -> None:
    settings = TalentSettings(state_dir=tmp_path)
    assert background_status(settings) is None
    state = start_background(settings, port=free_port_block())
    try:
        assert background_status(settings) == state
        # a second start reuses the running server instead of starting another
        assert start_background(settings, port=free_port_block()) == state
        # commands without OPENSEARCH_URL find it, and data survives across "processes"
        with open_engine(EngineSettings(url=None), settings) as backend:
            assert backend.kind == "background"
            backend.client.index(index="probe", id="1", body={"x": 1}, refresh=True)
        with open_engine(EngineSettings(url=None), settings) as backend:
            assert backend.client.count(index="probe")["count"] == 1
    finally:
        assert stop_background(settings) is True
    assert background_status(settings) is None
    assert not settings.backend_pid_file.exists()
    assert stop_background(settings) is False


@pytest.mark.integration
def test_embedded_backend_is_started_and_stopped(tmp_path: Path) -> None:
    settings = TalentSettings(state_dir=tmp_path)
    with open_engine(EngineSettings(url=None), settings) as backend:
        assert backend.kind == "embedded"
        assert backend.client.info()["version"]["number"]
        url = backend.url
    with pytest.raises(Exception):  # noqa: B017 - any connection error: the server is gone
        make_client(url, EngineSettings(timeout_s=1)).info()
