"""Relevance on your own data, on both engines: the metric per query family, without and with
the job posts the ranking may learn from.

    .venv/bin/python benchmarks/real_data.py --profiles P --judgments J [--job-posts JP] \\
        [--engines embedded,opensearch] [--ranking-profiles default,bm25] [--profile-dir DIR] \\
        [--job-queries JQ] [--metric ndcg@10] [--out DIR] [--heap 2g] \\
        [--plant-certifications 0.10 --plant-seed 22] [--representative diversity]

The data comes in by path and never goes into the repository: the profiles (the indexer's
JSONL), the judgments (Quepid CSV `query,docid,rating[,family]`) and, optionally, past job
posts (`talent-search index job-posts`). Per engine (started for the run by
`bench_engines.bench_engine`, each in its own temporary state dir), with the product's CLI:
`index PROFILES --rebuild`, `eval --profile NAME` for each ranking profile ("without job
posts"); then, with `--job-posts`, `index job-posts JP --rebuild` and the same evals again
("with job posts"). `--profile-dir` adds ranking profiles outside ranking/profiles/ (the
packaged ones win a name clash) through TALENT_SEARCH_RANKING_PROFILES_DIR.

The table (rows: ranking profile x without/with job posts; columns: per engine, overall and
each family, largest family first, then the eval's search seconds) is printed and written to
`--out` as `real-data.json` and `real-data.md` (the command line on top, ready to paste); the
eval's own JSON reports stay in `--out/<engine>/`. Rejected lines go to `--out` too: the data
directory may be read-only.

Representative results: `--plant-certifications SHARE` copies the profiles into `--out` with a
counting diversity certification planted on SHARE of them (`planted_certifications.py`,
seeded by `--plant-seed`), since real data has none; every eval then runs in the enterprise
context (`eval --enterprise`), and `--representative diversity` adds a row per ranking profile
evaluated with that option. An exposure table (per engine: nDCG@10, the share of queries with a
representative top 10 for certification and for badges, min skew@10 >= -0.1, NDKL) follows.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from bench_engines import EngineName, bench_engine, engine_name
from bench_load import command_line, git_commit
from planted_certifications import plant_certifications
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from ranking.ranking_profile import RankingProfileError, load_profile
from relevance.evaluation import METRICS

console = Console()
CLI = str(Path(sys.executable).with_name("talent-search"))
PROFILES_DIR_ENV = "TALENT_SEARCH_RANKING_PROFILES_DIR"  # TalentSettings.ranking_profiles_dir
PHASES = ("without", "with")  # job posts
HEADLINE = re.compile(r"read \d+, indexed \d+, rejected \d+")
INDEX_OK = (0, 3)  # 3: some lines were rejected (they are in the rejects file)


class CommandFailed(Exception):
    """A talent-search command exited with an error; the message names it."""


# ---------------------------------------------------------------- the table (pure) -----------


@dataclass(frozen=True)
class Row:
    """One ranking profile, without or with job posts: per engine, family -> metric, seconds."""

    ranking_profile: str
    job_posts: bool
    values: Mapping[str, Mapping[str, float | None]]  # engine -> family ("overall", ...) -> value
    seconds: Mapping[str, float | None]  # engine -> the eval's search seconds

    @property
    def label(self) -> str:
        return f"{self.ranking_profile}, {'with' if self.job_posts else 'without'} job posts"


@dataclass(frozen=True)
class Results:
    metric: str
    engines: tuple[str, ...]
    families: tuple[str, ...]  # "overall" first
    family_sizes: Mapping[str, int]
    rows: tuple[Row, ...]


Key = tuple[str, str, str]  # engine, ranking profile, phase ("without" / "with" job posts)


def family_order(reports: Mapping[Key, Mapping[str, Any]]) -> tuple[dict[str, int], list[str]]:
    """Query counts per family over all reports, and the families ordered largest first (then by
    name), with `overall` in front."""
    sizes: dict[str, int] = {}
    for report in reports.values():
        sizes.setdefault("overall", int(report.get("query_count", 0)))
        for family, means in report.get("families", {}).items():
            sizes.setdefault(family, int(means.get("queries", 0)))
    others = sorted((f for f in sizes if f != "overall"), key=lambda f: (-sizes[f], f))
    return sizes, ["overall", *others]


def _value(report: Mapping[str, Any], family: str, metric: str) -> float | None:
    means = report.get("overall") if family == "overall" else report.get("families", {}).get(family)
    if not means or metric not in means:
        return None
    return float(means[metric])


def build_results(
    reports: Mapping[Key, Mapping[str, Any]],
    engines: Sequence[str],
    ranking_profiles: Sequence[str],
    metric: str,
) -> Results:
    """The table from the eval reports (the `talent-search eval` JSON), keyed by engine, ranking
    profile and phase. A phase no engine ran (no job posts) has no rows; a cell a report lacks is
    None."""
    sizes, families = family_order(reports)
    rows = []
    for phase in PHASES:
        for name in ranking_profiles:
            if not any((engine, name, phase) in reports for engine in engines):
                continue
            values: dict[str, dict[str, float | None]] = {}
            seconds: dict[str, float | None] = {}
            for engine in engines:
                report = reports.get((engine, name, phase))
                values[engine] = {
                    f: _value(report, f, metric) if report else None for f in families
                }
                found = report.get("search_seconds") if report else None
                seconds[engine] = None if found is None else float(found)
            rows.append(Row(name, phase == "with", values, seconds))
    return Results(metric, tuple(engines), tuple(families), sizes, tuple(rows))


def _fmt(value: float | None, digits: int = 4) -> str:
    return "n/a" if value is None else f"{value:.{digits}f}"


def header_cells(results: Results) -> list[str]:
    cells = ["ranking profile", "job posts"]
    for engine in results.engines:
        for family in results.families:
            cells.append(f"{engine} {family} ({results.family_sizes[family]})")
        cells.append(f"{engine} search s")
    return cells


def body_cells(results: Results) -> list[list[str]]:
    rows = []
    for row in results.rows:
        cells = [row.ranking_profile, "with" if row.job_posts else "without"]
        for engine in results.engines:
            cells += [_fmt(row.values[engine][f]) for f in results.families]
            cells.append(_fmt(row.seconds[engine], 1))
        rows.append(cells)
    return rows


def rich_table(results: Results, title: str) -> Table:
    table = Table(title=title)
    for i, cell in enumerate(header_cells(results)):
        if i > 1:  # engine / family (queries) on lines of their own
            table.add_column(cell.replace(" ", "\n", 1), justify="right", no_wrap=True)
        else:
            table.add_column(cell, no_wrap=True)
    for cells in body_cells(results):
        table.add_row(*cells)
    return table


def markdown(results: Results, command: str, notes: Sequence[str] = ()) -> str:
    """The table as Markdown, the exact command line on top, `notes` as a list below."""
    header = header_cells(results)
    lines = [
        "```bash",
        command,
        "```",
        "",
        f"{results.metric} per query family (queries in brackets):",
        "",
        "| " + " | ".join(header) + " |",
        "|" + "|".join(["---"] * 2 + ["---:"] * (len(header) - 2)) + "|",
    ]
    lines += ["| " + " | ".join(cells) + " |" for cells in body_cells(results)]
    if notes:
        lines += ["", *(f"- {note}" for note in notes)]
    return "\n".join(lines) + "\n"


def results_json(results: Results, **context: Any) -> dict[str, Any]:
    return {
        **context,
        "metric": results.metric,
        "engines": list(results.engines),
        "families": {f: results.family_sizes[f] for f in results.families},
        "rows": [
            {
                "ranking_profile": row.ranking_profile,
                "job_posts": row.job_posts,
                "engines": {
                    engine: {**row.values[engine], "search_seconds": row.seconds[engine]}
                    for engine in results.engines
                },
            }
            for row in results.rows
        ],
    }


EXPOSURE_COLUMNS = (
    ("certification", "representative@10"),
    ("certification", "min_skew@10>=-0.1"),
    ("certification", "ndkl"),
    ("badge", "representative@10"),
    ("badge", "min_skew@10>=-0.1"),
    ("badge", "ndkl"),
)


def exposure_markdown(
    reports: Mapping[Key, Mapping[str, Any]], engines: Sequence[str], names: Sequence[str]
) -> str:
    """Per engine, row and phase: nDCG@10 overall beside the exposure measures of the eval's
    report (`exposure`: the share of queries with a representative top 10, within skew -0.1,
    and mean NDKL; certification only where the eval ran as an enterprise client)."""
    header = ["engine", "ranking", "job posts", "ndcg@10"]
    header += [f"{attribute} {measure}" for attribute, measure in EXPOSURE_COLUMNS]
    lines = [
        "Exposure (pool: the first 50 of each ranking; `relevance.exposure`):",
        "",
        "| " + " | ".join(header) + " |",
        "|" + "|".join(["---"] * 3 + ["---:"] * (len(header) - 3)) + "|",
    ]
    for engine in engines:
        for phase in PHASES:
            for name in names:
                report = reports.get((engine, name, phase))
                if report is None:
                    continue
                exposure = report.get("exposure", {})
                cells = [engine, name, phase, _fmt(_value(report, "overall", "ndcg@10"))]
                for attribute, measure in EXPOSURE_COLUMNS:
                    found = exposure.get(attribute, {}).get(measure)
                    cells.append("n/a" if found is None else _fmt(float(found)))
                lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------- the run --------------------


def split(value: str) -> list[str]:
    return [part.strip() for part in value.split(",") if part.strip()]


def usage_error(message: str) -> typer.Exit:
    console.print(f"[red]{escape(message)}[/]")
    return typer.Exit(2)


def run_cli(*args: str, env: dict[str, str], ok: tuple[int, ...] = (0,)) -> str:
    """Run talent-search, its stderr (progress, tables) to the terminal; return its stdout."""
    done = subprocess.run([CLI, *args], env=env, stdout=subprocess.PIPE, text=True, check=False)
    if done.returncode not in ok:
        raise CommandFailed(f"`talent-search {shlex.join(args)}` exited with {done.returncode}")
    return done.stdout


def headline(stdout: str) -> str:
    found = HEADLINE.findall(stdout)
    return found[-1] if found else "(no `read N, indexed I, rejected R` line)"


def job_posts_help() -> str | None:
    """`talent-search index job-posts --help`, or None when this CLI has no such command (the
    `index FILE` shortcut would answer with `index load`'s help instead)."""
    done = subprocess.run(
        [CLI, "index", "job-posts", "--help"],
        capture_output=True,
        text=True,
        check=False,
        env=os.environ | {"COLUMNS": "200"},
    )
    return done.stdout if done.returncode == 0 and "index job-posts" in done.stdout else None


def eval_report(
    judgments: Path,
    profile: str,
    out_dir: Path,
    metric: str,
    env: dict[str, str],
    extra: Sequence[str] = (),
) -> Any:
    out_dir.mkdir(parents=True, exist_ok=True)
    before = set(out_dir.glob("*.json"))
    args = ["eval", "--judgments", str(judgments), "--profile", profile, "--metric", metric]
    run_cli(*args, *extra, "--out", str(out_dir), env=env)
    (report,) = set(out_dir.glob("*.json")) - before
    return json.loads(report.read_text())


def check_inputs(
    profiles: Path, judgments: Path, job_posts: Path | None, profile_dir: Path | None
) -> None:
    """Exit 2 naming the option of a missing path, before any engine starts."""
    for option, path, want_dir in (
        ("--profiles", profiles, False),
        ("--judgments", judgments, False),
        ("--job-posts", job_posts, False),
        ("--profile-dir", profile_dir, True),
    ):
        if path is None:
            continue
        if want_dir and not path.is_dir():
            raise usage_error(f"{option}: no such directory: {path}")
        if not want_dir and not path.is_file():
            raise usage_error(f"{option}: no such file: {path}")


@dataclass(frozen=True)
class Run:
    """What every engine is given."""

    work: Path
    profiles: Path
    judgments: Path
    job_posts: Path | None
    ranking_profiles: list[str]
    metric: str
    user_dir: Path | None
    job_posts_help: str  # `index job-posts --help`: which options it takes
    # (row-name suffix, extra `eval` arguments) per evaluation of each ranking profile
    variants: tuple[tuple[str, tuple[str, ...]], ...] = (("", ()),)

    def row_names(self) -> list[str]:
        return [name + suffix for name in self.ranking_profiles for suffix, _ in self.variants]


# With --job-queries, each ranking profile is also evaluated with the judged queries sent as
# whole job posts (title and tagged skills) and as `job.title` alone; the row names say which.
JOB_QUERY_MODES: dict[str, tuple[str, ...]] = {
    " as job posts": (),
    " as job.title": ("--job-queries-title-only",),
}


def job_query_variants(
    job_queries: Path | None, base_args: tuple[str, ...]
) -> list[tuple[str, tuple[str, ...]]]:
    """The evaluations `--job-queries` adds to each ranking profile (none without it)."""
    if job_queries is None:
        return []
    return [
        (suffix, (*base_args, "--job-queries", str(job_queries), *flags))
        for suffix, flags in JOB_QUERY_MODES.items()
    ]


def run_engine(
    run: Run, engine: str, label: str, url: str, reports: dict[Key, Any]
) -> dict[str, str]:
    """Index, eval each ranking profile, then (with job posts) index them and eval again; the
    reports go into `reports`. Returns the indexing headlines."""
    # the engine's own state dir keeps the CLI off any background backend
    env = os.environ | {
        "OPENSEARCH_URL": url,
        "TALENT_SEARCH_STATE_DIR": str(run.work / f"state-{engine}"),
    }
    if run.user_dir is not None:
        env[PROFILES_DIR_ENV] = str(run.user_dir)
    engine_dir = run.work / engine
    engine_dir.mkdir(parents=True, exist_ok=True)
    console.print(f"{label}: indexing {run.profiles.name} ...")
    rejects = engine_dir / "profiles.rejects.jsonl"  # the data's directory may be read-only
    args = ["index", str(run.profiles), "--rebuild", "--rejects", str(rejects)]
    indexed = {"profiles": headline(run_cli(*args, env=env, ok=INDEX_OK))}
    console.print(f"{label}: profiles: {indexed['profiles']}")
    for phase in PHASES:
        if phase == "with":
            if run.job_posts is None:
                break
            args = ["index", "job-posts", str(run.job_posts), "--rebuild"]
            if "--rejects" in run.job_posts_help:
                args += ["--rejects", str(engine_dir / "job-posts.rejects.jsonl")]
            console.print(f"{label}: indexing {run.job_posts.name} ...")
            indexed["job posts"] = headline(run_cli(*args, env=env, ok=INDEX_OK))
            console.print(f"{label}: job posts: {indexed['job posts']}")
        for name in run.ranking_profiles:
            for suffix, extra in run.variants:
                shown = f"{name} {shlex.join(extra)}".strip()
                console.print(f"{label}: eval --profile {shown} ({phase} job posts)")
                out_dir = engine_dir / f"{phase}-job-posts"
                reports[engine, name + suffix, phase] = eval_report(
                    run.judgments, name, out_dir, run.metric, env, extra
                )
    return indexed


def main(
    profiles: Annotated[Path, typer.Option(help="Profiles JSONL (the indexer's input).")],
    judgments: Annotated[Path, typer.Option(help="Quepid CSV: query,docid,rating[,family].")],
    job_posts: Annotated[
        Path | None,
        typer.Option(help="Past job posts JSONL for `index job-posts`; adds the 'with' rows."),
    ] = None,
    job_queries: Annotated[
        Path | None,
        typer.Option(
            help="The judged queries' own job posts (JSONL of `job` objects); adds rows where "
            "those queries are searched as whole posts and as `job.title` alone."
        ),
    ] = None,
    engines: Annotated[str, typer.Option(help="Engines, comma-separated.")] = "embedded,opensearch",
    ranking_profiles: Annotated[
        str, typer.Option(help="Ranking profiles, comma-separated.")
    ] = "default,bm25",
    profile_dir: Annotated[
        Path | None,
        typer.Option(help=f"More ranking-profile YAMLs (passed as {PROFILES_DIR_ENV})."),
    ] = None,
    metric: Annotated[str, typer.Option(help=f"Metric: {', '.join(METRICS)}.")] = "ndcg@10",
    heap: Annotated[str, typer.Option(help="JVM heap of the real engine.")] = "2g",
    out: Annotated[
        Path | None, typer.Option(help="Where the reports and tables go (default: a temp dir).")
    ] = None,
    plant_certifications_share: Annotated[
        float,
        typer.Option(
            "--plant-certifications",
            min=0,
            max=1,
            help="Plant a counting diversity certification on this share of the profiles "
            "(a copy in --out); evals then run in the enterprise context.",
        ),
    ] = 0.0,
    plant_seed: Annotated[int, typer.Option(help="Seed of --plant-certifications.")] = 22,
    representative: Annotated[
        str | None,
        typer.Option(help="Also evaluate each profile with `eval --representative VALUE`."),
    ] = None,
) -> None:
    check_inputs(profiles, judgments, job_posts, profile_dir)
    if job_queries is not None and not job_queries.is_file():
        raise usage_error(f"--job-queries: no such file: {job_queries}")
    if metric not in METRICS:
        raise usage_error(f"--metric: unknown metric {metric!r}; use one of {', '.join(METRICS)}")
    try:
        chosen: list[EngineName] = [engine_name(e) for e in split(engines)]
    except typer.BadParameter as exc:
        raise usage_error(f"--engines: {exc}") from exc
    names = split(ranking_profiles)
    if not chosen or not names:
        raise usage_error("--engines and --ranking-profiles need at least one name each")
    user_dir = profile_dir.resolve() if profile_dir else None
    for name in names:
        try:
            load_profile(name, user_dir=user_dir)
        except RankingProfileError as exc:
            raise usage_error(f"--ranking-profiles: {exc}") from exc
    job_posts_options = ""
    if job_posts is not None:
        found = job_posts_help()
        if found is None:
            raise usage_error(
                "--job-posts: this talent-search has no `index job-posts` command yet"
            )
        job_posts_options = found
    command, started_at = command_line(), git_commit()
    work = (out or Path(tempfile.mkdtemp(prefix="ts-real-data-"))).resolve()
    work.mkdir(parents=True, exist_ok=True)
    profiles, judgments = profiles.resolve(), judgments.resolve()
    job_posts = job_posts.resolve() if job_posts else None
    console.print(command, soft_wrap=True, markup=False, highlight=False)
    planting_notes: list[str] = []
    if plant_certifications_share > 0:
        planted_path = work / "profiles-planted.jsonl"
        planted = plant_certifications(
            profiles, planted_path, plant_certifications_share, plant_seed, date.today()
        )
        planting_notes.append(
            f"certifications planted on {planted.certified} of {planted.profiles} profiles "
            f"(share {planted.share:g}, seed {planted.seed}; planted_certifications.py)"
        )
        profiles = planted_path
    enterprise = plant_certifications_share > 0 or representative is not None
    base_args: tuple[str, ...] = ("--enterprise",) if enterprise else ()
    variants: list[tuple[str, tuple[str, ...]]] = [("", base_args)]
    if representative is not None:
        variants.append(
            (f" + representative {representative}", ("--representative", representative))
        )

    job_queries = job_queries.resolve() if job_queries else None
    variants += job_query_variants(job_queries, base_args)
    run = Run(
        work,
        profiles,
        judgments,
        job_posts,
        names,
        metric,
        user_dir,
        job_posts_options,
        tuple(variants),
    )
    reports: dict[Key, Any] = {}
    labels: dict[str, str] = {}
    indexed: dict[str, dict[str, str]] = {}
    try:
        for engine in chosen:
            with bench_engine(engine, heap) as running:
                labels[engine] = running.name
                indexed[engine] = run_engine(run, engine, running.name, running.url, reports)
    except CommandFailed as exc:
        console.print(f"[red]{escape(str(exc))}[/]; reports so far: {escape(str(work))}")
        raise typer.Exit(1) from exc

    results = build_results(reports, chosen, run.row_names(), metric)
    notes = planting_notes + [
        f"{e}: {labels[e]}; {', '.join(f'{k} {v}' for k, v in indexed[e].items())}" for e in chosen
    ]
    for (engine_, name, phase), data in reports.items():
        missing = data.get("judged_profiles_not_indexed", 0)
        if missing:
            notes.append(
                f"{engine_}, {name}, {phase} job posts: {missing} judged profiles not indexed"
            )
    commit = git_commit()  # the tree can change under a long run: say so
    if commit != started_at:
        commit = f"{started_at} at the start, {commit} at the end"
    notes.append(f"commit {commit}, {datetime.now().astimezone():%Y-%m-%d %H:%M %Z}")
    table = rich_table(results, f"{metric} per family, {profiles.name}")
    # wider than the terminal (80 columns when piped) rather than cut short
    needed = Console(width=1000).measure(table).maximum
    Console(width=max(console.width, needed)).print(table)
    for note in notes:
        console.print(escape(note), soft_wrap=True)
    exposure = exposure_markdown(reports, chosen, run.row_names())
    console.print(exposure, markup=False, highlight=False, soft_wrap=True)
    (work / "real-data.md").write_text(
        markdown(results, command, notes) + "\n" + exposure, encoding="utf-8"
    )
    context = {
        "command": command,
        "commit": commit,
        "generated_at": datetime.now().astimezone().isoformat(timespec="seconds"),
        "engine_labels": labels,
        "indexed": indexed,
        "notes": notes,
    }
    text = json.dumps(results_json(results, **context), indent=2, ensure_ascii=False)
    (work / "real-data.json").write_text(text + "\n", encoding="utf-8")
    console.print(f"tables: {work / 'real-data.md'}, {work / 'real-data.json'}", soft_wrap=True)


if __name__ == "__main__":
    typer.run(main)
