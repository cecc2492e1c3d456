"""One command for the benchmark table of one engine: indexing, job posts, query stages, API load.

    .venv/bin/python benchmarks/report.py --engine opensearch --count 100000 --out /tmp/bench
    .venv/bin/python benchmarks/report.py --engine opensearch --count 1000000 --job-posts 200000

On one engine started for the run (`--engine embedded|opensearch`, `--heap`; or `--backend-url`,
a running cluster), in this order:
1. the demo corpus of `--count` profiles is written;
2. indexing, as benchmarks/indexing.py measures it: a warm-up indexer run, the raw bulk of the
   same prebuilt documents (`--raw-bulk`: `auto` holds them in a list below 200,000 profiles
   and streams them from a JSON Lines file from there on), then the indexer end to end, which
   leaves the live alias holding the corpus; the engine's RSS (peak, 1 s samples) and this
   process's peak RSS;
3. `--job-posts` demo job posts indexed (`talent-search index job-posts`' function), timed;
4. the query stages, as benchmarks/query.py measures them (`--queries` queries of its mix):
   embedding cold and cached, `_msearch`, fusion, end to end against bare, p50 and p99;
5. the API under load, as benchmarks/api_load.py measures it: a separate `talent-search serve
   --demo-keys` process, `--clients` clients, against the bare replay of the engine requests
   the API sends for each search (every round), interleaved in `--rounds` phases per side,
   `--seconds` per side in all; the API's RSS after start-up and after the load.
`--reuse` skips 1-3 when the live aliases already hold `--count` profiles (and `--job-posts`
job posts), e.g. on a `--backend-url` cluster indexed by an earlier run.

It prints one Markdown table (the layout of the summary at the top of docs/benchmarks.md) and
writes it to `--out` as `report-<engine>-<count>.md`, with the exact command line, the commit
and `uptime`'s load averages at the start and the end, and the figures as
`report-<engine>-<count>.json`. Nothing is asserted.
"""

from __future__ import annotations

import json
import shutil
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from api_load import api_vs_bare, console, live_count
from bench_engines import bench_engine, engine_name, rss_mb
from bench_load import command_line, git_commit, load_averages
from indexing import RawMode, measure_indexing, raw_mode_of, write_corpus
from query import ensure_job_posts, query_mix, stage_figures, timed_stages
from report_table import finite, report_markdown
from rich.progress import Progress

from config.settings import DEFAULT_INDEX_WORKERS, EngineSettings, TalentSettings
from indexer.skill_embeddings import EmbeddingCache
from query_api.api_settings import ApiSettings
from ranking.ranking_profile import load_profile
from talent_search.engine_process import make_client

# From this many profiles on, `--raw-bulk auto` streams the baseline from a file.
STREAM_FROM = 200_000
DEFAULT_OUT = Path("/tmp/bench")


def auto_raw_mode(value: str, count: int) -> RawMode:
    if value == "auto":
        return "file" if count >= STREAM_FROM else "list"
    return raw_mode_of(value)


def main(
    engine: str = typer.Option("embedded", help="embedded | opensearch (started for the run)."),
    count: int = typer.Option(100_000, help="Demo profiles."),
    job_posts: int = typer.Option(0, help="Demo job posts (0: no job-post index)."),
    heap: str = typer.Option("2g", help="JVM heap of the real engine."),
    backend_url: str | None = typer.Option(None, help="Measure a running cluster instead."),
    out: Annotated[Path, typer.Option(help="Where the .md and .json go.")] = DEFAULT_OUT,
    queries: int = typer.Option(300, help="Queries of the query-stage mix."),
    seconds: float = typer.Option(30.0, help="API load per side (API, bare), all phases."),
    clients: int = typer.Option(16, help="Concurrent clients of the API load."),
    rounds: int = typer.Option(3, help="Interleaved phases per side of the API load."),
    port: int = typer.Option(0, help="Port for the API process (0: a free one)."),
    raw_bulk: str = typer.Option("auto", help="Raw-bulk baseline: auto | list | file | skip."),
    warmup_count: int = typer.Option(10_000, help="Profiles in the warm-up indexer run."),
    chunk_size: int = typer.Option(500, help="Documents per bulk request."),
    workers: int = typer.Option(
        DEFAULT_INDEX_WORKERS, help="Processes building the indexer's documents (0: in-process)."
    ),
    fusion_repeat: int = typer.Option(20, help="Fusion replays per query on saved responses."),
    reuse: bool = typer.Option(
        False, "--reuse", help="The live aliases hold --count (and --job-posts): no indexing."
    ),
    check: bool = typer.Option(
        True, "--check-bare/--no-check-bare", help="Compare bare with the API's own requests."
    ),
) -> None:
    mode = auto_raw_mode(raw_bulk, count)
    started_at = time.perf_counter()
    figures: dict[str, Any] = {
        "engine": engine,
        "count": count,
        "job_posts": job_posts,
        "command": command_line(),
        "commit": git_commit(),
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "uptime_start": load_averages(),
        "corpus_s": None,
        "indexing": None,
        "job_post_indexing": None,
    }
    console.print(f"[bold]{figures['command']}[/]\nload: {figures['uptime_start']}")
    settings = TalentSettings()
    namespace = settings.index_namespace
    workdir = Path(tempfile.mkdtemp(prefix="ts-report-"))
    corpus = workdir / "profiles.jsonl"
    if not reuse:
        with Progress(console=console) as progress:
            figures["corpus_s"] = write_corpus(corpus, count, progress)
    with bench_engine(engine_name(engine), heap, backend_url) as running:
        figures["engine"] = running.name
        client = make_client(running.url, EngineSettings(url=running.url, timeout_s=120))
        if reuse:
            held = live_count(client, namespace.profiles.alias)
            if held != count:
                raise SystemExit(f"--reuse: the live profiles alias holds {held}, not {count}")
        else:
            console.rule("indexing")
            result = measure_indexing(
                client,
                running.pids,
                corpus,
                workdir,
                mode,
                chunk_size,
                warmup_count,
                namespace,
                workers,
            )
            figures["indexing"] = result.figures()
        cache = EmbeddingCache(workdir / "embeddings.sqlite3")
        posts = ensure_job_posts(client, job_posts, reuse, workdir, namespace, cache)
        if posts is not None:
            figures["job_post_indexing"] = {"indexed": posts.indexed, "seconds": posts.seconds}
        elif job_posts and live_count(client, namespace.job_posts.alias) != job_posts:
            raise SystemExit(f"--reuse: the live job-post alias does not hold {job_posts}")
        engine_after_indexing = rss_mb(running.pids)

        console.rule("query stages")
        # the API's ranking profile (TALENT_SEARCH_API_RANKING_PROFILE, default `default`)
        profile = load_profile(ApiSettings().ranking_profile, user_dir=settings.user_profiles_dir)
        _, stages = timed_stages(client, settings, profile, query_mix(queries), fusion_repeat)
        figures["query"] = stage_figures(stages, fusion_repeat)

        console.rule("API under load")
        load = api_vs_bare(running.url, clients, seconds, port, rounds, check)
        figures["api"] = load.figures()
        if running.pids:
            figures["engine_rss_mb"] = {"after_indexing": engine_after_indexing}
            figures["engine_rss_mb"]["end"] = rss_mb(running.pids)
    shutil.rmtree(workdir, ignore_errors=True)  # the corpus: GBs at 1M
    figures["uptime_end"] = load_averages()
    figures["wall_s"] = time.perf_counter() - started_at

    text = report_markdown(figures)
    print(text, flush=True)
    out.mkdir(parents=True, exist_ok=True)
    stem = out / f"report-{engine}-{count}"
    stem.with_suffix(".md").write_text(text)
    stem.with_suffix(".json").write_text(json.dumps(finite(figures), indent=2) + "\n")
    console.print(f"written: {stem}.md and {stem}.json")


if __name__ == "__main__":
    typer.run(main)
