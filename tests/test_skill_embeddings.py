"""The real model, loaded offline from its package, and the on-disk cache keyed by model."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from indexer.skill_embeddings import (
    EMBEDDING_DIM,
    EmbeddingCache,
    Vector,
    embed_texts,
    model_encoder,
    model_key,
    onnx_encoder,
)


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


@pytest.mark.slow
def test_real_model_loads_offline_and_embeds_meaningfully(tmp_path: Path) -> None:
    cache = EmbeddingCache(tmp_path / "e.sqlite3")
    texts = ["Python", "Django", "Bookkeeping", "Payroll accounting"]
    vectors, computed = embed_texts(texts, cache, model_encoder(), model_key())
    assert computed == 4
    assert all(v.shape == (EMBEDDING_DIM,) for v in vectors.values())
    assert np.isclose(np.linalg.norm(vectors["Python"]), 1.0, atol=1e-4)
    assert vectors["Python"] @ vectors["Django"] > vectors["Python"] @ vectors["Bookkeeping"]
    assert vectors["Bookkeeping"] @ vectors["Payroll accounting"] > (
        vectors["Bookkeeping"] @ vectors["Django"]
    )
    assert "all-MiniLM-L6-v2" in model_key()
    cache.close()


@pytest.mark.slow
def test_onnx_query_encoder_gives_the_torch_vectors(tmp_path: Path) -> None:
    """The optional ONNX runtime (`pip install -e '.[onnx]'`): same vectors as torch."""
    pytest.importorskip("onnxruntime", reason="the onnx extra is not installed")
    texts = ["Go", "Shopify store redesign", "react, node.js and mongodb", "Bookkeeping"]
    onnx = onnx_encoder(tmp_path / "onnx")(texts)
    torch = model_encoder()(texts)
    assert onnx.shape == torch.shape == (4, EMBEDDING_DIM)
    assert float(np.min(np.sum(onnx * torch, axis=1))) > 0.9999
    assert list(tmp_path.joinpath("onnx").glob("*.onnx"))
