"""The indexer's error hierarchy: one root, so callers can catch the package's failures."""


class IndexerError(RuntimeError):
    """A fatal indexing failure: the run stops and the aliases are left as they were."""


class VerificationError(IndexerError):
    """A freshly written index does not hold the documents the run wrote."""
