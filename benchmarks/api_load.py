"""Query API under load: throughput, p50/p99 and errors at N concurrent clients, against the bare
backend `_msearch` of the same queries at the same concurrency, plus the server's memory.

    .venv/bin/python benchmarks/api_load.py --count 100000 --clients 16 --seconds 30 \
        --engine opensearch

The engine is started for this run (`--engine embedded|opensearch`, `--heap` for the real one,
see `bench_engines.py`), unless `--backend-url` (or OPENSEARCH_URL) names a running cluster.
It is indexed with the demo corpus unless the live alias already holds `--count` profiles.
The API runs as a separate process (`talent-search serve --demo-keys`), as in production, so
its RSS is the server's own. The bare baseline sends, for every request of the mix, the exact
`_msearch` bodies the API would send (built by the same planner), so the ratio shows what the
API adds: HTTP, auth, embedding, fusion, tiles and facets.
"""

from __future__ import annotations

import os
import random
import signal
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import typer
from bench_engines import bench_engine, engine_name
from bench_engines import rss_mb as engine_rss_mb
from opensearchpy import OpenSearch
from rich.console import Console
from rich.table import Table

from config.settings import EngineSettings, TalentSettings
from query_api.api_keys import Tier
from query_api.search_request import SearchParams
from query_api.search_service import search_filters
from ranking.ranking_profile import load_profile
from ranking.talent_searcher import SearchQuery
from talent_search.cli_support import _searcher
from talent_search.engine_process import background_status, make_client, node_urls, start_background

console = Console()
CLI = str(Path(sys.executable).with_name("talent-search"))

QUERIES = [
    "react developer",
    "Shopify store redesign",
    "golang",
    "bookkeeping",
    "python django postgresql",
    "machine learning engineer",
    "logo design",
    "wordpress",
    "data entry",
    "ios swift",
    "seo content writer",
    "aws devops kubernetes",
    "video editing",
    "customer support",
    "financial modeling excel",
    "translation spanish english",
]

# (tier key, parameters): standard searches, filtered searches, enterprise diversity searches,
# and filter-only browsing, roughly in the proportions a marketplace sees.
Mix = list[tuple[str, dict[str, Any]]]


def request_mix(seed: int = 7) -> Mix:
    rng = random.Random(seed)
    mix: Mix = []
    for q in QUERIES:
        mix.append(("demo-standard-key", {"q": q}))
        mix.append(("demo-standard-key", {"q": q, "min_jss": 90, "country": "US"}))
        mix.append(("demo-enterprise-key", {"q": q, "diversity_certified": "true"}))
        mix.append(
            ("demo-standard-key", {"q": q, "badges": "top_rated,top_rated_plus", "sort": "jss"})
        )
    mix.append(("demo-enterprise-key", {"diversity_certified": "true", "country": "US"}))
    mix.append(("demo-standard-key", {"badges": "expert_vetted"}))
    rng.shuffle(mix)
    return mix


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def run_load(
    worker: Callable[[int], tuple[float, bool]], clients: int, seconds: float
) -> tuple[list[float], int, float]:
    """`clients` threads call worker(i) in a loop for `seconds`: (latencies ms, errors, elapsed)."""
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds

    def loop(offset: int) -> None:
        nonlocal errors
        i = offset
        while time.perf_counter() < deadline:
            ms, ok = worker(i)
            with lock:
                latencies.append(ms)
                errors += 0 if ok else 1
            i += clients

    started = time.perf_counter()
    threads = [threading.Thread(target=loop, args=(n,)) for n in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return latencies, errors, time.perf_counter() - started


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def ensure_indexed(url: str, count: int) -> None:
    """Index the demo corpus with the CLI unless the live profiles alias (of the namespace of
    TALENT_SEARCH_INDEX_PREFIX, which the CLI and the API process inherit) holds `count`."""
    client = make_client(url, EngineSettings(url=url, timeout_s=120))
    try:
        live = client.count(index=TalentSettings().index_namespace.profiles.alias)["count"]
    except Exception:
        live = -1
    if live == count:
        console.print(f"reusing the live index ({live} profiles)")
        return
    corpus = TalentSettings().state_dir / f"demo-profiles-{count}.jsonl"
    if not corpus.exists():
        subprocess.run(
            [CLI, "generate-demo", "--out", str(corpus), "--count", str(count)], check=True
        )
    console.print(f"indexing {count} profiles (the live index holds {live})...")
    env = os.environ | {"OPENSEARCH_URL": url}
    subprocess.run([CLI, "index", str(corpus), "--rebuild"], check=True, env=env)


def start_api(url: str, port: int) -> subprocess.Popen[bytes]:
    env = os.environ | {"OPENSEARCH_URL": url, "HF_HUB_OFFLINE": "1"}
    process = subprocess.Popen(
        [CLI, "serve", "--demo-keys", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(600):
        try:
            if httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=1).status_code == 200:
                return process
        except httpx.HTTPError:
            pass
        if process.poll() is not None:
            raise SystemExit("the API process exited during start-up")
        time.sleep(0.1)
    process.kill()
    raise SystemExit("the API did not become ready within 60 s")


def bare_bodies(url: str, mix: Mix) -> list[list[dict[str, Any]]]:
    """The `_msearch` lines the API sends for each request of the mix (same planner, same day)."""
    client = make_client(url, EngineSettings(url=url))
    settings = TalentSettings()
    searcher = _searcher(client, settings)
    profile = load_profile("default")
    tiers = {"demo-standard-key": Tier.STANDARD, "demo-enterprise-key": Tier.ENTERPRISE}
    requests = []
    for key, raw in mix:
        params = SearchParams.model_validate(raw)
        tier = tiers[key]
        query = SearchQuery(params.q, params.skills, search_filters(params, tier), date.today())
        plan = searcher.plan(query, profile, tier.sees_diversity, highlight=True)
        lines: list[dict[str, Any]] = []
        for body in plan.bodies:
            lines += [{"index": searcher.index}, body]
        requests.append(lines)
    return requests


def resolve_backend(backend_url: str | None) -> str:
    """`--backend-url`, else OPENSEARCH_URL, else a background backend (started if needed).

    The benchmarks start their own engine with `bench_engines.bench_engine` instead; this is
    for measuring the background backend of `talent-search backend start`."""
    url = backend_url or EngineSettings().url
    if url is None:
        settings = TalentSettings()
        running = background_status(settings)
        url = running.url if running else start_background(settings).url
    return url


def main(
    count: int = typer.Option(100_000, help="Profiles in the index."),
    clients: int = typer.Option(16, help="Concurrent clients."),
    seconds: float = typer.Option(30.0, help="Duration of each load phase."),
    port: int = typer.Option(8765, help="Port for the API process."),
    engine: str = typer.Option("embedded", help="embedded | opensearch (started for the run)."),
    heap: str = typer.Option("2g", help="JVM heap of the real engine."),
    backend_url: str | None = typer.Option(None, help="Measure a running cluster instead."),
) -> None:
    with bench_engine(engine_name(engine), heap, backend_url) as running:
        console.print(f"engine: {running.name} at {running.url}")
        engine_rss = [engine_rss_mb(running.pids)]
        ensure_indexed(running.url, count)
        engine_rss.append(engine_rss_mb(running.pids))
        run_benchmark(running.url, running.name, count, clients, seconds, port)
        engine_rss.append(engine_rss_mb(running.pids))
    if running.pids:
        console.print(
            f"engine RSS: {engine_rss[0]:.0f} MB at start, {engine_rss[1]:.0f} MB after "
            f"indexing, {engine_rss[2]:.0f} MB after the load"
        )


def run_benchmark(
    url: str, engine_label: str, count: int, clients: int, seconds: float, port: int
) -> None:
    mix = request_mix()

    api = start_api(url, port)
    try:
        rss_start = rss_mb(api.pid)
        http = httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30)
        failures: dict[int, int] = {}

        def api_call(i: int) -> tuple[float, bool]:
            key, params = mix[i % len(mix)]
            started = time.perf_counter()
            try:
                response = http.get("/v1/search", params=params, headers={"X-API-Key": key})
                ok = response.status_code == 200 and "results" in response.json()
                status = response.status_code
            except httpx.HTTPError:
                ok, status = False, -1
            if not ok:
                failures[status] = failures.get(status, 0) + 1
            return (time.perf_counter() - started) * 1000, ok

        for i in range(len(mix)):  # warm the embedding cache and the engine once
            api_call(i)
        console.print(f"API: {clients} clients for {seconds:.0f} s ...")
        api_ms, api_errors, api_s = run_load(api_call, clients, seconds)
        rss_end = rss_mb(api.pid)
    finally:
        api.send_signal(signal.SIGTERM)
        api.wait(timeout=30)

    bodies = bare_bodies(url, mix)
    backend = OpenSearch(hosts=node_urls(url), timeout=30, maxsize=clients)

    def bare_call(i: int) -> tuple[float, bool]:
        started = time.perf_counter()
        try:
            result = backend.msearch(body=bodies[i % len(bodies)])
            ok = all("error" not in r for r in result["responses"])
        except Exception:
            ok = False
        return (time.perf_counter() - started) * 1000, ok

    console.print(f"bare _msearch: {clients} clients for {seconds:.0f} s ...")
    bare_ms, bare_errors, bare_s = run_load(bare_call, clients, seconds)

    table = Table("", "requests", "throughput /s", "p50 ms", "p99 ms", "errors", title=engine_label)
    for name, lat, errs, secs in (
        ("API GET /v1/search", api_ms, api_errors, api_s),
        ("bare _msearch, same bodies", bare_ms, bare_errors, bare_s),
    ):
        table.add_row(
            name,
            str(len(lat)),
            f"{len(lat) / secs:.1f}",
            f"{statistics.median(lat):.1f}",
            f"{percentile(lat, 99):.1f}",
            str(errs),
        )
    console.print(table)
    ratio = statistics.median(api_ms) / statistics.median(bare_ms)
    console.print(
        f"engine: {engine_label}\n"
        f"profiles: {count}; clients: {clients}; request mix: {len(mix)} distinct requests\n"
        f"ratio API p50 / bare _msearch p50: {ratio:.2f}\n"
        f"API server RSS: {rss_start:.0f} MB after start-up (model loaded), "
        f"{rss_end:.0f} MB after the load"
        + (f"\nAPI failures by status: {failures}" if failures else "")
    )


if __name__ == "__main__":
    typer.run(main)
