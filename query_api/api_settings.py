"""The query API's settings (pydantic-settings, `TALENT_SEARCH_API_` prefix). No secrets here:
keys live hashed in the key file."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from pydantic import AfterValidator, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from mappings.index_contract import DEFAULT_PREFIX, IndexNamespace, validate_prefix
from talent_search.settings import default_state_dir


class ApiSettings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="TALENT_SEARCH_API_", extra="ignore", populate_by_name=True
    )

    keys_file: Path = Field(default_factory=lambda: default_state_dir() / "api-keys.json")
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

    @property
    def index_namespace(self) -> IndexNamespace:
        return IndexNamespace(self.index_prefix)
