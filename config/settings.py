"""Settings from the environment (pydantic-settings). No secrets in defaults.

The engine settings use the `OPENSEARCH_` prefix that operators already know from the
OpenSearch tooling; the product's own settings use `TALENT_SEARCH_`. The CLI and the API read
them and pass what the lower layers need (a directory, a backend name, the enabled countries):
ranking and the indexer never read settings themselves.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Annotated, Literal

from pydantic import AfterValidator, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from domain.certification_registry import CertificationRegistry, default_registry
from domain.encoder import QueryBackend
from mappings.index_contract import DEFAULT_PREFIX, IndexNamespace, validate_prefix

# Measured on 2 cores shared with a local OpenSearch node (docs/operations.md#settings): one
# worker builds as fast as the engine indexes; a second only competes with the engine.
DEFAULT_INDEX_WORKERS = 1


def default_state_dir() -> Path:
    return Path.home() / ".cache" / "talent-search"


# Which checkout (or installed copy) this code runs from: the background backends' state files
# carry it in their names, so a command only ever finds the backends its own checkout started.
CHECKOUT_ID = hashlib.sha256(str(Path(__file__).resolve().parents[1]).encode()).hexdigest()[:10]


class EngineSettings(BaseSettings):
    """Where the OpenSearch-compatible engine is. No URL means: start the embedded server.

    `url` may list several nodes of one cluster, comma-separated.
    """

    model_config = SettingsConfigDict(env_prefix="OPENSEARCH_", extra="ignore")

    url: str | None = None
    user: str | None = None
    password: SecretStr | None = None
    verify_certs: bool = True
    ca_certs: Path | None = None
    timeout_s: Annotated[float, Field(gt=0)] = 10.0
    # Connections kept open to each node. At least the API's concurrent searches
    # (TALENT_SEARCH_API_MAX_CONCURRENT_SEARCHES), else the extra ones are opened and closed
    # again for every request, which costs the API and the engine.
    connections: Annotated[int, Field(ge=1, le=1024)] = 32


class TalentSettings(BaseSettings):
    """The product's own settings."""

    model_config = SettingsConfigDict(env_prefix="TALENT_SEARCH_", extra="ignore")

    state_dir: Path = Field(default_factory=default_state_dir)
    # Which engine a command asks for: the embedded osmem-server (zero-install) or the real
    # OpenSearch (needs a JDK and Maven). Unset: whichever backend this checkout runs, else a
    # per-command embedded one. Set: only that kind (and `engine_version`, when set) is used.
    engine: Literal["embedded", "opensearch"] | None = None
    engine_version: Literal["3.5.0", "2.19.1"] | None = None
    engine_heap: Annotated[str, Field(pattern=r"^[1-9][0-9]*[mg]$")] = "512m"
    engine_port: Annotated[int, Field(ge=1024, le=65000)] = 9200
    # Countries whose certifying bodies count in addition to those the registry enables (e.g. CA).
    # Comma-separated in the environment: TALENT_SEARCH_CERTIFICATION_COUNTRIES=CA
    certification_countries: Annotated[list[str], NoDecode] = Field(default_factory=list)
    badge_policy_file: Path | None = None
    embedding_batch_size: Annotated[int, Field(ge=1, le=4096)] = 128
    # "onnx" embeds queries with ONNX Runtime (the onnx extra): same vectors, less CPU per query.
    query_embedding_backend: QueryBackend = "torch"
    # Shards and replicas of new indices; unset, the index contract picks them for the cluster
    # (1 and 0 on one data node, 3 and 1 on several).
    index_shards: Annotated[int | None, Field(ge=1, le=1024)] = None
    index_replicas: Annotated[int | None, Field(ge=0, le=16)] = None
    bulk_chunk_size: Annotated[int, Field(ge=1, le=10_000)] = 500
    bulk_max_retries: Annotated[int, Field(ge=0, le=20)] = 8
    # Worker processes that read, validate and build profile documents while the indexer
    # streams bulk requests; 0 builds them in the indexer's own process (indexer/profile_lines.py).
    index_workers: Annotated[int, Field(ge=0, le=64)] = DEFAULT_INDEX_WORKERS
    # Starts every index and alias name (`talent-profiles`, ...): environments sharing a cluster
    # each use their own. Rules: mappings.index_contract.validate_prefix.
    index_prefix: Annotated[str, AfterValidator(validate_prefix)] = DEFAULT_PREFIX
    # Profile vectors for the k-NN leg (mappings/profile_vectors.py) in rebuilt indices: "auto"
    # when the engine has the k-NN plugin, "on" always (the engine must have it), "off" never.
    # Off by default: no shipped ranking profile weights the k-NN leg (docs/evaluation.md), and
    # vectors cost an embedding per distinct title and about 4 KB per document.
    profile_vectors: Literal["auto", "on", "off"] = "off"
    # Ranking profiles outside the package (`talent-search tune` writes them here); unset:
    # `state_dir/ranking-profiles`. Looked up after ranking/profiles/ (ranking_profile.py).
    ranking_profiles_dir: Path | None = None

    @property
    def profile_vectors_choice(self) -> bool | None:
        """`profile_vectors` as `run_index` takes it: None lets the engine decide."""
        return {"auto": None, "on": True, "off": False}[self.profile_vectors]

    @field_validator("certification_countries", mode="before")
    @classmethod
    def _split_countries(cls, value: object) -> object:
        if isinstance(value, str):
            value = value.split(",")
        if isinstance(value, list):
            return [str(c).strip().upper() for c in value if str(c).strip()]
        return value

    @property
    def index_namespace(self) -> IndexNamespace:
        return IndexNamespace(self.index_prefix)

    @property
    def user_profiles_dir(self) -> Path:
        return self.ranking_profiles_dir or self.state_dir / "ranking-profiles"

    @property
    def onnx_dir(self) -> Path:
        """Where the ONNX query model is exported (`query_embedding_backend="onnx"`)."""
        return self.state_dir / "onnx"

    @property
    def certification_registry(self) -> CertificationRegistry:
        """The certifying-bodies registry with `certification_countries` enabled too."""
        return default_registry().with_enabled(self.certification_countries)

    @property
    def embedding_cache_path(self) -> Path:
        return self.state_dir / "embeddings.sqlite3"

    @property
    def backend_pid_file(self) -> Path:
        return self.state_dir / f"backend-{CHECKOUT_ID}.json"
