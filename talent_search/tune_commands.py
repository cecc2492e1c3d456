"""`talent-search tune`: search a ranking profile's settings on judged queries, honestly.

Why: hand-tuning weights with sliders finds what looks good on the queries at hand. `tune`
searches every setting of a base profile (`relevance.tuning`: the space comes from the model, each
setting inside its validated range), estimates by K-fold cross-validation over queries how much
of the gain holds on queries it was not tuned on, and writes the profile tuned on all queries
into the user profiles directory, where `eval`, `search`, the API and the workbench find it by
name. Errors are reported like `eval`'s: exit 2 with a message naming the problem.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any, Final

import typer
import yaml
from opensearchpy import OpenSearch
from rich.markup import escape
from rich.table import Table

from config.settings import TalentSettings
from ranking.query_classes import QUERY_CLASSES
from ranking.query_embedder import QueryEmbedder
from ranking.ranking_profile import (
    PROFILES_DIR,
    RankingProfile,
    RankingProfileError,
    TuningRecord,
)
from ranking.talent_searcher import SearchError, SearchPlan, SearchQuery, TalentSearcher
from relevance.errors import TuningError
from relevance.evaluation import METRICS, Judgments
from relevance.tuning.cross_validation import TuningResult, cross_validate
from relevance.tuning.evaluator import CachedEvaluator
from relevance.tuning.folds import stratified_folds
from relevance.tuning.grid import Parameter
from relevance.tuning.space import search_space
from relevance.tuning.study import TrialEvent, tuned_profile
from relevance.tuning_plot import plot_tuning
from talent_search.cli_support import (
    _backend_or_exit,
    _fail,
    _progress,
    _searcher,
    console,
    out,
    print_table,
)
from talent_search.eval_commands import (
    _live_index_or_exit,
    _load_judgments_or_exit,
    _ranking_or_exit,
)

__all__ = ["tune_command"]

#: The query embedder's cache must hold every judged query (and its listed parts), or each
#: new request setting would run the model again.
_TEXTS_PER_QUERY: Final = 4
_EXAMPLES: Final = 5
_ID_CHUNK: Final = 1000


def _names(values: list[str] | None) -> list[str] | None:
    """`--params a,b --params c` -> [a, b, c]; None when the option was not given."""
    if values is None:
        return None
    return [name.strip() for value in values for name in value.split(",") if name.strip()]


def _out_name_or_exit(base: RankingProfile, name: str) -> None:
    try:
        base.with_overrides({"name": name})
    except RankingProfileError:
        raise _fail(
            f"--out: invalid profile name {name!r}: lowercase letters, digits, '-' and '_', "
            "starting with a letter or digit, at most 64 characters",
            2,
        ) from None
    if (PROFILES_DIR / f"{name}.yaml").exists():
        raise _fail(
            f"--out: {name!r} is a packaged ranking profile ({escape(str(PROFILES_DIR))}); "
            "choose another name",
            2,
        )


def _space_or_exit(
    base: RankingProfile,
    params: list[str] | None,
    exclude: list[str] | None,
    classes: Sequence[str] = (),
    badge_policy: bool = True,
) -> list[Parameter]:
    try:
        return search_space(base, _names(params), _names(exclude) or [], classes, badge_policy)
    except TuningError as exc:
        raise _fail(escape(str(exc)), 2) from exc


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _fmt(value: Any) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def _folds_table(result: TuningResult, base: RankingProfile, name: str) -> Table:
    metric = result.metric
    table = Table(
        title=f"{name} against {base.name} v{base.version}: held-out {metric} per fold "
        "(tuned on the other folds)"
    )
    table.add_column("fold")
    table.add_column("train", justify="right")
    table.add_column("test", justify="right")
    table.add_column(f"base {metric}", justify="right")
    table.add_column(f"tuned {metric}", justify="right")
    table.add_column("\N{GREEK CAPITAL LETTER DELTA}", justify="right")
    table.add_column("W/L/T", justify="right")
    table.add_column("train: base \N{RIGHTWARDS ARROW} tuned", justify="right")
    for fold in result.folds:
        c = fold.comparison
        table.add_row(
            str(fold.fold),
            str(fold.train),
            str(len(fold.test)),
            f"{c.baseline_mean:.4f}",
            f"{c.candidate_mean:.4f}",
            f"{c.mean_delta:+.4f}",
            f"{c.wins}/{c.losses}/{c.ties}",
            f"{fold.study.base_score:.4f} \N{RIGHTWARDS ARROW} {fold.study.best_score:.4f}",
        )
    c = result.comparison
    table.add_row(
        "[bold]overall[/]",
        "",
        str(len(c.deltas)),
        f"[bold]{c.baseline_mean:.4f}[/]",
        f"[bold]{c.candidate_mean:.4f}[/]",
        f"[bold]{c.mean_delta:+.4f}[/]",
        f"[bold]{c.wins}/{c.losses}/{c.ties}[/]",
        "",
    )
    return table


def _changes_table(result: TuningResult) -> Table:
    final = result.final
    table = Table(
        title=f"the written profile: tuned on all {final.queries} queries "
        f"(train {result.metric} {final.base_score:.4f} \N{RIGHTWARDS ARROW} "
        f"{final.best_score:.4f})"
    )
    table.add_column("parameter")
    table.add_column("level")
    table.add_column("base", justify="right")
    table.add_column("tuned", justify="right")
    table.add_column("importance", justify="right")
    for parameter in result.space:
        value = final.best_values[parameter.path]
        importance = final.importance.get(parameter.path)
        changed = parameter.path in final.changed
        table.add_row(
            f"[bold]{parameter.path}[/]" if changed else parameter.path,
            "engine" if parameter.level == "request" else "memory",
            _fmt(parameter.base),
            _fmt(value) if changed else "=",
            "" if importance is None else f"{importance:.3f}",
        )
    if final.importance_note:
        table.caption = f"importance: {final.importance_note}"
    return table


def _split_line(result: TuningResult) -> str:
    seconds = result.study_seconds
    rate = result.trials / seconds if seconds else 0.0
    return (
        f"trials: {result.trials} in {seconds:.1f} s ({rate:.2f} trials/s); "
        f"{result.engine_trials} queried the engine, "
        f"{result.trials - result.engine_trials} ran in memory; "
        f"engine bodies: {result.bodies_sent} sent, {result.bodies_reused} reused "
        f"({result.engine_seconds:.1f} s in _msearch, {result.plan_seconds:.1f} s planning)"
    )


def _description(
    base: RankingProfile, result: TuningResult, judgments_file: Path, sha: str, queries: int
) -> str:
    c = result.comparison
    return (
        f"Tuned by `talent-search tune` from {base.name} v{base.version} on {queries} judged "
        f"queries ({judgments_file.name}, sha256 {sha[:12]}). Cross-validated {result.metric} "
        f"({len(result.folds)} folds, held out): {c.candidate_mean:.4f} against "
        f"{c.baseline_mean:.4f} for {base.name} ({c.mean_delta:+.4f}; W/L/T "
        f"{c.wins}/{c.losses}/{c.ties})."
    )


def _write_profile(
    directory: Path,
    name: str,
    base: RankingProfile,
    result: TuningResult,
    record: Mapping[str, Any],
    description: str,
    report: Path,
) -> tuple[Path, RankingProfile, int | None]:
    """Write NAME.yaml (atomically); an earlier NAME.yaml is replaced with the next version."""
    path = directory / f"{name}.yaml"
    previous: int | None = None
    if path.exists():
        try:
            previous = RankingProfile.from_yaml(path).version
        except RankingProfileError:
            previous = 0
    version = (previous or 0) + 1
    overrides = {
        "name": name,
        "version": version,
        "description": description,
        "tuning": dict(record),
    }
    profile = tuned_profile(base, result.final.best_values).with_overrides(overrides)
    assert profile.tuning is not None
    data = profile.model_dump(mode="json") | {"tuning": profile.tuning.model_dump(mode="json")}
    changes = ", ".join(
        f"{p} {_fmt(_base_value(result, p))} -> {_fmt(v)}" for p, v in result.final.changed.items()
    )
    header = (
        f"# Ranking profile {name} v{version}, tuned by `talent-search tune` from "
        f"{base.name} v{base.version}.\n"
        f"# Cross-validated {result.metric}: {result.comparison.candidate_mean:.4f} against "
        f"{result.comparison.baseline_mean:.4f} for the base (see `tuning`).\n"
        f"# Changed: {changes or 'nothing (the base was not beaten)'}\n"
        f"# Report: {report}\n"
    )
    directory.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{name}.yaml.tmp")
    temporary.write_text(header + yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    os.replace(temporary, path)
    loaded = RankingProfile.from_yaml(path)  # it must load like any other profile
    if loaded != profile:
        raise _fail(f"{escape(str(path))} does not read back as written", 1)
    return path, profile, previous


def _base_value(result: TuningResult, path: str) -> Any:
    return next(p.base for p in result.space if p.path == path)


def _report_paths(directory: Path, stem: str) -> tuple[Path, Path]:
    stem += datetime.now().strftime("-%Y%m%dT%H%M%S")
    taken, number = stem, 1
    while (directory / f"{stem}.json").exists():
        number += 1
        stem = f"{taken}-{number}"
    return directory / f"{stem}.json", directory / f"{stem}.png"


def tune_command(
    judgments_file: Annotated[
        Path,
        typer.Option(
            "--judgments", help="Quepid ratings CSV: query,docid,rating and an optional family."
        ),
    ],
    out_name: Annotated[
        str,
        typer.Option(
            "--out", help="Name of the tuned profile (NAME.yaml in the user profiles directory)."
        ),
    ],
    base_name: Annotated[
        str, typer.Option("--base", help="Ranking profile to start from.")
    ] = "default",
    trials: Annotated[
        int, typer.Option(min=1, help="Trials per study (K fold studies and a final one).")
    ] = 100,
    folds: Annotated[int, typer.Option(min=2, help="Cross-validation folds over queries.")] = 5,
    metric: Annotated[
        str, typer.Option(help=f"Metric to maximise: {', '.join(METRICS)}.")
    ] = "ndcg@10",
    seed: Annotated[int, typer.Option(help="Seed of the folds and the sampler.")] = 42,
    params: Annotated[
        list[str] | None,
        typer.Option(
            "--params",
            help="Search only these settings (comma-separated paths, groups such as badges, "
            "or wildcards such as 'legs.*.weight'); may name window or query.*.",
        ),
    ] = None,
    exclude: Annotated[
        list[str] | None,
        typer.Option("--exclude", help="Settings not to search (same forms as --params)."),
    ] = None,
    engine_share: Annotated[
        float,
        typer.Option(
            min=0.01,
            max=1.0,
            help="Share of trials that may sample new request settings (engine queries); the "
            "others tune fusion and boosts in memory.",
        ),
    ] = 0.25,
    report_dir: Annotated[
        Path | None,
        typer.Option(
            "--report-dir", file_okay=False, help="Directory for the JSON and PNG reports."
        ),
    ] = None,
    allow_missing: Annotated[
        bool,
        typer.Option(
            "--allow-missing", help="Tune even when some judged profiles are not indexed."
        ),
    ] = False,
    allow_badge_reorder: Annotated[
        bool,
        typer.Option(
            "--allow-badge-reorder",
            help="Let badge multipliers go below 1 or out of badge order (a policy change: by "
            "default each stays >= 1 and expert_vetted >= top_rated_plus >= top_rated >= "
            "rising_talent).",
        ),
    ] = False,
) -> None:
    """Tune a ranking profile on judged queries, with a cross-validated estimate of the gain."""
    started = time.perf_counter()
    if metric not in METRICS:
        raise _fail(f"--metric: unknown metric {metric!r}; use one of {', '.join(METRICS)}", 2)
    judgments = _load_judgments_or_exit(judgments_file)
    base = _ranking_or_exit(base_name, "--base")
    _out_name_or_exit(base, out_name)
    badge_policy = not allow_badge_reorder
    # names (and the base's badges) checked before the engine
    _space_or_exit(base, params, exclude, list(QUERY_CLASSES), badge_policy)
    try:
        stratified_folds(judgments, folds, seed)
    except TuningError as exc:
        raise _fail(escape(str(exc)), 2) from exc
    reports = report_dir if report_dir is not None else Path("out") / f"tune-{out_name}"
    try:  # before the searches, not after minutes of them
        reports.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise _fail(
            f"--report-dir: cannot create {escape(str(reports))}: {exc.strerror}", 2
        ) from exc
    sha = _sha256(judgments_file)
    settings = TalentSettings()
    namespace = settings.index_namespace
    alias = namespace.profiles.alias
    with _backend_or_exit() as backend:
        client: OpenSearch = backend.client
        live = _live_index_or_exit(client, alias)
        _check_judged_profiles(client, alias, live, judgments, allow_missing)
        searcher = _searcher(client, settings)
        classes = _query_classes(searcher, base, judgments)
        space = _space_or_exit(base, params, exclude, sorted(classes), badge_policy)
        needed = _TEXTS_PER_QUERY * len(judgments)
        if needed > 1024:  # QueryEmbedder's default capacity
            searcher.embedder = QueryEmbedder(searcher.embedder._encode, max_entries=needed)

        def plan(text: str, profile: RankingProfile) -> SearchPlan:
            return searcher.plan(SearchQuery(text), profile)

        if base.query.feedback.enabled:
            console.print(
                "[yellow]tune scores one pass per query: skill feedback (query.feedback, a "
                "second pass when no past job post speaks) is not in its figures[/]"
            )

        evaluator = CachedEvaluator(plan, searcher.run_bodies, judgments, metric)
        fusion = sum(p.level == "fusion" for p in space)
        out.print(
            f"{len(judgments)} queries in {len(set(judgments.families.values()))} families, "
            f"{folds} folds, {trials} trials per study ({(folds + 1) * trials} in all); "
            f"{len(space)} parameters: {fusion} fusion (in memory), {len(space) - fusion} "
            f"request (engine); base {base.name} v{base.version}; index {live}"
        )
        if any(p.path.startswith("badges.") for p in space):
            out.print(
                "badge multipliers stay >= 1 and in badge order (expert_vetted >= "
                "top_rated_plus >= top_rated >= rising_talent); --allow-badge-reorder lifts this"
                if badge_policy
                else "[yellow]--allow-badge-reorder: badge multipliers may go below 1 and out "
                "of badge order[/]"
            )
        if classes:
            out.print(
                "query classes, each with its own settings in the search: "
                + ", ".join(f"{name} ({count} queries)" for name, count in sorted(classes.items()))
            )
        try:
            result = _tune(
                evaluator, space, base, judgments, folds, trials, seed, engine_share, badge_policy
            )
        except SearchError as exc:
            raise _fail(escape(str(exc))) from exc
    print_table(_folds_table(result, base, out_name))
    out.print(_split_line(result))
    print_table(_changes_table(result))

    json_path, png_path = _report_paths(reports, f"tune-{out_name}")
    c = result.comparison
    record = TuningRecord(
        base=f"{base.name} v{base.version}",
        judgments=judgments_file.name,
        judgments_sha256=sha,
        queries=len(judgments),
        metric=metric,
        folds=folds,
        trials=trials,
        seed=seed,
        cv_base=round(c.baseline_mean, 6),
        cv_tuned=round(c.candidate_mean, 6),
        cv_wins=c.wins,
        cv_losses=c.losses,
        cv_ties=c.ties,
        parameters=tuple(p.path for p in space),
        tuned_at=datetime.now().astimezone().isoformat(timespec="seconds"),
    )
    description = _description(base, result, judgments_file, sha, len(judgments))
    profile_path, profile, previous = _write_profile(
        settings.user_profiles_dir,
        out_name,
        base,
        result,
        record.model_dump(mode="json"),
        description,
        json_path,
    )
    data: dict[str, Any] = {
        "command": {
            "judgments": str(judgments_file),
            "base": base_name,
            "out": out_name,
            "trials": trials,
            "folds": folds,
            "metric": metric,
            "seed": seed,
            "params": _names(params),
            "exclude": _names(exclude),
            "engine_share": engine_share,
        },
        "judgments": {"path": str(judgments_file), "sha256": sha, "queries": len(judgments)},
        "index": live,
        "base_profile": {"name": base.name, "version": base.version},
        "profile": {"name": profile.name, "version": profile.version, "path": str(profile_path)},
        "generated_at": record.tuned_at,
        "wall_seconds": round(time.perf_counter() - started, 3),
        **result.to_dict(),
    }
    json_path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    plot_tuning(png_path, result)
    if previous is not None:
        out.print(f"replaced {out_name} v{previous} with v{profile.version}")
    out.print(
        f"cross-validated {metric}: {c.candidate_mean:.4f} against {c.baseline_mean:.4f} for "
        f"{base.name} ({c.mean_delta:+.4f}); wall time {time.perf_counter() - started:.1f} s"
    )
    out.print(
        f"use it: talent-search eval --judgments FILE --profile {out_name} --compare "
        f"{base.name}; in the workbench pick {out_name} on one side"
    )
    for kind, path in (("profile", profile_path), ("report", json_path), ("plot", png_path)):
        out.print(f"{kind}: {escape(str(path))}", soft_wrap=True)  # one line, to copy


def _query_classes(
    searcher: TalentSearcher, base: RankingProfile, judgments: Judgments
) -> dict[str, int]:
    """How many judged queries each query class has: only those classes are tuned."""
    counts: dict[str, int] = {}
    for query in judgments.queries:
        name = searcher.query_class(query, base)
        if name is not None:
            counts[name] = counts.get(name, 0) + 1
    return counts


def _check_judged_profiles(
    client: OpenSearch, alias: str, live: str, judgments: Judgments, allow_missing: bool
) -> None:
    """Judgments for profiles that are not indexed tune towards nothing: exit 2 on them."""
    judged = sorted({d for docs in judgments.ratings.values() for d in docs})
    absent = _absent_ids(client, alias, judged)
    if not absent:
        return
    message = (
        f"{len(absent)} of {len(judged)} judged profiles are not in the live index ({live}), "
        f"e.g. {', '.join(absent[:_EXAMPLES])}: were the judgments built for another corpus?"
    )
    if len(absent) == len(judged):
        raise _fail(escape(message), 2)
    if not allow_missing:
        raise _fail(escape(message + " (--allow-missing tunes anyway)"), 2)
    console.print(f"[yellow]{escape(message)}[/]")


def _absent_ids(client: OpenSearch, alias: str, ids: list[str]) -> list[str]:
    absent: list[str] = []
    for start in range(0, len(ids), _ID_CHUNK):
        chunk = ids[start : start + _ID_CHUNK]
        body = {"query": {"ids": {"values": chunk}}, "size": len(chunk), "_source": False}
        found = {hit["_id"] for hit in client.search(index=alias, body=body)["hits"]["hits"]}
        absent += [i for i in chunk if i not in found]
    return absent


def _tune(
    evaluator: CachedEvaluator,
    space: list[Parameter],
    base: RankingProfile,
    judgments: Judgments,
    folds: int,
    trials: int,
    seed: int,
    engine_share: float,
    badge_policy: bool,
) -> TuningResult:
    with _progress() as progress:
        planning = progress.add_task("planning and embedding queries", total=len(judgments))
        evaluator.prepare(
            base,
            judgments.queries,
            on_query=lambda done: progress.update(planning, completed=done),
        )
        task = progress.add_task("tuning", total=(folds + 1) * trials)

        def advance(event: TrialEvent) -> None:
            progress.update(
                task,
                advance=1,
                description=f"{event.study}: trial {event.number + 1}/{event.trials}, "
                f"best {event.best:.4f}",
            )

        try:
            return cross_validate(
                space,
                base,
                evaluator,
                folds,
                trials,
                seed,
                engine_share,
                on_trial=advance,
                badge_policy=badge_policy,
            )
        except TuningError as exc:
            raise _fail(escape(str(exc)), 2) from exc
