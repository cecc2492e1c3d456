"""Query embeddings with a per-client LRU cache; the model loads once per process.

Client queries repeat a lot ("react developer"), so a small cache removes the model from most
requests. Texts are cached after whitespace and case folding, which the model ignores anyway
(all-MiniLM-L6-v2 is uncased).

Two rules keep the cache from telling anyone anything:
- **One partition per client** (`partition`, the API passes the client's name): a client only
  ever hits its own history, so how fast a search is never says what anybody else searched.
- **Each text is embedded alone.** In a batch the model pads texts to a common length, and the
  padded matrix products round differently, so a vector's low bits would depend on which texts
  shared its batch, and so on what was already cached. Alone, a text always gets the same
  vector: a search's scores do not depend on the traffic before it.

The caller passes the encoder (`domain.encoder.query_encoder` picks torch or ONNX Runtime from
TALENT_SEARCH_QUERY_EMBEDDING_BACKEND, which the CLI and the API read).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence
from threading import Lock

import numpy as np

from domain.encoder import EMBEDDING_DIM, Encoder, Vector


def text_key(text: str) -> str:
    """What the model reads of a text: its words, case folded (the vector's cache key)."""
    return " ".join(text.split()).casefold()


class QueryEmbedder:
    """Query vectors, cached per partition (per client), each text embedded on its own."""

    def __init__(self, encode: Encoder, max_entries: int = 1024) -> None:
        self._encode = encode
        self._max = max_entries  # per partition: one client's traffic never evicts another's
        self._partitions: dict[str, OrderedDict[str, Vector]] = {}
        self._lock = Lock()
        self.hits = 0
        self.misses = 0

    @staticmethod
    def _key(text: str) -> str:
        return text_key(text)

    def embed(self, texts: Sequence[str], partition: str = "") -> Vector:
        """One row per text: from `partition`'s cache, else one model call per text."""
        keys = [self._key(t) for t in texts]
        found: dict[str, Vector] = {}
        with self._lock:
            cache = self._partitions.setdefault(partition, OrderedDict())
            for key in keys:
                if key in cache:
                    cache.move_to_end(key)
                    found[key] = cache[key]
        missing = list(dict.fromkeys(k for k in keys if k not in found))
        for key in missing:
            found[key] = self._encode([key])[0]
        with self._lock:
            for key in missing:
                cache[key] = found[key]
            while len(cache) > self._max:
                cache.popitem(last=False)
            self.hits += len(keys) - len(missing)
            self.misses += len(missing)
        if not keys:
            return np.zeros((0, EMBEDDING_DIM), dtype=np.float32)
        return np.stack([found[k] for k in keys])
