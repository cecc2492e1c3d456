"""Helpers every `talent-search` command shares: consoles, errors, progress, the backend.

Why a module of its own: command modules (`talent_search.eval_commands`) need these helpers and
are registered by `talent_search.cli`, so importing them from `cli` would be circular.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
)

from talent_search.backend import BackendError, open_backend

__all__ = ["_backend_or_exit", "_fail", "_progress", "console", "out"]

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
def _backend_or_exit() -> Iterator[Any]:
    try:
        with open_backend() as backend:
            if backend.kind == "embedded":
                console.print(
                    "[yellow]No OPENSEARCH_URL and no background backend: using an embedded "
                    "server for this command only; its data is gone when the command ends. "
                    "Run `talent-search backend start` to keep data between commands.[/]"
                )
            yield backend
    except BackendError as exc:
        raise _fail(str(exc)) from exc
