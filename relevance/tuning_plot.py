"""The PNG `talent-search tune` writes: per-fold held-out gains beside parameter importance.

Why apart from `relevance.tuning`: the tuner computes results as plain data; drawing them
(matplotlib) is presentation, like `relevance.eval_report` for `eval`.
"""

from __future__ import annotations

from pathlib import Path

from relevance.evaluation import TIE_EPS
from relevance.tuning.cross_validation import TuningResult

__all__ = ["plot_tuning"]


def plot_tuning(path_png: str | Path, result: TuningResult) -> None:
    """Per-fold held-out gains (and the pooled one) beside each parameter's importance."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(13, 5), dpi=100)
    FigureCanvasAgg(figure)
    gains, importance = figure.subplots(1, 2, gridspec_kw={"width_ratios": [1, 1.2]})
    labels = [f"fold {f.fold}" for f in result.folds] + ["overall"]
    comparisons = [f.comparison for f in result.folds] + [result.comparison]
    deltas = [c.mean_delta for c in comparisons]
    colours = [
        "#2e7d32" if d > TIE_EPS else "#c62828" if d < -TIE_EPS else "#9e9e9e" for d in deltas
    ]
    colours[-1] = "#1565c0"
    bars = gains.bar(range(len(deltas)), deltas, color=colours, width=0.7)
    for bar, c in zip(bars, comparisons, strict=True):
        gains.annotate(
            f"{c.baseline_mean:.3f}\N{RIGHTWARDS ARROW}{c.candidate_mean:.3f}\n"
            f"{c.wins}/{c.losses}/{c.ties}",
            (bar.get_x() + bar.get_width() / 2, bar.get_height()),
            ha="center",
            va="bottom" if bar.get_height() >= 0 else "top",
            fontsize=7,
        )
    low, high = min(0.0, *deltas), max(0.0, *deltas)
    pad = 0.3 * (high - low) or 0.01  # room for the labels over (or under) the bars
    gains.set_ylim(low - (pad if low < 0 else 0.0), high + (pad if high > 0 else 0.1 * pad))
    gains.axhline(0.0, color="black", linewidth=0.8)
    gains.set_xticks(range(len(labels)))
    gains.set_xticklabels(labels, fontsize=8)
    gains.set_ylabel(f"held-out \N{GREEK CAPITAL LETTER DELTA} {result.metric} (tuned - base)")
    c = result.comparison
    gains.set_title(
        f"cross-validated {result.metric}: {c.baseline_mean:.4f} \N{RIGHTWARDS ARROW} "
        f"{c.candidate_mean:.4f} ({c.mean_delta:+.4f}); W/L/T {c.wins}/{c.losses}/{c.ties}",
        fontsize=9,
    )
    ranked = sorted(result.final.importance.items(), key=lambda kv: (kv[1], kv[0]))
    if ranked:
        names = [name for name, _ in ranked]
        importance.barh(range(len(ranked)), [v for _, v in ranked], color="#6a1b9a")
        importance.set_yticks(range(len(ranked)))
        importance.set_yticklabels(
            [f"{n} *" if n in result.final.changed else n for n in names], fontsize=7
        )
        importance.set_xlabel("importance (PED-ANOVA, normalised to sum to 1)")
    else:
        importance.text(0.5, 0.5, result.final.importance_note, ha="center", va="center", wrap=True)
        importance.set_yticks([])
    importance.set_title(
        f"parameter importance, study on all {result.final.queries} queries (* changed)",
        fontsize=9,
    )
    figure.subplots_adjust(left=0.09, right=0.98, top=0.9, bottom=0.1, wspace=0.55)
    path = Path(path_png)
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, format="png")
