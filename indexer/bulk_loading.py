"""Bulk writes with backpressure and retries, shared by every writer of the indexer."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from opensearchpy import OpenSearch
from opensearchpy.helpers import streaming_bulk


@dataclass(frozen=True)
class BulkSettings:
    chunk_size: int = 500
    max_retries: int = 8
    initial_backoff_s: float = 0.5
    max_backoff_s: float = 30.0
    request_timeout_s: float = 120.0


def bulk_load(
    client: OpenSearch, actions: Iterable[dict[str, Any]], bulk: BulkSettings
) -> Iterator[tuple[bool, dict[str, Any]]]:
    """streaming_bulk with backpressure (one request in flight) and 429 retries with backoff.

    Per-document failures are yielded, not raised, so one bad document never sinks its chunk.
    """
    yield from streaming_bulk(
        client,
        actions,
        chunk_size=bulk.chunk_size,
        max_retries=bulk.max_retries,
        initial_backoff=bulk.initial_backoff_s,  # type: ignore[arg-type]  # stub says int
        max_backoff=bulk.max_backoff_s,  # type: ignore[arg-type]
        raise_on_error=False,
        raise_on_exception=False,
        request_timeout=bulk.request_timeout_s,
    )
