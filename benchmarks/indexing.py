"""Indexer throughput against raw bulk throughput of the same documents, on the same engine.

    .venv/bin/python benchmarks/indexing.py --count 100000 --engine opensearch
    .venv/bin/python benchmarks/indexing.py --count 1000000 --engine opensearch --raw-bulk file

The engine is started for this run (`--engine embedded|opensearch`, `--heap` for the real one)
unless `--backend-url` names a running cluster.

Order: a warm-up indexer run on the first `--warmup-count` profiles (fills the embedding cache
and warms the engine and its JIT, so neither measured phase pays for that), then the raw bulk,
then the timed indexer run.

Raw bulk (`--raw-bulk`): the documents are built first (not timed), then sent with the same bulk
loader and refreshed.
- `list`: held in memory as one list (the baseline of earlier runs; at 1M it costs GBs here);
- `file`: written to a JSON Lines file and streamed from it (timed: reading and parsing lines);
- `skip`: no baseline, only the indexer (time and memory).
Indexer: the whole run (read, validate, canonicalise, derive, bulk, verify, skills, swap), with
the embedding cache warm. The ratio shows what the indexer adds.

Memory: the engine's RSS (its processes, sampled every second: peak and at the end) and this
process's peak RSS (`getrusage`), which includes the raw-bulk list in `list` mode.

`--workers`: the processes that build the indexer's documents (the setting
TALENT_SEARCH_INDEX_WORKERS; 0 builds them in this process). During the timed indexer run this
process's RSS and the largest RSS of one build worker are sampled every second too: that is the
indexer's own memory, without the raw-bulk list of the phase before.

The phases are functions (`write_corpus`, `measure_indexing`) that benchmarks/report.py calls
too; benchmarks/query.py indexes with `index_profiles`.
"""

from __future__ import annotations

import io
import itertools
import json
import multiprocessing
import os
import resource
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Literal

import typer
from bench_engines import bench_engine, engine_name, rss_mb
from opensearchpy import OpenSearch
from rich.console import Console
from rich.progress import Progress, TaskID

from config.settings import DEFAULT_INDEX_WORKERS, EngineSettings, TalentSettings
from domain.badges import BadgePolicy
from domain.certification_registry import default_registry
from domain.encoder import model_encoder, model_key
from domain.skill_vocabulary import SkillVocabulary
from indexer.bulk_loading import BulkSettings, bulk_load
from indexer.demo_corpus import DEFAULT_AS_OF, write_demo_corpus
from indexer.document_builder import BuildReport, DocumentBuilder
from indexer.index_aliases import create_index
from indexer.indexing_run import RunSummary, run_index
from indexer.profile_reader import ReadProfile, read_profiles
from indexer.skill_embeddings import EmbeddingCache
from mappings.index_contract import IndexNamespace, new_stamp
from talent_search.engine_process import make_client

console = Console()
RawMode = Literal["list", "file", "skip"]


class PeakRss:
    """Samples the engine's RSS every `interval_s` in a thread: the peak and the last value."""

    def __init__(self, pids: tuple[int, ...], interval_s: float = 1.0) -> None:
        self.pids, self.interval_s = pids, interval_s
        self.peak = self.last = rss_mb(pids)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(self.interval_s):
            self.sample()

    def sample(self) -> float:
        self.last = rss_mb(self.pids)
        self.peak = max(self.peak, self.last)
        return self.last

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()
        self.sample()


class WorkerRss(PeakRss):
    """The largest RSS of one of this process's worker processes (multiprocessing), sampled."""

    def __init__(self, interval_s: float = 1.0) -> None:
        super().__init__((), interval_s)

    def sample(self) -> float:
        sizes = [rss_mb((child.pid,)) for child in multiprocessing.active_children() if child.pid]
        self.last = max(sizes, default=0.0)
        self.peak = max(self.peak, self.last)
        return self.last


def own_peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KB on Linux


def raw_mode_of(value: str) -> RawMode:
    """`--raw-bulk` as typed: list, file or skip."""
    if value == "list":
        return "list"
    if value == "file":
        return "file"
    if value == "skip":
        return "skip"
    raise typer.BadParameter(f"--raw-bulk must be list, file or skip, got {value!r}")


def every(progress: Progress, task: TaskID, step: int = 1000) -> Callable[[int], None]:
    """A progress callback that advances the bar once per `step` units (cheap per call: the
    timed phases call it once per line)."""
    pending = 0

    def advance(n: int) -> None:
        nonlocal pending
        pending += n
        if pending >= step:
            progress.advance(task, pending)
            pending = 0

    return advance


def count_lines(path: Path) -> int:
    with path.open() as lines:
        return sum(1 for _ in lines)


def new_builder() -> DocumentBuilder:
    return DocumentBuilder(
        SkillVocabulary.load_default().copy(), default_registry(), BadgePolicy(), DEFAULT_AS_OF
    )


def write_corpus(path: Path, count: int, progress: Progress) -> float:
    """Write `count` demo profiles to `path`; the seconds it took."""
    task = progress.add_task(f"writing {count} demo profiles", total=count)
    started = time.perf_counter()
    write_demo_corpus(path, count, on_progress=lambda n: progress.advance(task, n))
    return time.perf_counter() - started


def index_profiles(
    client: OpenSearch,
    corpus: Path,
    cache: EmbeddingCache,
    namespace: IndexNamespace,
    progress: Progress,
    label: str = "indexer",
    builder: DocumentBuilder | None = None,
    bulk: BulkSettings | None = None,
    lines: int | None = None,
    workers: int = DEFAULT_INDEX_WORKERS,
) -> RunSummary:
    """The indexer end to end on `corpus` (a rebuild: its alias swapped in), with a progress
    bar counting its `lines` (counted first when not given: pass them to time the run)."""
    total = lines if lines is not None else count_lines(corpus)
    task = progress.add_task(label, total=total)
    summary = run_index(
        client,
        corpus,
        io.StringIO(),
        builder or new_builder(),
        model_encoder(),
        cache,
        model_key(),
        bulk=bulk or BulkSettings(),
        on_line=every(progress, task),
        namespace=namespace,
        workers=workers,
    )
    progress.update(task, completed=total)
    return summary


@dataclass
class IndexingResult:
    count: int
    chunk_size: int
    raw_mode: RawMode
    warmup_count: int
    warmup_s: float
    raw_docs: int = 0
    raw_s: float = float("nan")
    build_s: float = float("nan")
    indexed: int = 0
    indexer_s: float = float("nan")
    live_count: int = 0
    engine_rss_before_mb: float = float("nan")
    engine_rss_end_mb: float = float("nan")
    engine_rss_peak_mb: float = float("nan")
    own_peak_rss_mb: float = float("nan")
    workers: int = DEFAULT_INDEX_WORKERS
    # sampled every second during the timed indexer run only
    indexer_rss_peak_mb: float = float("nan")
    worker_rss_peak_mb: float = float("nan")

    @property
    def raw_docs_per_s(self) -> float:
        return self.raw_docs / self.raw_s if self.raw_docs else float("nan")

    @property
    def indexer_docs_per_s(self) -> float:
        return self.indexed / self.indexer_s

    @property
    def indexer_over_raw(self) -> float:
        return self.indexer_docs_per_s / self.raw_docs_per_s

    def figures(self) -> dict[str, Any]:
        return asdict(self) | {
            "raw_docs_per_s": self.raw_docs_per_s,
            "indexer_docs_per_s": self.indexer_docs_per_s,
            "indexer_over_raw": self.indexer_over_raw,
        }


def send_raw_bulk(
    client: OpenSearch,
    corpus: Path,
    workdir: Path,
    mode: RawMode,
    bulk: BulkSettings,
    namespace: IndexNamespace,
    progress: Progress,
    result: IndexingResult,
) -> None:
    """The baseline: the corpus's documents built (untimed), then sent to a new index with the
    same bulk loader and refreshed (timed), held in a list or streamed from a JSON Lines file;
    the index is deleted afterwards."""
    report = BuildReport()
    builder = new_builder()
    built = (
        builder.build(item.profile, report).model_dump(mode="json", exclude_none=True)
        for item in read_profiles(corpus)
        if isinstance(item, ReadProfile)
    )
    task = progress.add_task(f"raw bulk: building the documents ({mode})", total=result.count)
    started = time.perf_counter()
    docs: list[dict[str, Any]] = []
    prebuilt = workdir / "prebuilt.jsonl"
    advance = every(progress, task)
    if mode == "list":
        for doc in built:
            docs.append(doc)
            advance(1)
    else:
        with prebuilt.open("w") as out:
            for doc in built:
                out.write(json.dumps(doc) + "\n")
                advance(1)
    result.build_s = time.perf_counter() - started
    progress.update(task, completed=result.count)
    console.print(
        f"raw bulk: {result.count} documents prebuilt ({mode}) in {result.build_s:.0f} s, "
        f"this process's peak RSS now {own_peak_rss_mb():.0f} MB"
    )

    def from_file() -> Iterator[dict[str, Any]]:
        with prebuilt.open() as lines:
            for line in lines:
                yield json.loads(line)

    raw_index = namespace.profiles.index_name(new_stamp())
    create_index(client, namespace.profiles, raw_index)
    source = iter(docs) if mode == "list" else from_file()
    actions = ({"_index": raw_index, "_id": d["id"], "_source": d} for d in source)
    task = progress.add_task("raw bulk: sending", total=result.count)
    advance = every(progress, task)
    ok = 0
    started = time.perf_counter()
    for success, _ in bulk_load(client, actions, bulk):
        ok += success
        advance(1)
    client.indices.refresh(index=raw_index)
    result.raw_s = time.perf_counter() - started
    result.raw_docs = ok
    progress.update(task, completed=result.count)
    client.indices.delete(index=raw_index)
    del docs
    prebuilt.unlink(missing_ok=True)


def measure_indexing(
    client: OpenSearch,
    pids: tuple[int, ...],
    corpus: Path,
    workdir: Path,
    mode: RawMode = "list",
    chunk_size: int = 500,
    warmup_count: int = 10_000,
    namespace: IndexNamespace | None = None,
    workers: int = DEFAULT_INDEX_WORKERS,
) -> IndexingResult:
    """Warm-up indexer run on the first `warmup_count` profiles, the raw bulk (`mode`), then the
    timed indexer run on the whole corpus, which leaves its alias holding it. The engine's RSS
    is sampled every second over all of it."""
    namespace = namespace or TalentSettings().index_namespace
    count = count_lines(corpus)
    warmup = workdir / "warmup.jsonl"
    with corpus.open() as src, warmup.open("w") as dst:
        dst.writelines(itertools.islice(src, min(count, warmup_count)))
    cache = EmbeddingCache(workdir / "embeddings.sqlite3")
    bulk = BulkSettings(chunk_size=chunk_size)
    memory = PeakRss(pids)
    builder = new_builder()
    with Progress(console=console) as progress:
        started = time.perf_counter()
        index_profiles(
            client,
            warmup,
            cache,
            namespace,
            progress,
            "warm-up indexer run",
            builder,
            lines=min(count, warmup_count),
            workers=workers,
        )
        result = IndexingResult(
            count, chunk_size, mode, min(count, warmup_count), time.perf_counter() - started
        )
        result.workers = workers
        if mode != "skip":
            send_raw_bulk(client, corpus, workdir, mode, bulk, namespace, progress, result)
            memory.sample()
            console.print(
                f"raw bulk: {result.raw_docs} docs in {result.raw_s:.1f} s, "
                f"engine RSS peak {memory.peak:.0f} MB"
            )
        result.engine_rss_before_mb = memory.sample()
        own, worker = PeakRss((os.getpid(),)), WorkerRss()
        started = time.perf_counter()
        summary = index_profiles(
            client,
            corpus,
            cache,
            namespace,
            progress,
            "indexer, end to end",
            builder,
            bulk,
            count,
            workers,
        )
        result.indexer_s = time.perf_counter() - started
        own.stop()
        worker.stop()
        result.indexer_rss_peak_mb, result.worker_rss_peak_mb = own.peak, worker.peak
    memory.stop()
    result.indexed = summary.indexed
    result.live_count = int(client.count(index=namespace.profiles.alias)["count"])
    result.engine_rss_end_mb, result.engine_rss_peak_mb = memory.last, memory.peak
    result.own_peak_rss_mb = own_peak_rss_mb()
    return result


def print_indexing(r: IndexingResult, engine_label: str, engine_memory: bool) -> None:
    console.print(
        f"profiles: {r.count}, chunk size {r.chunk_size}, build workers {r.workers}, "
        f"engine: {engine_label}"
    )
    console.print(f"warm-up indexer run ({r.warmup_count} profiles): {r.warmup_s:.0f} s")
    if r.raw_mode != "skip":
        console.print(
            f"raw bulk of prebuilt documents ({r.raw_mode}): {r.raw_docs} docs in {r.raw_s:.2f} s "
            f"= {r.raw_docs_per_s:.0f} docs/s (building them, untimed: {r.build_s:.0f} s)"
        )
    else:
        console.print("raw bulk: skipped (--raw-bulk skip)")
    console.print(
        f"indexer (warm embedding cache): {r.indexed} in {r.indexer_s:.2f} s = "
        f"{r.indexer_docs_per_s:.0f} docs/s; live alias holds {r.live_count}"
    )
    if r.raw_mode != "skip":
        console.print(f"indexer / raw bulk throughput ratio: {r.indexer_over_raw:.2f}")
    if engine_memory:
        console.print(
            f"engine RSS: {r.engine_rss_before_mb:.0f} MB before the indexer run, "
            f"{r.engine_rss_end_mb:.0f} MB at its end, peak over the whole benchmark "
            f"{r.engine_rss_peak_mb:.0f} MB"
        )
    console.print(f"this process's peak RSS: {r.own_peak_rss_mb:.0f} MB")
    console.print(
        f"during the indexer run (1 s samples): this process's RSS peak "
        f"{r.indexer_rss_peak_mb:.0f} MB"
        + (f", the largest build worker's {r.worker_rss_peak_mb:.0f} MB" if r.workers else "")
    )


def main(
    count: int = typer.Option(5000, help="Demo profiles to index."),
    chunk_size: int = typer.Option(500, help="Documents per bulk request."),
    engine: str = typer.Option("embedded", help="embedded | opensearch (started for the run)."),
    heap: str = typer.Option("2g", help="JVM heap of the real engine."),
    backend_url: str | None = typer.Option(None, help="Measure a running cluster instead."),
    raw_bulk: str = typer.Option("list", help="Raw-bulk baseline: list | file | skip."),
    warmup_count: int = typer.Option(10_000, help="Profiles in the warm-up indexer run."),
    workers: int = typer.Option(
        DEFAULT_INDEX_WORKERS, help="Processes building documents for the indexer (0: in-process)."
    ),
) -> None:
    mode = raw_mode_of(raw_bulk)
    workdir = Path(tempfile.mkdtemp(prefix="ts-bench-"))
    corpus = workdir / "profiles.jsonl"
    with Progress(console=console) as progress:
        seconds = write_corpus(corpus, count, progress)
    console.print(f"corpus of {count} profiles written in {seconds:.0f} s")
    with bench_engine(engine_name(engine), heap, backend_url) as running:
        client = make_client(running.url, EngineSettings(url=running.url, timeout_s=120))
        result = measure_indexing(
            client, running.pids, corpus, workdir, mode, chunk_size, warmup_count, workers=workers
        )
    print_indexing(result, running.name, bool(running.pids))


if __name__ == "__main__":
    typer.run(main)
