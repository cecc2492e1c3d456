"""The real model, loaded offline from its package, and its vectors in the on-disk cache.

The cache's keys alone are checked without the model in tests/unit/test_skill_embeddings.py.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from domain.encoder import EMBEDDING_DIM, model_encoder, model_key, onnx_encoder
from indexer.skill_embeddings import EmbeddingCache, embed_texts


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
