"""The top-5 titles of the queries a new user tries first, on a live index (before/after checks).

    OPENSEARCH_URL=... .venv/bin/python benchmarks/demo_queries.py [--profile default] [--out F]

The eight queries of issue 12: skills inside phrases, a misspelling, a job-post phrase. Prints
each query's number of hits and its five best titles, and writes them as JSON with `--out`, so
two runs (two profiles, or two versions of the code) can be compared line by line.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from config.settings import TalentSettings
from ranking.ranking_profile import load_profile
from ranking.talent_searcher import SearchQuery
from talent_search.cli_support import _searcher
from talent_search.engine_process import configured_client

QUERIES = (
    "react developer",
    "python developer",
    "logo design",
    "bookkeeping",
    "golang",
    "shopify store redesign",
    "need a wordpress expert to fix my site",
    "pyhton developer",
)
console = Console()


def main(
    profile_name: Annotated[str, typer.Option("--profile", help="Ranking profile.")] = "default",
    out: Annotated[Path | None, typer.Option(help="Write the titles as JSON here.")] = None,
) -> None:
    settings = TalentSettings()
    profile = load_profile(profile_name, user_dir=settings.user_profiles_dir)
    searcher = _searcher(configured_client(), settings)
    found: dict[str, dict[str, object]] = {}
    for text in QUERIES:
        result = searcher.search(SearchQuery(text=text), profile)
        titles = [str(result.sources[hit.id]["title"]) for hit in result.hits[:5]]
        found[text] = {"hits": result.total, "top5": titles}
        console.print(f"[bold]{text}[/] ({result.total} hits)")
        for title in titles:
            console.print(f"    {title}")
    if out is not None:
        out.write_text(json.dumps(found, indent=1) + "\n")


if __name__ == "__main__":
    typer.run(main)
