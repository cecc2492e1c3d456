"""Cached trials: a profile scored on judged queries, each engine response fetched once.

Why: a study runs hundreds of trials, and most of them move only fusion and boosts. A setting
`space.is_fusion_only` changes only fusion (`ranking.talent_searcher.rank_responses`), not the
`_msearch` bodies. The legs' windows are planned with every leg on (`planning_profile`: a leg
whose weight is 0 is not sent at all), fetched once per distinct request body and kept; a trial
then drops the legs its weights switch off and fuses in memory, exactly as a search ranks. A
trial that moves a request setting plans the bodies again (`plan_key`: only the queries of the
class it moves) and sends the engine only the bodies it has not seen.

Pure: the engine is reached only through the `plan` and `msearch` callables given to
`CachedEvaluator`, so this is testable without a server.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import math
import time
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from ranking.fusion import FusionInputs, fuse_inputs
from ranking.query_classes import QueryClass
from ranking.ranking_profile import RankingProfile
from ranking.talent_searcher import SearchPlan, read_responses
from relevance.errors import TuningError
from relevance.evaluation import (
    METRICS,
    Judgments,
    ndcg_at_k,
    precision_at_k,
    recall_at_k,
    reciprocal_rank,
)
from relevance.tuning.space import CLASSES_FIELD, is_fusion_only, is_metadata

__all__ = [
    "FUSION_SOURCE",
    "CachedEvaluator",
    "Msearch",
    "Planner",
    "plan_key",
    "planning_profile",
    "request_key",
]

#: The `_source` fields fusion reads (`rank_responses` builds its candidates from them); the
#: cached windows ask for these alone, which halves the engine's and the parser's work.
FUSION_SOURCE: Final = ("badge", "job_success_score")
#: Bodies per `_msearch` when the cache fetches what it has not seen.
MSEARCH_BATCH: Final = 50

_METRIC_FUNCTIONS: Final[dict[str, Callable[[Sequence[str], Mapping[str, int], int], float]]] = {
    "ndcg": ndcg_at_k,
    "reciprocal_rank": reciprocal_rank,
    "precision": precision_at_k,
    "recall": recall_at_k,
}


def _flatten(data: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for key, value in data.items():
        if isinstance(value, Mapping):
            flat |= _flatten(value, f"{prefix}{key}.")
        else:
            flat[f"{prefix}{key}"] = value
    return flat


def request_key(profile: RankingProfile) -> str:
    """What the `_msearch` bodies depend on: every setting but metadata and the fusion-only ones."""
    flat = _flatten(profile.model_dump(mode="json"))
    kept = {p: v for p, v in flat.items() if not is_metadata(p) and not is_fusion_only(p)}
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
    sends bodies and returns their responses in order (`TalentSearcher.run_bodies`).
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
