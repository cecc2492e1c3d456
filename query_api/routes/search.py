"""Search: `GET` and `POST /v1/search`, behind admission control (a bounded number at once)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse

from query_api.api_keys import ApiClient
from query_api.deps import SearchClient, State
from query_api.errors import ERROR_RESPONSES, BackendUnavailable
from query_api.response_models import (
    EngineerSearchResponse,
    EnterpriseSearchResponse,
    SearchResponse,
)
from query_api.search_request import SearchBody, SearchParams

router = APIRouter(tags=["search"])

SEARCH_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "model": SearchResponse | EnterpriseSearchResponse | EngineerSearchResponse,
        "description": "Ranked talent. The shape depends on the key's tier.",
    },
    **ERROR_RESPONSES,
}


def _run_search(state: State, params: SearchParams, client: ApiClient) -> JSONResponse:
    if not state.search_slots.acquire(timeout=state.settings.queue_timeout_s):
        raise BackendUnavailable("the service is busy; retry later")
    try:
        searcher = state.searcher_provider.searcher()
        response, timings = state.service.search(searcher, params, client, state.today())
    finally:
        state.search_slots.release()
    state.metrics.observe_search(timings)
    return JSONResponse(response.model_dump(mode="json"))


@router.get(
    "/v1/search",
    summary="Search talent (query parameters).",
    response_model=None,
    responses=SEARCH_RESPONSES,
)
def search_get(
    state: State, params: Annotated[SearchParams, Query()], client: SearchClient
) -> JSONResponse:
    return _run_search(state, params, client)


@router.post(
    "/v1/search",
    summary="Search talent (JSON body; relevance engineers may add ranking_overrides).",
    response_model=None,
    responses=SEARCH_RESPONSES,
)
def search_post(state: State, body: SearchBody, client: SearchClient) -> JSONResponse:
    return _run_search(state, body, client)
