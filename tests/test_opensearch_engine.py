"""The real engine: node assembly, start-up failures, the CLI, and the multi-node client."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from talent_search.backend import BackendError, make_client, node_urls, open_backend
from talent_search.cli import app
from talent_search.opensearch_engine import (
    EngineError,
    EngineState,
    engine_classpath,
    engine_status,
    node_specs,
    spawn_node,
    stop_engine,
    wait_for_health,
)
from talent_search.settings import BackendSettings, TalentSettings
from tests.conftest import free_port_block, require_real_engine


def test_several_nodes_in_one_url_are_split_and_checked() -> None:
    assert node_urls(" http://a:9200, http://b:9200/ ,") == ["http://a:9200", "http://b:9200"]
    with pytest.raises(BackendError, match="names no node"):
        node_urls(" , ")
    with pytest.raises(BackendError, match="must start with http"):
        node_urls("http://a:9200,b:9200")


def test_a_multi_node_client_has_every_node_and_retries_only_refused_connections() -> None:
    client = make_client("http://a:9200,http://b:9200,http://c:9200", BackendSettings())
    transport = client.transport
    assert len(transport.connection_pool.connections) == 3
    assert transport.max_retries == 2
    assert transport.retry_on_timeout is False
    assert tuple(transport.retry_on_status) == ()
    single = make_client("http://a:9200", BackendSettings())
    assert single.transport.max_retries == 0


def test_three_nodes_discover_each_other_on_their_transport_ports(tmp_path: Path) -> None:
    settings = TalentSettings(state_dir=tmp_path)
    specs = node_specs(settings, ["/x.jar"], nodes=3, heap="256m", port=9500)
    assert [s.http_port for s in specs] == [9500, 9501, 9502]
    assert [s.transport_port for s in specs] == [9600, 9601, 9602]
    argv = specs[1].argv
    assert "-Xmx256m" in argv
    assert "discovery.seed_hosts=127.0.0.1:9600,127.0.0.1:9601,127.0.0.1:9602" in argv
    assert "cluster.initial_cluster_manager_nodes=node-0,node-1,node-2" in argv
    assert f"path.data={tmp_path / 'opensearch' / '3-node' / 'node-1' / 'data'}" in argv
    one = node_specs(settings, ["/x.jar"], nodes=1, heap="256m", port=9500)
    assert "discovery.type=single-node" in one[0].argv


@pytest.mark.integration
def test_a_node_that_cannot_start_says_why_and_is_not_waited_for(tmp_path: Path) -> None:
    require_real_engine()
    settings = TalentSettings(state_dir=tmp_path)
    spec = node_specs(settings, engine_classpath(settings), 1, "256m", free_port_block())[0]
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
            ["backend", "start", "--engine", "opensearch", "--heap", "256m", "--port", str(port)],
        )
        assert started.exit_code == 0, started.output
        assert f"export OPENSEARCH_URL=http://127.0.0.1:{port}" in started.output
        status = runner.invoke(app, ["backend", "status"])
        assert status.exit_code == 0, status.output
        assert "opensearch running nodes=1 health=" in status.output
        # commands without OPENSEARCH_URL find the running engine by themselves
        with open_backend(BackendSettings(url=None), TalentSettings()) as backend:
            assert backend.kind == "opensearch"
            assert backend.client.info()["version"]["number"] == "2.19.1"
        state = json.loads((tmp_path / "opensearch.json").read_text())
        assert Path(state["nodes"][0]["home"]).is_relative_to(tmp_path)
    finally:
        stopped = runner.invoke(app, ["backend", "stop"])
    assert "stopped OpenSearch" in stopped.output
    assert runner.invoke(app, ["backend", "status"]).exit_code == 1


@pytest.mark.integration
def test_the_opensearch_engine_setting_starts_the_real_engine_and_leaves_it_running(
    tmp_path: Path,
) -> None:
    """TALENT_SEARCH_ENGINE=opensearch: what `./scripts/demo.sh` does on the real engine."""
    require_real_engine()
    settings = TalentSettings(
        state_dir=tmp_path, engine="opensearch", engine_heap="256m", engine_port=free_port_block()
    )
    try:
        with open_backend(BackendSettings(url=None), settings) as backend:
            assert backend.kind == "opensearch"
            backend.client.index(index="probe", id="1", body={"x": 1}, refresh=True)
        # still running after the "command" ended: the next one finds it, with its data
        with open_backend(BackendSettings(url=None), settings) as backend:
            assert backend.kind == "opensearch"
            assert backend.client.count(index="probe")["count"] == 1
    finally:
        assert stop_engine(settings) is True
    assert engine_status(settings) is None


def test_bad_engine_options_are_usage_errors(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TALENT_SEARCH_STATE_DIR", str(tmp_path))
    runner = CliRunner()
    two = runner.invoke(app, ["backend", "start", "--engine", "opensearch", "--nodes", "2"])
    assert two.exit_code == 2 and "--nodes must be 1 or 3" in two.output
    heap = runner.invoke(app, ["backend", "start", "--engine", "opensearch", "--heap", "lots"])
    assert heap.exit_code == 2 and "--heap" in heap.output


@pytest.mark.integration
def test_a_refused_node_is_skipped_by_the_client(opensearch_node: str) -> None:
    dead = f"http://127.0.0.1:{free_port_block()}"
    client = make_client(f"{dead},{opensearch_node}", BackendSettings(timeout_s=5))
    for _ in range(6):  # round robin: the dead node comes up at least twice
        assert client.info()["version"]["number"] == "2.19.1"
