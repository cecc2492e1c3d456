"""What the ranking reads once from an index behind an alias, and again only when it changes.

The job posts (ranking.job_post_evidence) and the profiles' skill frequencies
(ranking.skill_feedback) are read whole into memory. A rebuild or a rollback moves the alias, an
upsert changes the index's count: either makes the next check read again, so a running API
follows them without a restart. A check (one `_alias` and one `_count` call) happens at most
every `refresh_s`; between checks `current()` costs nothing.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from typing import Any, Generic, TypeVar

from opensearchpy import OpenSearch
from opensearchpy.exceptions import TransportError

T = TypeVar("T")


class LiveIndexReader(Generic[T]):
    """`load(client, index)` of the index behind `alias`; None while the alias does not exist.

    When the engine fails a check or a load, what was read before stays, and the next check
    asks again.
    """

    def __init__(
        self,
        client: OpenSearch,
        alias: str,
        load: Callable[[OpenSearch, str], T],
        refresh_s: float,
    ) -> None:
        self.client = client
        self.alias = alias
        self.refresh_s = refresh_s
        self._load = load
        self._lock = threading.Lock()
        self._version: tuple[str | None, int] | None = None  # the index read, and its count
        self._value: T | None = None
        self._checked_at = float("-inf")

    def current(self) -> T | None:
        if time.monotonic() - self._checked_at < self.refresh_s:
            return self._value
        with self._lock:
            if time.monotonic() - self._checked_at >= self.refresh_s:
                self._refresh()
                self._checked_at = time.monotonic()
        return self._value

    def _refresh(self) -> None:
        try:
            found = self.client.indices.get_alias(name=self.alias, ignore=[404])
            missing = "error" in found or found.get("status") == 404
            index = None if missing else min(found, default=None)
            count = int(self.client.count(index=index)["count"]) if index is not None else 0
            if (index, count) == self._version:
                return
            value = self._load(self.client, index) if index is not None else None
        except (TransportError, KeyError):
            return  # keep what we have; ask again at the next check
        self._version, self._value = (index, count), value


def sorted_pages(
    client: OpenSearch, index: str, source: list[str], page_size: int
) -> Iterator[dict[str, Any]]:
    """Every document's `_source` fields of `index`, in `id` order, a `search_after` page at a
    time (whole indices the ranking holds in memory: skills, job posts)."""
    body: dict[str, Any] = {
        "size": page_size,
        "sort": [{"id": "asc"}],
        "_source": source,
        "query": {"match_all": {}},
    }
    while True:
        hits = client.search(index=index, body=body)["hits"]["hits"]
        for hit in hits:
            yield hit["_source"]
        if len(hits) < page_size:
            return
        body["search_after"] = hits[-1]["sort"]
