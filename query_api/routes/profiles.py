"""Profiles: one talent tile by id, with the diversity badge for enterprise keys only."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path
from fastapi.responses import JSONResponse

from domain.identifiers import PROFILE_ID_PATTERN
from query_api.deps import CurrentClient, State
from query_api.error_responses import ERROR_RESPONSES
from query_api.errors import NotFound
from query_api.response_models import EnterpriseProfileTile, ErrorResponse, ProfileTile
from query_api.search_service import TILE_SOURCE
from ranking.talent_searcher import DIVERSITY_SOURCE

router = APIRouter(tags=["search"])


@router.get(
    "/v1/profiles/{profile_id}",
    summary="One talent tile.",
    response_model=None,
    responses={
        200: {"model": ProfileTile | EnterpriseProfileTile, "description": "The tile."},
        404: {"model": ErrorResponse, "description": "No such profile."},
        **ERROR_RESPONSES,
    },
)
def get_profile(
    state: State,
    profile_id: Annotated[str, Path(pattern=PROFILE_ID_PATTERN)],
    client: CurrentClient,
) -> JSONResponse:
    # Only an enterprise lookup asks the engine for the diversity fields.
    fields = TILE_SOURCE + (DIVERSITY_SOURCE if client.tier.sees_diversity else [])
    source = state.searcher_provider.get_profile(profile_id, fields)
    if source is None:
        raise NotFound(f"no profile with id {profile_id}")
    tile = state.service.profile_tile(source, client, state.today())
    return JSONResponse(tile.model_dump(mode="json"))
