"""The FastAPI application: the lifespan that builds what the routes share, and the routers.

Clients, the model and the vocabulary are created in `lifespan`, never at import time. The
engine may be down when the API starts: the API still starts, `/readyz` says false, searches get
503 with `Retry-After`, and the API recovers by itself when the engine returns. The caller says
how to reach the engine (`client_factory`), so the API needs nothing from the CLI's layer.
"""

from __future__ import annotations

import gc
import logging
import threading
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager, suppress
from datetime import UTC, date, datetime

from anyio import CapacityLimiter
from fastapi import FastAPI
from opensearchpy import OpenSearch

from config.settings import EngineSettings, TalentSettings
from domain.encoder import Encoder, query_encoder
from domain.skill_vocabulary import SkillVocabulary
from query_api.api_keys import KeyStore
from query_api.api_settings import ApiSettings
from query_api.deps import AppState, key_gate
from query_api.error_responses import install_error_handlers
from query_api.observability import ApiMetrics, RequestContext, configure_logging
from query_api.page_grants import PageGrants
from query_api.routes import keys, operations, pages, profiles, ranking_profiles, search, skills
from query_api.search_admission import SearchAdmission
from query_api.search_service import SearchService
from query_api.searcher_provider import SearcherProvider
from ranking.blas_threads import one_blas_thread
from ranking.query_embedder import QueryEmbedder
from ranking.ranking_profile import load_profile

log = logging.getLogger("query_api")


def _today() -> date:
    return datetime.now(UTC).date()


def create_app(
    api_settings: ApiSettings | None = None,
    *,
    talent_settings: TalentSettings | None = None,
    client_factory: Callable[[], OpenSearch],
    encoder: Encoder | None = None,
    key_store: KeyStore | None = None,
    demo_keys: bool = False,
    request_timeout_s: float | None = None,
    today: Callable[[], date] = _today,
    show_demo_keys: bool = False,
) -> FastAPI:
    """The app. Tests inject a fake encoder, keys and the date; `serve` does not.

    `client_factory` is called once, in the lifespan (`serve` passes
    `talent_search.engine_process.configured_client`). `talent_settings` gives the enabled
    countries, the query model's backend and the directory of user ranking profiles (read from
    the environment when not given). `show_demo_keys` (set by `talent-search demo` only) makes
    the pages list the public demo keys next to the key box.
    """
    settings = api_settings or ApiSettings()
    metrics = ApiMetrics()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        configure_logging(settings.log_level)
        client = client_factory()
        keys = key_store or KeyStore.watching(
            settings.keys_file, settings.keys_reload_s, demo_keys=demo_keys
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
        # Searches run on many threads at once, each with a few skinny matrix products: a
        # BLAS pool per call made them contend for the same cores (ranking.blas_threads)
        one_blas_thread()
        talent = talent_settings or TalentSettings()
        query_encode = encoder or query_encoder(talent.query_embedding_backend, talent.onnx_dir)
        query_encode(["warm up"])  # load (or export) the model now, not on the first request
        countries = talent.certification_registry.enabled_countries()
        user_profiles = talent.user_profiles_dir
        provider = SearcherProvider(
            client,
            SkillVocabulary.load_default(),
            QueryEmbedder(query_encode),
            countries,
            request_timeout_s or EngineSettings().timeout_s,
            settings.skills_refresh_s,
            settings.index_namespace,
        )
        # Skill autocomplete's index (about a second, once per process), off the start-up path.
        threading.Thread(target=provider.suggester, name="skill-suggester", daemon=True).start()
        with suppress(Exception):
            provider.searcher()  # warm up when the engine is there; fine when it is not
        app.state.talent = AppState(
            settings=settings,
            keys=keys,
            searcher_provider=provider,
            service=SearchService(
                load_profile(settings.ranking_profile, user_dir=user_profiles),
                countries,
                user_profiles,
            ),
            metrics=metrics,
            today=today,
            show_demo_keys=show_demo_keys,
            admission=SearchAdmission(
                settings.max_concurrent_searches,
                settings.max_queued_searches,
                settings.queue_timeout_s,
                settings.max_searches_per_client,
            ),
            search_threads=CapacityLimiter(settings.max_concurrent_searches),
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
        # Served from the package (`/docs`, the pages router), never from a CDN; no ReDoc
        # (CDN-only). `/openapi.json` is the pages router's too: one document per tier.
        openapi_url=None,
        docs_url=None,
        redoc_url=None,
        swagger_ui_oauth2_redirect_url=None,
    )
    app.state.page_grants = PageGrants()
    install_error_handlers(app, settings.retry_after_s)
    app.add_middleware(
        RequestContext, metrics=metrics, max_body_bytes=settings.max_body_bytes, gate=key_gate
    )
    # In this order: it is the order of the OpenAPI paths, and the pages' mounts come last.
    for router in (operations, search, profiles, skills, keys, ranking_profiles, pages):
        app.include_router(router.router)
    return app
