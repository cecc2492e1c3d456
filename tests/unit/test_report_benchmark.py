"""The pure parts of benchmarks/report.py and its load helpers: pooling interleaved phases,
percentiles, the soak's windows, the recorded engine requests a bare phase replays, and the
report's table. No engine, no model, no timing asserted: the load results here are made up."""

from __future__ import annotations

import math
import sys
from pathlib import Path
from typing import Any

# benchmarks/ is no package: its scripts import each other by name, as `python
# benchmarks/report.py` does
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))

from bench_load import (
    LoadResult,
    interleave,
    p50_p99,
    percentile,
    phase_order,
    pooled,
    rss_drift,
    window_p99s,
)
from engine_recording import EngineCall, Recorder, housekeeping, replay, search_rounds
from report_table import finite, report_markdown, report_rows, report_table


def test_percentiles_are_nearest_rank_and_nan_when_empty() -> None:
    values = [float(v) for v in range(1, 101)]
    assert percentile(values, 99) == 99.0
    assert p50_p99(values) == (50.5, 99.0)
    assert all(math.isnan(v) for v in p50_p99([]))


def test_phases_alternate_which_kind_goes_first() -> None:
    assert phase_order(["API", "bare"], 3) == ["API", "bare", "bare", "API", "API", "bare"]


def test_pooled_phases_lay_end_to_end_and_give_one_percentile() -> None:
    a = LoadResult([10.0, 30.0], [0.5, 1.0], errors=1, seconds=2.0)
    b = LoadResult([20.0], [0.5], errors=0, seconds=3.0)
    both = pooled([a, b])
    assert both.latencies_ms == [10.0, 30.0, 20.0]
    assert both.ended_s == [0.5, 1.0, 2.5]
    assert (both.errors, both.seconds, both.phases, both.requests) == (1, 5.0, 2, 3)
    assert both.p50 == 20.0  # the pooled median, not a mean of the phases' medians
    assert both.throughput == 3 / 5.0


def test_interleave_runs_each_kind_in_its_phases_and_pools_them() -> None:
    told: list[str] = []
    results = interleave(
        {"API": lambda i: (1.0, True), "bare": lambda i: (2.0, i % 2 == 0)},
        clients=2,
        seconds=0.0,  # no call at all: only the phases' bookkeeping
        rounds=2,
        on_phase=lambda name, n, total: told.append(f"{n + 1}/{total} {name}"),
    )
    assert told == ["1/4 API", "2/4 bare", "3/4 bare", "4/4 API"]
    assert results["API"].phases == results["bare"].phases == 2


def test_soak_windows_and_rss_drift() -> None:
    # a call ending every second for 180 s; the last minute twice as slow as the second
    ended = [float(t) for t in range(180)]
    latencies = [20.0 if t >= 120 else 10.0 for t in range(180)]
    result = LoadResult(latencies, ended, seconds=180.0)
    assert window_p99s(result, 60.0) == (10.0, 20.0)
    samples = [(0.0, 500.0), (30.0, 600.0), (60.0, 640.0), (180.0, 672.0)]
    assert rss_drift(samples, 60.0) == (640.0, 672.0, 5.0)
    assert rss_drift(samples, 0.0)[2] == 100 * (672 - 500) / 500


class FakeTransport:
    def __init__(self) -> None:
        self.sent: list[tuple[str, str, Any, Any]] = []

    def perform_request(
        self,
        method: str,
        url: str,
        params: Any = None,
        body: Any = None,
        timeout: Any = None,
        ignore: Any = (),
        headers: Any = None,
    ) -> Any:
        self.sent.append((method, url, params, body))
        if params:
            params.pop("request_timeout", None)  # as opensearch-py's transport does
        if url.endswith("/_msearch"):
            return {"responses": [{"hits": {"hits": []}}]}
        return {"count": 3}


class FakeClient:
    def __init__(self) -> None:
        self.transport = FakeTransport()


def test_the_recorder_keeps_every_request_and_bare_replays_the_search_rounds() -> None:
    client = FakeClient()
    inner = client.transport
    recorder = Recorder(client)  # type: ignore[arg-type]
    ndjson = '{"index":"profiles"}\n{"size":200}\n{"index":"profiles"}\n{"size":200}\n'
    client.transport.perform_request("GET", "/profiles/_count")
    client.transport.perform_request("POST", "/_msearch", {"request_timeout": 10}, ndjson)
    client.transport.perform_request("POST", "/_msearch", {"request_timeout": 10}, "{}\n{}\n")
    calls = recorder.take()
    assert recorder.take() == []
    rounds = search_rounds(calls)
    assert [(c.url, c.lines) for c in rounds] == [("/_msearch", 2), ("/_msearch", 1)]
    assert rounds[0].params == {"request_timeout": 10}  # kept, although the transport popped it
    assert housekeeping(calls) == {"GET /profiles/_count": 1}

    other = FakeClient()
    assert replay(other, rounds)  # type: ignore[arg-type]
    assert [(m, u, b) for m, u, _, b in other.transport.sent] == [
        ("POST", "/_msearch", ndjson),
        ("POST", "/_msearch", "{}\n{}\n"),
    ]
    assert len(inner.sent) == 3


def test_a_replayed_round_with_an_error_is_not_ok() -> None:
    client = FakeClient()
    client.transport.perform_request = (  # type: ignore[method-assign]
        lambda *args, **kwargs: {"responses": [{"error": {"type": "x"}}]}
    )
    assert not replay(client, [EngineCall("POST", "/_msearch", None, "{}\n{}\n")])  # type: ignore[arg-type]


def figures(indexing: bool = True) -> dict[str, Any]:
    stage = {"p50_ms": 12.345, "p99_ms": 101.0}
    load = {"requests": 1234, "seconds": 30.0, "throughput_per_s": 41.13, "errors": 0}
    return {
        "engine": "OpenSearch 2.19.1, 1 node, heap 2g",
        "count": 100_000,
        "job_posts": 20_000,
        "command": ".venv/bin/python benchmarks/report.py --engine opensearch --count 100000",
        "commit": "abc1234",
        "date": "2026-12-07 19:00 UTC",
        "uptime_start": "load average: 1.00, 1.00, 1.00",
        "uptime_end": "load average: 2.00, 1.00, 1.00",
        "wall_s": 600.0,
        "corpus_s": 5.2 if indexing else None,
        "indexing": {
            "raw_mode": "list",
            "raw_docs_per_s": 8525.4,
            "indexer_docs_per_s": 5276.0,
            "indexer_over_raw": 0.6189,
            "own_peak_rss_mb": 1231.0,
            "engine_rss_peak_mb": float("nan"),
            "workers": 1,
            "indexer_rss_peak_mb": 1180.0,
            "worker_rss_peak_mb": 199.0,
        }
        if indexing
        else None,
        "job_post_indexing": {"indexed": 20_000, "seconds": 8.0} if indexing else None,
        "query": {
            "embed_cold": {"p50_ms": 51.0, "p99_ms": 287.0},
            "embed_cached": {"p50_ms": 0.02, "p99_ms": 0.04},
            "msearch": stage,
            "fusion": stage,
            "bare_msearch": stage,
            "end_to_end": stage,
            "end_to_end_over_bare": {"p50": 1.14, "p99": 1.03},
            "queries": 300,
            "searches_with_two_rounds": 12,
        },
        "api": {
            "clients": 16,
            "phases_each": 3,
            "api": load | {"p50_ms": 359.4, "p99_ms": 660.0},
            "bare": load | {"p50_ms": 241.0, "p99_ms": 500.0},
            "api_p50_over_bare_p50": 1.491,
            "api_p99_over_bare_p99": 1.32,
            "api_rss_start_mb": 994,
            "api_rss_end_mb": 1045,
            "mix_requests": 66,
            "bare_rounds_per_search": {1: 60, 2: 6},
            "bare_requests_differing": [],
        },
        "engine_rss_mb": {"after_indexing": 1582.0, "end": 1644.0},
    }


def test_the_table_has_one_row_per_figure_in_the_summary_layout() -> None:
    table = report_table(figures())
    lines = table.splitlines()
    assert (
        lines[0] == "| | OpenSearch 2.19.1, 1 node, heap 2g, 100,000 profiles, 20,000 job posts |"
    )
    assert lines[1] == "|---|---:|"
    rows = dict(report_rows(figures()))
    assert rows["raw bulk (list) / indexer end to end, docs/s"] == "8,525 / 5,276"
    assert rows["indexer / raw bulk"] == "0.62"
    assert rows["whole benchmark: this process's peak RSS / engine RSS peak, MB"] == "1,231 / n/a"
    memory = "indexer (1 build workers): RSS peak during its run, main process / one worker, MB"
    assert rows[memory] == "1,180 / 199"
    assert rows["job posts indexed, s (posts/s)"] == "20,000 in 8.0 s (2,500/s)"
    assert rows["`_msearch` (searcher, first round), p50 / p99 ms"] == "12.3 / 101"
    assert rows["query embedding, cached, p50 / p99 ms"] == "0.02 / 0.04"
    assert rows["**end to end / bare**, p50 / p99"] == "1.14 / 1.03"
    assert rows["API at 16 clients: requests/s"] == "41.1"
    assert rows["**API p50 / bare p50**"] == "1.49"
    assert rows["**API p99 / bare p99**"] == "1.32"
    assert rows["API RSS after start-up / after the load, MB"] == "994 / 1,045"
    assert rows["engine RSS after indexing / after the load, MB"] == "1,582 / 1,644"
    assert len(lines) == 2 + len(rows)


def test_a_reused_index_says_so_and_the_file_names_the_command_and_the_load() -> None:
    rows = dict(report_rows(figures(indexing=False)))
    assert rows["indexing"] == "not measured (--reuse: the live index)"
    text = report_markdown(figures())
    assert "benchmarks/report.py --engine opensearch --count 100000" in text
    assert "load average: 1.00, 1.00, 1.00" in text and "load average: 2.00, 1.00, 1.00" in text
    assert "66 of 66 searches identical" in text


def test_nan_becomes_null_in_the_json() -> None:
    assert finite({"a": [float("nan"), 1.0], 2: {"b": float("nan")}}) == {
        "a": [None, 1.0],
        "2": {"b": None},
    }
