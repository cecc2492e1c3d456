"""Profile vectors for the k-NN leg, from the embeddings of a profile's skills and title.

    vector = unit(unit(title embedding) + unit(mean of the skill label embeddings))

Why this shape: the skill leg already matches a query to the skills profiles hold; a profile
vector adds what a title says in words ("Brand Identity Designer" for "logo design") and what
the skills say together. Built from per-text embeddings, so the model runs once per distinct
title or skill label (cached in the indexer's embedding cache, shared with the skills index),
never once per profile. Documents are vectorised a chunk at a time, with one model call for all
of the chunk's new texts.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from itertools import islice
from typing import Any, Final

import numpy as np

from domain.encoder import Encoder, Vector
from indexer.skill_embeddings import EmbeddingCache, embed_texts
from mappings.profile_vectors import PROFILE_VECTOR_FIELD

CHUNK: Final = 500
_REMEMBERED: Final = 200_000  # distinct texts kept in memory between chunks (about 300 MB)


def profile_vector(title: Vector | None, skills: Sequence[Vector]) -> list[float] | None:
    """The formula above; None when the profile has neither (nothing to search by)."""
    parts = []
    if title is not None:
        parts.append(_unit(np.asarray(title, dtype=np.float64)))
    if skills:
        parts.append(_unit(np.mean(np.asarray(skills, dtype=np.float64), axis=0)))
    if not parts:
        return None
    return [round(float(x), 6) for x in _unit(np.sum(parts, axis=0))]


def _unit(vector: np.ndarray[Any, np.dtype[np.float64]]) -> np.ndarray[Any, np.dtype[np.float64]]:
    norm = float(np.linalg.norm(vector))
    return vector / norm if norm > 0 else vector


class ProfileVectoriser:
    """Adds `profile_vector` to bulk actions, embedding each chunk's new texts in one call."""

    def __init__(self, cache: EmbeddingCache, encoder: Encoder, model: str) -> None:
        self.cache = cache
        self.encoder = encoder
        self.model = model
        self.computed = 0
        self._known: dict[str, Vector] = {}

    def __call__(self, actions: Iterable[dict[str, Any]]) -> Iterator[dict[str, Any]]:
        iterator = iter(actions)
        while chunk := list(islice(iterator, CHUNK)):
            self._embed(chunk)
            for action in chunk:
                source = action["_source"]
                skills = [self._known[label] for label in source.get("skill_labels", [])]
                title = self._known.get(source.get("title") or "")
                vector = profile_vector(title, skills)
                if vector is not None:
                    source[PROFILE_VECTOR_FIELD] = vector
                yield action

    def _embed(self, chunk: list[dict[str, Any]]) -> None:
        texts: set[str] = set()
        for action in chunk:
            source = action["_source"]
            texts.update(source.get("skill_labels", []))
            if source.get("title"):
                texts.add(source["title"])
        missing = [t for t in texts if t not in self._known]
        if not missing:
            return
        if len(self._known) + len(missing) > _REMEMBERED:
            self._known.clear()
            missing = sorted(texts)
        vectors, computed = embed_texts(missing, self.cache, self.encoder, self.model)
        self.computed += computed
        self._known.update(vectors)
