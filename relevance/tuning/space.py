"""The search space of `talent-search tune`: which settings of a profile are searched, and how.

**From the model.** The space is read from the `RankingProfile` model
(`ranking.profile_settings`),
never from a copied list: every searchable field is a parameter, constrained to its validated
range, on a grid anchored at the base profile's value (`grid`). Metadata (`name`, `version`,
`description`, `tuning`) is never searched; `window` (how many results a search returns), the
`query.*` switches (product features such as typo correction, visible in responses) and
`representative.*` are left out by default and can be named explicitly. Each query class the
judged queries have adds its own settings (`query_classes.CLASS.PATH`).

**Fusion or request.** A setting whose stage in the model is `fusion` (`is_fusion_only`) changes
only fusion and boosts (`ranking.talent_searcher.rank_responses`), not the `_msearch` bodies, so
its trials run in memory (`evaluator`); every other setting (including a field without a stage,
which tests/unit/test_ranking_profile_model.py refuses) is a request parameter: always correct,
only slower.

**Badge policy.** By default every badge multiplier stays at least 1 (its grid starts at 1)
and in the marketplace's badge order (expert_vetted >= top_rated_plus >= top_rated >=
rising_talent): a trial whose sampled multipliers break the order is scored with them sorted
back into it (`keep_badge_order`). A tuned profile that demotes Expert-Vetted talent would be
a policy change made by accident; `badge_policy=False` (`tune --allow-badge-reorder`) lifts it.
"""

from __future__ import annotations

import dataclasses
import fnmatch
import itertools
import math
from collections.abc import Mapping, Sequence
from typing import Any, Final

from pydantic import BaseModel

from ranking.profile_settings import Setting, settings, stages
from ranking.query_classes import CLASSES_FIELD, QUERY_CLASSES
from ranking.ranking_profile import BADGE_ORDER, METADATA, ClassSettings, RankingProfile, Stage
from relevance.errors import TuningError
from relevance.tuning.grid import Parameter, grid_parameter

__all__ = [
    "CLASSES_FIELD",
    "DEFAULT_EXCLUDED",
    "METADATA",
    "is_fusion_only",
    "is_metadata",
    "keep_badge_order",
    "nested",
    "search_space",
]

#: Searched only when named: `window` is how many results a search returns (totals, pages,
#: facets), the `query.*` switches are product features visible in responses, and
#: `representative.*` is an exposure policy (ranking.representative), not relevance: the tuner
#: scores fused windows, where that stage does not run.
DEFAULT_EXCLUDED: Final = ("window", "query.*", "representative.*")


def is_fusion_only(path: str) -> bool:
    """Whether the setting at `path` (or a query class's `query_classes.CLASS.PATH`) changes
    only fusion and boosts: its stage in the model is `fusion`."""
    if path.startswith(CLASSES_FIELD + "."):
        path = path.split(".", 2)[-1]
    return stages().get(path) is Stage.FUSION


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


def class_fields(classes: Sequence[str]) -> list[Setting]:
    """The settings each query class may set (`ranking.query_classes.CLASS_SETTINGS`), as fields
    `query_classes.CLASS.PATH` with the ranges of the profile's own."""
    own = settings(ClassSettings)
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
    specs = [s for s in settings(type(base), metadata=True) if s.path != CLASSES_FIELD]
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
                known = ", ".join(
                    s.path for s in specs if s.kind != "fixed" and not is_metadata(s.path)
                )
                raise TuningError(f"{option}: unknown parameter {name!r}; parameters: {known}")
    chosen: list[Setting] = []
    for spec in specs:
        if is_metadata(spec.path) or any(_matches(spec.path, name) for name in exclude):
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
        if is_metadata(name):
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


def is_metadata(path: str) -> bool:
    """Whether `path` is (or is inside) a `METADATA` field, which is never searched."""
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
