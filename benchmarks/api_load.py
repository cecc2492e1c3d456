"""Query API under load: throughput, p50/p99 and errors at N concurrent clients, against the bare
engine requests of the same searches at the same concurrency, plus the server's memory.

    .venv/bin/python benchmarks/api_load.py --count 100000 --clients 16 --seconds 30 \
        --engine opensearch [--job-posts 20000] [--rounds 3] [--no-check-bare]

The engine is started for this run (`--engine embedded|opensearch`, `--heap` for the real one,
see `bench_engines.py`), unless `--backend-url` (or OPENSEARCH_URL) names a running cluster.
It is indexed with the demo corpus (and `--job-posts` demo job posts) unless the live aliases
already hold that many. The API runs as a separate process (`talent-search serve --demo-keys`),
as in production, so its RSS is the server's own. Each load client is an API client of its
own (`ClientKeys`: a key per client and tier in a key file made for the run), so the API's
per-client limit (`TALENT_SEARCH_API_MAX_SEARCHES_PER_CLIENT`) applies as to many clients, not
to 16 threads sharing one demo key.

The bare baseline sends, for every search of the mix, the engine requests the API sends for
it: every round, in order (the first `_msearch`, and a second one when skill feedback re-plans
the search). They are recorded from an in-process copy of the API (`create_app` with the
settings `serve` reads: the same ranking profile and namespace, and whatever the API reads
besides, job posts included, exactly when the API does) whose engine client is wrapped by
`engine_recording.Recorder`, each request sent once first so that what the
searcher loads once is loaded. `--check-bare` (the default) also starts the API process once
behind a recording proxy and compares what it sends with that recording, request by request.
The API and bare phases alternate (`--rounds` phases of each, API first, then bare first, ...;
`--seconds` is each side's total), pooled, so the ratio of their p50s and p99s shows what the
API adds (HTTP, auth, embedding, fusion, tiles and facets) with the machine's load drift spread
over both sides.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import typer
import urllib3
from bench_engines import bench_engine, cpu_s, engine_name, rss_mb
from bench_load import LoadResult, Worker, interleave, ratio, warm_up
from engine_recording import (
    EngineCall,
    Recorder,
    RecordingProxy,
    housekeeping,
    replay,
    search_rounds,
)
from fastapi.testclient import TestClient
from opensearchpy import OpenSearch
from rich.console import Console
from rich.table import Table

from config.settings import EngineSettings, TalentSettings
from mappings.engine_json import EngineJSONSerializer
from query_api.api_keys import DEMO_KEYS, add_key
from query_api.api_settings import ApiSettings
from query_api.app import create_app
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
Request = tuple[str, str, str, dict[str, Any]]  # method, path, key, params (GET) or body (POST)


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


def search_requests(mix: Mix) -> list[Request]:
    return [("GET", "/v1/search", key, params) for key, params in mix]


def send(http: httpx.Client | TestClient, request: Request) -> Any:
    """One request of a mix, its response (`http` may be a TestClient: the app in-process)."""
    method, path, key, params = request
    if method == "GET":
        return http.get(path, params=params, headers={"X-API-Key": key})
    return http.post(path, json=params, headers={"X-API-Key": key})


@dataclass(frozen=True)
class ClientKeys:
    """One key per load client and tier, in a key file of their own, so that `clients`
    concurrent clients are that many API clients (the API's per-client admission limit applies
    to each, as to a marketplace's many clients), each with the tier of the mix's demo key."""

    file: Path
    keys: dict[str, list[str]]  # demo key -> one key per load client, of its tier

    @classmethod
    def create(cls, clients: int) -> ClientKeys:
        path = Path(tempfile.mkdtemp(prefix="ts-bench-keys-")) / "keys.json"
        keys = {
            demo: [add_key(path, f"bench-{tier.value}-{n}", tier) for n in range(clients)]
            for demo, (_, tier) in DEMO_KEYS.items()
        }
        return cls(path, keys)

    def key(self, demo_key: str, client: int) -> str:
        per_client = self.keys[demo_key]
        return per_client[client % len(per_client)]


class LoadClient:
    """What the load clients send API requests with: urllib3, the HTTP library bare's engine
    client (opensearch-py) sends with, so neither side of the comparison pays for a slower
    client than the other's (httpx took about 0.5 ms more CPU per request here)."""

    def __init__(self, base_url: str, connections: int, timeout_s: float = 30) -> None:
        url = urllib3.util.parse_url(base_url)
        self.pool = urllib3.HTTPConnectionPool(
            url.host or "127.0.0.1", url.port, maxsize=connections, timeout=timeout_s, retries=False
        )

    def status(self, request: Request) -> int:
        """Send one request of a mix; its status (the body is read, not decoded)."""
        method, path, key, params = request
        headers = {"X-API-Key": key}
        if method == "GET":
            return self.pool.request("GET", path, fields=params, headers=headers).status
        body = json.dumps(params).encode()
        headers["content-type"] = "application/json"
        return self.pool.request(method, path, body=body, headers=headers).status


def api_worker(
    http: LoadClient,
    requests: list[Request],
    failures: Counter[str] | None = None,
    keys: ClientKeys | None = None,
) -> Worker:
    """Call i sends request i of the mix (round robin), with load client i's own key of the
    request's tier when `keys` are given (run_load's client n makes the calls i = n mod
    clients); not ok unless a 200. Failures are counted by method, route and status (or the
    exception's name)."""
    lock = threading.Lock()

    def call(i: int) -> tuple[float, bool]:
        method, path, key, params = requests[i % len(requests)]
        request = (method, path, keys.key(key, i) if keys else key, params)
        started = time.perf_counter()
        try:
            status = http.status(request)
            ok = status == 200
            label = f"{method} {path.split('/')[2]} {status}"
        except urllib3.exceptions.HTTPError as exc:
            ok, label = False, type(exc).__name__
        ms = (time.perf_counter() - started) * 1000
        if not ok and failures is not None:
            with lock:
                failures[label] += 1
        return ms, ok

    return call


def live_count(client: OpenSearch, alias: str) -> int:
    """Documents behind `alias` (-1: no such alias or index)."""
    try:
        return int(client.count(index=alias)["count"])
    except Exception:
        return -1


def ensure_indexed(url: str, count: int, job_posts: int = 0) -> None:
    """Index the demo corpus with the CLI unless the live profiles alias (of the namespace of
    TALENT_SEARCH_INDEX_PREFIX, which the CLI and the API process inherit) holds `count`; the
    same for `job_posts` demo job posts (`talent-search index job-posts`; 0: none)."""
    client = make_client(url, EngineSettings(url=url, timeout_s=120))
    settings = TalentSettings()
    env = os.environ | {"OPENSEARCH_URL": url}
    wanted = [("profiles", "generate-demo", ["index"], settings.index_namespace.profiles, count)]
    if job_posts > 0:
        wanted.append(
            (
                "job-posts",
                "generate-demo-job-posts",
                ["index", "job-posts"],
                settings.index_namespace.job_posts,
                job_posts,
            )
        )
    for what, generate, index, kind, n in wanted:
        live = live_count(client, kind.alias)
        if live == n:
            console.print(f"reusing the live {what} index ({live})")
            continue
        corpus = settings.state_dir / f"demo-{what}-{n}.jsonl"
        if not corpus.exists():
            subprocess.run([CLI, generate, "--out", str(corpus), "--count", str(n)], check=True)
        console.print(f"indexing {n} {what} (the live index holds {live})...")
        subprocess.run([CLI, *index, str(corpus), "--rebuild"], check=True, env=env)


def free_port() -> int:
    """A TCP port free on loopback right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def start_api(url: str, port: int, keys: ClientKeys | None = None) -> subprocess.Popen[bytes]:
    """`talent-search serve --demo-keys` on `port` against the engine at `url` (and `keys`'
    key file), once ready; its output goes to a temporary file, named when it fails."""
    with contextlib.suppress(httpx.HTTPError):
        httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=1)
        raise SystemExit(f"port {port} is taken: pass another --port")
    env = os.environ | {"OPENSEARCH_URL": url, "HF_HUB_OFFLINE": "1"}
    if keys is not None:
        env["TALENT_SEARCH_API_KEYS_FILE"] = str(keys.file)
    log = Path(tempfile.mkstemp(prefix=f"ts-api-{port}-", suffix=".log")[1])
    with log.open("wb") as output:
        process = subprocess.Popen(
            [CLI, "serve", "--demo-keys", "--port", str(port)],
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    for _ in range(600):
        if process.poll() is not None:
            raise SystemExit(f"the API process exited during start-up (its output: {log})")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=1).status_code == 200:
                return process
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    process.kill()
    raise SystemExit(f"the API did not become ready within 60 s (its output: {log})")


def stop_api(process: subprocess.Popen[bytes]) -> None:
    process.send_signal(signal.SIGTERM)
    process.wait(timeout=30)


@dataclass
class Recording:
    """Per request of a mix, the `_msearch` rounds the API sent for it, in order; and the
    periodic checks seen meanwhile (not replayed)."""

    rounds: list[list[EngineCall]]
    housekeeping: Counter[str] = field(default_factory=Counter)

    def histogram(self) -> dict[int, int]:
        """How many searches sent 1, 2, ... rounds."""
        return dict(sorted(Counter(len(r) for r in self.rounds).items()))


def record_api_requests(url: str, requests: list[Request]) -> Recording:
    """Each request sent to an in-process copy of the API (`create_app` with `serve`'s settings
    from the environment and the demo keys) whose engine client records what it sends: once
    to warm up (what a searcher loads once), then once recorded."""
    client = make_client(url, EngineSettings(url=url))
    recorder = Recorder(client)
    app = create_app(
        ApiSettings(log_level="WARNING"), client_factory=lambda: client, demo_keys=True
    )
    recording = Recording([])
    with TestClient(app) as http:
        for request in requests:
            send(http, request)
        recorder.take()
        for request in requests:
            response = send(http, request)
            if response.status_code != 200:
                raise SystemExit(f"in-process API: {request} answered {response.status_code}")
            calls = recorder.take()
            recording.rounds.append(search_rounds(calls))
            recording.housekeeping += housekeeping(calls)
    return recording


def check_bare(url: str, port: int, requests: list[Request], recording: Recording) -> list[int]:
    """Start the API process with its engine behind a recording proxy, send each request once
    (after one warm-up pass) and compare its `_msearch` rounds (path, query and NDJSON body) with
    `recording`'s: the indices of the requests that differ (none: the bare phase sends what the
    API sends)."""
    proxy = RecordingProxy(node_urls(url)[0])
    try:
        api = start_api(proxy.url, port)
        try:
            http = httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=60)
            for request in requests:
                send(http, request)
            proxy.take()
            differ = []
            for i, request in enumerate(requests):
                send(http, request)
                sent = [(path, body) for _, path, body in proxy.take() if "/_msearch" in path]
                recorded = [(c.url, c.body) for c in recording.rounds[i]]
                if [(p.split("?")[0], b) for p, b in sent] != recorded:
                    differ.append(i)
        finally:
            stop_api(api)
    finally:
        proxy.close()
    return differ


@dataclass
class ApiLoad:
    api: LoadResult
    bare: LoadResult
    rss_start_mb: float
    rss_end_mb: float
    failures: Counter[str]
    recording: Recording
    bare_differs: list[int] | None  # None: not checked
    clients: int
    # The API process's CPU time over the whole interleaved load, per API request (it idles
    # through the bare phases: a few ms of CPU a second, its periodic checks)
    api_cpu_ms_per_request: float = float("nan")

    def figures(self) -> dict[str, Any]:
        out: dict[str, Any] = {"clients": self.clients, "phases_each": self.api.phases}
        for name, r in (("api", self.api), ("bare", self.bare)):
            out[name] = {
                "requests": r.requests,
                "seconds": round(r.seconds, 2),
                "throughput_per_s": round(r.throughput, 2),
                "p50_ms": round(r.p50, 2),
                "p99_ms": round(r.p99, 2),
                "errors": r.errors,
            }
        out |= {
            "api_p50_over_bare_p50": round(ratio(self.api.p50, self.bare.p50), 3),
            "api_p99_over_bare_p99": round(ratio(self.api.p99, self.bare.p99), 3),
            "api_cpu_ms_per_request": round(self.api_cpu_ms_per_request, 2),
            "api_rss_start_mb": round(self.rss_start_mb),
            "api_rss_end_mb": round(self.rss_end_mb),
            "api_failures": dict(self.failures),
            "mix_requests": len(self.recording.rounds),
            "bare_rounds_per_search": self.recording.histogram(),
            "housekeeping_not_replayed": dict(self.recording.housekeeping),
            "bare_checked_against_api_process": self.bare_differs is not None,
            "bare_requests_differing": self.bare_differs,
        }
        return out


def api_vs_bare(
    url: str,
    clients: int,
    seconds: float,
    port: int,
    rounds: int = 3,
    check: bool = True,
    mix: Mix | None = None,
) -> ApiLoad:
    """The API process under `clients` concurrent clients against the bare replay of its engine
    requests, interleaved (`rounds` phases each, `seconds` in all per side). `port` 0: a free
    one."""
    port = port or free_port()
    requests = search_requests(mix if mix is not None else request_mix())
    console.print(f"recording the engine requests of {len(requests)} searches (in-process API)")
    recording = record_api_requests(url, requests)
    console.print(
        f"rounds per search: {recording.histogram()}; periodic checks seen (not replayed): "
        f"{dict(recording.housekeeping) or 'none'}"
    )
    differs = None
    if check:
        console.print("checking the recording against the API process's own engine requests")
        differs = check_bare(url, free_port(), requests, recording)
        console.print(
            f"bare check: {len(requests) - len(differs)} of {len(requests)} searches send the "
            "same engine requests" + (f"; differing: {differs}" if differs else "")
        )
    # the API's own JSON codec, so bare does not pay for a slower one than the API's
    backend = OpenSearch(
        hosts=node_urls(url), timeout=30, pool_maxsize=clients, serializer=EngineJSONSerializer()
    )

    def bare_call(i: int) -> tuple[float, bool]:
        started = time.perf_counter()
        ok = replay(backend, recording.rounds[i % len(recording.rounds)])
        return (time.perf_counter() - started) * 1000, ok

    keys = ClientKeys.create(clients)
    api = start_api(url, port, keys)
    try:
        rss_start = rss_mb((api.pid,))
        http = LoadClient(f"http://127.0.0.1:{port}", clients)
        failures: Counter[str] = Counter()
        call = api_worker(http, requests, failures, keys)
        # Each load client has its own keys, and the API caches query embeddings per client
        # (ranking.query_embedder): every (request, client) pair of the load is made once, so
        # the phases measure a warm API, not the model embedding a client's first queries.
        warm_up(call, clients, math.lcm(len(requests), clients))
        for i in range(len(requests)):  # and the engine, once per request
            bare_call(i)
        failures.clear()

        def on_phase(name: str, n: int, total: int) -> None:
            console.print(
                f"phase {n + 1}/{total}: {name}, {clients} clients for {seconds / rounds:.0f} s"
            )

        cpu_start = cpu_s(api.pid)
        results = interleave({"API": call, "bare": bare_call}, clients, seconds, rounds, on_phase)
        api_cpu_s = cpu_s(api.pid) - cpu_start
        rss_end = rss_mb((api.pid,))
    finally:
        stop_api(api)
    return ApiLoad(
        results["API"],
        results["bare"],
        rss_start,
        rss_end,
        failures,
        recording,
        differs,
        clients,
        api_cpu_s * 1000 / max(1, results["API"].requests),
    )


def print_api_load(result: ApiLoad, engine_label: str, count: int) -> None:
    table = Table("", "requests", "throughput /s", "p50 ms", "p99 ms", "errors", title=engine_label)
    phases = f"{result.api.phases} phases, interleaved"
    for name, r in (
        (f"API GET /v1/search ({phases})", result.api),
        (f"bare: its engine requests, replayed ({phases})", result.bare),
    ):
        table.add_row(
            name,
            str(r.requests),
            f"{r.throughput:.1f}",
            f"{r.p50:.1f}",
            f"{r.p99:.1f}",
            str(r.errors),
        )
    console.print(table)
    console.print(
        f"engine: {engine_label}\n"
        f"profiles: {count}; clients: {result.clients}; request mix: "
        f"{len(result.recording.rounds)} distinct requests, rounds per search "
        f"{result.recording.histogram()}\n"
        f"API / bare: p50 {ratio(result.api.p50, result.bare.p50):.2f}, "
        f"p99 {ratio(result.api.p99, result.bare.p99):.2f}\n"
        f"API server CPU per API request: {result.api_cpu_ms_per_request:.2f} ms\n"
        f"API server RSS: {result.rss_start_mb:.0f} MB after start-up (model loaded), "
        f"{result.rss_end_mb:.0f} MB after the load"
        + (f"\nAPI failures: {dict(result.failures)}" if result.failures else "")
    )


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
    job_posts: int = typer.Option(0, help="Demo job posts in the index (0: none)."),
    clients: int = typer.Option(16, help="Concurrent clients."),
    seconds: float = typer.Option(30.0, help="Load per side (API, bare), over all its phases."),
    rounds: int = typer.Option(3, help="Phases per side, interleaved."),
    check: bool = typer.Option(
        True, "--check-bare/--no-check-bare", help="Compare bare with the API's own requests."
    ),
    port: int = typer.Option(0, help="Port for the API process (0: a free one)."),
    engine: str = typer.Option("embedded", help="embedded | opensearch (started for the run)."),
    heap: str = typer.Option("2g", help="JVM heap of the real engine."),
    backend_url: str | None = typer.Option(None, help="Measure a running cluster instead."),
) -> None:
    with bench_engine(engine_name(engine), heap, backend_url) as running:
        console.print(f"engine: {running.name} at {running.url}")
        engine_rss = [rss_mb(running.pids)]
        ensure_indexed(running.url, count, job_posts)
        engine_rss.append(rss_mb(running.pids))
        result = api_vs_bare(running.url, clients, seconds, port, rounds, check)
        engine_rss.append(rss_mb(running.pids))
    print_api_load(result, running.name, count)
    if running.pids:
        console.print(
            f"engine RSS: {engine_rss[0]:.0f} MB at start, {engine_rss[1]:.0f} MB after "
            f"indexing, {engine_rss[2]:.0f} MB after the load"
        )


if __name__ == "__main__":
    typer.run(main)
