"""The on-disk embedding cache, keyed by model and text (a stand-in encoder, no model)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from domain.encoder import Vector
from indexer.skill_embeddings import EmbeddingCache, embed_texts


def test_cache_is_keyed_by_model_and_text(tmp_path: Path) -> None:
    cache = EmbeddingCache(tmp_path / "e.sqlite3")
    calls: list[list[str]] = []

    def encode(texts: list[str]) -> Vector:
        calls.append(texts)
        return np.ones((len(texts), 4), dtype=np.float32)

    vectors, computed = embed_texts(["a", "b", "a"], cache, encode, "m1")
    assert computed == 2 and set(vectors) == {"a", "b"}
    _, computed = embed_texts(["a", "b", "c"], cache, encode, "m1")
    assert computed == 1 and calls[-1] == ["c"]
    _, computed = embed_texts(["a"], cache, encode, "m2")
    assert computed == 1, "another model must not reuse m1's vectors"
    cache.close()
    reopened = EmbeddingCache(tmp_path / "e.sqlite3")
    assert reopened.count("m1") == 3
    reopened.close()
