"""Search: `GET` and `POST /v1/search`, behind admission control (query_api.search_admission)."""

from __future__ import annotations

from typing import Annotated, Any

import anyio.to_thread
from fastapi import APIRouter, Query
from fastapi.responses import Response

from query_api.api_keys import ApiClient
from query_api.deps import SearchClient, State
from query_api.error_responses import ERROR_RESPONSES, TOO_MANY_SEARCHES
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
    429: TOO_MANY_SEARCHES,
}


async def _run_search(state: State, params: SearchParams, client: ApiClient) -> Response:
    """Wait for a slot on the event loop (no thread held), then search on a thread of the
    searches' own limiter, so searches never take the threads the other routes share."""
    async with state.admission.admit(client.name):
        return await anyio.to_thread.run_sync(
            _search, state, params, client, limiter=state.search_threads
        )


def _search(state: State, params: SearchParams, client: ApiClient) -> Response:
    """The search and its JSON, rendered here, off the event loop, by pydantic's own encoder
    (the models were built by this code: nothing is validated again on the way out)."""
    searcher = state.searcher_provider.searcher()
    response, timings = state.service.search(searcher, params, client, state.today())
    state.metrics.observe_search(timings)
    return Response(response.model_dump_json(), media_type="application/json")


@router.get(
    "/v1/search",
    summary="Search talent (query parameters).",
    response_model=None,
    responses=SEARCH_RESPONSES,
)
async def search_get(
    state: State, params: Annotated[SearchParams, Query()], client: SearchClient
) -> Response:
    return await _run_search(state, params, client)


@router.post(
    "/v1/search",
    summary="Search talent (JSON body; relevance engineers may add ranking_overrides).",
    response_model=None,
    responses=SEARCH_RESPONSES,
)
async def search_post(state: State, body: SearchBody, client: SearchClient) -> Response:
    return await _run_search(state, body, client)
