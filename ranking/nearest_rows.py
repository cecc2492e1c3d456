"""The rows of a normalised matrix nearest a query: exact while it is small, HNSW above.

The past job posts' distinct title vectors (ranking.job_post_evidence) are read for every search
with text. A brute-force cosine reads the whole matrix per query vector: on one core about
0.65 ms at 10,000 rows, 1.3 ms at 20,000 and 5.5 ms at 51,398 (200,000 demo posts), CPU the API
shares with the engine. So below `EXACT_BELOW` rows the search stays exact (the same products
as ever, so the same similarities and the same neighbours), and from it on an HNSW graph
(usearch, Apache-2.0) proposes the candidates, which are then scored exactly against the
float32 matrix: only which rows are found can differ from exact, never their similarities.

The graph keeps its own copy of the vectors in half precision (it only proposes), is built on
one thread so the same matrix always gives the same graph (and every API process the same
neighbours), and is searched under a lock (one search context, well under a millisecond).
"""

from __future__ import annotations

import threading
from typing import Final

import numpy as np
import numpy.typing as npt
from usearch.index import Index

#: Below this many rows the search is exact; at and above it, HNSW proposes the candidates.
EXACT_BELOW: Final = 20_000
#: HNSW settings: links per node, candidates kept while building and while searching.
CONNECTIVITY: Final = 16
EXPANSION_ADD: Final = 128
EXPANSION_SEARCH: Final = 256

Rows = npt.NDArray[np.int64]
Floats = npt.NDArray[np.float32]


class NearestRows:
    """The rows of `matrix` (L2-normalised, float32) nearest some query vectors."""

    def __init__(
        self,
        matrix: Floats,
        exact_below: int = EXACT_BELOW,
        expansion_search: int = EXPANSION_SEARCH,
    ) -> None:
        self.matrix = matrix
        self.exact_below = exact_below
        self._index: Index | None = None
        self._lock = threading.Lock()
        if len(matrix) and len(matrix) >= exact_below:
            index = Index(
                ndim=matrix.shape[1],
                metric="ip",  # the rows are normalised: inner product is the cosine
                dtype="f16",
                connectivity=CONNECTIVITY,
                expansion_add=EXPANSION_ADD,
                expansion_search=expansion_search,
            )
            index.add(np.arange(len(matrix), dtype=np.uint64), matrix, threads=1)
            self._index = index

    @property
    def approximate(self) -> bool:
        return self._index is not None

    def set_expansion_search(self, ef: int) -> None:
        """HNSW's candidates while searching (more: higher recall, slower)."""
        if self._index is not None:
            self._index.expansion_search = ef  # type: ignore[misc]  # (its setter is untyped)

    def __len__(self) -> int:
        return len(self.matrix)

    def nearest(self, vectors: Floats, k: int, floor: float = -np.inf) -> tuple[Rows, Floats]:
        """The rows whose best cosine over `vectors` is among the `k` highest, every row as
        similar as the k-th included (ties), and none below `floor`; with their similarities,
        in row order. Exact below the threshold; above it, the rows HNSW finds."""
        if not len(self.matrix) or not len(vectors) or k <= 0:
            return np.zeros(0, np.int64), np.zeros(0, np.float32)
        if self._index is None:
            rows = np.arange(len(self.matrix))
            # one matrix-vector product per query vector (cheaper here than one thin product)
            sims = np.max([self.matrix @ vector for vector in vectors], axis=0)
        else:
            rows = self._candidates(vectors, k)
            found = self.matrix[rows]
            sims = np.max([found @ vector for vector in vectors], axis=0)
        k = min(k, len(sims))
        cut = max(sims[np.argpartition(-sims, k - 1)[k - 1]], floor)
        kept = np.flatnonzero(sims >= cut)
        return rows[kept].astype(np.int64, copy=False), sims[kept]

    def _candidates(self, vectors: Floats, k: int) -> Rows:
        """The rows HNSW finds nearest any of `vectors`, `k` per vector (sorted, distinct)."""
        assert self._index is not None
        count = min(k, len(self.matrix))
        with self._lock:
            found = [self._index.search(vector, count, threads=1).keys for vector in vectors]
        return np.unique(np.concatenate(found).astype(np.int64))
