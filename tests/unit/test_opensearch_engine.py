"""The real engine's set-up without starting it: node assembly, CLI options, multi-node URLs."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from typer.testing import CliRunner

from config.settings import CHECKOUT_ID, EngineSettings, TalentSettings
from talent_search import engine_process, opensearch_engine
from talent_search.cli import app
from talent_search.engine_process import EngineProcessError, make_client, node_urls, open_engine
from talent_search.opensearch_engine import OPENSEARCH_VERSION, EngineState, NodeSpec, node_specs


@pytest.fixture(autouse=True)
def jdks(monkeypatch: pytest.MonkeyPatch) -> None:
    """A JDK of exactly the Java each version needs, without looking at the machine."""
    monkeypatch.setattr(opensearch_engine, "find_jdk", lambda minimum: Path(f"/jdk{minimum}"))


def test_several_nodes_in_one_url_are_split_and_checked() -> None:
    assert node_urls(" http://a:9200, http://b:9200/ ,") == ["http://a:9200", "http://b:9200"]
    with pytest.raises(EngineProcessError, match="names no node"):
        node_urls(" , ")
    with pytest.raises(EngineProcessError, match="must start with http"):
        node_urls("http://a:9200,b:9200")


def test_a_multi_node_client_has_every_node_and_retries_only_refused_connections() -> None:
    client = make_client("http://a:9200,http://b:9200,http://c:9200", EngineSettings())
    transport = client.transport
    assert len(transport.connection_pool.connections) == 3
    assert transport.max_retries == 2
    assert transport.retry_on_timeout is False
    assert tuple(transport.retry_on_status) == ()
    single = make_client("http://a:9200", EngineSettings())
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
    home = tmp_path / "opensearch" / f"{OPENSEARCH_VERSION}-3-node-{CHECKOUT_ID}" / "node-1"
    assert f"path.data={home / 'data'}" in argv
    one = node_specs(settings, ["/x.jar"], nodes=1, heap="256m", port=9500)
    assert "discovery.type=single-node" in one[0].argv


def test_bad_engine_options_are_usage_errors(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TALENT_SEARCH_STATE_DIR", str(tmp_path))
    runner = CliRunner()
    two = runner.invoke(app, ["backend", "start", "--engine", "opensearch", "--nodes", "2"])
    assert two.exit_code == 2 and "--nodes must be 1 or 3" in two.output
    heap = runner.invoke(app, ["backend", "start", "--engine", "opensearch", "--heap", "lots"])
    assert heap.exit_code == 2 and "--heap" in heap.output


def test_an_unsupported_version_is_a_usage_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TALENT_SEARCH_STATE_DIR", str(tmp_path))
    runner = CliRunner()
    bad = runner.invoke(app, ["backend", "start", "--engine", "opensearch", "--version", "3.8.0"])
    assert bad.exit_code == 2 and "--version must be one of 3.5.0, 2.19.1" in bad.output
    embedded = runner.invoke(app, ["backend", "start", "--version", "3.5.0"])
    assert embedded.exit_code == 2 and "--version is for --engine opensearch" in embedded.output


def test_each_version_runs_on_its_own_java_and_keeps_its_own_data(tmp_path: Path) -> None:
    settings = TalentSettings(state_dir=tmp_path)
    new = node_specs(settings, ["/x.jar"], nodes=1, heap="256m", port=9500, version="3.5.0")[0]
    old = node_specs(settings, ["/x.jar"], nodes=1, heap="256m", port=9500, version="2.19.1")[0]
    assert new.home != old.home
    assert new.argv[0] == "/jdk21/bin/java" and old.argv[0] == "/jdk17/bin/java"


def running_engine(version: str) -> EngineState:
    spec = NodeSpec("node-0", 9500, 9600, "/nowhere", ["java"])
    return EngineState(nodes=[spec], pids={"node-0": 1}, version=version)


def test_a_running_engine_of_another_version_is_refused_not_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(engine_process, "engine_status", lambda _: running_engine("2.19.1"))
    monkeypatch.setattr(engine_process, "background_status", lambda _: None)
    asked = TalentSettings(state_dir=tmp_path, engine="opensearch", engine_version="3.5.0")
    with (
        pytest.raises(EngineProcessError, match=r"runs OpenSearch 2\.19\.1") as caught,
        open_engine(EngineSettings(url=None), asked),
    ):
        pytest.fail("served from OpenSearch 2.19.1 when 3.5.0 was asked for")
    assert "TALENT_SEARCH_ENGINE_VERSION=3.5.0" in str(caught.value)
    # the version it runs, or none named: used, and said which
    for version in ("2.19.1", None):
        settings = TalentSettings(state_dir=tmp_path, engine="opensearch", engine_version=version)
        with open_engine(EngineSettings(url=None), settings) as backend:
            assert backend.kind == "opensearch"
            assert backend.description.startswith("OpenSearch 2.19.1")


def _node_like(home: Path) -> subprocess.Popen[bytes]:
    """A process whose command line names `home`, as a node's does (path.data under it)."""
    code = "import time; time.sleep(60)"
    process = subprocess.Popen([sys.executable, "-c", code, f"path.data={home / 'data'}"])
    cmdline = Path(f"/proc/{process.pid}/cmdline")
    deadline = time.monotonic() + 10
    while str(home) not in cmdline.read_bytes().decode(errors="replace"):  # exec'd yet?
        assert time.monotonic() < deadline, "the stand-in node never started"
        time.sleep(0.01)
    return process


def _answer_after(delay_s: float) -> tuple[int, threading.Thread]:
    """A port that answers every GET with `{"timed_out": false}` only after `delay_s`, as a node
    whose HTTP layer comes up after its process started."""
    port = opensearch_engine.free_port_block()

    class Health(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = json.dumps({"timed_out": False, "status": "yellow"}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *_: object) -> None:
            pass

    def serve() -> None:
        time.sleep(delay_s)
        with ThreadingHTTPServer(("127.0.0.1", port), Health) as server:
            server.timeout = 0.2
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline:
                server.handle_request()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    return port, thread


def test_a_node_still_starting_is_waited_for_never_started_twice(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A second command while the first one's node has not answered yet: it waits for that node
    (same state, same data) instead of taking free ports and starting a second JVM."""
    settings = TalentSettings(state_dir=tmp_path)
    port, _ = _answer_after(3.0)
    home = tmp_path / "node-0"
    spec = NodeSpec("node-0", port, port + 100, str(home), ["java", f"path.data={home / 'data'}"])
    node = _node_like(home)
    try:
        opensearch_engine._save(settings, EngineState([spec], {"node-0": node.pid}, "512m"))

        def no_second_node(_: NodeSpec) -> int:
            raise AssertionError("a second node was started on the same data")

        monkeypatch.setattr(opensearch_engine, "spawn_node", no_second_node)
        monkeypatch.setattr(opensearch_engine, "engine_classpath", lambda *_, **__: ["/x.jar"])
        assert opensearch_engine.engine_status(settings) is None  # alive, not answering yet
        state = opensearch_engine.start_engine(settings, port=port + 7, timeout_s=20)
        assert state.pids == {"node-0": node.pid} and state.url == spec.url
    finally:
        node.kill()
        node.wait()


def test_a_recorded_pid_that_is_no_longer_the_node_is_not_waited_for(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The state file outlived its node and the pid now belongs to another process: a new
    engine is started (pids are reused; only the node's own process counts)."""
    settings = TalentSettings(state_dir=tmp_path)
    stranger = _node_like(tmp_path / "somewhere-else")
    spawned: list[str] = []
    try:
        home = tmp_path / "node-0"
        spec = NodeSpec("node-0", 1, 2, str(home), ["java", f"path.data={home / 'data'}"])
        opensearch_engine._save(settings, EngineState([spec], {"node-0": stranger.pid}, "512m"))
        monkeypatch.setattr(opensearch_engine, "engine_classpath", lambda *_, **__: ["/x.jar"])

        def spawn(spec: NodeSpec) -> int:
            spawned.append(spec.name)
            return stranger.pid  # any live pid: the node is not really started

        monkeypatch.setattr(opensearch_engine, "spawn_node", spawn)
        monkeypatch.setattr(opensearch_engine, "wait_for_health", lambda *_: None)
        port = opensearch_engine.free_port_block()
        state = opensearch_engine.start_engine(settings, port=port)
        assert spawned == ["node-0"] and state.nodes[0].http_port == port
    finally:
        stranger.kill()
        stranger.wait()
