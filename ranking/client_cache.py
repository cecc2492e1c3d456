"""What a client's query text led to (the skills nearest it, what the past posts nearest it
say), cached for that client alone.

Clients send the same text again and again: the next page, another sort, one more filter. The
text's reading costs 2 to 3 ms of the API's CPU per search (mostly the past job posts' title
matrix, read once per query vector), and none of it depends on the filters. The cache follows
ranking.query_embedder's rules: one partition per client, so a search is never faster because
somebody else sent its text; and a cached value is the value the search would compute (keys
hold everything it depends on), so scores never depend on the traffic before.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable
from threading import Lock
from typing import Generic, TypeVar

V = TypeVar("V")


class ClientCache(Generic[V]):
    """An LRU of `max_entries` values per partition (per client)."""

    def __init__(self, max_entries: int = 256) -> None:
        self._max = max_entries
        self._partitions: dict[str, OrderedDict[Hashable, V]] = {}
        self._lock = Lock()
        self.hits = 0
        self.misses = 0

    def get(self, partition: str, key: Hashable, compute: Callable[[], V]) -> V:
        """The value cached under `key` in `partition`, else `compute()` (outside the lock)."""
        with self._lock:
            cache = self._partitions.setdefault(partition, OrderedDict())
            if key in cache:
                cache.move_to_end(key)
                self.hits += 1
                return cache[key]
        value = compute()
        with self._lock:
            cache[key] = value
            while len(cache) > self._max:
                cache.popitem(last=False)
            self.misses += 1
        return value
