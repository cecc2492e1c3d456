"""Offline eval on both engines: nDCG@10 per query family, embedded against real OpenSearch.

    .venv/bin/python benchmarks/eval_engines.py [--count 5000] [--profiles default,bm25]

The loop of docs/evaluation.md, once per engine, with the product's own CLI: `generate-demo`
(seed 42) and `build-judgments` (seed 7) once, then for each engine (started for the run by
`bench_engines.bench_engine`, in its own temporary state) `index --rebuild` and `eval` of each
ranking profile. The table puts the engines side by side, so what the embedded engine's scoring
changes (BM25, k-NN, filters) shows per family; the JSON reports stay in `--out`.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Annotated, Any

import typer
from bench_engines import EngineName, bench_engine
from rich.console import Console
from rich.table import Table

console = Console()
CLI = str(Path(sys.executable).with_name("talent-search"))
ENGINES: tuple[EngineName, ...] = ("embedded", "opensearch")


def cli(*args: str, env: dict[str, str] | None = None) -> None:
    subprocess.run([CLI, *args], check=True, env=env, stdout=subprocess.DEVNULL)


def eval_report(judgments: Path, profile: str, out_dir: Path, env: dict[str, str]) -> Any:
    out_dir.mkdir(parents=True, exist_ok=True)
    before = set(out_dir.glob("*.json"))
    cli("eval", "--judgments", str(judgments), "--profile", profile, "--out", str(out_dir), env=env)
    (report,) = set(out_dir.glob("*.json")) - before
    return json.loads(report.read_text())


def main(
    count: int = typer.Option(5000, help="Demo profiles (seed 42)."),
    profiles: str = typer.Option("default,bm25", help="Ranking profiles, comma-separated."),
    metric: str = typer.Option("ndcg@10", help="Metric in the table."),
    heap: str = typer.Option("2g", help="JVM heap of the real engine."),
    out: Annotated[
        Path | None, typer.Option(help="Where the corpus, judgments and reports go.")
    ] = None,
) -> None:
    work = out or Path(tempfile.mkdtemp(prefix="ts-eval-engines-"))
    work.mkdir(parents=True, exist_ok=True)
    corpus, judgments = work / "profiles.jsonl", work / "dev-judgments.csv"
    cli("generate-demo", "--out", str(corpus), "--count", str(count), "--seed", "42")
    cli("build-judgments", "--profiles", str(corpus), "--out", str(judgments), "--seed", "7")
    names = [p.strip() for p in profiles.split(",") if p.strip()]
    reports: dict[tuple[str, str], Any] = {}
    labels: dict[str, str] = {}
    for engine in ENGINES:
        with bench_engine(engine, heap) as running:
            labels[engine] = running.name
            console.print(f"{running.name}: indexing {count} profiles ...")
            # the engine's own state dir keeps the CLI off any background backend
            env = os.environ | {
                "OPENSEARCH_URL": running.url,
                "TALENT_SEARCH_STATE_DIR": str(work / f"state-{engine}"),
            }
            cli("index", str(corpus), "--rebuild", env=env)
            for name in names:
                console.print(f"{running.name}: eval --profile {name}")
                reports[engine, name] = eval_report(judgments, name, work / engine, env)

    first = reports[ENGINES[0], names[0]]
    families = ["overall", *first["families"]]
    table = Table(title=f"{metric}, {count} demo profiles (seed 42), judgments seed 7")
    table.add_column("family")
    table.add_column("queries", justify="right")
    for name in names:
        for engine in ENGINES:
            table.add_column(f"{name}\n{engine}", justify="right")
        table.add_column(f"{name}\ndelta", justify="right")
    for family in families:
        size = first["query_count"] if family == "overall" else first["families"][family]["queries"]
        row = [family, str(size)]
        for name in names:
            values = []
            for engine in ENGINES:
                data = reports[engine, name]
                means = data["overall"] if family == "overall" else data["families"][family]
                values.append(float(means[metric]))
            row += [f"{v:.4f}" for v in values] + [f"{values[1] - values[0]:+.4f}"]
        table.add_row(*row)
    console.print(table)
    console.print(
        "delta = opensearch - embedded; engines: "
        + "; ".join(f"{e}: {labels[e]}" for e in ENGINES)
        + f"\nreports: {work}"
    )
    for (engine_name, name), data in reports.items():
        missing = data.get("judged_profiles_not_indexed", 0)
        if missing:
            console.print(f"[yellow]{engine_name}/{name}: {missing} judged profiles not indexed[/]")


if __name__ == "__main__":
    typer.run(main)
