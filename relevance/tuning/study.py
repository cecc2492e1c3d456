"""A study: trials of one sampler on one set of queries, then the best trial simplified.

Why the simplification: a study's best trial moves many settings, most of them by chance; each
changed setting that scores no worse at its base value goes back to it, so the tuned profile
changes only what made a difference. How trials are proposed is `sampler`'s; how they are
scored, `evaluator`'s.
"""

from __future__ import annotations

import json
import math
import time
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import optuna

from ranking.ranking_profile import RankingProfile, RankingProfileError
from relevance.errors import TuningError
from relevance.evaluation import TIE_EPS
from relevance.tuning.evaluator import CachedEvaluator
from relevance.tuning.grid import Parameter
from relevance.tuning.sampler import BlockSampler, best_index
from relevance.tuning.space import keep_badge_order, nested

__all__ = [
    "StudyResult",
    "TrialEvent",
    "TrialRecord",
    "profile_for",
    "study",
    "tuned_profile",
]


@dataclass(frozen=True)
class TrialRecord:
    """One trial of a study: the values it scored (after the badge policy) and its score."""

    study: str
    number: int
    values: Mapping[str, Any]  # dotted path -> value (every searched parameter)
    score: float
    engine: bool  # sent at least one body to the engine
    request_sampled: bool  # this trial could sample new request values


@dataclass(frozen=True)
class TrialEvent:
    """Reported after each trial, for a progress bar."""

    study: str
    number: int
    trials: int
    score: float
    best: float
    engine: bool


@dataclass
class StudyResult:
    """A study's outcome: its best values after simplification, and every trial."""

    label: str
    queries: int
    base_score: float
    best_score: float
    best_values: dict[str, Any]  # every searched parameter, after simplification
    changed: dict[str, Any]  # the ones that differ from the base
    trials: list[TrialRecord]
    importance: dict[str, float]
    importance_note: str
    simplified: list[str]  # parameters put back to the base value (no loss on these queries)
    seconds: float

    @property
    def engine_trials(self) -> int:
        return sum(t.engine for t in self.trials)


def profile_for(base: RankingProfile, values: Mapping[str, Any]) -> RankingProfile:
    """`base` with the searched `values`: a class's values are set explicitly, so that moving
    a setting of the profile's own never moves the class's too."""
    try:
        return base.with_overrides(nested(values))
    except RankingProfileError as exc:  # a grid value the model refuses: a bug in the grid
        raise TuningError(f"a searched value is invalid: {exc}") from exc


def tuned_profile(base: RankingProfile, values: Mapping[str, Any]) -> RankingProfile:
    """The profile `values` describe, as it is written: the same ranking as `profile_for`'s,
    without the class settings that equal the profile's own (`RankingProfile.compacted`)."""
    return profile_for(base, values).compacted()


def _importance(
    trials: optuna.study.Study, space: Sequence[Parameter]
) -> tuple[dict[str, float], str]:
    """PED-ANOVA importance (optuna's own, no extra dependency), or why there is none."""
    searched = [p.path for p in space if len({*p.values}) > 1]
    complete = [t for t in trials.trials if t.state == optuna.trial.TrialState.COMPLETE]
    varied = [p for p in searched if len({t.params.get(p) for t in complete}) > 1]
    if len(complete) < 4 or not varied:
        return {}, "too few trials, or no parameter varied, to estimate importance"
    if len({t.value for t in complete}) < 2:
        return {p: 0.0 for p in varied}, "every trial scored the same: no parameter mattered"
    evaluator = optuna.importance.PedAnovaImportanceEvaluator()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            raw = optuna.importance.get_param_importances(
                trials, evaluator=evaluator, params=varied
            )
    except (RuntimeError, ValueError) as exc:
        return {}, f"importance not available: {exc}"
    return {name: float(value) for name, value in raw.items()}, "PED-ANOVA (optuna)"


def study(
    space: Sequence[Parameter],
    base: RankingProfile,
    evaluator: CachedEvaluator,
    queries: Sequence[str],
    trials: int,
    seed: int,
    engine_share: float = 0.25,
    label: str = "all queries",
    on_trial: Callable[[TrialEvent], None] | None = None,
    badge_policy: bool = True,
) -> StudyResult:
    """Search `space` on `queries`: `trials` trials, the first one the base profile.

    The trials are `sampler.BlockSampler`'s (a seeded local search from the base, then TPE on a
    block of parameters, engine trials spread evenly by `engine_share`); with `badge_policy`
    each is scored with its badge multipliers in badge order. The best trial is then simplified
    (`_simplify`).
    """
    if trials < 1:
        raise TuningError(f"--trials: need at least 1 trial, got {trials}")
    if not 0 < engine_share <= 1:
        raise TuningError(f"--engine-share: must be in (0, 1], got {engine_share}")
    started = time.perf_counter()
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    sampler = BlockSampler(space, trials, seed, engine_share)
    tpe = optuna.create_study(direction="maximize", sampler=sampler)
    records: list[TrialRecord] = []
    scores: dict[str, float] = {}  # memo by values: a proposal may repeat a scored trial
    best = -math.inf
    for number in range(trials):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", optuna.exceptions.ExperimentalWarning)
            trial = tpe.ask()
            values = {p.path: p.suggest(trial) for p in space}
        if badge_policy:
            values = keep_badge_order(values, base)
        key = json.dumps(values, sort_keys=True)
        sent = evaluator.bodies_sent
        if key not in scores:
            scores[key] = evaluator.mean(profile_for(base, values), queries)
        score = scores[key]
        tpe.tell(trial, score)
        best = max(best, score)
        engine = evaluator.bodies_sent > sent
        records.append(
            TrialRecord(label, number, values, score, engine, sampler.request_slot(number))
        )
        if on_trial is not None:
            on_trial(TrialEvent(label, number, trials, score, best, engine))
    best_values, best_score, simplified = _simplify(
        space,
        base,
        evaluator,
        queries,
        dict(records[best_index([r.score for r in records])].values),
        max(r.score for r in records),
        badge_policy,
    )
    importance, note = _importance(tpe, space)
    base_values = {p.path: p.base for p in space}
    return StudyResult(
        label=label,
        queries=len(queries),
        base_score=records[0].score,
        best_score=best_score,
        best_values=best_values,
        changed={p: v for p, v in best_values.items() if v != base_values[p]},
        trials=records,
        importance=importance,
        importance_note=note,
        simplified=simplified,
        seconds=time.perf_counter() - started,
    )


def _simplify(
    space: Sequence[Parameter],
    base: RankingProfile,
    evaluator: CachedEvaluator,
    queries: Sequence[str],
    best_values: dict[str, Any],
    best_score: float,
    badge_policy: bool,
) -> tuple[dict[str, Any], float, list[str]]:
    """The best values with each changed parameter that scores no worse at its base value put
    back to it, until every parameter still changed loses when put back alone; the score, and
    the parameters put back."""
    simplified: list[str] = []
    reverted = True
    while reverted:
        reverted = False
        for parameter in space:
            if best_values[parameter.path] == parameter.base:
                continue
            candidate = best_values | {parameter.path: parameter.base}
            if badge_policy:
                candidate = keep_badge_order(candidate, base)
                if candidate[parameter.path] != parameter.base:
                    continue  # it cannot go back alone without breaking the badge order
            score = evaluator.mean(profile_for(base, candidate), queries)
            if score >= best_score - TIE_EPS:
                best_values, best_score = candidate, max(best_score, score)
                simplified.append(parameter.path)
                reverted = True
    return best_values, best_score, simplified
