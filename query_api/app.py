"""The FastAPI application: routes, authentication, tier checks, and the lifespan.

Clients, the model and the vocabulary are created in `lifespan`, never at import time. The
backend may be down when the API starts: the API still starts, `/readyz` says false, searches get
503 with `Retry-After`, and the API recovers by itself when the backend returns.
"""

from __future__ import annotations

import gc
import hmac
import json
import logging
import pathlib
import threading
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Path, Query, Request, Security
from fastapi.responses import FileResponse, JSONResponse, PlainTextResponse, Response
from fastapi.security import APIKeyHeader
from fastapi.staticfiles import StaticFiles
from opensearchpy import OpenSearch
from opensearchpy.exceptions import NotFoundError
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError
from starlette.types import Scope
from threadpoolctl import ThreadpoolController

from indexer.certification_registry import default_registry
from indexer.skill_embeddings import Encoder
from indexer.skill_vocabulary import SkillVocabulary
from query_api.api_keys import DEMO_KEYS, ApiClient, KeyStore, Tier, read_key_file
from query_api.api_settings import ApiSettings
from query_api.errors import (
    UNAUTHORIZED,
    BackendUnavailable,
    Forbidden,
    InvalidParameters,
    NotFound,
    Unauthorized,
    error_response,
    install_error_handlers,
    validation_details,
)
from query_api.observability import ApiMetrics, RequestContext, configure_logging
from query_api.response_models import (
    ClientInfo,
    DemoKey,
    EngineerSearchResponse,
    EnterpriseProfileTile,
    EnterpriseSearchResponse,
    ErrorDetail,
    ErrorResponse,
    PageConfig,
    ProfileTile,
    RankingProfileCatalog,
    Readiness,
    ReadinessDetails,
    SearchResponse,
    SkillSuggestionItem,
    SkillSuggestions,
)
from query_api.search_backend import NotIndexed, SearchBackend
from query_api.search_request import (
    DIVERSITY_PARAMS,
    ENGINEER_PARAMS,
    SearchBody,
    SearchParams,
)
from query_api.search_service import TILE_SOURCE, SearchService
from ranking.query_embedder import QueryEmbedder, query_encoder
from ranking.ranking_profile import (
    RankingProfile,
    RankingProfileError,
    available_profiles,
    load_profile,
)
from ranking.talent_searcher import DIVERSITY_SOURCE, TalentSearcher
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
RANKING_PROFILES_FORBIDDEN = (
    "ranking profiles (listing them and exporting tuned ones) are available to relevance "
    "engineer keys only"
)
# The browser pages (search page and relevance workbench): plain ES modules, no build step.
PAGES_DIR = pathlib.Path(__file__).with_name("pages")
# Swagger UI for /docs, served from the package (swagger-ui-dist from npm, Apache-2.0: see its
# LICENSE and NOTICE there), so the docs need no CDN and run under the pages' CSP.
SWAGGER_UI_DIR = pathlib.Path(__file__).with_name("swagger_ui")
PAGE_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
        "frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-cache",
}
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
    # `talent-search demo` lists the public demo keys on the pages (GET /pages/config).
    show_demo_keys: bool
    # Admission control: at most this many searches work at once; the rest wait their turn here
    # instead of piling onto the backend, where a queue would turn into backend timeouts.
    search_slots: threading.BoundedSemaphore


def _state(request: Request) -> AppState:
    state: AppState = request.app.state.talent
    return state


def authenticate(
    request: Request, key: Annotated[str | None, Security(api_key_header)]
) -> ApiClient:
    client = _state(request).keys.authenticate(key)
    if client is None:
        raise Unauthorized(UNAUTHORIZED)
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


def key_gate(scope: Scope) -> Response | None:
    """401 for any `/v1/` request without a known key, before anything reads its body.

    FastAPI decodes a JSON body before it runs the route's dependencies, so without this a
    malformed body would get a 422 before the key is checked. Runs in the request middleware.
    """
    if not str(scope.get("path", "")).startswith("/v1/"):
        return None
    request = Request(scope)
    state: AppState | None = getattr(request.app.state, "talent", None)
    if state is not None and state.keys.authenticate(request.headers.get("x-api-key")):
        return None
    return error_response(
        request, 401, Unauthorized.code, UNAUTHORIZED, headers={"WWW-Authenticate": "ApiKey"}
    )


def is_operator(request: Request, settings: ApiSettings) -> bool:
    """The request carries the operator credential: `Authorization: Bearer <operator token>`."""
    if settings.operator_token is None:
        return False
    scheme, _, presented = request.headers.get("authorization", "").partition(" ")
    expected = settings.operator_token.get_secret_value()
    return scheme.lower() == "bearer" and hmac.compare_digest(
        presented.strip().encode("utf-8", "surrogatepass"), expected.encode()
    )


def engineer_access(client: Annotated[ApiClient, Depends(authenticate)]) -> ApiClient:
    if not client.tier.tunes_ranking:
        raise Forbidden(RANKING_PROFILES_FORBIDDEN)
    return client


ProfileName = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_-]{0,63}$")]
# Set at the top level of an export, never inside its overrides.
_EXPORT_RESERVED = ("name", "version", "description")


class ProfileExportRequest(BaseModel):
    """A tuned ranking profile to save: a base profile plus overrides, under a new name."""

    model_config = ConfigDict(extra="forbid")

    base: ProfileName = Field(description="The profile the overrides apply to.")
    name: ProfileName = Field(description="The new profile's name (and file name).")
    version: int = Field(default=1, ge=1, le=1_000_000)
    description: str | None = Field(default=None, max_length=2000)
    overrides: dict[str, Any] = Field(
        default_factory=dict,
        description="Nested settings to replace, as in `ranking_overrides` "
        '(e.g. {"badges": {"expert_vetted": 1.4}}); validated like a profile file.',
    )


def exported_profile(request: ProfileExportRequest) -> RankingProfile:
    """The base profile with the overrides, renamed; invalid input raises InvalidParameters."""
    try:
        base = load_profile(request.base)
    except RankingProfileError as exc:
        raise InvalidParameters(
            "invalid parameters: base", [ErrorDetail(field="base", message=str(exc))]
        ) from exc
    reserved = [key for key in _EXPORT_RESERVED if key in request.overrides]
    if reserved:
        raise InvalidParameters(
            "invalid parameters: " + ", ".join(f"overrides.{key}" for key in reserved),
            [
                ErrorDetail(
                    field=f"overrides.{key}",
                    message=f"set {key} at the top level of the export, not in overrides",
                )
                for key in reserved
            ],
        )
    tuned_from = f"Tuned from {base.name} v{base.version} in the relevance workbench."
    description = request.description or f"{tuned_from} {base.description}".strip()
    settings = request.overrides | {
        "name": request.name,
        "version": request.version,
        "description": description,
    }
    try:
        return base.with_overrides(settings)
    except RankingProfileError as exc:
        cause = exc.__cause__
        errors = cause.errors() if isinstance(cause, ValidationError) else []
        details = validation_details(
            [
                {**e, "loc": ("overrides", *e["loc"])}
                if not e["loc"] or e["loc"][0] not in _EXPORT_RESERVED
                else e
                for e in errors
            ]
        ) or [ErrorDetail(field="overrides", message=str(exc))]
        fields = ", ".join(sorted({d.field for d in details if d.field}))
        raise InvalidParameters(f"invalid parameters: {fields}", details) from exc


def export_yaml(request: ProfileExportRequest, profile: RankingProfile) -> str:
    overrides = json.dumps(request.overrides, sort_keys=True)
    return (
        f"# Ranking profile {profile.name} v{profile.version}, exported from the relevance "
        "workbench.\n"
        f"# Base: {request.base}; overrides: {overrides}\n"
        f"# Save it as ranking/profiles/{profile.name}.yaml (the directory load_profile reads) "
        f"to use it as ranking_profile={profile.name}.\n"
    ) + profile.to_yaml()


def _today() -> date:
    return datetime.now(UTC).date()


def _searcher_or_503(state: AppState) -> TalentSearcher:
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
    show_demo_keys: bool = False,
) -> FastAPI:
    """The app. Tests inject the client, a fake encoder, keys and the date; `serve` does not.

    `show_demo_keys` (set by `talent-search demo` only) makes the pages list the public demo
    keys next to the key box.
    """
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
        # Searches run on many threads at once, each with one tiny matrix product (the query
        # against the skill vectors). numpy's OpenBLAS pool makes those threads contend for the
        # same cores, which cost the API most of its throughput on a real engine; one BLAS
        # thread per call is faster here. torch's own thread pool (the query model) is not
        # OpenBLAS and keeps its setting.
        ThreadpoolController().select(internal_api="openblas").limit(limits=1)
        query_encode = encoder or query_encoder()
        query_encode(["warm up"])  # load (or export) the model now, not on the first request
        enabled = default_registry().with_enabled(TalentSettings().certification_countries)
        countries = enabled.enabled_countries()
        backend = SearchBackend(
            client,
            SkillVocabulary.load_default(),
            QueryEmbedder(query_encode),
            countries,
            request_timeout_s or backend_settings.timeout_s,
            settings.skills_refresh_s,
            settings.index_namespace,
        )
        # Skill autocomplete's index (about a second, once per process), off the start-up path.
        threading.Thread(target=backend.suggester, name="skill-suggester", daemon=True).start()
        with suppress(Exception):
            backend.searcher()  # warm up when the backend is there; fine when it is not
        app.state.talent = AppState(
            settings=settings,
            keys=keys,
            backend=backend,
            service=SearchService(load_profile(settings.ranking_profile), countries),
            metrics=metrics,
            today=today,
            show_demo_keys=show_demo_keys,
            search_slots=threading.BoundedSemaphore(settings.max_concurrent_searches),
        )
        # The model, vocabulary and matcher live as long as the process: move them out of the
        # collector's generations so that a GC pass mid-request does not scan them (it made
        # fusion's p99 about 28 ms instead of 1.6 ms in the query benchmark).
        gc.freeze()
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
        # Served from the package below (`/docs`), never from a CDN; no ReDoc (CDN-only).
        docs_url=None,
        redoc_url=None,
        swagger_ui_oauth2_redirect_url=None,
    )
    install_error_handlers(app, settings.retry_after_s)
    app.add_middleware(
        RequestContext, metrics=metrics, max_body_bytes=settings.max_body_bytes, gate=key_gate
    )
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
    if not state.search_slots.acquire(timeout=state.settings.queue_timeout_s):
        raise BackendUnavailable("the service is busy; retry later", state.settings.retry_after_s)
    try:
        searcher = _searcher_or_503(state)
        response, timings = state.service.search(searcher, params, client, state.today())
    finally:
        state.search_slots.release()
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
        description=(
            "Anyone gets `ready` and a short reason. With the operator credential "
            "(`Authorization: Bearer <TALENT_SEARCH_API_OPERATOR_TOKEN>`) it adds the index "
            "names and the backend's error."
        ),
        response_model=Readiness | ReadinessDetails,
        responses={503: {"model": Readiness, "description": "Not ready."}},
    )
    def readyz(request: Request) -> JSONResponse:
        state = _state(request)
        details = state.backend.readiness()
        status_code = 200 if details.ready else 503
        if is_operator(request, state.settings):
            return JSONResponse(details.model_dump(), status_code=status_code)
        return JSONResponse(details.public().model_dump(), status_code=status_code)

    @app.get(
        "/metrics",
        tags=["operations"],
        summary="Prometheus metrics (operator credential only).",
        description=(
            "Needs `Authorization: Bearer <TALENT_SEARCH_API_OPERATOR_TOKEN>`; without the "
            "setting, or with another credential, the route answers 404."
        ),
        response_class=PlainTextResponse,
        responses={
            200: {"content": {"text/plain": {}}, "description": "Prometheus text."},
            404: {
                "content": {
                    "application/json": {"schema": {"$ref": "#/components/schemas/ErrorResponse"}}
                },
                "description": "No operator credential (the same answer as an unknown path).",
            },
        },
    )
    def metrics(request: Request) -> Response:
        state = _state(request)
        if not is_operator(request, state.settings):
            # The same answer as for a path that does not exist: nothing to probe for.
            raise NotFound("Not Found")
        return Response(generate_latest(state.metrics.registry), media_type=CONTENT_TYPE_LATEST)

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
                index=state.backend.namespace.profiles.alias,
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

    @app.get(
        "/v1/skills/suggest",
        tags=["search"],
        summary="Skill autocomplete: skills whose name or an alias starts with the prefix.",
        description=(
            "From the skill vocabulary in memory (ESCO, O*NET, linguist), never from the "
            "profiles: the same answer for every tier, and nothing about certification."
        ),
        response_model=SkillSuggestions,
        responses={code: ERROR_RESPONSES[code] for code in (401, 422)},
    )
    def suggest_skills(
        request: Request,
        prefix: Annotated[
            str,
            Query(min_length=1, max_length=100, description="What was typed, e.g. `reac`."),
        ],
        client: Annotated[ApiClient, Depends(authenticate)],
        limit: Annotated[int, Query(ge=1, le=25, description="At most this many.")] = 10,
    ) -> SkillSuggestions:
        found = _state(request).backend.suggester().suggest(prefix, limit)
        return SkillSuggestions(
            prefix=prefix,
            suggestions=[
                SkillSuggestionItem(id=s.id, label=s.label, matched=s.matched) for s in found
            ],
        )

    @app.get(
        "/v1/me",
        tags=["keys"],
        summary="Who the key belongs to, and its tier.",
        response_model=ClientInfo,
        responses={401: ERROR_RESPONSES[401]},
    )
    def me(client: Annotated[ApiClient, Depends(authenticate)]) -> ClientInfo:
        return ClientInfo(client=client.name, tier=client.tier)

    @app.get(
        "/v1/ranking-profiles",
        tags=["ranking"],
        summary="The ranking profiles and all their settings (relevance engineers only).",
        response_model=RankingProfileCatalog,
        responses={code: ERROR_RESPONSES[code] for code in (401, 403)},
    )
    def ranking_profiles(
        request: Request, client: Annotated[ApiClient, Depends(engineer_access)]
    ) -> RankingProfileCatalog:
        profiles: list[RankingProfile] = []
        invalid: list[ErrorDetail] = []
        for name in available_profiles():
            try:
                profiles.append(load_profile(name))
            except RankingProfileError as exc:
                invalid.append(ErrorDetail(field=name, message=str(exc)))
        default = _state(request).service.default_profile.name
        return RankingProfileCatalog(default=default, profiles=profiles, invalid=invalid)

    @app.post(
        "/v1/ranking-profiles/export",
        tags=["ranking"],
        summary="A tuned ranking profile as a YAML file (relevance engineers only).",
        description=(
            "Applies `overrides` to the `base` profile, validates the result like a profile "
            "file and returns it under the new `name`. Nothing is written on the server: save "
            "the file in the ranking profiles directory (`ranking/profiles/NAME.yaml`) to use "
            "it as `ranking_profile=NAME`."
        ),
        response_class=Response,
        responses={
            200: {
                "content": {"application/yaml": {"schema": {"type": "string"}}},
                "description": "The profile file (Content-Disposition: attachment).",
            },
            **{code: ERROR_RESPONSES[code] for code in (401, 403, 422)},
        },
    )
    def export_ranking_profile(
        body: ProfileExportRequest, client: Annotated[ApiClient, Depends(engineer_access)]
    ) -> Response:
        profile = exported_profile(body)
        return Response(
            export_yaml(body, profile),
            media_type="application/yaml",
            headers={"Content-Disposition": f'attachment; filename="{profile.name}.yaml"'},
        )

    _add_page_routes(app)


def _add_page_routes(app: FastAPI) -> None:
    """The search page (`/`) and the relevance workbench (`/workbench`); they call the API."""

    @app.get("/", include_in_schema=False)
    def search_page() -> FileResponse:
        return FileResponse(PAGES_DIR / "search.html", headers=PAGE_HEADERS)

    @app.get("/workbench", include_in_schema=False)
    def workbench_page() -> FileResponse:
        return FileResponse(PAGES_DIR / "workbench.html", headers=PAGE_HEADERS)

    @app.get("/pages/config", include_in_schema=False, response_model=PageConfig)
    def page_config(request: Request) -> PageConfig:
        if not _state(request).show_demo_keys:
            return PageConfig()
        return PageConfig(
            demo_keys=[DemoKey(key=key, tier=tier) for key, (_, tier) in DEMO_KEYS.items()]
        )

    @app.get("/docs", include_in_schema=False)
    def docs_page() -> FileResponse:
        return FileResponse(PAGES_DIR / "docs.html", headers=PAGE_HEADERS)

    app.mount("/pages", PageFiles(directory=PAGES_DIR), name="pages")
    app.mount("/swagger-ui", PageFiles(directory=SWAGGER_UI_DIR), name="swagger-ui")


class PageFiles(StaticFiles):
    """Static files with the pages' headers (CSP, nosniff, no referrer)."""

    def file_response(self, *args: Any, **kwargs: Any) -> Response:
        response = super().file_response(*args, **kwargs)
        response.headers.update(PAGE_HEADERS)
        return response
