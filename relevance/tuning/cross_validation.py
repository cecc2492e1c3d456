"""Cross-validated tuning: how much of a study's gain holds on queries it was not tuned on.

Why: a study on every judged query finds what looks good on those queries. K studies, each on
K-1 folds (`folds.stratified_folds`) and scored on the held-out one, estimate the gain honestly;
the final study on every query is the profile `talent-search tune` writes.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

from ranking.ranking_profile import RankingProfile
from relevance.evaluation import METRICS, TIE_EPS, Comparison, EvalReport, compare, evaluate
from relevance.tuning.evaluator import CachedEvaluator
from relevance.tuning.folds import stratified_folds, subset
from relevance.tuning.grid import Parameter
from relevance.tuning.space import nested
from relevance.tuning.study import StudyResult, TrialEvent, profile_for, study

__all__ = ["RUN_DEPTH", "FoldResult", "TuningResult", "cross_validate", "tuned_values"]

#: Hits kept per query for the held-out reports: the deepest cut-off any metric looks at.
RUN_DEPTH: Final = max(k for _, k in METRICS.values())


@dataclass
class FoldResult:
    """One fold: the study on the other folds, scored on this one (held out)."""

    fold: int
    train: int
    test: tuple[str, ...]
    study: StudyResult
    base: EvalReport
    tuned: EvalReport
    comparison: Comparison

    def summary(self) -> dict[str, Any]:
        c = self.comparison
        return {
            "fold": self.fold,
            "train_queries": self.train,
            "test_queries": len(self.test),
            "held_out": {"base": c.baseline_mean, "tuned": c.candidate_mean, "delta": c.mean_delta},
            "wins": c.wins,
            "losses": c.losses,
            "ties": c.ties,
            "train": {"base": self.study.base_score, "tuned": self.study.best_score},
            "changed": self.study.changed,
            "trials": len(self.study.trials),
            "engine_trials": self.study.engine_trials,
            "seconds": round(self.study.seconds, 3),
        }


@dataclass
class TuningResult:
    """Every fold, the pooled held-out reports, and the final study (the written profile)."""

    metric: str
    folds: list[FoldResult]
    base: EvalReport  # pooled held-out, every query scored by the base profile
    tuned: EvalReport  # pooled held-out, every query scored by its fold's tuned profile
    comparison: Comparison
    final: StudyResult  # tuned on every query: the profile that is written
    space: list[Parameter]
    seconds: float
    bodies_sent: int
    bodies_reused: int
    engine_seconds: float
    plan_seconds: float
    fold_of: dict[str, int] = field(default_factory=dict)

    @property
    def studies(self) -> list[StudyResult]:
        return [f.study for f in self.folds] + [self.final]

    @property
    def trials(self) -> int:
        return sum(len(s.trials) for s in self.studies)

    @property
    def engine_trials(self) -> int:
        return sum(s.engine_trials for s in self.studies)

    @property
    def study_seconds(self) -> float:
        return math.fsum(s.seconds for s in self.studies)

    def to_dict(self) -> dict[str, Any]:
        c = self.comparison
        per_query = {d.query: d for d in c.deltas}
        return {
            "metric": self.metric,
            "cross_validated": {
                "folds": len(self.folds),
                "base": c.baseline_mean,
                "tuned": c.candidate_mean,
                "delta": c.mean_delta,
                "wins": c.wins,
                "losses": c.losses,
                "ties": c.ties,
                "base_metrics": dict(self.base.overall),
                "tuned_metrics": dict(self.tuned.overall),
                "families": {
                    family: {
                        "base": self.base.families[family][self.metric],
                        "tuned": self.tuned.families[family][self.metric],
                        "queries": self.base.family_sizes[family],
                    }
                    for family in self.base.families
                },
            },
            "folds": [f.summary() for f in self.folds],
            "final": {
                "queries": self.final.queries,
                "train": {"base": self.final.base_score, "tuned": self.final.best_score},
                "changed": self.final.changed,
                "values": self.final.best_values,
                "simplified": self.final.simplified,
                "importance": self.final.importance,
                "importance_method": self.final.importance_note,
            },
            "search_space": [p.describe() for p in self.space],
            "trials": {
                "total": self.trials,
                "per_study": len(self.final.trials),
                "engine": self.engine_trials,
                "in_memory": self.trials - self.engine_trials,
                "seconds": round(self.study_seconds, 3),
                "per_second": round(self.trials / self.study_seconds, 3)
                if self.study_seconds
                else None,
                "bodies_sent": self.bodies_sent,
                "bodies_reused": self.bodies_reused,
                "engine_seconds": round(self.engine_seconds, 3),
                "plan_seconds": round(self.plan_seconds, 3),
            },
            "seconds": round(self.seconds, 3),
            "held_out_queries": [
                {
                    "query": q,
                    "family": per_query[q].family,
                    "fold": self.fold_of[q],
                    "base": per_query[q].baseline,
                    "tuned": per_query[q].candidate,
                }
                for q in sorted(per_query, key=lambda q: (self.fold_of[q], q))
            ],
            "trial_log": [
                {
                    "study": t.study,
                    "number": t.number,
                    "score": t.score,
                    "engine": t.engine,
                    "values": dict(t.values),
                }
                for s in self.studies
                for t in s.trials
            ],
        }


def cross_validate(
    space: Sequence[Parameter],
    base: RankingProfile,
    evaluator: CachedEvaluator,
    folds: int,
    trials: int,
    seed: int,
    engine_share: float = 0.25,
    on_trial: Callable[[TrialEvent], None] | None = None,
    badge_policy: bool = True,
) -> TuningResult:
    """K studies on K-1 folds each, scored on the held-out fold; then one on every query.

    Fold k's study uses seed + k + 1, the final one `seed`. The engine responses are shared by
    every study (they depend on the request bodies, never on the judgments).
    """
    judgments = evaluator.judgments
    dealt = stratified_folds(judgments, folds, seed)
    started = time.perf_counter()
    results: list[FoldResult] = []
    base_run: dict[str, list[str]] = {}
    tuned_run: dict[str, list[str]] = {}
    fold_of: dict[str, int] = {}
    for number, test in enumerate(dealt, start=1):
        held_out = set(test)
        train = [q for q in judgments.queries if q not in held_out]
        label = f"fold {number}/{folds}"
        result = study(
            space,
            base,
            evaluator,
            train,
            trials,
            seed + number,
            engine_share,
            label,
            on_trial,
            badge_policy,
        )
        tuned = profile_for(base, result.best_values)
        fold_base = evaluator.ranked_ids(base, test, RUN_DEPTH)
        fold_tuned = evaluator.ranked_ids(tuned, test, RUN_DEPTH)
        part = subset(judgments, test)
        base_report, tuned_report = evaluate(fold_base, part), evaluate(fold_tuned, part)
        comparison = compare(base_report, tuned_report, evaluator.metric, TIE_EPS)
        results.append(
            FoldResult(number, len(train), test, result, base_report, tuned_report, comparison)
        )
        base_run |= fold_base
        tuned_run |= fold_tuned
        fold_of |= dict.fromkeys(test, number)
    final = study(
        space,
        base,
        evaluator,
        judgments.queries,
        trials,
        seed,
        engine_share,
        "all queries",
        on_trial,
        badge_policy,
    )
    base_report, tuned_report = evaluate(base_run, judgments), evaluate(tuned_run, judgments)
    return TuningResult(
        metric=evaluator.metric,
        folds=results,
        base=base_report,
        tuned=tuned_report,
        comparison=compare(base_report, tuned_report, evaluator.metric, TIE_EPS),
        final=final,
        space=list(space),
        seconds=time.perf_counter() - started,
        bodies_sent=evaluator.bodies_sent,
        bodies_reused=evaluator.bodies_reused,
        engine_seconds=evaluator.engine_seconds,
        plan_seconds=evaluator.plan_seconds,
        fold_of=fold_of,
    )


def tuned_values(result: TuningResult) -> dict[str, Any]:
    """The final study's changes, as `RankingProfile.with_overrides` takes them."""
    return nested(result.final.changed)
