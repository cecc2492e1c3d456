"""How `talent-search eval` shows an evaluation: the terminal table and the PNG of deltas.

Why apart from `relevance.evaluation`: that module computes the metrics and comparisons as
plain data, and is pure; drawing them (rich, matplotlib) is presentation, which only the
command needs.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping, Sequence
from pathlib import Path

from rich.table import Table

from relevance.evaluation import DEFAULT_FAMILY, METRICS, Comparison, EvalReport

__all__ = ["format_report", "plot_deltas"]


def plot_deltas(path_png: str | Path, comparison: Comparison) -> None:
    """A bar per compared query, sorted by delta (green win, red loss, grey tie), as PNG.

    Uses the object API on the Agg canvas, so no display and no global pyplot state.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    deltas = comparison.deltas
    eps = comparison.tie_eps
    width = min(16.0, max(6.0, 0.18 * len(deltas) + 2.0))
    figure = Figure(figsize=(width, 4.5), dpi=100)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    values = [d.delta for d in deltas]
    colours = ["#2e7d32" if v > eps else "#c62828" if v < -eps else "#9e9e9e" for v in values]
    axes.bar(range(len(values)), values, color=colours, width=0.8)
    axes.axhline(0.0, color="black", linewidth=0.8)
    axes.set_ylabel(f"\N{GREEK CAPITAL LETTER DELTA} {comparison.metric}")
    axes.set_title(
        f"{comparison.metric}: {comparison.baseline_mean:.4f} \N{RIGHTWARDS ARROW} "
        f"{comparison.candidate_mean:.4f}\n{comparison.wins} wins, {comparison.losses} losses, "
        f"{comparison.ties} ties",
        fontsize=10,
    )
    labelled = 0 < len(deltas) <= 40
    if not deltas:
        axes.text(0.5, 0.5, "no queries to compare", ha="center", va="center")
    if labelled:
        axes.set_xticks(range(len(deltas)))
        axes.set_xticklabels(
            [_short(d.query) for d in deltas],
            rotation=60,
            ha="right",
            rotation_mode="anchor",
            fontsize=7,
        )
    else:
        axes.set_xticks([])
        axes.set_xlabel("queries, sorted by delta")
    # Fixed margins: tight_layout warns (an error under pytest) when labels do not fit.
    figure.subplots_adjust(left=0.1, right=0.98, top=0.86, bottom=0.4 if labelled else 0.1)
    path = Path(path_png)
    path.parent.mkdir(parents=True, exist_ok=True)
    with warnings.catch_warnings():
        # A query in a script the default font lacks must not fail the report.
        warnings.filterwarnings("ignore", message=r"Glyph .* missing from", category=UserWarning)
        figure.savefig(path, format="png")


def _short(text: str, limit: int = 28) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "\N{HORIZONTAL ELLIPSIS}"


def format_report(report: EvalReport, comparison: Comparison | None = None) -> Table:
    """A terminal table: one row overall, one per family; with a comparison, its deltas."""
    table = Table(title="Relevance evaluation (OpenSearch _rank_eval definitions)")
    table.add_column("family")
    table.add_column("queries", justify="right")
    for name in METRICS:
        table.add_column(name, justify="right")
    family_deltas: dict[str, list[float]] = {}
    if comparison is not None:
        table.add_column(f"\N{GREEK CAPITAL LETTER DELTA} {comparison.metric}", justify="right")
        table.add_column("W/L/T", justify="right")
        for d in comparison.deltas:
            family_deltas.setdefault(d.family, []).append(d.delta)

    def cells(means: Mapping[str, float]) -> list[str]:
        return [f"{means[name]:.4f}" for name in METRICS]

    def delta_cells(values: Sequence[float]) -> list[str]:
        if comparison is None:
            return []
        eps = comparison.tie_eps
        wins = sum(v > eps for v in values)
        losses = sum(v < -eps for v in values)
        mean = math.fsum(values) / len(values) if values else 0.0
        return [f"{mean:+.4f}", f"{wins}/{losses}/{len(values) - wins - losses}"]

    all_deltas = [d.delta for d in comparison.deltas] if comparison is not None else []
    table.add_row(
        "overall", str(len(report.queries)), *cells(report.overall), *delta_cells(all_deltas)
    )
    families = report.families
    if list(families) == [DEFAULT_FAMILY]:
        families = {}  # judgments without families: the overall row says it all
    for family, means in families.items():
        table.add_row(
            family,
            str(report.family_sizes[family]),
            *cells(means),
            *delta_cells(family_deltas.get(family, [])),
        )
    if report.missing_queries:
        table.caption = f"{len(report.missing_queries)} judged queries missing from the run (0)"
    return table
