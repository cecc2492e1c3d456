"""The project's error base, and the domain's errors.

Every package has one root, drawn in its own errors module, and every root derives from
`TalentSearchError`, so a caller can catch one package's failures or any of the project's:

    TalentSearchError                     the project's base (here, in the lowest layer)
    ├── DomainError                       domain: below
    ├── mappings.errors.IndexContractError
    ├── indexer.errors.IndexerError
    ├── ranking.errors.RankingError
    ├── relevance.errors.RelevanceError
    ├── query_api.errors.QueryApiError
    └── talent_search.errors.CliError

The domain's own:

    DomainError
    ├── DomainValueError (ValueError)     a value the domain's rules refuse
    └── encoder.EmbeddingError (RuntimeError)  the embedding model could not load or run

A builtin second base (ValueError, RuntimeError) keeps code that catches the builtin working;
pydantic, for one, reports only a ValueError raised in a validator as an invalid value.
"""


class TalentSearchError(Exception):
    """Base of every error the project raises: each package's root derives from it."""


class DomainError(TalentSearchError):
    """Root of the domain's errors."""


class DomainValueError(DomainError, ValueError):
    """A value the domain's rules refuse: a blank skill name, a country with no certifying
    bodies, a curated skill that contradicts the taxonomies."""
