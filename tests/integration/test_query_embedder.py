"""The query-embedding cache on the real model: vectors that never depend on batching."""

from __future__ import annotations

import numpy as np

from domain.encoder import model_encoder
from ranking.query_embedder import QueryEmbedder


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
