"""Helpers every `talent-search` command shares: consoles, errors, progress, the engine, the
searcher.

Why a module of its own: the command modules (`talent_search.*_commands`) need these helpers and
are registered by `talent_search.cli`, so importing them from `cli` would be circular.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import typer
from opensearchpy import OpenSearch
from pydantic import ValidationError
from rich.console import Console
from rich.markup import escape
from rich.measure import Measurement
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table

from config.settings import TalentSettings
from domain.encoder import query_encoder
from query_api.search_request import JobPostQuery
from ranking.blas_threads import one_blas_thread
from ranking.job_post_query import JobPost
from ranking.talent_searcher import TalentSearcher
from talent_search.engine_process import EngineConnection, EngineProcessError, open_engine

__all__ = [
    "_backend_or_exit",
    "_fail",
    "_progress",
    "_searcher",
    "console",
    "out",
    "print_table",
]

console = Console(stderr=True)
out = Console()


def print_table(table: Table, target: Console | None = None) -> None:
    """`table` on stdout, whole: on a terminal as wide as it fits; elsewhere (a pipe, a file)
    as wide as its content, never cut at 80 columns (`43/161…`)."""
    shown = target or out
    if shown.is_terminal:
        shown.print(table)
        return
    natural = Measurement.get(shown, shown.options.update(max_width=100_000), table).maximum
    width = shown.width
    shown.width = max(width, natural)
    try:
        shown.print(table)
    finally:
        shown.width = width


def _fail(message: str, code: int = 1) -> typer.Exit:
    console.print(f"[bold red]error:[/] {message}")
    return typer.Exit(code)


def job_post_or_exit(text: str, where: str) -> tuple[str, JobPost]:
    """A job post given as JSON (`POST /v1/search`'s `job` object), as the ranking reads it,
    with its title; exit 2 naming `where` and the field when it is not valid."""
    try:
        job = JobPostQuery.model_validate_json(text)
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        field = ".".join(str(part) for part in first["loc"]) or "the post"
        raise _fail(f"{where}: {field}: {escape(first['msg'])}", 2) from exc
    return job.title, job.job_post()


#: Off a terminal, a long task prints a plain progress line at most this often.
PLAIN_EVERY_S = 30.0


def _duration(seconds: float | None) -> str:
    if seconds is None:
        return "?"
    minutes, secs = divmod(round(seconds), 60)
    return f"{minutes} min {secs:02d} s" if minutes else f"{secs} s"


class PlainLines(Progress):
    """rich's bar on a terminal (with the time left); elsewhere (a pipe, a log, CI) a plain line
    per task at most every `every_s` seconds and when it finishes, so a run of minutes is never
    silent: `tuning: fold 2/5: trial 14/100, best 0.8123: 114/600, 3 min 10 s elapsed, about
    13 min 20 s left`."""

    def __init__(
        self,
        *args: Any,
        every_s: float = PLAIN_EVERY_S,
        clock: Callable[[], float] = time.monotonic,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self._every_s = every_s
        self._clock = clock
        self._printed: dict[TaskID, float] = {}

    def update(self, task_id: TaskID, **kwargs: Any) -> None:
        super().update(task_id, **kwargs)
        self._plain_line(task_id)

    def advance(self, task_id: TaskID, advance: float = 1) -> None:
        super().advance(task_id, advance)
        self._plain_line(task_id)

    def _plain_line(self, task_id: TaskID) -> None:
        if not self.disable:
            return
        task = next(t for t in self.tasks if t.id == task_id)
        now = self._clock()
        last = self._printed.get(task_id)
        if not task.finished and last is not None and now - last < self._every_s:
            return
        if task.finished and last == -1:
            return  # its last line is out
        self._printed[task_id] = -1 if task.finished else now
        total = f"/{task.total:g}" if task.total is not None else ""
        remaining = None if task.finished else task.time_remaining
        left = "" if remaining is None else f", about {_duration(remaining)} left"
        self.console.print(
            f"{task.description}: {task.completed:g}{total}, "
            f"{_duration(task.elapsed)} elapsed{left}",
            markup=False,
            highlight=False,
        )


def _progress(target: Console | None = None, every_s: float = PLAIN_EVERY_S) -> Progress:
    shown = target or console
    return PlainLines(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("left"),
        TimeRemainingColumn(),
        console=shown,
        transient=False,
        disable=not shown.is_terminal,
        every_s=every_s,
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
    enabled countries and query model (TALENT_SEARCH_QUERY_EMBEDDING_BACKEND), with numpy's
    BLAS on one thread per call as the API runs it (ranking.blas_threads)."""
    one_blas_thread()
    return TalentSearcher.from_backend(
        client,
        settings.certification_registry.enabled_countries(),
        namespace=settings.index_namespace,
        encoder=query_encoder(settings.query_embedding_backend, settings.onnx_dir),
    )
