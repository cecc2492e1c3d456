"""The engine a benchmark runs on: `--engine embedded|opensearch`, started for the run.

Each benchmark starts its own engine, so two runs never share caches or data, and stops it at
the end. `embedded` is osmem-server; `opensearch` is one real OpenSearch node (3.5.0, or the
version in TALENT_SEARCH_ENGINE_VERSION, e.g. 2.19.1) from its Maven Central jars
(`talent_search.opensearch_engine`) with its data in a temporary state dir.
`--backend-url` (or `OPENSEARCH_URL`) instead measures a cluster someone else runs.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import typer
from osmem_server import OsmemServer

from config.settings import EngineSettings, TalentSettings
from talent_search.engine_process import stop_embedded
from talent_search.opensearch_engine import (
    OPENSEARCH_VERSION,
    engine_status,
    free_port_block,
    start_engine,
    stop_engine,
)

EngineName = Literal["embedded", "opensearch"]


def engine_name(value: str) -> EngineName:
    """`--engine` as typed: `embedded` or `opensearch`; anything else is a usage error."""
    if value == "embedded":
        return "embedded"
    if value == "opensearch":
        return "opensearch"
    raise typer.BadParameter(f"--engine must be embedded or opensearch, got {value!r}")


@dataclass(frozen=True)
class BenchEngine:
    name: str
    url: str
    pids: tuple[int, ...]  # the engine's own processes, for memory figures


@contextmanager
def bench_engine(
    engine: EngineName, heap: str = "2g", backend_url: str | None = None
) -> Iterator[BenchEngine]:
    """Start `engine` for this run (or use `backend_url` / OPENSEARCH_URL), stop it afterwards."""
    url = backend_url or EngineSettings().url
    if url:
        # this checkout's background engine (`talent-search backend start --engine opensearch`)
        # has known processes: its memory is measured too, and it outlives the benchmark
        own = engine_status(TalentSettings())
        if own is not None and own.url == url:
            name = f"OpenSearch {own.version}, {len(own.nodes)} node(s), background engine"
            yield BenchEngine(name, url, tuple(own.pids.values()))
            return
        yield BenchEngine(f"cluster at {url}", url, ())
        return
    if engine == "embedded":
        server = OsmemServer.start(japanese=False)
        try:
            yield BenchEngine("embedded osmem-server", server.url, (server.process.pid,))
        finally:
            stop_embedded(server)
        return
    settings = TalentSettings(state_dir=Path(tempfile.mkdtemp(prefix="ts-bench-engine-")))
    version = settings.engine_version or OPENSEARCH_VERSION
    state = start_engine(settings, version=version, nodes=1, heap=heap, port=free_port_block())
    try:
        yield BenchEngine(
            f"OpenSearch {version}, 1 node, heap {heap}", state.url, tuple(state.pids.values())
        )
    finally:
        stop_engine(settings)


def cpu_s(pid: int) -> float:
    """CPU time a process has used so far, user and system, in seconds (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rss_mb(pids: tuple[int, ...]) -> float:
    """Resident memory of the engine's processes, in MB (Linux /proc)."""
    total = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total / 1024
