"""The query-embedding cache: per-client partitions, and vectors that never depend on batching."""

from __future__ import annotations

import numpy as np

from indexer.skill_embeddings import Vector, model_encoder
from ranking.query_embedder import QueryEmbedder
from tests.conftest import fake_encode


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


def test_a_query_vector_does_not_depend_on_what_was_embedded_with_it() -> None:
    """With the real model, a text padded in a batch gets other low bits than alone."""
    encode = model_encoder()
    long_text = "senior bookkeeper with quickbooks and xero experience"
    alone = encode(["go"])[0]
    assert not np.array_equal(encode(["go", long_text])[0], alone)  # the model's batch effect
    after_traffic = QueryEmbedder(encode)
    after_traffic.embed([long_text, "go"])  # e.g. the parts of an earlier list query
    assert np.array_equal(after_traffic.embed(["go"])[0], alone)
    assert np.array_equal(QueryEmbedder(encode).embed(["go"])[0], alone)
