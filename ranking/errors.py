"""The ranking package's errors: one root, so a caller can catch whatever ranking raises.

    domain.errors.TalentSearchError
    └── RankingError
        ├── ranking_profile.RankingProfileError (ValueError)  a ranking profile missing or invalid
        ├── talent_searcher.SearchError (RuntimeError)        the engine refused or failed a search
        └── RankingInputError (ValueError)                    a stage built from inputs that
                                                              do not line up

The API answers `SearchError` with 502 (query_api.error_responses) and a request's bad ranking
profile with 422 (query_api.search_service).
"""

from __future__ import annotations

from domain.errors import TalentSearchError


class RankingError(TalentSearchError):
    """Root of the ranking package's errors (a bad ranking profile, a failed search)."""


class RankingInputError(RankingError, ValueError):
    """A ranking structure was handed inputs that do not line up (ids, titles and vectors of
    different lengths)."""
