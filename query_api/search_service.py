"""From a validated request and a caller's tier to a ranked, paged, faceted response.

What a tier may see is decided here, where the data is fetched: only an enterprise search asks
the engine for diversity fields (`include_diversity`), and only enterprise models can carry them.
The results are the best `window` candidates by relevance (a sort re-orders them, never
reaches beyond them): `total` counts them, the pages show them and the facets count them;
`matched` says how many candidates the engine matched, or that it matched more than it returned.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterable
from datetime import date
from pathlib import Path
from typing import Any

from domain.badges import Badge
from query_api.api_keys import ApiClient, Tier
from query_api.error_responses import safe_name
from query_api.errors import InvalidParameters, engine_timeouts_as_504
from query_api.representative_option import (
    badge_exposure,
    diversity_ask,
    enterprise_slate,
    explain_with_positions,
    relevance_positions,
)
from query_api.response_models import (
    DidYouMean,
    DiversityBadge,
    EngineerResultTile,
    EngineerSearchResponse,
    EnterpriseFacets,
    EnterpriseProfileTile,
    EnterpriseResultTile,
    EnterpriseSearchResponse,
    ErrorDetail,
    FacetBucket,
    Facets,
    JobInfo,
    JobSkillInfo,
    Matched,
    MatchedSkill,
    ProfileTile,
    QueryInfo,
    RankingInfo,
    ResultTile,
    SearchResponse,
)
from query_api.search_request import SearchBody, SearchParams
from ranking.fusion import RankedHit
from ranking.job_post_query import JobReading, JobSkill
from ranking.ranking_profile import RankingProfile, RankingProfileError, load_profile
from ranking.representative_stage import representative_stage
from ranking.search_filters import SearchFilters, counting_categories
from ranking.talent_searcher import SearchQuery, SearchResult, TalentSearcher

TOP_SKILLS = 8
# Rate bands for the facet: (label, lower bound inclusive, upper bound exclusive).
RATE_BANDS: list[tuple[str, float, float]] = [
    ("under_25", 0, 25),
    ("25_to_50", 25, 50),
    ("50_to_100", 50, 100),
    ("100_to_150", 100, 150),
    ("150_and_over", 150, float("inf")),
]


def ranking_profile_for(
    params: SearchParams, default: RankingProfile, user_profiles_dir: Path | None = None
) -> tuple[RankingProfile, bool]:
    """The profile that ranks this request, and whether overrides changed its weights.

    Naming a profile (`ranking_profile`) is not an override: the response names the profile
    and its version separately (`ranking.profile`, `ranking.version`). Named profiles are looked
    up in the package, then in `user_profiles_dir`.
    """
    profile = default
    try:
        if params.ranking_profile is not None:
            profile = load_profile(params.ranking_profile, user_dir=user_profiles_dir)
    except RankingProfileError as exc:
        raise InvalidParameters(
            "invalid parameters: ranking_profile",
            [ErrorDetail(field="ranking_profile", message=str(exc))],
        ) from exc
    overrides = params.ranking_overrides if isinstance(params, SearchBody) else None
    if overrides is not None and overrides.as_dict():
        try:
            profile = profile.with_overrides(overrides.as_dict())
        except RankingProfileError as exc:
            raise InvalidParameters(
                "invalid parameters: ranking_overrides",
                [ErrorDetail(field="ranking_overrides", message=str(exc))],
            ) from exc
        return profile, True
    return profile, False


def search_filters(params: SearchParams, tier: Tier) -> SearchFilters:
    diversity = tier.sees_diversity
    return SearchFilters(
        badges=params.badges,
        min_jss=params.min_jss,
        min_rate=params.min_rate,
        max_rate=params.max_rate,
        countries=params.country,
        diversity_certified=diversity and params.diversity_certified,
        diversity_categories=params.diversity_categories if diversity else [],
    )


def _sort_key(sort: str) -> Callable[[tuple[int, RankedHit, dict[str, Any]]], Any]:
    """Stable re-ordering of the ranked window; missing values last, ties keep relevance order."""

    def field_key(name: str, descending: bool) -> Callable[[tuple[int, RankedHit, Any]], Any]:
        def key(item: tuple[int, RankedHit, dict[str, Any]]) -> Any:
            rank, _, src = item
            value = src.get(name)
            if value is None:
                return (1, 0.0, rank)
            return (0, -value if descending else value, rank)

        return key

    keys = {
        "rate_asc": field_key("hourly_rate_usd", False),
        "rate_desc": field_key("hourly_rate_usd", True),
        "jss": field_key("job_success_score", True),
    }
    return keys.get(sort, lambda item: item[0])


def ordered_hits(result: SearchResult, sort: str, window: int) -> list[RankedHit]:
    """The best `window` hits by relevance (what the pages reach), in the requested order."""
    ranked = result.hits[:window]
    items = [(rank, hit, result.sources[hit.id]) for rank, hit in enumerate(ranked)]
    return [hit for _, hit, _ in sorted(items, key=_sort_key(sort))]


def last_page(total: int, size: int) -> int:
    return max(1, -(-total // size))


def _buckets(counts: Counter[str]) -> list[FacetBucket]:
    return [
        FacetBucket(value=v, count=c)
        for v, c in sorted(counts.items(), key=lambda x: (-x[1], x[0]))
    ]


def rate_band(rate: float | None) -> str | None:
    if rate is None:
        return None
    return next(label for label, low, high in RATE_BANDS if low <= rate < high)


def facet_counts(sources: Iterable[dict[str, Any]]) -> Facets:
    badges: Counter[str] = Counter()
    countries: Counter[str] = Counter()
    rates: Counter[str] = Counter()
    for src in sources:
        badges[src.get("badge") or "none"] += 1
        countries[src["country"]] += 1
        band = rate_band(src.get("hourly_rate_usd"))
        if band is not None:
            rates[band] += 1
    order = [label for label, _, _ in RATE_BANDS]
    return Facets(
        badges=_buckets(badges),
        countries=_buckets(countries),
        rate_bands=[FacetBucket(value=b, count=rates[b]) for b in order if rates[b]],
    )


class SearchService:
    def __init__(
        self,
        default_profile: RankingProfile,
        enabled_countries: list[str],
        user_profiles_dir: Path | None = None,
    ) -> None:
        self.default_profile = default_profile
        self.enabled_countries = enabled_countries
        # Ranking profiles outside the package (TalentSettings.user_profiles_dir), by name.
        self.user_profiles_dir = user_profiles_dir

    def diversity_badge(self, src: dict[str, Any], as_of: date) -> DiversityBadge | None:
        categories = counting_categories(
            src.get("diversity_grants") or [], as_of, self.enabled_countries
        )
        return DiversityBadge(categories=categories) if categories else None  # type: ignore[arg-type]

    def search(
        self,
        searcher: TalentSearcher,
        params: SearchParams,
        client: ApiClient,
        as_of: date,
    ) -> tuple[SearchResponse, dict[str, float]]:
        """The response, and the search's stage timings (for metrics)."""
        started = time.perf_counter()
        profile, overridden = ranking_profile_for(
            params, self.default_profile, self.user_profiles_dir
        )
        first = (params.page - 1) * params.size
        if first >= profile.window:
            last = last_page(profile.window, params.size)
            raise InvalidParameters(
                "invalid parameters: page",
                [
                    ErrorDetail(
                        field="page",
                        message=f"page={safe_name(str(params.page), 12)} is beyond the results: "
                        f"they are ranked within a window of {profile.window}, so with "
                        f"size={params.size} the last page is {last}. Ask for page={last} or "
                        "lower, or narrow the query or add filters to see other talent.",
                    )
                ],
            )
        enterprise = client.tier.sees_diversity
        engineer = client.tier.tunes_ranking
        query = SearchQuery(
            text=params.q or None,
            skills=params.skills,
            filters=search_filters(params, client.tier),
            as_of=as_of,
            cache_partition=client.name,
            job=params.job.job_post() if isinstance(params, SearchBody) and params.job else None,
        )
        with engine_timeouts_as_504():
            result = searcher.search(query, profile, include_diversity=enterprise, highlight=True)
        ask = diversity_ask(params, client.tier, as_of, self.enabled_countries)
        result, slates = representative_stage(result, profile, first + params.size, ask)
        hits = ordered_hits(result, params.sort, profile.window)
        page = hits[first : first + params.size]
        facets = facet_counts(result.sources[h.id] for h in hits)
        more = result.more_matched or len(result.hits) > len(hits)
        common: dict[str, Any] = {
            "total": len(hits),
            "matched": Matched(count=len(result.hits), relation="gte" if more else "eq"),
            "pages": last_page(len(hits), params.size),
            "page": params.page,
            "size": params.size,
            "window": profile.window,
            "sort": params.sort,
            "ranking": RankingInfo(
                profile=profile.name,
                version=profile.version,
                overridden=overridden,
                query_class=result.understanding.query_class,
                badge_exposure=badge_exposure(slates, profile.representative.badge),
            ),
            "query": QueryInfo(
                alias_expansions=result.expansions,
                query_skills=[
                    MatchedSkill(
                        id=m.id, label=m.label, similarity=round(m.similarity, 4), exact=m.exact
                    )
                    for m in result.query_skills[:20]
                ],
                job=job_info(result.job) if result.job is not None else None,
            ),
            "did_you_mean": [
                DidYouMean(**d)
                for d in result.understanding.did_you_mean
                + (result.job.did_you_mean if result.job is not None else [])
            ],
        }
        tiles = [self._result_fields(result, hit) for hit in page]
        if enterprise:
            badges = {h.id: self.diversity_badge(result.sources[h.id], as_of) for h in hits}
            categories: Counter[str] = Counter()
            for badge in badges.values():
                categories.update(badge.categories if badge else [])
            return EnterpriseSearchResponse(
                **common,
                facets=EnterpriseFacets(
                    **facets.model_dump(), diversity_categories=_buckets(categories)
                ),
                results=[
                    EnterpriseResultTile(**fields, diversity=badges[hit.id])
                    for hit, fields in zip(page, tiles, strict=True)
                ],
                took_ms=_elapsed(started),
                representative=enterprise_slate(slates, params),
            ), result.timings_ms
        if engineer:
            positions = relevance_positions(result) if params.explain else {}
            return EngineerSearchResponse(
                **common,
                facets=facets,
                results=[
                    EngineerResultTile(
                        **fields,
                        explain=explain_with_positions(result, slates, positions, hit)
                        if params.explain
                        else None,
                    )
                    for hit, fields in zip(page, tiles, strict=True)
                ],
                took_ms=_elapsed(started),
                policy_warnings=profile.badges.policy_problems(),
            ), result.timings_ms
        return SearchResponse(
            **common,
            facets=facets,
            results=[ResultTile(**fields) for fields in tiles],
            took_ms=_elapsed(started),
        ), result.timings_ms

    def _result_fields(self, result: SearchResult, hit: RankedHit) -> dict[str, Any]:
        src = result.sources[hit.id]
        return profile_fields(src) | {
            "score": round(hit.score, 6),
            "matched_skills": [MatchedSkill(**m) for m in result.matched_skills(hit.id)],
            "highlights": result.highlights.get(hit.id, {}),
            "required_skills": result.fit(hit.id),
        }

    def profile_tile(self, src: dict[str, Any], client: ApiClient, as_of: date) -> ProfileTile:
        if client.tier.sees_diversity:
            return EnterpriseProfileTile(
                **profile_fields(src), diversity=self.diversity_badge(src, as_of)
            )
        return ProfileTile(**profile_fields(src))


# The profile fields a tile shows; also what a non-enterprise profile lookup fetches.
TILE_SOURCE = [
    "id",
    "name",
    "title",
    "skill_labels",
    "skills",
    "badge",
    "job_success_score",
    "hourly_rate_usd",
    "country",
]


def profile_fields(src: dict[str, Any]) -> dict[str, Any]:
    badge = src.get("badge")
    return {
        "id": src["id"],
        "name": src["name"],
        "title": src["title"],
        "top_skills": list(src.get("skill_labels") or src.get("skills") or [])[:TOP_SKILLS],
        "badge": Badge(badge) if badge else None,
        "job_success_score": src.get("job_success_score"),
        "hourly_rate_usd": src.get("hourly_rate_usd"),
        "country": src["country"],
    }


def job_info(job: JobReading) -> JobInfo:
    def skill(s: JobSkill) -> JobSkillInfo:
        return JobSkillInfo(text=s.text, label=s.label, found_by=s.found_by)

    return JobInfo(
        required=[skill(s) for s in job.required],
        nice_to_have=[skill(s) for s in job.nice_to_have],
        from_description=[s.label for s in job.from_description],
        unknown_skills=job.unknown_skills,
        match=job.match,
    )


def _elapsed(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 3)
