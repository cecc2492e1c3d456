"""The real engine: start-up failures, the CLI's backend commands, a refused node."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest
from typer.testing import CliRunner

from config.settings import CHECKOUT_ID, EngineSettings, TalentSettings
from talent_search.cli import app
from talent_search.engine_process import make_client, open_engine
from talent_search.opensearch_engine import (
    EngineError,
    EngineState,
    engine_classpath,
    engine_status,
    free_port_block,
    node_specs,
    spawn_node,
    stop_engine,
    wait_for_health,
)
from tests.integration.conftest import ENGINE_VERSION, require_real_engine


@pytest.mark.integration
def test_a_node_that_cannot_start_says_why_and_is_not_waited_for(tmp_path: Path) -> None:
    require_real_engine()
    settings = TalentSettings(state_dir=tmp_path)
    classpath = engine_classpath(settings, version=ENGINE_VERSION)
    spec = node_specs(settings, classpath, 1, "256m", free_port_block(), version=ENGINE_VERSION)[0]
    bad = type(spec)(**{**spec.__dict__, "argv": [*spec.argv, "no.such.setting=1"]})
    state = EngineState(nodes=[bad], pids={bad.name: spawn_node(bad)})
    with pytest.raises(EngineError) as caught:
        wait_for_health(state, "yellow", timeout_s=120)
    message = str(caught.value)
    assert "exited during start-up" in message
    assert "no.such.setting" in message  # the log's own reason, not just "it failed"


@pytest.mark.integration
def test_backend_start_opensearch_status_and_stop(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    require_real_engine()
    monkeypatch.setenv("TALENT_SEARCH_STATE_DIR", str(tmp_path))
    port = free_port_block()
    runner = CliRunner()
    try:
        started = runner.invoke(
            app,
            [
                *("backend", "start", "--engine", "opensearch", "--version", ENGINE_VERSION),
                *("--heap", "256m", "--port", str(port)),
            ],
        )
        assert started.exit_code == 0, started.output
        assert f"export OPENSEARCH_URL=http://127.0.0.1:{port}" in started.output
        status = runner.invoke(app, ["backend", "status"])
        assert status.exit_code == 0, status.output
        assert f"opensearch {ENGINE_VERSION} running nodes=1 health=" in status.output
        # commands without OPENSEARCH_URL find the running engine by themselves
        with open_engine(EngineSettings(url=None), TalentSettings()) as backend:
            assert backend.kind == "opensearch"
            assert backend.client.info()["version"]["number"] == ENGINE_VERSION
        state = json.loads((tmp_path / f"opensearch-{CHECKOUT_ID}.json").read_text())
        assert state["version"] == ENGINE_VERSION
        assert Path(state["nodes"][0]["home"]).is_relative_to(tmp_path)
    finally:
        stopped = runner.invoke(app, ["backend", "stop"])
    assert "stopped OpenSearch" in stopped.output
    assert runner.invoke(app, ["backend", "status"]).exit_code == 1


@pytest.mark.integration
def test_the_opensearch_engine_setting_starts_the_real_engine_and_leaves_it_running(
    tmp_path: Path,
) -> None:
    """TALENT_SEARCH_ENGINE=opensearch: what `./scripts/demo.sh` does on the real engine, here
    with its port taken by something else (it takes free ports, as the embedded demo does)."""
    require_real_engine()
    busy = free_port_block()
    settings = TalentSettings(
        state_dir=tmp_path,
        engine="opensearch",
        engine_version=ENGINE_VERSION,
        engine_heap="256m",
        engine_port=busy,
    )
    try:
        with socket.socket() as taken:
            taken.bind(("127.0.0.1", busy))
            taken.listen()
            with open_engine(EngineSettings(url=None), settings) as backend:
                assert backend.kind == "opensearch"
                assert backend.url != f"http://127.0.0.1:{busy}"
                assert backend.description.startswith(f"OpenSearch {ENGINE_VERSION}")
                backend.client.index(index="probe", id="1", body={"x": 1}, refresh=True)
        # still running after the "command" ended: the next one finds it, with its data
        with open_engine(EngineSettings(url=None), settings) as backend:
            assert backend.kind == "opensearch"
            assert backend.client.count(index="probe")["count"] == 1
    finally:
        assert stop_engine(settings) is True
    assert engine_status(settings) is None


@pytest.mark.integration
def test_a_refused_node_is_skipped_by_the_client(opensearch_node: str) -> None:
    dead = f"http://127.0.0.1:{free_port_block()}"
    client = make_client(f"{dead},{opensearch_node}", EngineSettings(timeout_s=5))
    for _ in range(6):  # round robin: the dead node comes up at least twice
        assert client.info()["version"]["number"] == ENGINE_VERSION
