"""`talent-search search`: a ranked search of the live profiles, no API needed."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from config.settings import TalentSettings
from mappings.aliases import alias_target
from ranking.job_post_query import JobReading, JobSkill
from ranking.ranking_profile import RankingProfileError, load_profile
from ranking.representative_stage import representative_stage
from ranking.talent_searcher import SearchQuery, SearchResult
from talent_search.cli_support import (
    _backend_or_exit,
    _fail,
    _searcher,
    job_post_or_exit,
    out,
    print_table,
)


def search(
    query: Annotated[
        str | None, typer.Argument(help="Free text: skills or a job title.", show_default=False)
    ] = None,
    job_file: Annotated[
        Path | None,
        typer.Option(
            "--job",
            dir_okay=False,
            help="Search by a whole job post: a JSON file like POST /v1/search's `job` "
            '({"title", "description", "skills", "nice_to_have", "match"}); each hit shows '
            "the required skills it holds and lacks.",
        ),
    ] = None,
    size: Annotated[int, typer.Option(min=1, max=100)] = 10,
    profile: Annotated[str, typer.Option(help="Ranking profile name.")] = "default",
    explain: Annotated[
        bool, typer.Option(help="Print each hit's score breakdown as a table.")
    ] = False,
    as_json: Annotated[
        bool,
        typer.Option(
            "--json", help="Print the full document (hits, every breakdown, the query's reading)."
        ),
    ] = False,
) -> None:
    """Ranked search of the live profiles from the command line (no API needed)."""
    job = None
    if job_file is not None:
        try:
            text = job_file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise _fail(f"--job: cannot read {escape(str(job_file))}: {exc}", 2) from exc
        _, job = job_post_or_exit(text, f"--job {escape(str(job_file))}")
    if query is None and job is None:
        raise _fail("give a QUERY, or a job post with --job FILE", 2)
    shown = query or (job.title if job is not None else "")
    settings = TalentSettings()
    try:
        ranking = load_profile(profile, user_dir=settings.user_profiles_dir)
    except RankingProfileError as exc:
        raise _fail(str(exc), code=2) from exc
    with _backend_or_exit() as backend:
        namespace = settings.index_namespace
        if alias_target(backend.client, namespace.profiles.alias) is None:
            raise _fail("no profiles are indexed yet: run `talent-search index FILE --rebuild`")
        searcher = _searcher(backend.client, settings)
        result = searcher.search(SearchQuery(query, job=job), ranking)
        # the profile's badge pass, if any, as the API runs it for the page shown
        result, _ = representative_stage(result, ranking, size)
    if as_json:
        out.print_json(data=explain_document(shown, result, size))
        return
    _print_ranked(shown, result, size, explain)


def explain_document(query: str, result: SearchResult, size: int) -> dict[str, Any]:
    """Everything `--explain` summarises, once per search (not once per hit)."""
    hits = []
    for hit in result.hits[:size]:
        breakdown = result.explain(hit)
        shared = ("alias_expansions", "query_understanding", "ranking_profile")
        fit = result.fit(hit.id)
        hits.append(
            {"id": hit.id}
            | {k: v for k, v in breakdown.items() if k not in (*shared, "job_post")}
            | ({"required_skills": fit} if fit is not None else {})
        )
    return {
        "query": query,
        "ranking_profile": {"name": result.profile.name, "version": result.profile.version},
        "candidates": result.total,
        "alias_expansions": result.expansions,
        "query_understanding": result.understanding.as_dict(),
        **({"job_post": result.job_post_reading()} if result.job is not None else {}),
        "hits": hits,
    }


def _leg_cell(leg: dict[str, Any]) -> str:
    times = "\N{MULTIPLICATION SIGN}"
    return f"{leg['raw']:.3g} \N{RIGHTWARDS ARROW} {leg['normalised']:.3f} {times}{leg['weight']:g}"


def explain_table(result: SearchResult, size: int) -> Table:
    """Per hit: each leg's raw and normalised score (and weight), the matched skills, the badge
    and JSS prior multipliers, and the final score."""
    legs = sorted({name for hit in result.hits[:size] for name in hit.legs})
    table = Table(
        "#",
        "id",
        *(f"{name} leg: raw \N{RIGHTWARDS ARROW} norm \N{MULTIPLICATION SIGN}w" for name in legs),
        "relevance",
        "matched skills",
        "badge",
        "JSS prior",
        "final",
        title="score breakdown (final = relevance \N{MULTIPLICATION SIGN} badge "
        "\N{MULTIPLICATION SIGN} JSS prior)",
    )
    for rank, hit in enumerate(result.hits[:size], start=1):
        breakdown = hit.explain()
        badge = breakdown["badge"]
        prior = breakdown["jss_prior"]
        matched = result.matched_skills(hit.id)[:3]
        jss = prior["jss"]
        table.add_row(
            str(rank),
            hit.id,
            *(
                _leg_cell(breakdown["legs"][name]) if name in breakdown["legs"] else ""
                for name in legs
            ),
            f"{breakdown['relevance']:.4f}",
            ", ".join(f"{m['label']} {m['similarity']:.2f}" for m in matched),
            f"{badge['badge'] or 'none'} \N{MULTIPLICATION SIGN}{badge['multiplier']:g}",
            f"{'no JSS' if jss is None else f'JSS {jss:g}'} "
            f"\N{MULTIPLICATION SIGN}{prior['multiplier']:.3f}",
            f"{breakdown['final_score']:.4f}",
        )
    return table


def _job_skill(skill: JobSkill) -> str:
    if skill.found_by == "text":
        return f"{skill.text} (unknown: by its text)"
    if skill.found_by in ("alias", "typo"):
        return f"{skill.text} \N{RIGHTWARDS ARROW} {skill.label} ({skill.found_by})"
    return skill.label


def _print_job_reading(job: JobReading) -> None:
    """What the post's skills were read as, and what nothing recognised."""
    for role, skills in (("required", job.required), ("nice to have", job.nice_to_have)):
        if skills:
            out.print(f"{role}: {escape(', '.join(map(_job_skill, skills)))}")
    if job.from_description:
        described = ", ".join(s.label for s in job.from_description)
        out.print(f"from the description: {escape(described)}")


def _print_ranked(query: str, result: SearchResult, size: int, explain: bool = False) -> None:
    fit_columns = ("required", "missing") if result.job is not None else ()
    table = Table(
        "score", "id", "title", "badge", "JSS", "matched skills", *fit_columns, title=f"“{query}”"
    )
    for hit in result.hits[:size]:
        src = result.sources[hit.id]
        jss = src.get("job_success_score")
        fit = result.fit(hit.id)
        table.add_row(
            f"{hit.score:.3f}",
            hit.id,
            src["title"],
            src.get("badge") or "",
            "" if jss is None else f"{jss:.0f}",
            ", ".join(m["label"] for m in result.matched_skills(hit.id)[:4]),
            *((f"{fit['held']} of {fit['of']}", ", ".join(fit["missing"])) if fit else ()),
        )
    out.print(table)
    if result.job is not None:
        _print_job_reading(result.job)
    out.print(
        f"{result.total} candidates; ranked by {result.profile.name} v{result.profile.version}; "
        f"alias expansions: {', '.join(result.expansions) or 'none'}"
    )
    if explain:
        print_table(explain_table(result, size))
