"""benchmarks/report.py's table: its rows, its Markdown and its JSON, from the report's figures
(pure: no engine, no model; tests/unit/test_report_benchmark.py)."""

from __future__ import annotations

import math
from typing import Any


def number(value: float | None, digits: int = 0) -> str:
    """A figure as the tables print it: thousands separated, `n/a` when there is none."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "n/a"
    return f"{value:,.{digits}f}"


def pair(a: float | None, b: float | None, digits: int = 0, unit: str = "") -> str:
    return f"{number(a, digits)} / {number(b, digits)}{unit}"


def ms_pair(stage: dict[str, float] | None) -> str:
    """p50 / p99 of a stage, in ms (two decimals below 10 ms, one below 100, none above)."""
    if stage is None:
        return "n/a"

    def ms(v: float) -> str:
        return number(v, 2 if v < 10 else 1 if v < 100 else 0)

    return f"{ms(stage['p50_ms'])} / {ms(stage['p99_ms'])}"


def report_rows(f: dict[str, Any]) -> list[tuple[str, str]]:
    """The table's rows (label, value) from the report's figures (`run`'s JSON)."""
    rows: list[tuple[str, str]] = []
    ix = f.get("indexing")
    if ix is not None:
        raw = ix["raw_mode"]
        rows += [
            ("writing the demo corpus", f"{number(f['corpus_s'])} s"),
            (
                f"raw bulk ({raw}) / indexer end to end, docs/s",
                pair(ix["raw_docs_per_s"], ix["indexer_docs_per_s"]),
            ),
            ("indexer / raw bulk", number(ix["indexer_over_raw"], 2)),
            (
                f"indexer ({ix.get('workers', '?')} build workers): RSS peak during its run, "
                "main process / one worker, MB",
                pair(ix.get("indexer_rss_peak_mb"), ix.get("worker_rss_peak_mb")),
            ),
            (
                "whole benchmark: this process's peak RSS / engine RSS peak, MB",
                pair(ix["own_peak_rss_mb"], ix["engine_rss_peak_mb"]),
            ),
        ]
    else:
        rows.append(("indexing", "not measured (--reuse: the live index)"))
    jp = f.get("job_post_indexing")
    if jp is not None:
        rows.append(
            (
                "job posts indexed, s (posts/s)",
                f"{number(jp['indexed'])} in {number(jp['seconds'], 1)} s "
                f"({number(jp['indexed'] / jp['seconds'] if jp['seconds'] else None)}/s)",
            )
        )
    q = f["query"]
    rows += [
        ("query embedding, cold (model), p50 / p99 ms", ms_pair(q["embed_cold"])),
        ("query embedding, cached, p50 / p99 ms", ms_pair(q["embed_cached"])),
        ("`_msearch` (searcher, first round), p50 / p99 ms", ms_pair(q["msearch"])),
        ("fusion + boosts (in search), p50 / p99 ms", ms_pair(q["fusion"])),
        ("bare: the search's engine requests, p50 / p99 ms", ms_pair(q["bare_msearch"])),
        ("search end to end (embedding cached), p50 / p99 ms", ms_pair(q["end_to_end"])),
        (
            "**end to end / bare**, p50 / p99",
            pair(q["end_to_end_over_bare"]["p50"], q["end_to_end_over_bare"]["p99"], 2),
        ),
    ]
    a = f["api"]
    clients = a["clients"]
    rows += [
        (f"API at {clients} clients: requests/s", number(a["api"]["throughput_per_s"], 1)),
        ("API p50 / p99 ms", pair(a["api"]["p50_ms"], a["api"]["p99_ms"])),
        ("API errors (of requests)", f"{a['api']['errors']} (of {number(a['api']['requests'])})"),
        (
            f"bare at {clients} clients: p50 / p99 ms (searches/s)",
            f"{pair(a['bare']['p50_ms'], a['bare']['p99_ms'])} "
            f"({number(a['bare']['throughput_per_s'], 1)})",
        ),
        ("bare errors", str(a["bare"]["errors"])),
        ("API process CPU per API request, ms", number(a.get("api_cpu_ms_per_request"), 2)),
        ("**API p50 / bare p50**", number(a["api_p50_over_bare_p50"], 2)),
        ("**API p99 / bare p99**", number(a["api_p99_over_bare_p99"], 2)),
        (
            "API RSS after start-up / after the load, MB",
            pair(a["api_rss_start_mb"], a["api_rss_end_mb"]),
        ),
    ]
    e = f.get("engine_rss_mb")
    if e is not None:
        rows.append(
            (
                "engine RSS after indexing / after the load, MB",
                pair(e["after_indexing"], e["end"]),
            )
        )
    return rows


def report_table(f: dict[str, Any]) -> str:
    """The Markdown table: one column, the engine's."""
    head = f"{f['engine']}, {number(f['count'])} profiles, {number(f['job_posts'])} job posts"
    lines = [f"| | {head} |", "|---|---:|"]
    lines += [f"| {label} | {value} |" for label, value in report_rows(f)]
    return "\n".join(lines)


def report_markdown(f: dict[str, Any]) -> str:
    """The file: what ran, where and when, the table, and how bare was made."""
    a = f["api"]
    checked = a["bare_requests_differing"]
    check = (
        "not checked (--no-check-bare)"
        if checked is None
        else f"{a['mix_requests'] - len(checked)} of {a['mix_requests']} searches identical"
        + (f" (differing: {checked})" if checked else "")
    )
    return "\n".join(
        [
            f"# Benchmark report: {f['engine']}, {number(f['count'])} profiles",
            "",
            "```bash",
            f["command"],
            "```",
            "",
            f"- date {f['date']}, commit {f['commit']}",
            f"- load at the start: `{f['uptime_start']}`",
            f"- load at the end: `{f['uptime_end']}`",
            f"- wall clock {number(f['wall_s'])} s",
            "",
            report_table(f),
            "",
            f"- query stages: {f['query']['queries']} queries of benchmarks/query.py's mix; "
            f"{f['query']['searches_with_two_rounds']} sent a second round (skill feedback).",
            f"- API load: {a['mix_requests']} distinct requests (api_load.py's mix), "
            f"{a['api']['seconds']:.0f} s of API and {a['bare']['seconds']:.0f} s of bare in "
            f"{a['phases_each']} interleaved phases each; bare sends per search the `_msearch` "
            f"rounds the API sent for it (searches by rounds: {a['bare_rounds_per_search']}); "
            f"checked against the API process's own requests: {check}.",
            "",
        ]
    )


def finite(value: Any) -> Any:
    """NaN as null, so that the JSON is JSON."""
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, dict):
        return {str(k): finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [finite(v) for v in value]
    return value
