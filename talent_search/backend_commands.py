"""`talent-search backend start|stop|status`: engines left running in the background.

Why: the embedded server keeps nothing on disk, so commands share data through a background
engine (the embedded server or a real OpenSearch), as they would through a cluster.
"""

from __future__ import annotations

import re
from typing import Annotated, Literal

import typer
from opensearchpy.exceptions import OpenSearchException

from config.settings import EngineSettings, TalentSettings
from talent_search.cli_support import _fail, console, out
from talent_search.engine_process import (
    EngineProcessError,
    background_status,
    make_client,
    start_background,
    stop_background,
)
from talent_search.opensearch_engine import (
    OPENSEARCH_VERSION,
    SUPPORTED_VERSIONS,
    EngineError,
    engine_status,
    start_engine,
    stop_engine,
)

backend_app = typer.Typer(
    help="Run a backend in the background: the embedded server or a real OpenSearch."
)


@backend_app.command("start")
def backend_start(
    engine: Annotated[
        Literal["embedded", "opensearch"],
        typer.Option(help="embedded: osmem-server, no JVM. opensearch: a real OpenSearch."),
    ] = "embedded",
    version: Annotated[
        str | None,
        typer.Option(
            help=f"OpenSearch version: {' or '.join(SUPPORTED_VERSIONS)} "
            f"(default {OPENSEARCH_VERSION}, or TALENT_SEARCH_ENGINE_VERSION)."
        ),
    ] = None,
    nodes: Annotated[
        int, typer.Option(min=1, max=3, help="OpenSearch nodes, one JVM each: 1 or 3.")
    ] = 1,
    heap: Annotated[
        str | None, typer.Option(help="OpenSearch heap per node, e.g. 512m or 1g.")
    ] = None,
    port: Annotated[int, typer.Option(help="HTTP port on 127.0.0.1 (of the first node).")] = 9200,
) -> None:
    """Start a backend in the background and print the OPENSEARCH_URL to export."""
    settings = TalentSettings()
    if engine == "embedded":
        if version is not None:
            raise _fail("--version is for --engine opensearch", code=2)
        try:
            state = start_background(settings, port=port)
        except EngineProcessError as exc:
            raise _fail(str(exc)) from exc
        console.print(f"embedded backend running (pid {state.pid}, log {state.log_file})")
        out.print(f"export OPENSEARCH_URL={state.url}")
        return
    if nodes not in (1, 3):
        raise _fail(f"--nodes must be 1 or 3, got {nodes}", code=2)
    if heap is not None and not re.fullmatch(r"[1-9][0-9]*[mg]", heap):
        raise _fail(f"--heap must look like 512m or 2g, got {heap!r}", code=2)
    version = version or settings.engine_version or OPENSEARCH_VERSION
    if version not in SUPPORTED_VERSIONS:
        raise _fail(f"--version must be one of {', '.join(SUPPORTED_VERSIONS)}, got {version}", 2)
    console.print(
        f"starting OpenSearch {version} ({nodes} node(s)); the first start of a version builds "
        "its classpath with Maven"
    )
    try:
        engine_state = start_engine(
            settings, version=version, nodes=nodes, heap=heap or settings.engine_heap, port=port
        )
    except EngineError as exc:
        raise _fail(str(exc)) from exc
    for spec in engine_state.nodes:
        console.print(
            f"{spec.name}: pid {engine_state.pids[spec.name]}, {spec.url}, log {spec.log_file}"
        )
    out.print(f"export OPENSEARCH_URL={engine_state.url}")


@backend_app.command("stop")
def backend_stop() -> None:
    """Stop the background backends (embedded data is discarded; OpenSearch data is kept)."""
    settings = TalentSettings()
    stopped = []
    if stop_engine(settings):
        stopped.append("OpenSearch")
    if stop_background(settings):
        stopped.append("embedded backend")
    if stopped:
        console.print(f"stopped {' and '.join(stopped)}")
    else:
        console.print("no background backend was running")


@backend_app.command("status")
def backend_status() -> None:
    """Say which background backends run, and where (exit 1 when none does)."""
    settings = TalentSettings()
    found = False
    engine_state = engine_status(settings)
    if engine_state is not None:
        found = True
        health = _cluster_health(engine_state.url)
        out.print(
            f"opensearch {engine_state.version} running nodes={len(engine_state.nodes)} "
            f"health={health} "
            f"url={engine_state.url}"
        )
    state = background_status(settings)
    if state is not None:
        found = True
        out.print(f"embedded running pid={state.pid} url={state.url}")
    if not found:
        out.print("not running")
        raise typer.Exit(1)


def _cluster_health(url: str) -> str:
    try:
        health = make_client(url, EngineSettings(timeout_s=5)).cluster.health()
    except OpenSearchException as exc:
        return f"unknown ({type(exc).__name__})"
    return str(health["status"])
