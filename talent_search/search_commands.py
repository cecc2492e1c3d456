"""`talent-search search`: a ranked search of the live profiles, no API needed."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.table import Table

from config.settings import TalentSettings
from indexer.index_aliases import alias_target
from ranking.ranking_profile import RankingProfileError, load_profile
from ranking.representative_stage import representative_stage
from ranking.talent_searcher import SearchQuery, SearchResult
from talent_search.cli_support import _backend_or_exit, _fail, _searcher, out, print_table


def search(
    query: Annotated[str, typer.Argument(help="Free text: skills or a job title.")],
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
        result = searcher.search(SearchQuery(query), ranking)
        # the profile's badge pass, if any, as the API runs it for the page shown
        result, _ = representative_stage(result, ranking, size)
    if as_json:
        out.print_json(data=explain_document(query, result, size))
        return
    _print_ranked(query, result, size, explain)


def explain_document(query: str, result: SearchResult, size: int) -> dict[str, Any]:
    """Everything `--explain` summarises, once per search (not once per hit)."""
    hits = []
    for hit in result.hits[:size]:
        breakdown = result.explain(hit)
        shared = ("alias_expansions", "query_understanding", "ranking_profile")
        hits.append({"id": hit.id} | {k: v for k, v in breakdown.items() if k not in shared})
    return {
        "query": query,
        "ranking_profile": {"name": result.profile.name, "version": result.profile.version},
        "candidates": result.total,
        "alias_expansions": result.expansions,
        "query_understanding": result.understanding.as_dict(),
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


def _print_ranked(query: str, result: SearchResult, size: int, explain: bool = False) -> None:
    table = Table("score", "id", "title", "badge", "JSS", "matched skills", title=f"“{query}”")
    for hit in result.hits[:size]:
        src = result.sources[hit.id]
        jss = src.get("job_success_score")
        table.add_row(
            f"{hit.score:.3f}",
            hit.id,
            src["title"],
            src.get("badge") or "",
            "" if jss is None else f"{jss:.0f}",
            ", ".join(m["label"] for m in result.matched_skills(hit.id)[:4]),
        )
    out.print(table)
    out.print(
        f"{result.total} candidates; ranked by {result.profile.name} v{result.profile.version}; "
        f"alias expansions: {', '.join(result.expansions) or 'none'}"
    )
    if explain:
        print_table(explain_table(result, size))
