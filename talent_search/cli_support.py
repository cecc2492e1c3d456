"""Helpers every `talent-search` command shares: consoles, errors, progress, the engine, the
searcher.

Why a module of its own: the command modules (`talent_search.*_commands`) need these helpers and
are registered by `talent_search.cli`, so importing them from `cli` would be circular.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import typer
from opensearchpy import OpenSearch
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
)

from config.settings import TalentSettings
from domain.encoder import query_encoder
from ranking.talent_searcher import TalentSearcher
from talent_search.engine_process import EngineConnection, EngineProcessError, open_engine

__all__ = ["_backend_or_exit", "_fail", "_progress", "_searcher", "console", "out"]

console = Console(stderr=True)
out = Console()


def _fail(message: str, code: int = 1) -> typer.Exit:
    console.print(f"[bold red]error:[/] {message}")
    return typer.Exit(code)


def _progress() -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=False,
        disable=not console.is_terminal,
    )


@contextmanager
def _backend_or_exit() -> Iterator[EngineConnection]:
    try:
        with open_engine() as backend:
            if backend.kind == "embedded":
                console.print(
                    "[yellow]No OPENSEARCH_URL and no background backend: using an embedded "
                    "server for this command only; its data is gone when the command ends. "
                    "Run `talent-search backend start` to keep data between commands.[/]"
                )
            else:
                console.print(f"using {backend.description} at {backend.url}")
            yield backend
    except EngineProcessError as exc:
        raise _fail(str(exc)) from exc


def _searcher(client: OpenSearch, settings: TalentSettings) -> TalentSearcher:
    """The searcher of `search`, `eval`, `tune` and `demo`: the settings' index namespace,
    enabled countries and query model (TALENT_SEARCH_QUERY_EMBEDDING_BACKEND)."""
    return TalentSearcher.from_backend(
        client,
        settings.certification_registry.enabled_countries(),
        namespace=settings.index_namespace,
        encoder=query_encoder(settings.query_embedding_backend, settings.onnx_dir),
    )
