"""The real engine: OpenSearch 3.5.0 (the default) or 2.19.1 nodes run from their jars on Maven
Central.

`engines/opensearch/` is a small Maven project with one profile per supported version that pins
the engine, its standard modules and the k-NN plugin, plus a launcher that starts one node per
JVM. This module finds a JDK for the version (`jdk.py`), builds the project once per version (the
classpath is cached under the state dir, keyed by the version and a hash of the project's files),
starts one or three nodes in the background, waits for cluster health, and stops them. Node data
and logs live under `$TALENT_SEARCH_STATE_DIR/opensearch/`, per version and per checkout. A node
that does not come up is reported with the last lines of its log, never silently. Nodes that
are not this checkout's engine (the tests' secured node) run on the same pieces without the
state file: `node_specs`, `spawn_nodes`, `wait_for_health` and `stop_nodes`.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Literal

from config.settings import CHECKOUT_ID, TalentSettings
from talent_search.errors import CliError
from talent_search.jdk import JdkNotFound, find_jdk, required_java

SUPPORTED_VERSIONS = ("3.5.0", "2.19.1")
OPENSEARCH_VERSION = SUPPORTED_VERSIONS[0]  # the default, and the reference the docs measure
ENGINE_PROJECT = Path(__file__).resolve().parents[1] / "engines" / "opensearch"
LAUNCHER_CLASS = "talentsearch.engine.EngineNode"
CLUSTER_NAME = "talent-search"
# Transport ports sit this far above the HTTP ports, so --port alone places a whole cluster.
TRANSPORT_PORT_OFFSET = 100
LOG_TAIL_LINES = 40
_APPEND = os.O_WRONLY | os.O_CREAT | os.O_APPEND


class EngineError(CliError, RuntimeError):
    """The real engine could not be built, started, reached or stopped."""


class EngineUnavailable(EngineError):
    """Java or Maven is missing, so the real engine cannot run on this machine."""


def check_version(version: str) -> str:
    if version not in SUPPORTED_VERSIONS:
        raise EngineError(
            f"OpenSearch {version} is not supported; choose one of {', '.join(SUPPORTED_VERSIONS)}"
        )
    return version


def missing_tools(version: str = OPENSEARCH_VERSION) -> list[str]:
    """What this machine lacks to run the real engine `version` (empty when it can)."""
    missing = []
    try:
        find_jdk(required_java(version))
    except JdkNotFound as exc:
        missing.append(str(exc))
    if shutil.which("mvn") is None:
        missing.append("Maven (`mvn`; e.g. apt-get install maven)")
    if not (ENGINE_PROJECT / "pom.xml").is_file():
        missing.append(f"the Maven project {ENGINE_PROJECT} (a source checkout)")
    return missing


def _project_hash() -> str:
    digest = hashlib.sha256()
    files = [ENGINE_PROJECT / "pom.xml", *sorted((ENGINE_PROJECT / "src").rglob("*.java"))]
    # rglob order differs between file systems: sorted above, by full path
    for path in files:
        digest.update(str(path.relative_to(ENGINE_PROJECT)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def engine_java(version: str = OPENSEARCH_VERSION) -> Path:
    """The `java` that runs `version` (JAVA_HOME, then the JDKs on the machine)."""
    try:
        return find_jdk(required_java(check_version(version))) / "bin" / "java"
    except JdkNotFound as exc:
        raise EngineUnavailable(str(exc)) from exc


def engine_classpath(
    settings: TalentSettings, *, version: str = OPENSEARCH_VERSION, quiet: bool = True
) -> list[str]:
    """The node's classpath for `version`, built with Maven on first use and cached until the
    project changes."""
    missing = missing_tools(check_version(version))
    if missing:
        raise EngineUnavailable(f"OpenSearch {version} needs " + "; ".join(missing))
    build_dir = settings.state_dir / "opensearch" / f"build-{version}-{_project_hash()}"
    classpath_file = build_dir / "classpath.txt"
    if not classpath_file.is_file():
        command = [
            "mvn",
            "-B",
            *(["-q"] if quiet else []),
            "-f",
            str(ENGINE_PROJECT / "pom.xml"),
            f"-Popensearch-{version}",
            f"-Dengine.build.dir={build_dir}",
            "package",
        ]
        java_home = engine_java(version).parents[1]
        env = {**os.environ, "JAVA_HOME": str(java_home)}
        done = subprocess.run(command, capture_output=True, text=True, check=False, env=env)
        if done.returncode != 0 or not classpath_file.is_file():
            tail = "\n".join((done.stdout + done.stderr).splitlines()[-LOG_TAIL_LINES:])
            raise EngineError(
                f"building the engine with Maven failed ({' '.join(command)}):\n{tail}"
            )
    jars = [str(build_dir / "opensearch-engine.jar")]
    jars += [p for p in classpath_file.read_text().strip().split(os.pathsep) if p]
    jars += sorted(str(p) for p in (build_dir / "knn").glob("*.jar"))
    return jars


@dataclass(frozen=True)
class NodeSpec:
    """Everything needed to (re)start one node: its command line and where it writes."""

    name: str
    http_port: int
    transport_port: int
    home: str
    argv: list[str]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.http_port}"

    @property
    def log_file(self) -> Path:
        return Path(self.home) / "node.log"


@dataclass
class EngineState:
    """The running engine as recorded in its state file."""

    nodes: list[NodeSpec]
    pids: dict[str, int] = field(default_factory=dict)
    heap: str = "512m"
    version: str = OPENSEARCH_VERSION

    @property
    def urls(self) -> list[str]:
        return [n.url for n in self.nodes]

    @property
    def url(self) -> str:
        """The value for OPENSEARCH_URL: every node, comma-separated."""
        return ",".join(self.urls)


def _state_file(settings: TalentSettings) -> Path:
    """Per checkout, like the embedded backend's: another checkout's engine is never found."""
    return settings.state_dir / f"opensearch-{CHECKOUT_ID}.json"


def _save(settings: TalentSettings, state: EngineState) -> None:
    data = {
        "nodes": [asdict(n) for n in state.nodes],
        "pids": state.pids,
        "heap": state.heap,
        "version": state.version,
    }
    _state_file(settings).write_text(json.dumps(data, indent=1))


def _load(settings: TalentSettings) -> EngineState | None:
    try:
        data = json.loads(_state_file(settings).read_text())
        return EngineState(
            nodes=[NodeSpec(**n) for n in data["nodes"]],
            pids={k: int(v) for k, v in data["pids"].items()},
            heap=str(data.get("heap", "512m")),
            version=str(data["version"]),
        )
    except (OSError, ValueError, TypeError, KeyError):
        return None


def process_alive(pid: int) -> bool:
    """Whether `pid` runs (a finished child of ours is reaped, so it never lingers as a zombie)."""
    try:
        finished, _ = os.waitpid(pid, os.WNOHANG)
        if finished:
            return False
    except ChildProcessError:
        pass
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _get_json(url: str, timeout: float = 2.0) -> dict[str, object] | None:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as resp:
            body: dict[str, object] = json.loads(resp.read())
            return body
    except (urllib.error.URLError, OSError, ValueError):
        return None


def port_free(port: int) -> bool:
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def free_port_block(span: int = 1, offset: int = TRANSPORT_PORT_OFFSET) -> int:
    """A `--port` for `span` nodes: p..p+span-1 and their transport ports p+offset.. all free."""
    for _ in range(200):
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port: int = sock.getsockname()[1]
        if port + offset + span >= 65535:
            continue
        wanted = [port + i for i in range(span)] + [port + offset + i for i in range(span)]
        if all(port_free(p) for p in wanted):
            return port
    raise EngineError("no free block of ports on 127.0.0.1")


def log_tail(path: Path, lines: int = LOG_TAIL_LINES) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return f"(no log at {path})"


def node_specs(
    settings: TalentSettings,
    classpath: list[str],
    nodes: int,
    heap: str,
    port: int,
    *,
    version: str = OPENSEARCH_VERSION,
) -> list[NodeSpec]:
    """One node per JVM; three nodes discover each other on their loopback transport ports.

    Each version keeps its own data (a 3.x index cannot be read by 2.19), as does each checkout.
    """
    base = settings.state_dir / "opensearch" / f"{version}-{nodes}-node-{CHECKOUT_ID}"
    names = [f"node-{i}" for i in range(nodes)]
    transport = [port + TRANSPORT_PORT_OFFSET + i for i in range(nodes)]
    specs = []
    for i, name in enumerate(names):
        home = base / name
        node_settings = {
            "cluster.name": CLUSTER_NAME,
            "node.name": name,
            "path.home": str(home),
            "path.data": str(home / "data"),
            "path.logs": str(home / "logs"),
            "network.host": "127.0.0.1",
            "http.port": str(port + i),
            "transport.port": str(transport[i]),
            "http.type": "netty4",
            "transport.type": "netty4",
            # Shared build machines run with little free disk at times; the test data is tiny.
            "cluster.routing.allocation.disk.threshold_enabled": "false",
        }
        if nodes == 1:
            node_settings["discovery.type"] = "single-node"
        else:
            node_settings["discovery.seed_hosts"] = ",".join(f"127.0.0.1:{p}" for p in transport)
            node_settings["cluster.initial_cluster_manager_nodes"] = ",".join(names)
        argv = [
            str(engine_java(version)),
            f"-Xms{heap}",
            f"-Xmx{heap}",
            "-XX:+UseG1GC",
            "-XX:+ExitOnOutOfMemoryError",
            "-Djava.awt.headless=true",
            "-Dlog4j2.disable.jmx=true",
            "-Dopensearch.set.netty.runtime.available.processors=false",
            f"-Djava.io.tmpdir={home / 'tmp'}",
            "-cp",
            os.pathsep.join(classpath),
            LAUNCHER_CLASS,
            *(f"{k}={v}" for k, v in node_settings.items()),
        ]
        specs.append(NodeSpec(name, port + i, transport[i], str(home), argv))
    return specs


def spawn_node(spec: NodeSpec) -> int:
    """Start one node detached from this process (it outlives the command that started it)."""
    home = Path(spec.home)
    for sub in ("data", "logs", "tmp"):
        (home / sub).mkdir(parents=True, exist_ok=True)
    return os.posix_spawn(
        spec.argv[0],
        spec.argv,
        dict(os.environ),
        file_actions=[
            (os.POSIX_SPAWN_OPEN, 0, os.devnull, os.O_RDONLY, 0),
            (os.POSIX_SPAWN_OPEN, 1, str(spec.log_file), _APPEND, 0o644),
            (os.POSIX_SPAWN_DUP2, 1, 2),
        ],
        setsid=True,
    )


def spawn_nodes(specs: list[NodeSpec], *, heap: str, version: str, port_hint: str) -> EngineState:
    """Start `specs` once their HTTP and transport ports are known to be free; not waited for."""
    busy = [p for s in specs for p in (s.http_port, s.transport_port) if not port_free(p)]
    if busy:
        raise EngineError(
            f"OpenSearch needs ports {sorted(busy)} on 127.0.0.1 (HTTP and transport), "
            f"and something else uses them: {port_hint}."
        )
    state = EngineState(nodes=specs, heap=heap, version=version)
    for spec in specs:
        state.pids[spec.name] = spawn_node(spec)
    return state


HealthStatus = Literal["green", "yellow", "red"]
# GET a path (`/_cluster/health?...`) on a node: the JSON body, or None while it does not answer.
NodeGetter = Callable[[str], dict[str, object] | None]


def wait_for_health(
    state: EngineState,
    status: HealthStatus,
    timeout_s: float,
    *,
    nodes: int | None = None,
    get_json: NodeGetter | None = None,
) -> None:
    """Wait until every node answers and the cluster reports `status` with all nodes joined.

    The first node is asked over plain HTTP, as `node_specs` configures it; a node configured
    otherwise (TLS, a password) passes `get_json`, which may raise to stop the wait early.
    """
    want = nodes if nodes is not None else len(state.nodes)
    get = get_json or (lambda path: _get_json(state.nodes[0].url + path))
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        for spec in state.nodes:
            pid = state.pids.get(spec.name)
            if pid is not None and not process_alive(pid):
                raise EngineError(
                    f"OpenSearch node {spec.name} exited during start-up; last lines of "
                    f"{spec.log_file}:\n{log_tail(spec.log_file)}"
                )
        health = get(f"/_cluster/health?wait_for_status={status}&wait_for_nodes={want}&timeout=1s")
        if health is not None and health.get("timed_out") is False:
            return
        time.sleep(0.5)
    tails = "\n".join(f"--- {n.log_file}\n{log_tail(n.log_file, 15)}" for n in state.nodes)
    raise EngineError(
        f"OpenSearch did not reach {status} health with {want} node(s) within {timeout_s:.0f} s:\n"
        f"{tails}"
    )


def start_engine(
    settings: TalentSettings,
    *,
    version: str = OPENSEARCH_VERSION,
    nodes: int = 1,
    heap: str = "512m",
    port: int = 9200,
    timeout_s: float = 180.0,
    port_hint: str = "choose another --port",
) -> EngineState:
    """Start the nodes in the background and wait for yellow (one node) or green (a cluster).

    An engine this checkout already runs is returned if it is `version`, and refused if not.
    """
    if nodes not in (1, 3):
        raise EngineError(f"--nodes must be 1 or 3, got {nodes}")
    check_version(version)
    settings.state_dir.mkdir(parents=True, exist_ok=True)
    with _start_lock(settings):  # a second command waits here, then finds this one's nodes
        existing = engine_status(settings)
        starting = None if existing is not None else _starting(settings)
        for found in (existing, starting):
            if found is not None and found.version != version:
                raise EngineError(
                    f"OpenSearch {found.version} already runs at {found.url} for this "
                    f"checkout, and {version} was asked for: stop it first with "
                    "`talent-search backend stop`."
                )
        if existing is not None:
            return existing
        if starting is None:
            classpath = engine_classpath(settings, version=version)
            specs = node_specs(settings, classpath, nodes, heap, port, version=version)
            state = spawn_nodes(specs, heap=heap, version=version, port_hint=port_hint)
            _save(settings, state)
    if starting is not None:  # another command started these nodes: wait for them, not anew
        wait_for_health(starting, _ready_status(len(starting.nodes)), timeout_s)
        return starting
    try:
        wait_for_health(state, _ready_status(nodes), timeout_s)
    except EngineError:
        stop_engine(settings)
        raise
    return state


def _ready_status(nodes: int) -> HealthStatus:
    """The health a started engine waits for: yellow on one node (replicas cannot be placed),
    green on a cluster."""
    return "yellow" if nodes == 1 else "green"


@contextmanager
def _start_lock(settings: TalentSettings) -> Iterator[None]:
    """One command at a time checks for this checkout's engine and spawns its nodes."""
    lock_file = _state_file(settings).with_suffix(".lock")
    with lock_file.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _starting(settings: TalentSettings) -> EngineState | None:
    """The engine in the state file whose nodes run but do not answer yet (still starting,
    or busy): a command must wait for it, never start a second engine on the same data.
    A recorded pid counts only while it is that node's process (pids are reused)."""
    return _recorded_engine(settings, _runs_node)


def _recorded_engine(
    settings: TalentSettings, node_is_up: Callable[[int, NodeSpec], bool]
) -> EngineState | None:
    """The engine in the state file, if one of its nodes' processes is alive and `node_is_up`."""
    state = _load(settings)
    if state is None:
        return None
    for spec in state.nodes:
        pid = state.pids.get(spec.name)
        if pid is not None and process_alive(pid) and node_is_up(pid, spec):
            return state
    return None


def _runs_node(pid: int, spec: NodeSpec) -> bool:
    """Whether process `pid` is the node `spec` (its command line names the node's home)."""
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")
    except OSError:
        return True  # no /proc to read: trust the recorded pid, as engine_status does
    return spec.home in cmdline


def engine_status(settings: TalentSettings) -> EngineState | None:
    """The engine from the state file, if at least one of its nodes is alive and answering."""
    return _recorded_engine(settings, lambda _pid, spec: _get_json(spec.url) is not None)


def _wait_or_kill(pid: int, grace_s: float) -> None:
    deadline = time.monotonic() + grace_s
    while process_alive(pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    if process_alive(pid):
        os.kill(pid, signal.SIGKILL)
        while process_alive(pid) and time.monotonic() < deadline + 5:
            time.sleep(0.05)


def stop_engine(settings: TalentSettings, grace_s: float = 20.0) -> bool:
    """Stop every node (their data stays under the state dir); True if any was running."""
    state = _load(settings)
    if state is None:
        return False
    running = stop_nodes(state, grace_s)
    _state_file(settings).unlink(missing_ok=True)
    return running


def stop_nodes(state: EngineState, grace_s: float = 20.0) -> bool:
    """SIGTERM every node of `state`, SIGKILL those still up after `grace_s`; True if any ran.

    Unlike `stop_engine` it leaves the state file alone: nodes nobody recorded stop this way.
    """
    running = [pid for pid in state.pids.values() if process_alive(pid)]
    for pid in running:  # every node shuts down at once, then each is waited for
        with suppress(ProcessLookupError):
            os.kill(pid, signal.SIGTERM)
    for pid in running:
        _wait_or_kill(pid, grace_s)
    return bool(running)


def kill_node(settings: TalentSettings, name: str) -> None:
    """SIGKILL one node, as a crash would (the fault tests use this)."""
    state = _load(settings)
    if state is None or name not in state.pids:
        raise EngineError(f"no running node named {name}")
    pid = state.pids[name]
    os.kill(pid, signal.SIGKILL)
    while process_alive(pid):
        time.sleep(0.05)


def restart_node(settings: TalentSettings, name: str, timeout_s: float = 180.0) -> EngineState:
    """Start a stopped node again with its original command line; wait for green."""
    state = _load(settings)
    if state is None:
        raise EngineError("no engine state file: start the engine first")
    spec = next((n for n in state.nodes if n.name == name), None)
    if spec is None:
        raise EngineError(f"no node named {name}")
    state.pids[name] = spawn_node(spec)
    _save(settings, state)
    wait_for_health(state, _ready_status(len(state.nodes)), timeout_s)
    return state
