"""Automatic tuning of a ranking profile: search space, cached trials, cross-validated gains.

Why: relevance engineers tuned weights by hand, with sliders. This searches every setting of a
ranking profile with optuna's TPE sampler, cheaply, and says how much of the gain holds on
queries it was not tuned on (K-fold cross-validation over queries, stratified by family).

**Search space.** It is read from the `RankingProfile` model itself, never from a copied list:
every number with both a lower and an upper bound (`ge`/`gt` and `le`/`lt`), every bool and
every `Literal` with more than one value is a parameter, constrained to its validated range. A
field the ranking code adds is searched as soon as it exists. Metadata (`name`, `version`,
`description`, `tuning`) is never searched; `window` (how many results a search returns) and
the `query.*` switches (product features such as typo correction, visible in responses) are
left out by default and can be named explicitly.

**Grids.** Numbers are searched on a grid anchored at the base profile's value, so the base is
always a point of the space and no value reads like 0.39999998: fusion parameters in about 1,000
steps over their range, request parameters (below) in about 20, so that trials repeat request
settings and their engine responses are reused.

**Cheap trials.** A parameter in `FUSION_ONLY` changes only fusion and boosts
(`ranking.talent_searcher.rank_responses`), not the `_msearch` bodies. The legs' windows are
planned with every leg on (a leg whose weight is 0 is not sent at all), fetched once per
distinct request body and kept; a trial then drops the legs its weights switch off and fuses in
memory. Every other parameter (including any field this module does not know) is a request
parameter: its trial plans the bodies again and sends the engine only the bodies it has not
seen. Engine trials are spread evenly (`engine_share` of them sample new request values); the
others keep the request values of the best trial so far and sample fusion and boosts only.

**Badge policy.** By default every badge multiplier stays at least 1 (its grid starts at 1)
and in the marketplace's badge order (expert_vetted >= top_rated_plus >= top_rated >=
rising_talent): a trial whose sampled multipliers break the order is scored with them sorted
back into it (`keep_badge_order`). A tuned profile that demotes Expert-Vetted talent would be
a policy change made by accident; `badge_policy=False` (`tune --allow-badge-reorder`) lifts it.

Pure: the engine is reached only through the `plan` and `msearch` callables given to
`CachedEvaluator`, so everything here is testable without a server.
"""

from __future__ import annotations

import dataclasses
import fnmatch
import hashlib
import itertools
import json
import math
import random
import time
import warnings
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, Final, Literal, get_args, get_origin

import optuna
from annotated_types import Ge, Gt, Le, Lt
from pydantic import BaseModel

from ranking.errors import RankingError
from ranking.evaluation import (
    METRICS,
    Comparison,
    EvalReport,
    Judgments,
    compare,
    evaluate,
    ndcg_at_k,
    precision_at_k,
    recall_at_k,
    reciprocal_rank,
)
from ranking.fusion import FusionInputs, fuse_inputs
from ranking.ranking_profile import (
    BADGE_ORDER,
    QUERY_CLASSES,
    ClassSettings,
    QueryClass,
    RankingProfile,
    RankingProfileError,
)
from ranking.talent_searcher import SearchPlan, read_responses

__all__ = [
    "DEFAULT_EXCLUDED",
    "FUSION_ONLY",
    "FUSION_SOURCE",
    "METADATA",
    "CachedEvaluator",
    "FoldResult",
    "Parameter",
    "StudyResult",
    "TrialRecord",
    "TuningError",
    "TuningResult",
    "cross_validate",
    "is_fusion_only",
    "keep_badge_order",
    "plot_tuning",
    "profile_fields",
    "request_key",
    "search_space",
    "stratified_folds",
    "study",
]

#: Settings that change only fusion and boosts, never a request body (fnmatch patterns over
#: dotted paths). Anything else is a request parameter: always correct, only slower.
FUSION_ONLY: Final = (
    "legs.*.weight",
    "normalisation",
    "minmax_top_percentile",
    "rrf_k",
    "badges.*",
    "jss_prior.*",
    "query_classes.*.legs.*.weight",
    "query_classes.*.normalisation",
    "query_classes.*.minmax_top_percentile",
    "query_classes.*.rrf_k",
)
#: The profile's field of per-class settings; its parameters are `query_classes.CLASS.PATH`.
CLASSES_FIELD: Final = "query_classes"
#: Never searched: they describe the profile, they do not rank.
METADATA: Final = ("name", "version", "description", "tuning")
#: Searched only when named: `window` is how many results a search returns (totals, pages,
#: facets), the `query.*` switches are product features visible in responses, and
#: `representative.*` is an exposure policy (ranking.representative), not relevance: the tuner
#: scores fused windows, where that stage does not run.
DEFAULT_EXCLUDED: Final = ("window", "query.*", "representative.*")
#: The `_source` fields fusion reads (`rank_responses` builds its candidates from them); the
#: cached windows ask for these alone, which halves the engine's and the parser's work.
FUSION_SOURCE: Final = ("badge", "job_success_score")
#: About this many grid steps over a parameter's validated range.
FUSION_STEPS: Final = 1000
REQUEST_STEPS: Final = 20
MSEARCH_BATCH: Final = 50
#: Sampling coordinates (see `Parameter`): u in 0..2 * WARP_RES, |d| ** WARP of the way out.
WARP: Final = 3
WARP_RES: Final = 200
#: The first trials after the base are neighbours of the best so far (a share of the study, at
#: least STARTUP_MIN); each moves about BLOCK_SHARE of the parameters, u by a Gaussian step of
#: PERTURB_SIGMA of its range. Then TPE samples BLOCK_SHARE of the parameters per trial, the
#: others held at the best trial's values. Measured on the dev set (docs/tuning.md): plain TPE
#: over the validated ranges (a badge multiplier anywhere in (0, 10]) never beat the base in
#: 100 trials; this found +0.028 nDCG@10 on held-out folds.
STARTUP_SHARE: Final = 0.1
STARTUP_MIN: Final = 4
BLOCK_SHARE: Final = 1 / 3
PERTURB_SIGMA: Final = 0.05
TIE_EPS: Final = 1e-9

_METRIC_FUNCTIONS: Final[dict[str, Callable[[Sequence[str], Mapping[str, int], int], float]]] = {
    "ndcg": ndcg_at_k,
    "reciprocal_rank": reciprocal_rank,
    "precision": precision_at_k,
    "recall": recall_at_k,
}
#: Hits kept per query for the held-out reports: the deepest cut-off any metric looks at.
RUN_DEPTH: Final = max(k for _, k in METRICS.values())


class TuningError(RankingError, ValueError):
    """Tuning cannot run as asked (an unknown parameter, too few queries for the folds, ...)."""


# --------------------------------------------------------------------------------------------
# Search space, from the model
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FieldSpec:
    """One leaf setting of the model, with its validated range, or why it cannot be searched."""

    path: str
    kind: Literal["float", "int", "choice", "fixed"]
    low: float | None = None
    high: float | None = None
    low_strict: bool = False
    high_strict: bool = False
    choices: tuple[Any, ...] = ()
    reason: str = ""  # for kind "fixed": why it is not searchable


def profile_fields(model: type[BaseModel] = RankingProfile, prefix: str = "") -> list[FieldSpec]:
    """Every leaf field of `model` (nested models walked), in declaration order."""
    specs: list[FieldSpec] = []
    for name, info in model.model_fields.items():
        path = f"{prefix}{name}"
        annotation = info.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            specs += profile_fields(annotation, f"{path}.")
            continue
        if get_origin(annotation) is Literal:
            choices = get_args(annotation)
            if len(choices) > 1:
                specs.append(FieldSpec(path, "choice", choices=choices))
            else:
                specs.append(FieldSpec(path, "fixed", reason="it allows only one value"))
            continue
        if annotation is bool:
            specs.append(FieldSpec(path, "choice", choices=(False, True)))
            continue
        if annotation in (int, float):
            low = high = None
            low_strict = high_strict = False
            for constraint in info.metadata:
                if isinstance(constraint, Ge):
                    low = float(constraint.ge)  # type: ignore[arg-type]
                elif isinstance(constraint, Gt):
                    low, low_strict = float(constraint.gt), True  # type: ignore[arg-type]
                elif isinstance(constraint, Le):
                    high = float(constraint.le)  # type: ignore[arg-type]
                elif isinstance(constraint, Lt):
                    high, high_strict = float(constraint.lt), True  # type: ignore[arg-type]
            if low is None or high is None:
                specs.append(
                    FieldSpec(path, "fixed", reason="its range has no upper or lower bound")
                )
                continue
            kind: Literal["float", "int"] = "int" if annotation is int else "float"
            specs.append(FieldSpec(path, kind, low, high, low_strict, high_strict))
            continue
        specs.append(FieldSpec(path, "fixed", reason=f"it is a {_type_name(annotation)}"))
    return specs


def _type_name(annotation: Any) -> str:
    return getattr(annotation, "__name__", None) or str(annotation)


def is_fusion_only(path: str) -> bool:
    """Whether the setting at `path` changes only fusion and boosts (see `FUSION_ONLY`)."""
    return any(fnmatch.fnmatchcase(path, pattern) for pattern in FUSION_ONLY)


def _matches(path: str, pattern: str) -> bool:
    """`pattern` names `path` exactly, as a group prefix (`legs.skill`), or as a wildcard."""
    return (
        path == pattern
        or path.startswith(pattern + ".")
        or fnmatch.fnmatchcase(path, pattern)
        or fnmatch.fnmatchcase(path, pattern + ".*")
    )


def _value_at(profile: BaseModel, path: str) -> Any:
    value: Any = profile
    for part in path.split("."):
        value = getattr(value, part)
    return value


@dataclass(frozen=True)
class Parameter:
    """One searched setting: its grid (anchored at the base value) or its choices.

    Numbers are sampled through a warped coordinate u, an optuna int in 0..2 * WARP_RES whose
    centre is the base: u maps to the grid index `below` +- |d| ** WARP of the way to that end
    of the grid, d = (u - WARP_RES) / WARP_RES. A uniform u stays near the base more often than
    far from it, yet reaches every end of the range; every value is on the grid, so exact and
    inside the validated range by construction.
    """

    path: str
    kind: Literal["float", "int", "choice"]
    base: Any
    level: Literal["fusion", "request"]
    valid_low: float | None = None  # the model's bounds, for the report
    valid_high: float | None = None
    low_strict: bool = False
    high_strict: bool = False
    # the grid: base + (i - below) * step for i in 0..count-1 (so index `below` is the base)
    below: int = 0
    step: float = 1.0
    count: int = 1
    decimals: int = 0
    choices: tuple[Any, ...] = ()

    def value(self, index: int) -> Any:
        if self.kind == "choice":
            return self.choices[index]
        if not 0 <= index < self.count:
            raise IndexError(f"{self.path}: grid index {index} outside 0..{self.count - 1}")
        value = float(self.base) + (index - self.below) * self.step
        return round(value) if self.kind == "int" else round(value, self.decimals)

    def index(self, value: Any) -> int:
        """The grid index (or choice index) of `value`; the base value always has one."""
        if self.kind == "choice":
            return self.choices.index(value)
        index = self.below + round((float(value) - float(self.base)) / self.step)
        if not 0 <= index < self.count or self.value(index) != value:
            raise ValueError(f"{self.path}: {value!r} is not on the grid")
        return index

    @property
    def values(self) -> list[Any]:
        size = len(self.choices) if self.kind == "choice" else self.count
        return [self.value(i) for i in range(size)]

    @property
    def size(self) -> int:
        return len(self.choices) if self.kind == "choice" else self.count

    def distribution(self) -> optuna.distributions.BaseDistribution:
        if self.kind == "choice":
            return optuna.distributions.CategoricalDistribution(list(self.choices))
        return optuna.distributions.IntDistribution(0, 2 * WARP_RES)

    def grid_index(self, u: int) -> int:
        """The grid index of the warped coordinate `u` (see the class)."""
        d = (u - WARP_RES) / WARP_RES
        side = self.below if d < 0 else self.count - 1 - self.below
        offset = round(abs(d) ** WARP * side)
        return self.below - offset if d < 0 else self.below + offset

    def suggest(self, trial: optuna.trial.BaseTrial) -> Any:
        if self.kind == "choice":
            return trial.suggest_categorical(self.path, list(self.choices))
        return self.value(self.grid_index(trial.suggest_int(self.path, 0, 2 * WARP_RES)))

    def optuna_value(self, value: Any) -> Any:
        """`value` as optuna records it: the choice, or a warped coordinate u that maps to it
        (the base is the centre); a value the warp cannot reach exactly gets the nearest."""
        if self.kind == "choice":
            return value
        target = self.index(value)
        if target == self.below:
            return WARP_RES
        side = self.below if target < self.below else self.count - 1 - self.below
        sign = -1 if target < self.below else 1
        guess = WARP_RES + sign * round(WARP_RES * (abs(target - self.below) / side) ** (1 / WARP))
        around = range(max(0, guess - 3), min(2 * WARP_RES, guess + 3) + 1)
        return min(around, key=lambda u: (abs(self.grid_index(u) - target), abs(u - guess)))

    def nudged(self, current: Any, rng: random.Random) -> Any:
        """A neighbour of the optuna value `current`: another choice, or u moved by a Gaussian
        step of PERTURB_SIGMA of its range, on to the next u that changes the grid value."""
        if self.kind == "choice":
            return rng.choice([c for c in self.choices if c != current])
        step = round(rng.gauss(0.0, 2 * WARP_RES * PERTURB_SIGMA)) or rng.choice((-1, 1))
        u = min(2 * WARP_RES, max(0, int(current) + step))
        direction = 1 if step > 0 else -1
        if u in (0, 2 * WARP_RES) and self.grid_index(u) == self.grid_index(int(current)):
            direction = -direction  # at an end: look the other way
            u = int(current)
        while 0 <= u + direction <= 2 * WARP_RES and self.grid_index(u) == self.grid_index(
            int(current)
        ):
            u += direction
        return u

    def describe(self) -> dict[str, Any]:
        data: dict[str, Any] = {"path": self.path, "level": self.level, "base": self.base}
        if self.kind == "choice":
            return data | {"kind": "choice", "choices": list(self.choices)}
        return data | {
            "kind": self.kind,
            "valid": _interval(self.valid_low, self.valid_high, self.low_strict, self.high_strict),
            "grid": {
                "low": self.value(0),
                "high": self.value(self.count - 1),
                "step": round(self.step) if self.kind == "int" else self.step,
            },
            "values": self.count,
        }


def _interval(low: float | None, high: float | None, low_strict: bool, high_strict: bool) -> str:
    return f"{'(' if low_strict else '['}{low:g}, {high:g}{')' if high_strict else ']'}"


def _nice_step(span: float, steps: int, integer: bool) -> float:
    """The largest 1, 2 or 5 times a power of ten not above span / steps (at least 1 for ints)."""
    raw = span / steps
    if integer and raw <= 1:
        return 1.0
    exponent = math.floor(math.log10(raw))
    for mantissa in (5, 2, 1):
        step = mantissa * 10.0**exponent
        if step <= raw * (1 + 1e-12):
            break
    return float(max(1, round(step))) if integer else float(Decimal(repr(step)).normalize())


def _decimals(number: float) -> int:
    exponent = Decimal(repr(float(number))).normalize().as_tuple().exponent
    return max(0, -int(exponent)) if isinstance(exponent, int) else 0


def grid_parameter(spec: FieldSpec, base: Any, level: Literal["fusion", "request"]) -> Parameter:
    """The parameter for a field: its grid, anchored at `base`, inside the validated range."""
    if spec.kind == "choice":
        return Parameter(spec.path, "choice", base, level, choices=spec.choices)
    if spec.kind == "fixed" or spec.low is None or spec.high is None:
        raise TuningError(f"{spec.path} is not searchable: {spec.reason}")
    integer = spec.kind == "int"
    steps = FUSION_STEPS if level == "fusion" else REQUEST_STEPS
    low, high, start = spec.low, spec.high, float(base)
    step = _nice_step(high - low, steps, integer)
    decimals = 0 if integer else min(10, max(_decimals(step), _decimals(start)))

    def inside(value: float) -> bool:
        above = value > low if spec.low_strict else value >= low
        below = value < high if spec.high_strict else value <= high
        return above and below

    def at(offset: int) -> float:
        value = start + offset * step
        return float(round(value)) if integer else round(value, decimals)

    down = math.floor((start - low) / step + 1e-9)
    while down > 0 and not inside(at(-down)):
        down -= 1
    up = math.floor((high - start) / step + 1e-9)
    while up > 0 and not inside(at(up)):
        up -= 1
    return Parameter(
        spec.path,
        spec.kind,
        base,
        level,
        valid_low=spec.low,
        valid_high=spec.high,
        low_strict=spec.low_strict,
        high_strict=spec.high_strict,
        below=down,
        step=step,
        count=down + up + 1,
        decimals=decimals,
    )


def class_fields(classes: Sequence[str]) -> list[FieldSpec]:
    """The settings each query class may set (`ranking_profile.CLASS_SETTINGS`), as fields
    `query_classes.CLASS.PATH` with the ranges of the profile's own."""
    own = profile_fields(ClassSettings)
    return [
        dataclasses.replace(spec, path=f"{CLASSES_FIELD}.{name}.{spec.path}")
        for name in classes
        for spec in own
    ]


def _base_value(base: RankingProfile, path: str) -> Any:
    """A setting's value in `base`; a class setting's is what that class ranks with."""
    if path.startswith(CLASSES_FIELD + "."):
        _, name, rest = path.split(".", 2)
        return _value_at(base.for_query_class(name), rest)
    return _value_at(base, path)


def _absent_class(name: str, classes: Sequence[str]) -> str | None:
    """The query class `name` (`query_classes.CLASS...`) names when it is not in `classes`."""
    parts = name.split(".")
    if len(parts) >= 2 and parts[0] == CLASSES_FIELD and parts[1] in QUERY_CLASSES:
        return None if parts[1] in classes else parts[1]
    return None


def search_space(
    base: RankingProfile,
    params: Sequence[str] | None = None,
    exclude: Sequence[str] = (),
    classes: Sequence[str] = (),
    badge_policy: bool = True,
) -> list[Parameter]:
    """The parameters to search, from the model's fields and the base profile's values.

    Without `params`: every searchable field but `METADATA` and `DEFAULT_EXCLUDED`, and the
    settings of each query class in `classes` (the `tune` command passes the classes of the
    judged queries: a class no judged query has cannot be tuned). `params` narrows to the named
    fields (exact paths, groups such as `badges` or `query_classes.job_title`, or wildcards such
    as `legs.*.weight`) and may name a default-excluded one; `exclude` removes fields. A name
    that matches no field, or names only unsearchable ones, raises TuningError naming it.
    With `badge_policy`, badge multipliers are searched from 1 up, and a base profile that
    breaks the policy raises TuningError.
    """
    unknown_classes = sorted(set(classes) - set(QUERY_CLASSES))
    if unknown_classes:
        raise TuningError(f"unknown query class {unknown_classes[0]!r}")
    specs = [s for s in profile_fields(type(base)) if s.path != CLASSES_FIELD]
    specs += class_fields(classes)
    paths = [s.path for s in specs]
    for option, names in (("--params", params or ()), ("--exclude", exclude)):
        for name in names:
            absent = _absent_class(name, classes)
            if absent is not None and not any(_matches(path, name) for path in paths):
                raise TuningError(
                    f"{option}: {name!r}: no judged query is a {absent} query, so that class's "
                    f"settings cannot be tuned (judged classes: {', '.join(classes) or 'none'})"
                )
            if not any(_matches(path, name) for path in paths):
                known = ", ".join(s.path for s in specs if s.kind != "fixed" and not _meta(s.path))
                raise TuningError(f"{option}: unknown parameter {name!r}; parameters: {known}")
    chosen: list[FieldSpec] = []
    for spec in specs:
        if _meta(spec.path) or any(_matches(spec.path, name) for name in exclude):
            continue
        if params is None:
            if spec.kind == "fixed" or any(_matches(spec.path, p) for p in DEFAULT_EXCLUDED):
                continue
        elif not any(_matches(spec.path, name) for name in params):
            continue
        elif spec.kind == "fixed":
            if spec.path in params:  # named exactly: say why it cannot be searched
                raise TuningError(f"--params: {spec.path} is not searchable: {spec.reason}")
            continue
        chosen.append(spec)
    for name in params or ():
        if _meta(name):
            raise TuningError(f"--params: {name} is metadata, not a ranking setting")
    if not chosen:
        raise TuningError("no parameter left to search (check --params and --exclude)")
    tunes_badges = any(spec.path.startswith("badges.") for spec in chosen)
    if badge_policy and tunes_badges and base.badges.policy_problems():
        raise TuningError(
            f"the base profile {base.name} breaks the badge policy ("
            + "; ".join(base.badges.policy_problems())
            + "): fix it, or tune with --allow-badge-reorder"
        )
    if badge_policy:
        chosen = [
            dataclasses.replace(spec, low=max(spec.low, 1.0), low_strict=False)
            if spec.path.startswith("badges.") and spec.low is not None
            else spec
            for spec in chosen
        ]
    return [
        grid_parameter(
            spec, _base_value(base, spec.path), "fusion" if is_fusion_only(spec.path) else "request"
        )
        for spec in chosen
    ]


def keep_badge_order(values: Mapping[str, Any], base: RankingProfile) -> dict[str, Any]:
    """`values` with the badge multipliers it sets sorted back into badge order when they break
    it (the ones it does not set keep the base's values, and bound the others)."""
    paths = [f"badges.{name}" for name in BADGE_ORDER]
    current = [float(values.get(f"badges.{n}", getattr(base.badges, n))) for n in BADGE_ORDER]
    if all(a >= b for a, b in itertools.pairwise(current)):
        return dict(values)
    free = [i for i, p in enumerate(paths) if p in values]
    for i, value in zip(free, sorted((current[i] for i in free), reverse=True), strict=True):
        current[i] = value
    fixed = [i for i in range(len(paths)) if i not in free]
    for i in free:
        ceiling = min((current[j] for j in fixed if j < i), default=math.inf)
        floor = max((current[j] for j in fixed if j > i), default=-math.inf)
        if floor <= ceiling:
            current[i] = min(max(current[i], floor), ceiling)
    return dict(values) | {paths[i]: current[i] for i in free}


def _meta(path: str) -> bool:
    return any(_matches(path, name) for name in METADATA)


def nested(values: Mapping[str, Any]) -> dict[str, Any]:
    """Dotted paths to the nested mapping `RankingProfile.with_overrides` takes."""
    result: dict[str, Any] = {}
    for path, value in values.items():
        node = result
        *parents, leaf = path.split(".")
        for part in parents:
            node = node.setdefault(part, {})
        node[leaf] = value
    return result


def _flatten(data: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for key, value in data.items():
        if isinstance(value, Mapping):
            flat |= _flatten(value, f"{prefix}{key}.")
        else:
            flat[f"{prefix}{key}"] = value
    return flat


def request_key(profile: RankingProfile) -> str:
    """What the `_msearch` bodies depend on: every setting but metadata and `FUSION_ONLY`."""
    flat = _flatten(profile.model_dump(mode="json"))
    kept = {p: v for p, v in flat.items() if not _meta(p) and not is_fusion_only(p)}
    return json.dumps(kept, sort_keys=True, separators=(",", ":"))


def plan_key(profile: RankingProfile, query_class: QueryClass | None) -> str:
    """What the bodies of a query of `query_class` depend on: the request settings it ranks
    with (`request_key` of `for_query_class`, without the other classes' settings)."""
    ranking = profile.for_query_class(query_class)
    if ranking.query_classes:  # no class, or one the profile does not set: its own settings
        ranking = ranking.model_copy(update={CLASSES_FIELD: {}})
    return f"{query_class}:{request_key(ranking)}"


def planning_profile(profile: RankingProfile) -> RankingProfile:
    """`profile` with every leg switched on, for every query class too, so the cached windows
    hold every leg."""
    data = profile.model_dump()
    overrides: dict[str, Any] = {}
    off = _legs_on(data["legs"])
    if off:
        overrides["legs"] = off
    for name, settings in data[CLASSES_FIELD].items():
        off = _legs_on(settings.get("legs", {}))
        if off:
            overrides.setdefault(CLASSES_FIELD, {})[name] = {"legs": off}
    return profile.with_overrides(overrides) if overrides else profile


def _legs_on(legs: Mapping[str, Any]) -> dict[str, Any]:
    return {
        name: {"weight": 1.0}
        for name, leg in legs.items()
        if isinstance(leg, Mapping) and "weight" in leg and leg["weight"] <= 0
    }


def _leg_weight(profile: RankingProfile, leg: str) -> float:
    config = getattr(profile.legs, leg, None)
    weight = getattr(config, "weight", 1.0)
    return float(weight)


# --------------------------------------------------------------------------------------------
# Folds
# --------------------------------------------------------------------------------------------


def stratified_folds(judgments: Judgments, folds: int, seed: int) -> list[tuple[str, ...]]:
    """Queries dealt into `folds` folds, each family spread evenly; deterministic for a seed.

    Within each family (in name order) the queries are sorted, shuffled with `seed` and dealt
    round-robin, continuing where the previous family stopped, so fold sizes differ by at most
    one. The assignment depends on the set of queries and the seed only, not on file order.
    """
    queries = judgments.queries
    if folds < 2:
        raise TuningError(f"--folds: need at least 2 folds, got {folds}")
    if len(queries) < folds:
        raise TuningError(
            f"too few queries for {folds} folds: {len(queries)} judged queries, need at least "
            f"{folds} (one per held-out fold); use fewer --folds or judge more queries"
        )
    by_family: dict[str, list[str]] = {}
    for query in queries:
        by_family.setdefault(judgments.families[query], []).append(query)
    rng = random.Random(seed)
    dealt: list[list[str]] = [[] for _ in range(folds)]
    offset = 0
    for family in sorted(by_family):
        members = sorted(by_family[family])
        rng.shuffle(members)
        for i, query in enumerate(members):
            dealt[(offset + i) % folds].append(query)
        offset += len(members)
    return [tuple(fold) for fold in dealt]


def subset(judgments: Judgments, queries: Iterable[str]) -> Judgments:
    keep = list(queries)
    return Judgments(
        ratings={q: judgments.ratings[q] for q in keep},
        families={q: judgments.families[q] for q in keep},
    )


# --------------------------------------------------------------------------------------------
# Cached evaluation
# --------------------------------------------------------------------------------------------

Planner = Callable[[str, RankingProfile], SearchPlan]
Msearch = Callable[[list[dict[str, Any]]], list[dict[str, Any]]]


@dataclass(frozen=True)
class _Window:
    """One body's response, compactly: hit ids and raw scores; sources live in one table."""

    ids: tuple[str, ...]
    scores: tuple[Any, ...]
    with_source: bool


@dataclass(frozen=True)
class _Planned:
    plan: SearchPlan  # without its bodies
    bodies: tuple[str, ...]  # body hashes, in plan order


def _body_hash(body: Mapping[str, Any]) -> str:
    text = json.dumps(body, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha1(text.encode(), usedforsecurity=False).hexdigest()


def _slim(body: dict[str, Any]) -> dict[str, Any]:
    if body.get("_source") is False:
        return body
    return {**body, "_source": list(FUSION_SOURCE)}


class CachedEvaluator:
    """Scores profiles on judged queries; engine responses are fetched once per distinct body.

    `plan(text, profile)` builds a query's `SearchPlan` (`TalentSearcher.plan`); `msearch(bodies)`
    sends bodies and returns their responses in order (`TalentSearcher._msearch`).
    """

    def __init__(
        self,
        plan: Planner,
        msearch: Msearch,
        judgments: Judgments,
        metric: str = "ndcg@10",
        batch_size: int = MSEARCH_BATCH,
        plan_settings: int = 32,
        fusion_inputs: int = 4096,
    ) -> None:
        if metric not in METRICS:
            raise TuningError(
                f"--metric: unknown metric {metric!r}; use one of {', '.join(METRICS)}"
            )
        self._plan = plan
        self._msearch = msearch
        self.judgments = judgments
        self.metric = metric
        function, self.k = METRICS[metric]
        self._function = _METRIC_FUNCTIONS[function]
        self._batch = batch_size
        self._windows: dict[str, _Window] = {}
        self._sources: dict[str, dict[str, Any]] = {}
        # plans by what they depend on (`plan_key`: the request settings of the query's class)
        self._plans: OrderedDict[str, dict[str, _Planned]] = OrderedDict()
        self._plan_settings = plan_settings
        self._classes: dict[tuple[str, str], QueryClass | None] = {}  # (query, reading) -> class
        self._inputs: OrderedDict[tuple[Any, ...], FusionInputs] = OrderedDict()
        self._inputs_max = fusion_inputs
        self.bodies_sent = 0
        self.bodies_reused = 0
        self.engine_seconds = 0.0
        self.plan_seconds = 0.0

    # -- engine side ---------------------------------------------------------------------

    def prepare(
        self,
        profile: RankingProfile,
        queries: Sequence[str],
        on_query: Callable[[int], None] | None = None,
    ) -> dict[str, _Planned]:
        """Plan `queries` for the profile's request settings and fetch the unseen bodies.

        A query's plan depends only on the request settings its class ranks with (`plan_key`):
        a trial that moves only a class's settings plans only that class's queries again.
        """
        reading = json.dumps(profile.query.model_dump(mode="json"), sort_keys=True)
        keys: dict[QueryClass | None, str] = {}

        def key_for(query_class: QueryClass | None) -> str:
            if query_class not in keys:
                keys[query_class] = plan_key(profile, query_class)
            return keys[query_class]

        found: dict[str, _Planned] = {}
        missing: list[str] = []
        for query in queries:
            known = (query, reading) in self._classes
            if known:
                planned = self._plans_for(key_for(self._classes[(query, reading)])).get(query)
                if planned is not None:
                    found[query] = planned
                    continue
            missing.append(query)
        if not missing:
            return found
        planner = planning_profile(profile)
        wanted: dict[str, dict[str, Any]] = {}
        started = time.perf_counter()
        for done, query in enumerate(missing, start=1):
            plan = self._plan(query, planner)
            query_class = plan.understanding.query_class
            self._classes[(query, reading)] = query_class
            hashes = []
            for body in plan.bodies:
                digest = _body_hash(body)
                hashes.append(digest)
                if digest in self._windows or digest in wanted:
                    self.bodies_reused += 1
                else:
                    wanted[digest] = _slim(body)
            planned = _Planned(dataclasses.replace(plan, bodies=[]), tuple(hashes))
            self._plans_for(key_for(query_class))[query] = found[query] = planned
            if on_query is not None:
                on_query(done)
        self.plan_seconds += time.perf_counter() - started
        self._fetch(wanted)
        return found

    def _plans_for(self, key: str) -> dict[str, _Planned]:
        plans = self._plans.get(key)
        if plans is None:
            plans = self._plans[key] = {}
            while len(self._plans) > self._plan_settings:
                self._plans.popitem(last=False)
        else:
            self._plans.move_to_end(key)
        return plans

    def _fetch(self, wanted: Mapping[str, dict[str, Any]]) -> None:
        items = list(wanted.items())
        started = time.perf_counter()
        for start in range(0, len(items), self._batch):
            chunk = items[start : start + self._batch]
            responses = self._msearch([body for _, body in chunk])
            for (digest, body), response in zip(chunk, responses, strict=True):
                hits = response["hits"]["hits"]
                with_source = body.get("_source") is not False
                if with_source:
                    for hit in hits:
                        self._sources.setdefault(hit["_id"], hit.get("_source", {}))
                self._windows[digest] = _Window(
                    tuple(hit["_id"] for hit in hits),
                    tuple(hit["_score"] for hit in hits),
                    with_source,
                )
        self.bodies_sent += len(items)
        self.engine_seconds += time.perf_counter() - started

    def _response(self, digest: str) -> dict[str, Any]:
        window = self._windows[digest]
        if window.with_source:
            hits = [
                {"_id": i, "_score": s, "_source": self._sources[i]}
                for i, s in zip(window.ids, window.scores, strict=True)
            ]
        else:
            hits = [{"_id": i, "_score": s} for i, s in zip(window.ids, window.scores, strict=True)]
        return {"hits": {"hits": hits}}

    def _fusion_inputs(self, plan: SearchPlan, digests: tuple[str, ...]) -> FusionInputs:
        """What fusion reads from these responses, read once (`read_responses`) and kept."""
        key = (tuple(plan.legs), plan.calibrated, digests)
        inputs = self._inputs.get(key)
        if inputs is not None:
            self._inputs.move_to_end(key)
            return inputs
        legs, candidates, _ = read_responses(plan, [self._response(d) for d in digests])
        inputs = self._inputs[key] = FusionInputs.build(legs, candidates)
        while len(self._inputs) > self._inputs_max:
            self._inputs.popitem(last=False)
        return inputs

    # -- in memory -----------------------------------------------------------------------

    def ranked_ids(
        self, profile: RankingProfile, queries: Sequence[str], depth: int
    ) -> dict[str, list[str]]:
        """Query -> the top `depth` ids, exactly as `TalentSearcher.search` ranks them: the
        same responses read by `read_responses` and fused by `fuse_inputs`, as `fuse` does."""
        plans = self.prepare(profile, queries)
        run: dict[str, list[str]] = {}
        for query in queries:
            planned = plans[query]
            ranking = profile.for_query_class(planned.plan.understanding.query_class)
            legs = planned.plan.legs
            kept = [i for i, leg in enumerate(legs) if _leg_weight(ranking, leg) > 0]
            order = list(kept)
            if planned.plan.calibrated:
                order += [len(legs) + i for i in kept]
            plan = dataclasses.replace(planned.plan, legs=[legs[i] for i in kept])
            inputs = self._fusion_inputs(plan, tuple(planned.bodies[i] for i in order))
            fused = fuse_inputs(inputs, ranking)
            run[query] = [inputs.ids[row] for row in fused.order[:depth]]
        return run

    def scores(self, profile: RankingProfile, queries: Sequence[str]) -> dict[str, float]:
        """The metric per query for `profile`."""
        run = self.ranked_ids(profile, queries, self.k)
        return {q: self._function(run[q], self.judgments.ratings[q], self.k) for q in queries}

    def mean(self, profile: RankingProfile, queries: Sequence[str]) -> float:
        values = self.scores(profile, queries)
        return math.fsum(values.values()) / len(values) if values else 0.0


# --------------------------------------------------------------------------------------------
# Studies
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TrialRecord:
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


def _profile_for(base: RankingProfile, values: Mapping[str, Any]) -> RankingProfile:
    """`base` with the searched `values`: a class's values are set explicitly, so that moving
    a setting of the profile's own never moves the class's too."""
    try:
        return base.with_overrides(nested(values))
    except RankingProfileError as exc:  # a grid value the model refuses: a bug in the grid
        raise TuningError(f"a searched value is invalid: {exc}") from exc


def tuned_profile(base: RankingProfile, values: Mapping[str, Any]) -> RankingProfile:
    """The profile `values` describe, as it is written: the same ranking as `_profile_for`'s,
    without the class settings that equal the profile's own (`RankingProfile.compacted`)."""
    return _profile_for(base, values).compacted()


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

    The next STARTUP_SHARE of the trials are neighbours of the best trial so far (a seeded
    local search from the base). Then optuna's TPE sampler proposes BLOCK_SHARE of the
    parameters per trial, a random block, the others held at the best trial's values; it models
    every trial. Trial i is a request trial when i * engine_share crosses an integer (evenly
    spread): its block is drawn from the request settings; the other trials' blocks are drawn
    from the fusion settings, so they run in memory (with only one kind of setting in the
    space, every block is drawn from all). The best trial is then simplified: each changed
    parameter that scores no worse at its base value goes back to it, until every parameter
    still changed loses when put back alone, so the profile changes only what made a
    difference.
    """
    if trials < 1:
        raise TuningError(f"--trials: need at least 1 trial, got {trials}")
    if not 0 < engine_share <= 1:
        raise TuningError(f"--engine-share: must be in (0, 1], got {engine_share}")
    started = time.perf_counter()
    mixed = any(p.level == "request" for p in space) and any(p.level == "fusion" for p in space)
    startup = min(trials - 1, max(STARTUP_MIN, round(trials * STARTUP_SHARE)))
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    # univariate: with a block of parameters held per trial there is no joint space to model
    sampler = optuna.samplers.TPESampler(seed=seed, n_startup_trials=startup + 1)
    tpe = optuna.create_study(direction="maximize", sampler=sampler)
    rng = random.Random(seed)
    base_values = {p.path: p.base for p in space}
    tpe.enqueue_trial({p.path: p.optuna_value(p.base) for p in space})
    records: list[TrialRecord] = []
    scores: dict[str, float] = {}  # memo by values: a proposal may repeat a scored trial
    best = -math.inf
    for number in range(trials):
        sampled = (
            number == 0
            or not mixed
            or (math.floor(number * engine_share) != math.floor((number - 1) * engine_share))
        )
        if number > 0:
            held = tpe.trials[_best_index(records)].params
            # a request slot moves request settings (what it is for), the others fusion ones
            level = "request" if sampled and mixed else "fusion" if mixed else None
            movable = [p for p in space if p.size > 1 and level in (None, p.level)]
            # a list in space order, never a set: a set's order follows PYTHONHASHSEED, and the
            # nudges below draw from `rng` in this order
            block = [p.path for p in movable if rng.random() < BLOCK_SHARE]
            if movable and not block:
                block = [rng.choice(movable).path]
            if number <= startup:
                by_path = {p.path: p for p in space}
                moved = {k: by_path[k].nudged(held[k], rng) for k in block}
                tpe.enqueue_trial(dict(held) | moved)
            else:
                tpe.enqueue_trial({k: v for k, v in held.items() if k not in block})
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", optuna.exceptions.ExperimentalWarning)
            trial = tpe.ask()
            values = {p.path: p.suggest(trial) for p in space}
        if badge_policy:
            values = keep_badge_order(values, base)
        key = json.dumps(values, sort_keys=True)
        sent = evaluator.bodies_sent
        if key not in scores:
            scores[key] = evaluator.mean(_profile_for(base, values), queries)
        score = scores[key]
        tpe.tell(trial, score)
        best = max(best, score)
        engine = evaluator.bodies_sent > sent
        records.append(TrialRecord(label, number, values, score, engine, sampled))
        if on_trial is not None:
            on_trial(TrialEvent(label, number, trials, score, best, engine))
    best_values = dict(records[_best_index(records)].values)
    best_score = max(r.score for r in records)
    simplified: list[str] = []
    reverted = True
    while reverted:  # until every parameter still changed loses when put back alone
        reverted = False
        for parameter in space:
            if best_values[parameter.path] == parameter.base:
                continue
            candidate = best_values | {parameter.path: parameter.base}
            if badge_policy:
                candidate = keep_badge_order(candidate, base)
                if candidate[parameter.path] != parameter.base:
                    continue  # it cannot go back alone without breaking the badge order
            score = evaluator.mean(_profile_for(base, candidate), queries)
            if score >= best_score - TIE_EPS:
                best_values, best_score = candidate, max(best_score, score)
                simplified.append(parameter.path)
                reverted = True
    importance, note = _importance(tpe, space)
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


def _best_index(records: Sequence[TrialRecord]) -> int:
    """The first trial with the best score (the base, trial 0, wins every tie)."""
    best = max(r.score for r in records)
    return next(i for i, r in enumerate(records) if r.score >= best - TIE_EPS)


# --------------------------------------------------------------------------------------------
# Cross-validation
# --------------------------------------------------------------------------------------------


@dataclass
class FoldResult:
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
        tuned_profile = _profile_for(base, result.best_values)
        fold_base = evaluator.ranked_ids(base, test, RUN_DEPTH)
        fold_tuned = evaluator.ranked_ids(tuned_profile, test, RUN_DEPTH)
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


# --------------------------------------------------------------------------------------------
# Plot
# --------------------------------------------------------------------------------------------


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
