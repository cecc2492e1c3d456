"""Skill embeddings: computed once per distinct text and kept in an on-disk cache.

The model (`domain.encoder`) runs once per distinct skill or title, never once per profile, so
indexing a million profiles costs no more model time than indexing a thousand. The cache is a
SQLite file keyed by (model key, text), safe to share between processes.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

import numpy as np

from domain.encoder import Encoder, Vector


class EmbeddingCache:
    """Vectors keyed by (model, text) in SQLite."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(path, timeout=30, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS embeddings ("
            " model TEXT NOT NULL, text TEXT NOT NULL, vector BLOB NOT NULL,"
            " PRIMARY KEY (model, text))"
        )
        self._db.commit()

    def get_many(self, model: str, texts: Sequence[str]) -> dict[str, Vector]:
        found: dict[str, Vector] = {}
        with self._lock:
            for start in range(0, len(texts), 500):
                chunk = list(texts[start : start + 500])
                marks = ",".join("?" * len(chunk))
                rows = self._db.execute(
                    f"SELECT text, vector FROM embeddings WHERE model = ? AND text IN ({marks})",
                    [model, *chunk],
                )
                for text, blob in rows:
                    found[text] = np.frombuffer(blob, dtype=np.float32).copy()
        return found

    def put_many(self, model: str, vectors: dict[str, Vector]) -> None:
        with self._lock:
            self._db.executemany(
                "INSERT OR REPLACE INTO embeddings (model, text, vector) VALUES (?, ?, ?)",
                [(model, t, v.astype(np.float32).tobytes()) for t, v in vectors.items()],
            )
            self._db.commit()

    def count(self, model: str) -> int:
        with self._lock:
            row = self._db.execute(
                "SELECT COUNT(*) FROM embeddings WHERE model = ?", [model]
            ).fetchone()
        return int(row[0])

    def close(self) -> None:
        with self._lock:
            self._db.close()


def embed_texts(
    texts: Iterable[str],
    cache_db: EmbeddingCache,
    encode: Encoder,
    model: str,
    on_progress: Callable[[int], None] | None = None,
    batch_size: int = 512,
) -> tuple[dict[str, Vector], int]:
    """Vectors for the distinct texts, computing only the uncached ones: (vectors, computed)."""
    distinct = sorted(set(texts))
    vectors = cache_db.get_many(model, distinct)
    missing = [t for t in distinct if t not in vectors]
    for start in range(0, len(missing), batch_size):
        batch = missing[start : start + batch_size]
        computed = dict(zip(batch, encode(batch), strict=True))
        cache_db.put_many(model, computed)
        vectors.update(computed)
        if on_progress:
            on_progress(len(batch))
    return vectors, len(missing)
