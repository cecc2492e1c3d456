"""ClientCache: one LRU per client; a value is computed once per key and client."""

from __future__ import annotations

from ranking.client_cache import ClientCache


def test_each_client_has_its_own_entries() -> None:
    cache: ClientCache[str] = ClientCache()
    computed: list[str] = []

    def value(text: str) -> str:
        computed.append(text)
        return text.upper()

    assert cache.get("a", "go", lambda: value("go")) == "GO"
    assert cache.get("a", "go", lambda: value("never")) == "GO"
    assert cache.get("b", "go", lambda: value("go")) == "GO"
    assert computed == ["go", "go"]
    assert (cache.hits, cache.misses) == (1, 2)


def test_the_least_recently_used_entry_of_a_client_goes_first() -> None:
    cache: ClientCache[int] = ClientCache(max_entries=2)
    cache.get("a", 1, lambda: 1)
    cache.get("a", 2, lambda: 2)
    cache.get("a", 1, lambda: -1)  # used again: 2 is now the oldest
    cache.get("a", 3, lambda: 3)
    cache.get("b", 9, lambda: 9)  # another client's entries never evict these
    assert cache.get("a", 1, lambda: -1) == 1
    assert cache.get("a", 3, lambda: -1) == 3
    assert cache.get("a", 2, lambda: -2) == -2  # evicted, computed again
