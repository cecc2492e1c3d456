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
process's peak RSS (`getrusage`), which includes the raw-bulk list in `list` mode; with
`--workers` above 0, also the largest RSS of one of the indexer's build worker processes
(sampled every second during the timed run).

`--workers`: the processes that build the indexer's documents (the setting
TALENT_SEARCH_INDEX_WORKERS; 0 builds them in this process).
"""

from __future__ import annotations

import io
import itertools
import json
import multiprocessing
import resource
import tempfile
import threading
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any, Literal

import typer
from bench_engines import bench_engine, engine_name, rss_mb

from config.settings import DEFAULT_INDEX_WORKERS, EngineSettings, TalentSettings
from domain.badges import BadgePolicy
from domain.certification_registry import default_registry
from domain.encoder import model_encoder, model_key
from domain.skill_vocabulary import SkillVocabulary
from indexer.bulk_loading import BulkSettings, bulk_load
from indexer.demo_corpus import write_demo_corpus
from indexer.document_builder import BuildReport, DocumentBuilder
from indexer.index_aliases import create_index
from indexer.indexing_run import RunSummary, run_index
from indexer.profile_reader import ReadProfile, read_profiles
from indexer.skill_embeddings import EmbeddingCache
from mappings.index_contract import new_stamp
from talent_search.engine_process import make_client

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
    if raw_bulk not in ("list", "file", "skip"):
        raise typer.BadParameter("--raw-bulk must be list, file or skip")
    raw_mode: RawMode = "list" if raw_bulk == "list" else "file" if raw_bulk == "file" else "skip"

    workdir = Path(tempfile.mkdtemp(prefix="ts-bench-"))
    corpus = workdir / "profiles.jsonl"
    started = time.perf_counter()
    write_demo_corpus(corpus, count)
    warmup = workdir / "warmup.jsonl"
    with corpus.open() as src, warmup.open("w") as dst:
        dst.writelines(itertools.islice(src, min(count, warmup_count)))
    print(f"corpus of {count} profiles written in {time.perf_counter() - started:.0f} s")

    def new_builder() -> DocumentBuilder:
        return DocumentBuilder(
            SkillVocabulary.load_default().copy(),
            default_registry(),
            BadgePolicy(),
            date(2026, 11, 1),
        )

    cache = EmbeddingCache(workdir / "embeddings.sqlite3")
    bulk = BulkSettings(chunk_size=chunk_size)
    namespace = TalentSettings().index_namespace
    ok = 0
    raw_s = build_s = float("nan")
    with bench_engine(engine_name(engine), heap, backend_url) as running:
        client = make_client(running.url, EngineSettings(url=running.url, timeout_s=120))
        memory = PeakRss(running.pids)
        builder = new_builder()
        encoder = model_encoder()
        started = time.perf_counter()

        def index(path: Path) -> RunSummary:
            return run_index(
                client,
                path,
                io.StringIO(),
                builder,
                encoder,
                cache,
                model_key(),
                bulk=bulk,
                namespace=namespace,
                workers=workers,
            )

        index(warmup)
        print(
            f"warm-up indexer run ({min(count, warmup_count)} profiles): "
            f"{time.perf_counter() - started:.0f} s"
        )

        if raw_mode != "skip":
            report = BuildReport()
            raw_builder = new_builder()
            built = (
                raw_builder.build(item.profile, report).model_dump(mode="json", exclude_none=True)
                for item in read_profiles(corpus)
                if isinstance(item, ReadProfile)
            )
            started = time.perf_counter()
            docs: list[dict[str, Any]] = []
            prebuilt = workdir / "prebuilt.jsonl"
            if raw_mode == "list":
                docs = list(built)
            else:
                with prebuilt.open("w") as out:
                    for doc in built:
                        out.write(json.dumps(doc) + "\n")
            build_s = time.perf_counter() - started
            print(
                f"raw bulk: {count} documents prebuilt ({raw_mode}) in {build_s:.0f} s, "
                f"this process's peak RSS now {own_peak_rss_mb():.0f} MB"
            )

            def from_file() -> Iterator[dict[str, Any]]:
                with prebuilt.open() as lines:
                    for line in lines:
                        yield json.loads(line)

            raw_index = namespace.profiles.index_name(new_stamp())
            create_index(client, namespace.profiles, raw_index)
            source = iter(docs) if raw_mode == "list" else from_file()
            actions = ({"_index": raw_index, "_id": d["id"], "_source": d} for d in source)
            started = time.perf_counter()
            ok = sum(1 for success, _ in bulk_load(client, actions, bulk) if success)
            client.indices.refresh(index=raw_index)
            raw_s = time.perf_counter() - started
            client.indices.delete(index=raw_index)
            del docs
            prebuilt.unlink(missing_ok=True)
            memory.sample()
            raw_engine_peak = memory.peak
            print(f"raw bulk: {ok} docs in {raw_s:.1f} s, engine RSS peak {raw_engine_peak:.0f} MB")

        rss_before = memory.sample()
        worker_memory = WorkerRss()
        started = time.perf_counter()
        summary = index(corpus)
        indexer_s = time.perf_counter() - started
        memory.stop()
        worker_memory.stop()
        docs_count = int(client.count(index=namespace.profiles.alias)["count"])
        engine_label = running.name

    print(
        f"profiles: {count}, chunk size {chunk_size}, build workers {workers}, "
        f"engine: {engine_label}"
    )
    if raw_mode != "skip":
        print(
            f"raw bulk of prebuilt documents ({raw_mode}): {ok} docs in {raw_s:.2f} s = "
            f"{ok / raw_s:.0f} docs/s (building them, untimed: {build_s:.0f} s)"
        )
    else:
        print("raw bulk: skipped (--raw-bulk skip)")
    print(
        f"indexer (warm embedding cache): {summary.indexed} in {indexer_s:.2f} s = "
        f"{summary.indexed / indexer_s:.0f} docs/s; live alias holds {docs_count}"
    )
    if raw_mode != "skip":
        ratio = (summary.indexed / indexer_s) / (ok / raw_s)
        print(f"indexer / raw bulk throughput ratio: {ratio:.2f}")
    if running.pids:
        print(
            f"engine RSS: {rss_before:.0f} MB before the indexer run, {memory.last:.0f} MB at "
            f"its end, peak over the whole benchmark {memory.peak:.0f} MB"
        )
    print(f"this process's peak RSS: {own_peak_rss_mb():.0f} MB")
    if workers:
        print(f"largest build worker's RSS (sampled every second): {worker_memory.peak:.0f} MB")


if __name__ == "__main__":
    typer.run(main)
