"""`talent-search search`: a ranked search of the live profiles, no API needed."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from config.settings import TalentSettings
from indexer.index_aliases import alias_target
from ranking.ranking_profile import RankingProfileError, load_profile
from ranking.talent_searcher import SearchQuery, SearchResult
from talent_search.cli_support import _backend_or_exit, _fail, _searcher, out


def search(
    query: Annotated[str, typer.Argument(help="Free text: skills or a job title.")],
    size: Annotated[int, typer.Option(min=1, max=100)] = 10,
    profile: Annotated[str, typer.Option(help="Ranking profile name.")] = "default",
    explain: Annotated[bool, typer.Option(help="Print the score breakdown of each hit.")] = False,
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
    _print_ranked(query, result, size, explain)


def _print_ranked(query: str, result: SearchResult, size: int, explain: bool) -> None:
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
        for hit in result.hits[:size]:
            out.print_json(data={"id": hit.id, **result.explain(hit)})
