"""The index contract's errors: one root, so callers can catch the package's failures.

    domain.errors.TalentSearchError
    └── IndexContractError
        ├── InvalidIndexSettings (ValueError)  an index prefix or shard layout the contract refuses
        └── AmbiguousAlias                     an alias points at several indices

`InvalidIndexSettings` stays a ValueError: `validate_prefix` is also a pydantic validator of the
settings, and pydantic reports only ValueErrors (and AssertionErrors) as invalid values.
"""

from domain.errors import TalentSearchError


class IndexContractError(TalentSearchError):
    """Root of the index contract's errors."""


class InvalidIndexSettings(IndexContractError, ValueError):
    """An index prefix, shard count or replica count outside the contract."""


class AmbiguousAlias(IndexContractError):
    """An alias points at several indices: the contract's one-index invariant is broken."""
