"""A command serves only from the engine asked for, and only from its own checkout's backends
(issue 25, "Isolation"): no silent stand-in, no backend of someone else's, SIGTERM cleans up."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

import config.settings
from config.settings import EngineSettings, TalentSettings
from talent_search.cli import app
from talent_search.engine_process import (
    EngineProcessError,
    background_status,
    open_engine,
    start_background,
    stop_background,
)
from talent_search.opensearch_engine import free_port_block, process_alive

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parents[2]


def test_asking_for_opensearch_never_attaches_to_a_running_embedded_backend(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = TalentSettings(state_dir=tmp_path)
    start_background(settings, port=free_port_block())
    try:
        asked = TalentSettings(state_dir=tmp_path, engine="opensearch")
        with (
            pytest.raises(EngineProcessError) as caught,
            open_engine(EngineSettings(url=None), asked),
        ):
            pytest.fail("served from the embedded backend when OpenSearch was asked for")
        message = str(caught.value)
        assert "TALENT_SEARCH_ENGINE=opensearch" in message
        assert "embedded backend (osmem-server)" in message
        assert "talent-search backend stop" in message
        # the demo says the same, as one paragraph and no traceback
        monkeypatch.setenv("TALENT_SEARCH_STATE_DIR", str(tmp_path))
        monkeypatch.setenv("TALENT_SEARCH_ENGINE", "opensearch")
        monkeypatch.delenv("OPENSEARCH_URL", raising=False)
        demo = CliRunner().invoke(app, ["demo", "--count", "20", "--no-serve"])
        assert demo.exit_code == 1
        assert "embedded backend (osmem-server)" in demo.output
        assert "Traceback" not in demo.output
        assert isinstance(demo.exception, SystemExit)
        # unset, the running backend is used and named
        with open_engine(EngineSettings(url=None), settings) as backend:
            assert backend.kind == "background"
            assert "embedded osmem-server" in backend.description
    finally:
        stop_background(settings)


def test_another_checkouts_backend_in_the_same_state_dir_is_not_found(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = TalentSettings(state_dir=tmp_path)
    theirs = start_background(settings, port=free_port_block())  # started by "this" checkout
    try:
        monkeypatch.setattr(config.settings, "CHECKOUT_ID", "another-checkout")
        assert background_status(settings) is None
        with open_engine(EngineSettings(url=None), settings) as backend:
            assert backend.kind == "embedded"  # its own, not theirs
            assert backend.url != theirs.url
        # named by OPENSEARCH_URL, it is used, and said to be
        with open_engine(EngineSettings(url=theirs.url), settings) as backend:
            assert backend.kind == "cluster" and backend.url == theirs.url
            assert "OPENSEARCH_URL" in backend.description
    finally:
        monkeypatch.undo()
        stop_background(settings)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


# The demo with the fake encoder (no model download), run as its own process.
DEMO = """
import sys
from tests.factories import fake_encode
from talent_search import cli, cli_support, demo_commands
from query_api import app as api_module
demo_commands.model_encoder = lambda batch_size=128: fake_encode
cli_support.query_encoder = lambda *_: fake_encode
api_module.query_encoder = lambda *_: fake_encode
cli.app(["demo", "--count", "30", "--port", sys.argv[1]])
"""


def test_a_demo_stopped_with_sigterm_stops_its_embedded_backend(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "TALENT_SEARCH_STATE_DIR": str(tmp_path),
        "PYTHONPATH": str(ROOT),
    }
    env.pop("OPENSEARCH_URL", None)
    env.pop("TALENT_SEARCH_ENGINE", None)
    log = tmp_path / "demo.log"
    with log.open("w") as out:
        demo = subprocess.Popen(
            [sys.executable, "-c", DEMO, str(_free_port())],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    settings = TalentSettings(state_dir=tmp_path)
    backend = None
    try:
        deadline = time.monotonic() + 300
        while "serving the API" not in log.read_text() and time.monotonic() < deadline:
            assert demo.poll() is None, log.read_text()
            time.sleep(0.2)
        backend = background_status(settings)
        assert backend is not None, log.read_text()
        demo.send_signal(signal.SIGTERM)
        assert demo.wait(timeout=60) != 0
        deadline = time.monotonic() + 10
        while process_alive(backend.pid) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not process_alive(backend.pid), "the demo's backend outlived a SIGTERM"
        assert "stopped the demo's embedded backend" in log.read_text()
        assert background_status(settings) is None
    finally:
        if demo.poll() is None:
            demo.kill()
            demo.wait()
        if backend is not None and process_alive(backend.pid):
            os.kill(backend.pid, signal.SIGKILL)
