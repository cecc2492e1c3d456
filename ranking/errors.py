"""The ranking package's errors: one root, so a caller can catch whatever ranking raises."""

from __future__ import annotations


class RankingError(Exception):
    """Root of the ranking package's errors (a bad ranking profile, a failed search)."""
