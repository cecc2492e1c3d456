"""The nearest past job posts at scale: loading them, reading them per query, HNSW's recall.

    talent-search index job-posts posts.jsonl --rebuild      # e.g. 200,000 demo posts
    .venv/bin/python benchmarks/job_post_nearest.py --backend-url URL [--queries 500]
    .venv/bin/python benchmarks/job_post_nearest.py --backend-url URL --load-only

Reads the posts behind the live job-post alias of a running engine, then prints:
- load: `JobPosts.from_index` wall time, and this process's resident memory before and after
  it and at its peak (VmHWM, read before anything else is loaded: the load's own peak). Run
  `--load-only` for a process that does nothing else;
- the HNSW graph's build time (ranking.nearest_rows), and the exact search's cost per query
  vector at a few sizes of the title matrix (its first rows): what `EXACT_BELOW` weighs;
- per query, `JobPosts.evidence` p50 and p99 in ms, exact (every distinct title scored) and
  approximate (HNSW proposes, the matrix scores), on one BLAS thread as the API serves;
- recall@neighbours: the share of the exact nearest titles (ties included) that HNSW finds,
  with no floor and above the profile's `min_similarity`, and the share of queries whose
  evidence (posts and skill weights, as explain rounds them) is the same both ways.
Queries: the texts of benchmarks/query.py's mix (skills, skill lists, profile titles, client
phrasings), each embedded as the searcher embeds it (its parts, with the packaged model).
Figures are printed, never asserted.
"""

from __future__ import annotations

import copy
import statistics
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import typer
from query import percentiles, query_mix
from rich.console import Console
from rich.table import Table

from config.settings import EngineSettings, TalentSettings
from domain.encoder import model_encoder
from ranking.blas_threads import one_blas_thread
from ranking.job_post_evidence import JobPostEvidence, JobPosts
from ranking.nearest_rows import EXPANSION_SEARCH, NearestRows
from ranking.query_analysis import embedded_texts
from ranking.ranking_profile import JobPostReading, load_profile
from talent_search.engine_process import make_client

console = Console()
Matrix = npt.NDArray[np.float32]


def memory_mb() -> tuple[float, float]:
    """This process's resident memory now and at its peak (VmRSS, VmHWM), in MB."""
    fields = dict(line.split(":", 1) for line in Path("/proc/self/status").read_text().splitlines())
    return int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024


def measure_load(load: Callable[[], Any]) -> tuple[Any, dict[str, float]]:
    """`load()`, its wall time and the resident memory around it."""
    before, _ = memory_mb()
    started = time.perf_counter()
    loaded = load()
    seconds = time.perf_counter() - started
    after, peak = memory_mb()
    return loaded, {"seconds": seconds, "rss_before": before, "rss_after": after, "peak": peak}


def query_vectors(count: int) -> list[Matrix]:
    """The mix's distinct texts, each as the searcher embeds it for the job posts."""
    texts = dict.fromkeys((q.text or "").strip() for q in query_mix(count))
    parts = [embedded_texts(t, [])[0] for t in texts if t]
    encode = model_encoder()
    flat = encode([p for ps in parts for p in ps])
    out, at = [], 0
    for ps in parts:
        out.append(flat[at : at + len(ps)])
        at += len(ps)
    return out


def time_evidence(
    posts: Any, vectors: Iterable[Matrix], reading: JobPostReading, repeat: int = 3
) -> list[float]:
    """Per query, the best of `repeat` runs of `posts.evidence`, in ms."""
    times = []
    for v in vectors:
        best = float("inf")
        for _ in range(repeat):
            started = time.perf_counter()
            posts.evidence(v, reading)
            best = min(best, (time.perf_counter() - started) * 1000)
        times.append(best)
    return times


def with_search(posts: JobPosts, nearest: NearestRows) -> JobPosts:
    """The same posts, searched with `nearest`."""
    other = copy.copy(posts)
    other.nearest = nearest
    return other


def main(
    backend_url: str = typer.Option(..., help="A running engine with the job posts indexed."),
    queries: int = typer.Option(500, help="Queries in benchmarks/query.py's mix (distinct texts)."),
    load_only: bool = typer.Option(False, help="Only load the posts and report it."),
    profile_name: str = typer.Option("default", "--profile", help="Its query.job_posts."),
    expansion_search: str = typer.Option(
        str(EXPANSION_SEARCH), help="HNSW's candidates while searching (ef), e.g. 128,256."
    ),
) -> None:
    settings = TalentSettings()
    client = make_client(backend_url, EngineSettings(url=backend_url, timeout_s=120))
    alias = settings.index_namespace.job_posts.alias
    posts, load = measure_load(lambda: JobPosts.from_index(client, alias))
    console.print(
        f"from_index: {len(posts)} posts, {len(posts.matrix)} distinct titles, "
        f"{load['seconds']:.1f} s; RSS {load['rss_before']:.0f} -> {load['rss_after']:.0f} MB, "
        f"peak {load['peak']:.0f} MB (HNSW: {posts.nearest.approximate})"
    )
    if load_only:
        return
    one_blas_thread()
    reading = load_profile(profile_name, user_dir=settings.user_profiles_dir).query.job_posts
    vectors = query_vectors(queries)
    console.print(
        f"{len(vectors)} distinct query texts, "
        f"{sum(len(v) for v in vectors) / len(vectors):.2f} vectors each"
    )

    started = time.perf_counter()
    approx = NearestRows(posts.matrix, exact_below=0)
    console.print(f"HNSW build, {len(posts.matrix)} titles: {time.perf_counter() - started:.1f} s")
    exact = NearestRows(posts.matrix, exact_below=len(posts.matrix) + 1)
    console.print(exact_sizes(posts.matrix, vectors, reading.neighbours))

    table = Table(title=f"JobPosts.evidence per query ({len(posts)} posts)")
    for column in ("search", "p50 ms", "p99 ms"):
        table.add_column(column, justify="right" if column != "search" else "left")
    p50, p99 = percentiles(time_evidence(with_search(posts, exact), vectors, reading))
    table.add_row("exact", f"{p50:.2f}", f"{p99:.2f}")
    agreement = Table(title=f"HNSW against exact, {len(vectors)} queries")
    for column in (
        "ef",
        "recall@k",
        f"recall@k >= {reading.min_similarity}",
        "same evidence",
        "weight moved, mean",
        "p99",
    ):
        agreement.add_column(column, justify="right")
    k = reading.neighbours
    for ef in (int(e) for e in expansion_search.split(",")):
        approx.set_expansion_search(ef)
        times = time_evidence(with_search(posts, approx), vectors, reading)
        p50, p99 = percentiles(times)
        table.add_row(f"HNSW, ef {ef}", f"{p50:.2f}", f"{p99:.2f}")
        recalls = [
            recall(exact, approx, vectors, k, floor) for floor in (-np.inf, reading.min_similarity)
        ]
        moved = [
            weight_moved(
                with_search(posts, exact).evidence(v, reading),
                with_search(posts, approx).evidence(v, reading),
            )
            for v in vectors
        ]
        same = sum(m == 0 for m in moved)
        m50, m99 = statistics.mean(moved), percentiles(moved)[1]
        agreement.add_row(
            str(ef),
            *(f"{r:.4f}" for r in recalls),
            f"{same} of {len(vectors)}",
            f"{m50:.4f}",
            f"{m99:.4f}",
        )
    console.print(table)
    console.print(agreement)


def exact_sizes(matrix: Matrix, vectors: list[Matrix], k: int) -> Table:
    """The exact search's cost per query vector on the first rows of `matrix`."""
    table = Table(title="exact nearest titles, per query vector (one BLAS thread)")
    for column in ("titles", "p50 ms", "p99 ms"):
        table.add_column(column, justify="right")
    flat = [row for v in vectors for row in v]
    for size in sorted({5_000, 10_000, 20_000, 30_000, len(matrix)}):
        if size > len(matrix):
            continue
        part = NearestRows(matrix[:size], exact_below=size + 1)
        times = []
        for row in flat:
            started = time.perf_counter()
            part.nearest(row[None, :], k)
            times.append((time.perf_counter() - started) * 1000)
        p50, p99 = percentiles(times)
        table.add_row(str(size), f"{p50:.2f}", f"{p99:.2f}")
    return table


def recall(
    exact: NearestRows, approx: NearestRows, vectors: list[Matrix], k: int, floor: float
) -> float:
    """The share of the exact nearest titles (ties included, none below `floor`) HNSW finds."""
    found = wanted = 0
    for v in vectors:
        rows, _ = exact.nearest(v, k, floor)
        got, _ = approx.nearest(v, k, floor)
        wanted += len(rows)
        found += len(np.intersect1d(rows, got))
    return found / max(wanted, 1)


def weight_moved(a: JobPostEvidence | None, b: JobPostEvidence | None) -> float:
    """The share of the skill weight that differs (half the L1 distance; 1: none in common,
    or evidence one way only)."""
    if a is None or b is None:
        return 0.0 if a is b else 1.0
    wa, wb = {s.id: s.weight for s in a.skills}, {s.id: s.weight for s in b.skills}
    return sum(abs(wa.get(s, 0.0) - wb.get(s, 0.0)) for s in wa.keys() | wb.keys()) / 2


if __name__ == "__main__":
    typer.run(main)
