"""Query embeddings with an LRU cache; the model loads once per process.

Client queries repeat a lot ("react developer"), so a small cache removes the model from most
requests. Texts are cached after whitespace and case folding, which the model ignores anyway
(all-MiniLM-L6-v2 is uncased).

`query_encoder` picks the model runtime for queries: torch, or ONNX Runtime when
TALENT_SEARCH_QUERY_EMBEDDING_BACKEND=onnx (same vectors, about a third of the CPU per query).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence
from threading import Lock

import numpy as np

from indexer.skill_embeddings import Encoder, Vector, model_encoder, onnx_encoder
from talent_search.settings import TalentSettings


def query_encoder(settings: TalentSettings | None = None) -> Encoder:
    """The encoder for queries, per the settings; the ONNX file is exported on first use."""
    settings = settings or TalentSettings()
    if settings.query_embedding_backend == "onnx":
        return onnx_encoder(settings.state_dir / "onnx")
    return model_encoder()


class QueryEmbedder:
    def __init__(self, encode: Encoder, max_entries: int = 4096) -> None:
        self._encode = encode
        self._max = max_entries
        self._cache: OrderedDict[str, Vector] = OrderedDict()
        self._lock = Lock()
        self.hits = 0
        self.misses = 0

    @staticmethod
    def _key(text: str) -> str:
        return " ".join(text.split()).casefold()

    def embed(self, texts: Sequence[str]) -> Vector:
        """One row per text, from the cache where possible, the rest in one model call."""
        keys = [self._key(t) for t in texts]
        found: dict[str, Vector] = {}
        with self._lock:
            for key in keys:
                if key in self._cache:
                    self._cache.move_to_end(key)
                    found[key] = self._cache[key]
        missing = list(dict.fromkeys(k for k in keys if k not in found))
        if missing:
            for key, vector in zip(missing, self._encode(missing), strict=True):
                found[key] = vector
            with self._lock:
                for key in missing:
                    self._cache[key] = found[key]
                while len(self._cache) > self._max:
                    self._cache.popitem(last=False)
        with self._lock:
            self.hits += len(keys) - len(missing)
            self.misses += len(missing)
        if not keys:
            return np.zeros((0, 384), dtype=np.float32)
        return np.stack([found[k] for k in keys])
