"""`talent-search eval` and `talent-search build-judgments`: the relevance engineer's loop.

Why: a ranking profile change is only worth shipping if judged queries get better. `eval` runs
every judged query through the same searcher the API uses (the live profiles alias of
`TALENT_SEARCH_INDEX_PREFIX`, `talent-profiles` by default, and a named ranking profile), scores
it with `relevance.evaluation` and, with `--compare`, says per query whether the profile won or
lost against a baseline profile. `build-judgments` makes a dev set from a profiles file when
no human ratings exist yet (see docs/relevance-set.md).
"""

from __future__ import annotations

import csv
import json
import time
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Annotated, Any, Final

import typer
from opensearchpy import OpenSearch
from rich.markup import escape
from rich.table import Table

from config.settings import TalentSettings
from domain.diversity import DiversityCategory
from domain.skill_vocabulary import SkillVocabulary
from indexer.profile_reader import Reject, read_profiles
from mappings.aliases import alias_target
from mappings.errors import AmbiguousAlias
from ranking.job_post_query import JobPost
from ranking.query_embedder import QueryEmbedder
from ranking.ranking_profile import RankingProfile, RankingProfileError, load_profile
from ranking.representative_stage import DIVERSITY, DiversityAsk, representative_stage
from ranking.talent_searcher import SearchError, SearchQuery, TalentSearcher
from relevance.eval_exposure import (
    changes_table,
    exposure_changes,
    exposure_reports,
    exposure_table,
    group_attributes,
)
from relevance.eval_report import format_report, plot_deltas
from relevance.evaluation import (
    METRICS,
    Comparison,
    Judgments,
    compare,
    evaluate,
    load_judgments,
)
from relevance.relevance_set import (
    MAX_RELEVANT,
    build_relevance_set,
    relevance_set_summary,
    write_relevance_set,
)
from talent_search.cli_support import (
    _backend_or_exit,
    _fail,
    _progress,
    _searcher,
    console,
    job_post_or_exit,
    out,
    print_table,
)

__all__ = ["build_judgments", "eval_command"]

#: Hits kept per query: the deepest cut-off any metric looks at (recall@50).
RUN_DEPTH: Final = max(k for _, k in METRICS.values())
_ID_CHUNK: Final = 1000
#: The query embedder's cache must hold every judged query's parts, or each run embeds again.
_TEXTS_PER_QUERY: Final = 4


# --------------------------------------------------------------------------------------------
# eval
# --------------------------------------------------------------------------------------------


def _live_index_or_exit(client: OpenSearch, alias: str) -> str:
    """The index behind the profiles alias, exiting 1 when nothing is indexed (eval and tune)."""
    try:
        live = alias_target(client, alias)
    except AmbiguousAlias as exc:
        raise _fail(str(exc)) from exc
    if live is None or int(client.count(index=alias)["count"]) == 0:
        raise _fail("no profiles are indexed yet: run `talent-search index FILE --rebuild`")
    return live


def _load_judgments_or_exit(path: Path) -> Judgments:
    """Judgments, or exit 2 naming the file and what is wrong with it."""
    if not path.exists():
        raise _fail(f"judgments file {escape(str(path))} does not exist", code=2)
    if not path.is_file():
        raise _fail(f"judgments file {escape(str(path))} is not a file", code=2)
    try:
        judgments = load_judgments(path)
    except UnicodeDecodeError as exc:
        raise _fail(f"{escape(str(path))}: not UTF-8 text ({exc.reason})", code=2) from exc
    except (OSError, ValueError, csv.Error) as exc:
        raise _fail(f"invalid judgments file: {escape(str(exc))}", code=2) from exc
    if not judgments.ratings:
        raise _fail(f"judgments file {escape(str(path))} has a header but no ratings", code=2)
    return judgments


def _ranking_or_exit(name: str, option: str) -> RankingProfile:
    """A packaged or user ranking profile (TALENT_SEARCH_RANKING_PROFILES_DIR) by name."""
    try:
        return load_profile(name, user_dir=TalentSettings().user_profiles_dir)
    except RankingProfileError as exc:
        raise _fail(f"{option}: {escape(str(exc))}", code=2) from exc


def _missing_judged_ids(client: OpenSearch, index: str, judgments: Judgments) -> int:
    """How many judged profiles the live index lacks: judgments built for another corpus score
    near zero, and this says why instead of letting the numbers mislead."""
    ids = sorted({docid for docs in judgments.ratings.values() for docid in docs})
    found = 0
    for start in range(0, len(ids), _ID_CHUNK):
        chunk = ids[start : start + _ID_CHUNK]
        response = client.count(index=index, body={"query": {"ids": {"values": chunk}}})
        found += int(response["count"])
    return len(ids) - found


def _job_queries_or_exit(path: Path, title_only: bool) -> dict[str, JobPost]:
    """Judged queries to send as whole job posts, by title: a JSONL of `POST /v1/search`'s
    `job` objects (`{"title", "skills", ...}`). With `title_only`, each is sent as its title
    alone (a job post with no skills: it must rank as `q` with the same text does)."""
    posts: dict[str, JobPost] = {}
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise _fail(f"--job-queries: cannot read {escape(str(path))}: {exc}", 2) from exc
    for number, line in enumerate(lines, start=1):
        if line.strip():
            title, post = job_post_or_exit(line, f"--job-queries: line {number}")
            posts.setdefault(title, JobPost(title) if title_only else post)
    return posts


def _search_query(query: str, posts: Mapping[str, JobPost]) -> SearchQuery:
    """The judged query as the search sends it: its job post when it has one, else `q`."""
    post = posts.get(query)
    return SearchQuery(job=post) if post is not None else SearchQuery(query)


def _run(
    searcher: TalentSearcher,
    queries: Sequence[str],
    ranking: RankingProfile,
    posts: Mapping[str, JobPost],
    enterprise: bool = False,
    diversity: DiversityAsk | None = None,
) -> tuple[dict[str, list[str]], float]:
    """Query text -> ranked ids (top `RUN_DEPTH`), through the real search path (the
    representative stage included, floors up to `RUN_DEPTH`), as an enterprise search when
    `enterprise`; and seconds."""
    run: dict[str, list[str]] = {}
    started = time.perf_counter()
    with _progress() as progress:
        task = progress.add_task(f"{ranking.name}: searching", total=len(queries))
        for query in queries:
            search = _search_query(query, posts)
            result = searcher.search(search, ranking, include_diversity=enterprise)
            result, _ = representative_stage(result, ranking, RUN_DEPTH, diversity)
            run[query] = [hit.id for hit in result.hits[:RUN_DEPTH]]
            progress.advance(task)
    return run, time.perf_counter() - started


def _warm_up(
    searcher: TalentSearcher,
    queries: Sequence[str],
    rankings: Sequence[RankingProfile],
    posts: Mapping[str, JobPost],
) -> float:
    """Pay the one-time costs before any run is timed: loading the query model, embedding each
    query (kept for every later run) and loading the skills and job posts. Without this the
    first profile's run carried them all (`bm25 searched them in 151.7 s, default in 17.9 s`)."""
    needed = _TEXTS_PER_QUERY * len(queries)
    if needed > 1024:  # QueryEmbedder's default capacity: every run would embed again
        searcher.embedder = QueryEmbedder(searcher.embedder._encode, max_entries=needed)
    started = time.perf_counter()
    with _progress() as progress:
        task = progress.add_task(
            "loading the query model and embedding the queries (once)", total=len(queries)
        )
        for query in queries:
            for ranking in rankings:
                searcher.plan(_search_query(query, posts), ranking)
            progress.advance(task)
    return time.perf_counter() - started


def _badge_policy_warnings(rankings: Sequence[RankingProfile]) -> None:
    for ranking in rankings:
        problems = ranking.badges.policy_problems()
        if problems:
            console.print(
                f"[yellow]{escape(ranking.name)} v{ranking.version} breaks the badge policy: "
                + escape("; ".join(problems))
                + " (allowed: promoting new talent is a policy choice)[/]"
            )


def _profile_ref(ranking: RankingProfile) -> dict[str, Any]:
    return {"name": ranking.name, "version": ranking.version}


def _metrics_table(comparisons: Mapping[str, Comparison], baseline: str, candidate: str) -> Table:
    table = Table(title=f"{candidate} against {baseline}, per query")
    table.add_column("metric")
    table.add_column(baseline, justify="right")
    table.add_column(candidate, justify="right")
    table.add_column("\N{GREEK CAPITAL LETTER DELTA}", justify="right")
    table.add_column("W/L/T", justify="right")
    for name, c in comparisons.items():
        table.add_row(
            name,
            f"{c.baseline_mean:.4f}",
            f"{c.candidate_mean:.4f}",
            f"{c.mean_delta:+.4f}",
            f"{c.wins}/{c.losses}/{c.ties}",
        )
    return table


def _movers_table(comparison: Comparison, baseline: str, candidate: str) -> Table:
    table = Table(title=f"biggest movers on {comparison.metric} ({candidate} - {baseline})")
    table.add_column("query")
    table.add_column("family")
    table.add_column(baseline, justify="right")
    table.add_column(candidate, justify="right")
    table.add_column("\N{GREEK CAPITAL LETTER DELTA}", justify="right")
    for d in comparison.biggest_movers:
        table.add_row(
            escape(d.query),
            escape(d.family),
            f"{d.baseline:.4f}",
            f"{d.candidate:.4f}",
            f"{d.delta:+.4f}",
        )
    return table


def _titled(table: Table, ranking: RankingProfile) -> Table:
    table.title = f"{ranking.name} v{ranking.version}: {table.title}"
    return table


def eval_command(
    judgments_file: Annotated[
        Path,
        typer.Option(
            "--judgments", help="Quepid ratings CSV: query,docid,rating and an optional family."
        ),
    ],
    profile: Annotated[str, typer.Option(help="Ranking profile to evaluate.")] = "default",
    compare_to: Annotated[
        str | None,
        typer.Option(
            "--compare", help="Baseline ranking profile: per-query wins/losses/ties against it."
        ),
    ] = None,
    out_dir: Annotated[
        Path, typer.Option("--out", file_okay=False, help="Directory for the JSON and PNG.")
    ] = Path("eval-reports"),
    metric: Annotated[
        str, typer.Option(help=f"Metric for wins/losses/ties and the plot: {', '.join(METRICS)}.")
    ] = "ndcg@10",
    job_queries: Annotated[
        Path | None,
        typer.Option(
            "--job-queries",
            dir_okay=False,
            help="JSONL of job posts (`POST /v1/search`'s `job`): a judged query equal to a "
            "post's title is searched as that whole post.",
        ),
    ] = None,
    title_only: Annotated[
        bool,
        typer.Option(
            "--job-queries-title-only", help="Send those posts as their title alone (`job.title`)."
        ),
    ] = False,
    enterprise: Annotated[
        bool,
        typer.Option(
            "--enterprise",
            help="Evaluate as an enterprise client: exposure of certified businesses too.",
        ),
    ] = False,
    representative: Annotated[
        str | None,
        typer.Option(
            help="An enterprise `representative` option (`diversity`, or categories, "
            "comma-separated) for --profile's run only (not --compare's); implies --enterprise.",
        ),
    ] = None,
) -> None:
    """Score a ranking profile on judged queries against the live index (and compare two),
    with the exposure of each badge (and, as an enterprise client, of certified businesses)."""
    if metric not in METRICS:
        raise _fail(f"--metric: unknown metric {metric!r}; use one of {', '.join(METRICS)}", 2)
    settings = TalentSettings()
    diversity = _diversity_ask_or_exit(representative, settings)
    enterprise = enterprise or diversity is not None
    judgments = _load_judgments_or_exit(judgments_file)
    ranking = _ranking_or_exit(profile, "--profile")
    baseline_ranking = _ranking_or_exit(compare_to, "--compare") if compare_to else None
    posts = _job_queries_or_exit(job_queries, title_only) if job_queries else {}
    as_posts = sum(query in posts for query in judgments.queries)
    if job_queries and not as_posts:
        raise _fail("--job-queries: no post's title is a judged query", 2)
    try:  # before the searches, not after a minute of them
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise _fail(f"--out: cannot create {escape(str(out_dir))}: {exc.strerror}", 2) from exc
    namespace = settings.index_namespace
    alias = namespace.profiles.alias
    with _backend_or_exit() as backend:
        client: OpenSearch = backend.client
        live = _live_index_or_exit(client, alias)
        missing = _missing_judged_ids(client, alias, judgments)
        searcher = _searcher(client, settings)
        rankings = [ranking, *([baseline_ranking] if baseline_ranking else [])]
        _badge_policy_warnings(rankings)
        try:
            warm_up = _warm_up(searcher, judgments.queries, rankings, posts)
            queries = judgments.queries
            run, seconds = _run(searcher, queries, ranking, posts, enterprise, diversity)
            baseline_run = (
                _run(searcher, queries, baseline_ranking, posts, enterprise)
                if baseline_ranking
                else None
            )
            ids = {d for docs in judgments.ratings.values() for d in docs}
            for ranked in [run, *([baseline_run[0]] if baseline_run else [])]:
                ids.update(d for hits in ranked.values() for d in hits)
            attributes = group_attributes(
                client, alias, ids, enterprise, date.today(), searcher.enabled_countries
            )
        except SearchError as exc:
            raise _fail(escape(str(exc))) from exc
    if missing:
        judged = len({d for docs in judgments.ratings.values() for d in docs})
        console.print(
            f"[yellow]{missing} of {judged} judged profiles are not in the live index "
            f"({live}): were the judgments built for another corpus?[/]"
        )
    report = evaluate(run, judgments)
    exposure = exposure_reports(run, attributes, judgments)
    data: dict[str, Any] = {
        "judgments": str(judgments_file),
        "index": live,
        "ranking_profile": _profile_ref(ranking),
        "generated_at": datetime.now().astimezone().isoformat(timespec="seconds"),
        "search_seconds": round(seconds, 3),
        "warm_up_seconds": round(warm_up, 3),
        "judged_profiles_not_indexed": missing,
        "searched_as_job_posts": as_posts,
        "job_posts_title_only": title_only if job_queries else None,
        "context": "enterprise" if enterprise else "standard",
        "representative": representative,
        **report.to_dict(),
        "exposure": {name: e.to_dict() for name, e in exposure.items()},
    }
    searched = f"{ranking.name} searched them in {seconds:.1f} s"
    if baseline_run is not None and baseline_ranking is not None:
        searched += f", {baseline_ranking.name} in {baseline_run[1]:.1f} s"
    if as_posts:
        sent = "their title alone" if title_only else "whole job posts"
        out.print(f"{as_posts} of the {len(judgments)} queries were searched as {sent}")
    out.print(
        f"{len(judgments)} queries, {sum(map(len, judgments.ratings.values()))} judgments; "
        + searched
        + f" (after {warm_up:.1f} s, once, loading the query model and embedding the queries)"
    )
    stem = f"eval-{ranking.name}"
    if baseline_ranking is None or baseline_run is None:
        print_table(_titled(format_report(report), ranking))
        print_table(exposure_table(exposure, f"{ranking.name} v{ranking.version}"))
        paths = _write(out_dir, stem, data, None)
    else:
        baseline = evaluate(baseline_run[0], judgments)
        baseline_exposure = exposure_reports(baseline_run[0], attributes, judgments)
        comparisons = {name: compare(baseline, report, metric=name) for name in METRICS}
        comparison = comparisons[metric]
        data["baseline"] = {
            "ranking_profile": _profile_ref(baseline_ranking),
            "search_seconds": round(baseline_run[1], 3),
            **baseline.to_dict(),
            "exposure": {name: e.to_dict() for name, e in baseline_exposure.items()},
        }
        data["comparisons"] = {name: c.summary() for name, c in comparisons.items()}
        data["comparison"] = comparison.to_dict()
        changes = exposure_changes(baseline_exposure, exposure)
        data["exposure_comparison"] = changes
        base, cand = baseline_ranking.name, ranking.name
        print_table(_titled(format_report(baseline), baseline_ranking))
        print_table(_titled(format_report(report, comparison), ranking))
        print_table(_metrics_table(comparisons, base, cand))
        print_table(changes_table(changes, comparisons["ndcg@10"].summary(), base, cand))
        if comparison.biggest_movers:
            print_table(_movers_table(comparison, base, cand))
        out.print(
            f"{metric}: {cand} against {base}: {comparison.wins} wins, {comparison.losses} "
            f"losses, {comparison.ties} ties (mean {comparison.mean_delta:+.4f})"
        )
        paths = _write(out_dir, f"{stem}-vs-{base}", data, comparison)
    for kind, path in paths:
        out.print(f"{kind}: {escape(str(path))}", soft_wrap=True)  # one line, to copy


def _diversity_ask_or_exit(value: str | None, settings: TalentSettings) -> DiversityAsk | None:
    """`--representative` as the API reads it (`diversity`, or categories), or exit 2."""
    if value is None:
        return None
    groups = [part.strip() for part in value.split(",") if part.strip()]
    known = [DIVERSITY, *(c.value for c in DiversityCategory)]
    unknown = [g for g in groups if g not in known]
    if not groups or unknown or (DIVERSITY in groups and len(groups) > 1):
        raise _fail(
            "--representative: give `diversity` or diversity categories "
            f"({', '.join(known[1:])}), comma-separated",
            code=2,
        )
    categories = tuple(g for g in groups if g != DIVERSITY)
    countries = tuple(settings.certification_registry.enabled_countries())
    return DiversityAsk(categories, date.today(), countries)


def _write(
    out_dir: Path, stem: str, data: Mapping[str, Any], comparison: Comparison | None
) -> list[tuple[str, Path]]:
    """The JSON report (the `relevance.evaluation.write_report` layout, plus the run's context and
    the baseline) and, with a comparison, the per-query delta plot; timestamped, so a loop of
    runs keeps every report."""
    stem += datetime.now().strftime("-%Y%m%dT%H%M%S")
    taken, number = stem, 1
    while (out_dir / f"{stem}.json").exists():
        number += 1
        stem = f"{taken}-{number}"
    json_path = out_dir / f"{stem}.json"
    json_path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    paths = [("report", json_path)]
    if comparison is not None:
        png_path = out_dir / f"{stem}.png"
        plot_deltas(png_path, comparison)
        paths.append(("plot", png_path))
    return paths


# --------------------------------------------------------------------------------------------
# build-judgments
# --------------------------------------------------------------------------------------------


def _read_corpus(path: Path) -> tuple[list[dict[str, Any]], int, int]:
    """The profiles the indexer would index (rejected lines skipped, the last of duplicate ids
    kept, as an upsert does), so every judged id can be in the index; and the counts skipped."""
    profiles: dict[str, dict[str, Any]] = {}
    rejected = duplicates = 0
    for item in read_profiles(path):
        if isinstance(item, Reject):
            rejected += 1
            continue
        raw = item.profile.model_dump(mode="json")
        if raw["id"] in profiles:
            duplicates += 1
            del profiles[raw["id"]]
        profiles[raw["id"]] = raw
    return list(profiles.values()), rejected, duplicates


def _demo_corpus_or_exit() -> Path:
    """The corpus `talent-search demo` indexed ($TALENT_SEARCH_STATE_DIR/demo-profiles-N.jsonl),
    when it is the only one there; otherwise exit 2 saying what to pass."""
    state_dir = TalentSettings().state_dir
    found = sorted(state_dir.glob("demo-profiles-*.jsonl"))
    if len(found) == 1:
        console.print(f"--profiles not given: using the demo's corpus {escape(str(found[0]))}")
        return found[0]
    listed = f" ({', '.join(escape(p.name) for p in found)} are there)" if found else ""
    raise _fail(
        "--profiles: give the profiles JSONL you indexed; the demo's corpus is "
        f"{escape(str(state_dir))}/demo-profiles-N.jsonl{listed}",
        code=2,
    )


def build_judgments(
    out_file: Annotated[
        Path, typer.Option("--out", dir_okay=False, help="Where to write the judgments CSV.")
    ],
    profiles_file: Annotated[
        Path | None,
        typer.Option(
            "--profiles",
            help="Profiles JSONL: the corpus you indexed. Default: the demo's corpus, "
            "$TALENT_SEARCH_STATE_DIR/demo-profiles-N.jsonl, when there is one.",
        ),
    ] = None,
    seed: Annotated[int, typer.Option(help="Sampling seed (the set is deterministic).")] = 7,
    max_queries_per_family: Annotated[
        int, typer.Option(min=0, help="At most this many queries per family.")
    ] = 100,
    max_relevant: Annotated[
        int, typer.Option(min=1, help="Skip queries with more judged profiles than this.")
    ] = MAX_RELEVANT,
) -> None:
    """Build a dev relevance set from ESCO/O*NET aliases against a profiles file."""
    if profiles_file is None:
        profiles_file = _demo_corpus_or_exit()
    if not profiles_file.is_file():
        raise _fail(f"profiles file {escape(str(profiles_file))} does not exist", code=2)
    try:
        corpus, rejected, duplicates = _read_corpus(profiles_file)
    except OSError as exc:
        raise _fail(f"cannot read {escape(str(profiles_file))}: {exc}", code=2) from exc
    if rejected or duplicates:
        console.print(
            f"[yellow]skipped {rejected} invalid lines and {duplicates} earlier duplicates of "
            "an id (as the indexer does)[/]"
        )
    if not corpus:
        raise _fail(f"{escape(str(profiles_file))} has no valid profiles", code=2)
    rows = build_relevance_set(
        corpus,
        SkillVocabulary.load_default().copy(),
        seed=seed,
        max_queries_per_family=max_queries_per_family,
        max_relevant=max_relevant,
    )
    if not rows:
        raise _fail("no query could be built from these profiles (see docs/relevance-set.md)")
    write_relevance_set(out_file, rows)
    summary = relevance_set_summary(rows)
    table = Table("family", title=f"relevance set from {len(corpus)} profiles (seed {seed})")
    for column in ("queries", "judgments", "rating 3", "rating 2", "rating 1"):
        table.add_column(column, justify="right")
    for family, counts in summary.items():
        table.add_row(
            family,
            *(
                str(counts[key])
                for key in ("queries", "judgments", "rating_3", "rating_2", "rating_1")
            ),
        )
    print_table(table)
    queries = sum(counts["queries"] for counts in summary.values())
    out.print(f"wrote {len(rows)} judgments for {queries} queries to {out_file}")
