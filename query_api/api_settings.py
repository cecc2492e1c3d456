"""The query API's settings (pydantic-settings, `TALENT_SEARCH_API_` prefix). No secrets here:
keys live hashed in the key file."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from pydantic import AfterValidator, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from config.settings import TalentSettings
from mappings.index_contract import DEFAULT_PREFIX, IndexNamespace, validate_prefix


def default_keys_file() -> Path:
    """`$TALENT_SEARCH_STATE_DIR/api-keys.json`: on the state volume in the Docker image."""
    return TalentSettings().state_dir / "api-keys.json"


class ApiSettings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="TALENT_SEARCH_API_", extra="ignore", populate_by_name=True
    )

    keys_file: Path = Field(default_factory=default_keys_file)
    # The operator credential: `Authorization: Bearer <token>` opens /metrics and the details
    # of /readyz (index names, backend error). Unset, /metrics answers 404 to everyone.
    operator_token: Annotated[SecretStr | None, Field(min_length=16)] = None
    ranking_profile: str = "default"
    # Larger request bodies get a 413 before they are parsed (field limits: search_request.py).
    max_body_bytes: Annotated[int, Field(ge=256, le=10_000_000)] = 16_384
    # Searches working at once (the rest queue in the API, up to queue_timeout_s, then 503):
    # a backend given more concurrent work than it has cores only answers each one later.
    max_concurrent_searches: Annotated[int, Field(ge=1, le=256)] = 4
    queue_timeout_s: Annotated[float, Field(gt=0, le=600)] = 30.0
    # Seconds a client should wait before retrying when the backend is unreachable.
    retry_after_s: Annotated[int, Field(ge=1, le=3600)] = 5
    # How often, at most, to re-check the skills index behind its alias (it changes on rebuild).
    skills_refresh_s: Annotated[float, Field(ge=0.5, le=3600)] = 5.0
    log_level: str = "INFO"
    # The indices the API reads: the same TALENT_SEARCH_INDEX_PREFIX as the indexer's (one
    # variable, so `serve` and `index` cannot disagree); `ApiSettings(index_prefix=...)` in code.
    index_prefix: Annotated[str, AfterValidator(validate_prefix)] = Field(
        default=DEFAULT_PREFIX, validation_alias="talent_search_index_prefix"
    )

    @field_validator("operator_token", mode="before")
    @classmethod
    def _empty_is_unset(cls, value: object) -> object:
        """`TALENT_SEARCH_API_OPERATOR_TOKEN=` (compose's default) means: no operator."""
        return None if isinstance(value, str) and not value.strip() else value

    @property
    def index_namespace(self) -> IndexNamespace:
        return IndexNamespace(self.index_prefix)
