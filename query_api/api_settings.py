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
    # How often, at most, the running API looks at the key file: a key added or revoked with
    # `talent-search keys` counts within this many seconds, without a restart.
    keys_reload_s: Annotated[float, Field(gt=0, le=3600)] = 2.0
    # The operator credential: `Authorization: Bearer <token>` opens /metrics and the details
    # of /readyz (index names, backend error). Unset, /metrics answers 404 to everyone.
    operator_token: Annotated[SecretStr | None, Field(min_length=16)] = None
    ranking_profile: str = "default"
    # Larger request bodies get a 413 before they are parsed (field limits: search_request.py).
    max_body_bytes: Annotated[int, Field(ge=256, le=10_000_000)] = 16_384
    # Searches working at once; the rest queue in the event loop (query_api.search_admission),
    # at most max_queued_searches of them, each at most queue_timeout_s; beyond either, 503.
    # A search holds its slot while the API plans and fuses too, so the engine needs a few more
    # than its cores to stay busy: on 2 cores, OpenSearch at 16 clients served 42 searches/s
    # through 4 slots and 47/s through 8 (docs/benchmarks.md). Keep OPENSEARCH_CONNECTIONS
    # at least this high.
    max_concurrent_searches: Annotated[int, Field(ge=1, le=256)] = 8
    max_queued_searches: Annotated[int, Field(ge=0, le=10_000)] = 64
    queue_timeout_s: Annotated[float, Field(gt=0, le=600)] = 10.0
    # One key's searches running or queued at once; beyond it, 429 (fairness between clients).
    max_searches_per_client: Annotated[int, Field(ge=1, le=10_000)] = 8
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
