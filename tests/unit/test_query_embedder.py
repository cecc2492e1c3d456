"""The query-embedding cache: per-client partitions, one encoder call per text (fake encoder).

That vectors never depend on batching is checked on the real model in
tests/integration/test_query_embedder.py.
"""

from __future__ import annotations

from domain.encoder import Vector
from ranking.query_embedder import QueryEmbedder
from tests.factories import fake_encode


class CountingEncoder:
    """fake_encode that records every batch it was asked for."""

    def __init__(self) -> None:
        self.batches: list[list[str]] = []

    def __call__(self, texts: list[str]) -> Vector:
        self.batches.append(list(texts))
        return fake_encode(texts)


def test_a_client_only_hits_its_own_history() -> None:
    encode = CountingEncoder()
    embedder = QueryEmbedder(encode)
    embedder.embed(["React Developer"], partition="acme")
    assert embedder.embed(["react   developer"], partition="acme").shape == (1, 384)
    assert encode.batches == [["react developer"]]  # the second call was acme's own cache hit
    embedder.embed(["react developer"], partition="globex")  # another client: a model call
    assert encode.batches == [["react developer"], ["react developer"]]
    assert (embedder.hits, embedder.misses) == (1, 2)


def test_one_clients_traffic_never_evicts_another_clients_entries() -> None:
    encode = CountingEncoder()
    embedder = QueryEmbedder(encode, max_entries=2)
    embedder.embed(["go"], partition="acme")
    embedder.embed([f"text {i}" for i in range(10)], partition="globex")
    calls = len(encode.batches)
    embedder.embed(["go"], partition="acme")
    assert len(encode.batches) == calls  # still cached for acme


def test_every_text_is_embedded_alone() -> None:
    encode = CountingEncoder()
    QueryEmbedder(encode).embed(["react, node.js", "react", "node.js", "react"])
    assert encode.batches == [["react, node.js"], ["react"], ["node.js"]]
