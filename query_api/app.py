"""The FastAPI application: routes, authentication, tier checks, and the lifespan.

Clients, the model and the vocabulary are created in `lifespan`, never at import time. The
backend may be down when the API starts: the API still starts, `/readyz` says false, searches get
503 with `Retry-After`, and the API recovers by itself when the backend returns.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Path, Query, Request, Security
from fastapi.responses import JSONResponse, PlainTextResponse, Response
from fastapi.security import APIKeyHeader
from opensearchpy import OpenSearch
from opensearchpy.exceptions import NotFoundError
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from indexer.certification_registry import default_registry
from indexer.skill_embeddings import Encoder, load_model, model_encoder
from indexer.skill_vocabulary import SkillVocabulary
from mappings.index_contract import PROFILES
from query_api.api_keys import ApiClient, KeyStore, Tier, read_key_file
from query_api.api_settings import ApiSettings
from query_api.errors import (
    BackendUnavailable,
    Forbidden,
    NotFound,
    Unauthorized,
    install_error_handlers,
)
from query_api.observability import ApiMetrics, RequestContext, configure_logging
from query_api.response_models import (
    EngineerSearchResponse,
    EnterpriseProfileTile,
    EnterpriseSearchResponse,
    ErrorResponse,
    ProfileTile,
    Readiness,
    SearchResponse,
)
from query_api.search_backend import NotIndexed, SearchBackend
from query_api.search_request import (
    DIVERSITY_PARAMS,
    ENGINEER_PARAMS,
    SearchBody,
    SearchParams,
)
from query_api.search_service import TILE_SOURCE, SearchService
from ranking.query_embedder import QueryEmbedder
from ranking.ranking_profile import load_profile
from ranking.talent_searcher import DIVERSITY_SOURCE
from talent_search.settings import BackendSettings, TalentSettings

log = logging.getLogger("query_api")

DIVERSITY_FORBIDDEN = (
    "the Diversity-Certified filter (diversity_certified, diversity_categories) is available "
    "to Enterprise Suite clients only"
)
ENGINEER_FORBIDDEN = (
    "ranking overrides and explain (ranking_profile, ranking_overrides, explain) are available "
    "to relevance engineer keys only"
)
ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorResponse, "description": description}
    for code, description in {
        401: "Missing or unknown API key.",
        403: "The key's tier may not use a parameter.",
        422: "Invalid parameters; each invalid field is named.",
        503: "The backend is unreachable or nothing is indexed yet (see Retry-After).",
        504: "The backend timed out.",
    }.items()
}

api_key_header = APIKeyHeader(
    name="X-API-Key", auto_error=False, description="Your API key; it decides your tier."
)


@dataclass
class AppState:
    settings: ApiSettings
    keys: KeyStore
    backend: SearchBackend
    service: SearchService
    metrics: ApiMetrics
    today: Callable[[], date]


def _state(request: Request) -> AppState:
    state: AppState = request.app.state.talent
    return state


def authenticate(
    request: Request, key: Annotated[str | None, Security(api_key_header)]
) -> ApiClient:
    client = _state(request).keys.authenticate(key)
    if client is None:
        raise Unauthorized("missing or unknown API key: send your key in the X-API-Key header")
    request.state.client_name = client.name
    request.state.client_tier = client.tier.value
    return client


def check_tier_params(names: set[str], tier: Tier) -> None:
    """403 for parameters the tier may not use, decided on parameter names alone."""
    if names & DIVERSITY_PARAMS and not tier.sees_diversity:
        raise Forbidden(DIVERSITY_FORBIDDEN)
    if names & ENGINEER_PARAMS and not tier.tunes_ranking:
        raise Forbidden(ENGINEER_FORBIDDEN)


async def search_access(
    request: Request, client: Annotated[ApiClient, Depends(authenticate)]
) -> ApiClient:
    """Runs before parameter validation, so a forbidden parameter gets 403, never a 422."""
    names = set(request.query_params.keys())
    if request.method == "POST":
        body: Any = None
        with suppress(ValueError):
            body = await request.json()
        if isinstance(body, dict):
            names |= set(body)
    check_tier_params(names, client.tier)
    return client


def _today() -> date:
    return datetime.now(UTC).date()


def _searcher_or_503(state: AppState) -> Any:
    try:
        return state.backend.searcher()
    except NotIndexed as exc:
        raise BackendUnavailable(
            "no profiles are indexed yet; retry later", state.settings.retry_after_s
        ) from exc


def configured_client(backend_settings: BackendSettings | None = None) -> OpenSearch:
    """The client `serve` uses: OPENSEARCH_URL, else a running `talent-search backend`."""
    from talent_search.backend import background_status, make_client

    settings = backend_settings or BackendSettings()
    if settings.url:
        return make_client(settings.url, settings)
    running = background_status(TalentSettings())
    if running is None:
        raise RuntimeError(
            "no backend configured: set OPENSEARCH_URL, or run `talent-search backend start`"
        )
    return make_client(running.url, settings)


def create_app(
    api_settings: ApiSettings | None = None,
    *,
    client_factory: Callable[[], OpenSearch] | None = None,
    encoder: Encoder | None = None,
    key_store: KeyStore | None = None,
    demo_keys: bool = False,
    request_timeout_s: float | None = None,
    today: Callable[[], date] = _today,
) -> FastAPI:
    """The app. Tests inject the client, a fake encoder, keys and the date; `serve` does not."""
    settings = api_settings or ApiSettings()
    metrics = ApiMetrics()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        configure_logging(settings.log_level)
        backend_settings = BackendSettings()
        client = (client_factory or (lambda: configured_client(backend_settings)))()
        keys = key_store or (
            KeyStore.with_demo_keys(read_key_file(settings.keys_file))
            if demo_keys
            else KeyStore.from_file(settings.keys_file)
        )
        if demo_keys:
            log.warning(
                "DEMO KEYS ENABLED: demo-standard-key, demo-enterprise-key and "
                "demo-engineer-key are accepted. For testing only, never in production."
            )
        if not len(keys):
            log.warning(
                "no API keys configured in %s: every request will get 401 "
                "(create one with `talent-search keys add`)",
                settings.keys_file,
            )
        if encoder is None:
            load_model()  # load the model now, not on the first request
        enabled = default_registry().with_enabled(TalentSettings().certification_countries)
        countries = enabled.enabled_countries()
        backend = SearchBackend(
            client,
            SkillVocabulary.load_default(),
            QueryEmbedder(encoder or model_encoder()),
            countries,
            request_timeout_s or backend_settings.timeout_s,
            settings.skills_refresh_s,
        )
        with suppress(Exception):
            backend.searcher()  # warm up when the backend is there; fine when it is not
        app.state.talent = AppState(
            settings=settings,
            keys=keys,
            backend=backend,
            service=SearchService(load_profile(settings.ranking_profile), countries),
            metrics=metrics,
            today=today,
        )
        try:
            yield
        finally:
            client.close()

    app = FastAPI(
        title="Talent search API",
        version="1.0.0",
        summary="Filtered talent search for clients of a freelance marketplace.",
        description=(
            "Every request carries an API key in `X-API-Key`. The key's tier decides what it "
            "may use: `standard`, `enterprise` (adds the Diversity-Certified filter and badge) "
            "or `relevance_engineer` (adds ranking overrides and explain)."
        ),
        lifespan=lifespan,
    )
    install_error_handlers(app, settings.retry_after_s)
    app.add_middleware(RequestContext, metrics=metrics, max_body_bytes=settings.max_body_bytes)
    _add_routes(app)
    return app


SEARCH_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "model": SearchResponse | EnterpriseSearchResponse | EngineerSearchResponse,
        "description": "Ranked talent. The shape depends on the key's tier.",
    },
    **ERROR_RESPONSES,
}


def _run_search(request: Request, params: SearchParams, client: ApiClient) -> JSONResponse:
    state = _state(request)
    searcher = _searcher_or_503(state)
    response, timings = state.service.search(searcher, params, client, state.today())
    state.metrics.observe_search(timings)
    return JSONResponse(response.model_dump(mode="json"))


def _add_routes(app: FastAPI) -> None:
    @app.get("/healthz", tags=["operations"], summary="The process is up.")
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get(
        "/readyz",
        tags=["operations"],
        summary="The backend is reachable and the aliases exist.",
        response_model=Readiness,
        responses={503: {"model": Readiness, "description": "Not ready."}},
    )
    def readyz(request: Request) -> JSONResponse:
        readiness = _state(request).backend.readiness()
        return JSONResponse(readiness.model_dump(), status_code=200 if readiness.ready else 503)

    @app.get(
        "/metrics",
        tags=["operations"],
        summary="Prometheus metrics.",
        response_class=PlainTextResponse,
        responses={200: {"content": {"text/plain": {}}, "description": "Prometheus text."}},
    )
    def metrics(request: Request) -> Response:
        registry = _state(request).metrics.registry
        return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)

    @app.get(
        "/v1/search",
        tags=["search"],
        summary="Search talent (query parameters).",
        response_model=None,
        responses=SEARCH_RESPONSES,
    )
    def search_get(
        request: Request,
        params: Annotated[SearchParams, Query()],
        client: Annotated[ApiClient, Depends(search_access)],
    ) -> JSONResponse:
        return _run_search(request, params, client)

    @app.post(
        "/v1/search",
        tags=["search"],
        summary="Search talent (JSON body; relevance engineers may add ranking_overrides).",
        response_model=None,
        responses=SEARCH_RESPONSES,
    )
    def search_post(
        request: Request,
        body: SearchBody,
        client: Annotated[ApiClient, Depends(search_access)],
    ) -> JSONResponse:
        return _run_search(request, body, client)

    @app.get(
        "/v1/profiles/{profile_id}",
        tags=["search"],
        summary="One talent tile.",
        response_model=None,
        responses={
            200: {"model": ProfileTile | EnterpriseProfileTile, "description": "The tile."},
            404: {"model": ErrorResponse, "description": "No such profile."},
            **ERROR_RESPONSES,
        },
    )
    def get_profile(
        request: Request,
        profile_id: Annotated[str, Path(pattern=r"^[A-Za-z0-9._:-]{1,128}$")],
        client: Annotated[ApiClient, Depends(authenticate)],
    ) -> JSONResponse:
        state = _state(request)
        source = TILE_SOURCE + (DIVERSITY_SOURCE if client.tier.sees_diversity else [])
        try:
            found = state.backend.client.get(
                index=PROFILES.alias,
                id=profile_id,
                params={"_source_includes": ",".join(source)},
            )
        except NotFoundError as exc:
            if exc.error == "index_not_found_exception":
                raise BackendUnavailable(
                    "no profiles are indexed yet; retry later", state.settings.retry_after_s
                ) from exc
            raise NotFound(f"no profile with id {profile_id}") from exc
        if not found.get("found"):
            raise NotFound(f"no profile with id {profile_id}")
        tile = state.service.profile_tile(found["_source"], client, state.today())
        return JSONResponse(tile.model_dump(mode="json"))
