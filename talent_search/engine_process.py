"""Which engine a command talks to: a real cluster, the real engine we run, or osmem-server.

One opensearch-py code path serves all. Resolution order for a command:
1. `OPENSEARCH_URL` (one or more nodes, comma-separated, with user, password and TLS
   settings): a cluster someone else runs;
2. a background engine this checkout started with `talent-search backend start` (its state
   file, named after the checkout): the real OpenSearch (`--engine opensearch`) or the embedded
   server;
3. otherwise, with `TALENT_SEARCH_ENGINE=opensearch`, the real engine is started in the
   background (and left running for the next command); by default an embedded server is
   started for this process only, and stopped when it ends.
A command never serves from an engine other than the one asked for: with `TALENT_SEARCH_ENGINE`
(and `TALENT_SEARCH_ENGINE_VERSION`) set, a running backend of another kind or version is
refused with what to do, never used. The embedded server keeps nothing on disk, so (2) is how
`index` and `serve` share data across processes, as they would against a cluster.
"""

from __future__ import annotations

import json
import os
import signal
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from opensearchpy import OpenSearch
from osmem_server import OsmemServer, resolve_binary

from config.settings import EngineSettings, TalentSettings
from mappings.engine_json import EngineJSONSerializer
from talent_search.errors import CliError
from talent_search.opensearch_engine import (
    OPENSEARCH_VERSION,
    TRANSPORT_PORT_OFFSET,
    EngineError,
    EngineState,
    engine_status,
    free_port_block,
    port_free,
    process_alive,
    start_engine,
)


class EngineProcessError(CliError, RuntimeError):
    """The engine could not be configured, started, reached or stopped."""


EngineKind = Literal["cluster", "opensearch", "background", "embedded"]


@dataclass(frozen=True)
class EngineConnection:
    """A client to the engine a command uses, where it is, and what kind of engine it is."""

    client: OpenSearch
    url: str
    kind: EngineKind
    # What a user is told they are on, e.g. "OpenSearch 3.5.0 (this checkout's background engine)"
    description: str = ""


def node_urls(url: str) -> list[str]:
    """`OPENSEARCH_URL` may name several nodes of one cluster, comma-separated."""
    urls = [u.strip().rstrip("/") for u in url.split(",") if u.strip()]
    if not urls:
        raise EngineProcessError(f"OPENSEARCH_URL names no node: {url!r}")
    bad = [u for u in urls if not u.startswith(("http://", "https://"))]
    if bad:
        raise EngineProcessError(f"OPENSEARCH_URL: {bad[0]!r} must start with http:// or https://")
    return urls


def make_client(url: str, settings: EngineSettings) -> OpenSearch:
    """An opensearch-py client with auth, TLS and a timeout on every call.

    With several nodes the client spreads requests over them (round robin) and, when a node
    refuses the connection, retries the request on another one: each node may be tried once.
    Timeouts and HTTP errors are never retried, so a slow cluster fails within the timeout.
    """
    urls = node_urls(url)
    auth = None
    if settings.user is not None:
        password = settings.password.get_secret_value() if settings.password else ""
        auth = (settings.user, password)
    return OpenSearch(
        hosts=urls,
        http_auth=auth,
        use_ssl=urls[0].startswith("https://"),
        verify_certs=settings.verify_certs,
        ca_certs=str(settings.ca_certs) if settings.ca_certs else None,
        ssl_show_warn=settings.verify_certs,
        timeout=settings.timeout_s,
        pool_maxsize=settings.connections,
        max_retries=len(urls) - 1,
        retry_on_timeout=False,
        retry_on_status=(),
        serializer=EngineJSONSerializer(),
    )


@contextmanager
def open_engine(
    engine_settings: EngineSettings | None = None,
    talent_settings: TalentSettings | None = None,
) -> Iterator[EngineConnection]:
    """Yield a client to the engine asked for, starting one if this checkout runs none."""
    es = engine_settings or EngineSettings()
    ts = talent_settings or TalentSettings()
    if es.url:
        client = make_client(es.url, es)
        yield EngineConnection(client, es.url, "cluster", "the cluster named by OPENSEARCH_URL")
        return
    engine = engine_status(ts)
    running = background_status(ts)
    # Unasked, the embedded backend wins when both run (as before the engine could be asked for).
    if ts.engine == "opensearch" or (ts.engine is None and engine is not None and running is None):
        if engine is None:
            refuse_other_kind(running)
            engine = _start_real_engine(ts)
        else:
            refuse_other_version(ts, engine)
        yield EngineConnection(
            make_client(engine.url, es), engine.url, "opensearch", describe_engine(engine)
        )
        return
    if running is not None:
        yield EngineConnection(
            make_client(running.url, es),
            running.url,
            "background",
            f"the embedded osmem-server (this checkout's background backend, pid {running.pid})",
        )
        return
    if engine is not None:  # TALENT_SEARCH_ENGINE=embedded, and only OpenSearch runs
        raise EngineProcessError(
            f"TALENT_SEARCH_ENGINE=embedded asks for the embedded server, but this checkout runs "
            f"OpenSearch {engine.version} at {engine.url}: unset TALENT_SEARCH_ENGINE to use it, "
            "or stop it with `talent-search backend stop`."
        )
    server = OsmemServer.start(japanese=False)
    try:
        yield EngineConnection(
            make_client(server.url, es),
            server.url,
            "embedded",
            "the embedded osmem-server (for this command only)",
        )
    finally:
        stop_embedded(server)


def describe_engine(engine: EngineState) -> str:
    nodes = f", {len(engine.nodes)} nodes" if len(engine.nodes) > 1 else ""
    return f"OpenSearch {engine.version}{nodes} (this checkout's background engine)"


def refuse_other_kind(running: BackgroundServer | None) -> None:
    """Asked for the real engine while this checkout's embedded backend runs: say so, stop."""
    if running is not None:
        raise EngineProcessError(
            f"TALENT_SEARCH_ENGINE=opensearch asks for the real OpenSearch, but this checkout's "
            f"embedded backend (osmem-server) runs at {running.url}; it is not used in its place. "
            "Stop it with `talent-search backend stop`, or unset TALENT_SEARCH_ENGINE to use it."
        )


def refuse_other_version(ts: TalentSettings, engine: EngineState) -> None:
    """Asked for one OpenSearch version while this checkout runs another: say so, stop."""
    if ts.engine_version is not None and engine.version != ts.engine_version:
        raise EngineProcessError(
            f"TALENT_SEARCH_ENGINE_VERSION={ts.engine_version} asks for OpenSearch "
            f"{ts.engine_version}, but this checkout runs OpenSearch {engine.version} at "
            f"{engine.url}; it is not used in its place. Stop it with `talent-search backend "
            f"stop`, or ask for {engine.version}."
        )


def _start_real_engine(ts: TalentSettings) -> EngineState:
    """The real engine in the background: on `engine_port`, or on free ports if it is taken."""
    port = ts.engine_port
    if not (port_free(port) and port_free(port + TRANSPORT_PORT_OFFSET)):
        port = free_port_block()
    try:
        return start_engine(
            ts,
            version=ts.engine_version or OPENSEARCH_VERSION,
            heap=ts.engine_heap,
            port=port,
            port_hint="set TALENT_SEARCH_ENGINE_PORT to a free port",
        )
    except EngineError as exc:
        raise EngineProcessError(str(exc)) from exc


def configured_client(engine_settings: EngineSettings | None = None) -> OpenSearch:
    """The client `serve` gives the API: OPENSEARCH_URL, else this checkout's `talent-search
    backend` (of the kind asked for).

    Unlike `open_engine` it never starts an engine: the API outlives any one command.
    """
    settings = engine_settings or EngineSettings()
    if settings.url:
        return make_client(settings.url, settings)
    ts = TalentSettings()
    engine = engine_status(ts)
    running = background_status(ts)
    if ts.engine == "opensearch" or (ts.engine is None and engine is not None and running is None):
        if engine is None:
            refuse_other_kind(running)
            raise EngineProcessError(
                "no OpenSearch running for this checkout: set OPENSEARCH_URL, or run "
                "`talent-search backend start --engine opensearch`"
            )
        refuse_other_version(ts, engine)
        return make_client(engine.url, settings)
    if running is None:
        raise EngineProcessError(
            "no backend configured: set OPENSEARCH_URL, or run `talent-search backend start`"
        )
    return make_client(running.url, settings)


def stop_embedded(server: OsmemServer) -> None:
    """Stop an in-process embedded server and close the pipe osmem's own close() leaves open."""
    server.close()
    if server.process.stdout is not None:
        server.process.stdout.close()


@dataclass(frozen=True)
class BackgroundServer:
    """The embedded server `backend start` left running, as its state file records it."""

    pid: int
    url: str
    log_file: str


def _reachable(url: str, timeout: float = 1.0) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as resp:
            return bool(resp.status == 200)
    except (urllib.error.URLError, OSError):
        return False


def background_status(settings: TalentSettings) -> BackgroundServer | None:
    """The background server from the state file, if its process is alive and answering."""
    state_file = settings.backend_pid_file
    try:
        state = BackgroundServer(**json.loads(state_file.read_text()))
    except (OSError, ValueError, TypeError):
        return None
    if process_alive(state.pid) and _reachable(state.url):
        return state
    return None


def start_background(
    settings: TalentSettings, port: int = 9200, startup_timeout_s: float = 30.0
) -> BackgroundServer:
    """Start the embedded server detached from this process, on 127.0.0.1:port."""
    existing = background_status(settings)
    if existing is not None:
        return existing
    settings.state_dir.mkdir(parents=True, exist_ok=True)
    log_path = settings.state_dir / "backend.log"
    url = f"http://127.0.0.1:{port}"
    if _reachable(url):
        raise EngineProcessError(
            f"port {port} is already serving something at {url}; choose --port"
        )
    # posix_spawn with setsid: the server outlives this process, and no Popen object is left
    # to warn about a child that is "still running" when this process ends.
    pid = os.posix_spawn(
        resolve_binary(),
        [resolve_binary(), "--addr", f"127.0.0.1:{port}", "--no-stdin-watch", "--no-ja"],
        dict(os.environ),
        file_actions=[
            (os.POSIX_SPAWN_OPEN, 0, os.devnull, os.O_RDONLY, 0),
            (os.POSIX_SPAWN_OPEN, 1, str(log_path), os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644),
            (os.POSIX_SPAWN_DUP2, 1, 2),
        ],
        setsid=True,
    )
    deadline = time.monotonic() + startup_timeout_s
    while time.monotonic() < deadline:
        finished, status = os.waitpid(pid, os.WNOHANG)
        if finished:
            raise EngineProcessError(f"embedded server exited with status {status}; see {log_path}")
        if _reachable(url):
            state = BackgroundServer(pid=pid, url=url, log_file=str(log_path))
            settings.backend_pid_file.write_text(json.dumps(state.__dict__))
            return state
        time.sleep(0.1)
    os.kill(pid, signal.SIGKILL)
    _reap(pid)
    raise EngineProcessError(
        f"embedded server did not answer at {url} within {startup_timeout_s} s"
    )


def stop_background(settings: TalentSettings, grace_s: float = 5.0) -> bool:
    """Stop the background server; True if one was running."""
    state_file: Path = settings.backend_pid_file
    try:
        state = BackgroundServer(**json.loads(state_file.read_text()))
    except (OSError, ValueError, TypeError):
        return False
    was_running = process_alive(state.pid)
    if was_running:
        os.kill(state.pid, signal.SIGTERM)
        deadline = time.monotonic() + grace_s
        while process_alive(state.pid) and time.monotonic() < deadline:
            _reap(state.pid)
            time.sleep(0.05)
        if process_alive(state.pid):
            os.kill(state.pid, signal.SIGKILL)
            _reap(state.pid)
    state_file.unlink(missing_ok=True)
    return was_running


def _reap(pid: int) -> None:
    """Collect the exit status when the server is our own child (tests start it in-process)."""
    with suppress(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)
