"""The domain's error hierarchy: one root, so callers can catch the package's failures."""


class DomainError(RuntimeError):
    """Root of the domain's errors. Subclasses: `encoder.EmbeddingError`."""
