"""Exporting a tuned ranking profile: a base profile plus the workbench's overrides, as YAML.

Nothing is written on the server: the engineer saves the file in the user profiles directory
(`TALENT_SEARCH_RANKING_PROFILES_DIR`, default `$TALENT_SEARCH_STATE_DIR/ranking-profiles`).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from query_api.error_responses import validation_details
from query_api.errors import InvalidParameters
from query_api.response_models import ErrorDetail
from ranking.ranking_profile import ProfileName, RankingProfile, RankingProfileError, load_profile

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


def exported_profile(
    request: ProfileExportRequest, user_profiles_dir: Path | None = None
) -> RankingProfile:
    """The base profile with the overrides, renamed; invalid input raises InvalidParameters.

    The base is looked up like a search's `ranking_profile` (the package, then
    `user_profiles_dir`)."""
    try:
        base = load_profile(request.base, user_dir=user_profiles_dir)
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
        f"# Save it as {profile.name}.yaml in the user profiles directory "
        "(TALENT_SEARCH_RANKING_PROFILES_DIR, default $TALENT_SEARCH_STATE_DIR/ranking-profiles) "
        f"to use it as ranking_profile={profile.name}.\n"
    ) + profile.to_yaml()
