"""The indexer's error hierarchy: one root, so callers can catch the package's failures."""


class IndexerError(RuntimeError):
    """Root of the indexer's errors: a fatal failure; the aliases are left as they were.

    Subclasses: `VerificationError` here. The model's failures are `domain.encoder.EmbeddingError`.
    """


class VerificationError(IndexerError):
    """A freshly written index does not hold the documents the run wrote."""
