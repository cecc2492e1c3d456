"""Ranking profiles, for relevance engineers: list them, export a tuned one as YAML."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response

from query_api.deps import EngineerClient, State
from query_api.error_responses import ERROR_RESPONSES
from query_api.profile_export import ProfileExportRequest, export_yaml, exported_profile
from query_api.response_models import ErrorDetail, RankingProfileCatalog, SettingInfo
from ranking.profile_settings import catalog
from ranking.ranking_profile import (
    RankingProfile,
    RankingProfileError,
    available_profiles,
    load_profile,
)

router = APIRouter(tags=["ranking"])


@router.get(
    "/v1/ranking-profiles",
    summary="The ranking profiles and all their settings (relevance engineers only).",
    response_model=RankingProfileCatalog,
    responses={code: ERROR_RESPONSES[code] for code in (401, 403)},
)
def ranking_profiles(state: State, client: EngineerClient) -> RankingProfileCatalog:
    profiles: list[RankingProfile] = []
    invalid: list[ErrorDetail] = []
    user_dir = state.service.user_profiles_dir
    for name in available_profiles(user_dir=user_dir):
        try:
            profiles.append(load_profile(name, user_dir=user_dir))
        except RankingProfileError as exc:
            invalid.append(ErrorDetail(field=name, message=str(exc)))
    default = state.service.default_profile.name
    warnings = {p.name: p.badges.policy_problems() for p in profiles}
    return RankingProfileCatalog(
        default=default,
        profiles=profiles,
        invalid=invalid,
        policy_warnings={name: problems for name, problems in warnings.items() if problems},
        settings={path: SettingInfo(**entry) for path, entry in catalog().items()},
    )


@router.post(
    "/v1/ranking-profiles/export",
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
    body: ProfileExportRequest, state: State, client: EngineerClient
) -> Response:
    profile = exported_profile(body, state.service.user_profiles_dir)
    return Response(
        export_yaml(body, profile),
        media_type="application/yaml",
        headers={"Content-Disposition": f'attachment; filename="{profile.name}.yaml"'},
    )
