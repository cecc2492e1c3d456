"""Does one outlier raw score squash the rest of a leg under min-max? Measured on judged queries.

    OPENSEARCH_URL=... .venv/bin/python benchmarks/leg_spread.py --judgments dev-judgments.csv

Runs every judged query of the file through the live index with `--profile` and, per leg, looks
at the raw scores of its window: how far the maximum stands above the 95th percentile, and the
mean normalised score of that leg among the fused top 10, with the window's maximum as the top
of the scale (min-max) and with its 95th percentile (`minmax_top_percentile: 95`). If min-max
squashed a leg, its top-10 mean would be near 0 with the max and clearly higher with p95.
Figures are printed, never asserted.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from pathlib import Path
from typing import Annotated

import numpy as np
import typer
from rich.console import Console
from rich.table import Table

from config.settings import TalentSettings
from domain.encoder import query_encoder
from ranking.fusion import normalised_scores
from ranking.ranking_profile import load_profile
from ranking.talent_searcher import SearchQuery, TalentSearcher, rank_responses
from relevance.evaluation import load_judgments
from talent_search.engine_process import configured_client

console = Console()


def main(
    judgments: Annotated[Path, typer.Option(help="Quepid CSV with a family column.")],
    profile_name: str = typer.Option("default", "--profile", help="Ranking profile."),
) -> None:
    settings = TalentSettings()
    profile = load_profile(profile_name, user_dir=settings.user_profiles_dir)
    robust = profile.with_overrides({"minmax_top_percentile": 95})
    client = configured_client()
    encoder = query_encoder(settings.query_embedding_backend, settings.onnx_dir)
    searcher = TalentSearcher.from_backend(
        client, namespace=settings.index_namespace, encoder=encoder
    )
    ratios: dict[str, list[float]] = defaultdict(list)
    top_means: dict[tuple[str, str], list[float]] = defaultdict(list)
    queries = list(load_judgments(judgments).queries)
    for text in queries:
        plan = searcher.plan(SearchQuery(text=text), profile)
        responses = searcher.run_bodies(plan.bodies)
        hits_ranked, _ = rank_responses(plan, responses, profile)
        top = [hit.id for hit in hits_ranked[:10]]
        for i, leg in enumerate(plan.legs):
            hits = responses[i]["hits"]["hits"]
            raw = {h["_id"]: float(h["_score"]) for h in hits}
            if len(raw) < 2:
                continue
            values = np.fromiter(raw.values(), dtype=np.float64)
            p95 = float(np.percentile(values, 95))
            ratios[leg].append(float(values.max()) / p95 if p95 > 0 else 1.0)
            for name, ranking in (("max", profile), ("p95", robust)):
                scaled = dict(zip(raw, normalised_scores(values, values, ranking), strict=True))
                shown = [scaled.get(doc_id, 0.0) for doc_id in top]
                top_means[leg, name].append(statistics.mean(shown) if shown else 0.0)
    table = Table(title=f"{len(queries)} queries, profile {profile.name} v{profile.version}")
    for column in (
        "leg",
        "queries",
        "max / p95, median",
        "share max > 2 x p95",
        "top-10 mean, min-max",
        "top-10 mean, p95",
    ):
        table.add_column(column, justify="left" if column == "leg" else "right")
    for leg, values in ratios.items():
        table.add_row(
            leg,
            str(len(values)),
            f"{statistics.median(values):.2f}",
            f"{sum(v > 2 for v in values) / len(values):.1%}",
            f"{statistics.mean(top_means[leg, 'max']):.3f}",
            f"{statistics.mean(top_means[leg, 'p95']):.3f}",
        )
    console.print(table)


if __name__ == "__main__":
    typer.run(main)
