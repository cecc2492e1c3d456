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

import json
from collections.abc import Iterable, Iterator, Sequence
from itertools import islice
from typing import Any, Final

import numpy as np

from domain.encoder import Encoder, Vector
from indexer.errors import IndexerUsageError
from indexer.profile_lines import Built, Outcome
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
    """Adds `profile_vector` to built lines' documents (serialised: the vector is appended to
    the JSON, never parsed), embedding each chunk's new texts in one call. Rejects pass."""

    def __init__(self, cache: EmbeddingCache, encoder: Encoder, model: str) -> None:
        self.cache = cache
        self.encoder = encoder
        self.model = model
        self.computed = 0
        self._known: dict[str, Vector] = {}

    def __call__(self, outcomes: Iterable[Outcome]) -> Iterator[Outcome]:
        iterator = iter(outcomes)
        while chunk := list(islice(iterator, CHUNK)):
            built = [outcome for outcome in chunk if isinstance(outcome, Built)]
            self._embed(built)
            for outcome in chunk:
                if isinstance(outcome, Built):
                    skills = [self._known[label] for label in outcome.skill_labels]
                    vector = profile_vector(self._known.get(outcome.title), skills)
                    if vector is not None:
                        source = with_field(outcome.source, PROFILE_VECTOR_FIELD, vector)
                        outcome = outcome._replace(source=source)
                yield outcome

    def _embed(self, chunk: list[Built]) -> None:
        texts: set[str] = set()
        for built in chunk:
            texts.update(built.skill_labels)
            if built.title:
                texts.add(built.title)
        missing = [t for t in texts if t not in self._known]
        if not missing:
            return
        if len(self._known) + len(missing) > _REMEMBERED:
            self._known.clear()
            missing = sorted(texts)
        vectors, computed = embed_texts(missing, self.cache, self.encoder, self.model)
        self.computed += computed
        self._known.update(vectors)


def with_field(document: str, name: str, value: object) -> str:
    """A JSON object (serialised, without `name`) with `name` set to `value` (appended)."""
    if not document.endswith("}"):
        raise IndexerUsageError("not a serialised JSON object")
    field = json.dumps({name: value}, ensure_ascii=False, separators=(",", ":"))
    separator = "" if document[:-1].strip() == "{" else ","
    return document[:-1] + separator + field[1:]
