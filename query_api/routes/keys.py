"""Keys: who the calling key belongs to, and its tier (the pages ask it at sign-in)."""

from __future__ import annotations

from fastapi import APIRouter, Request

from query_api.deps import CurrentClient
from query_api.error_responses import ERROR_RESPONSES
from query_api.response_models import ClientInfo

router = APIRouter(tags=["keys"])


@router.get(
    "/v1/me",
    summary="Who the key belongs to, and its tier.",
    response_model=ClientInfo,
    responses={401: ERROR_RESPONSES[401]},
)
def me(request: Request, client: CurrentClient) -> ClientInfo:
    modules = request.app.state.page_grants.module_urls(client.tier)
    return ClientInfo(client=client.name, tier=client.tier, page_modules=modules)
