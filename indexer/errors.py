"""The indexer's error hierarchy: one root, so callers can catch the package's failures.

    domain.errors.TalentSearchError
    └── IndexerError                               a fatal failure of a run
        ├── VerificationError                      a fresh index lacks documents the run wrote
        ├── schema_check.SchemaDrift               the live index's mapping is not the contract's
        ├── certificate_numbers.CertificateNumberInText (ValueError)  one line rejected, run goes on
        ├── profile_reader._LineError (ValueError)  one line's JSON refused, run goes on
        ├── DemoCorpusError (ValueError)           the demo data files disagree, or a bad count
        └── IndexerUsageError (ValueError)         called with what it cannot use (a worker
                                                   count below 0, a document not a JSON object)

A run that fails leaves the aliases as they were. The model's failures are
`domain.encoder.EmbeddingError`; an alias on several indices is `mappings.errors.AmbiguousAlias`.
"""

from domain.errors import TalentSearchError


class IndexerError(TalentSearchError):
    """Root of the indexer's errors: a fatal failure; the aliases are left as they were."""


class VerificationError(IndexerError):
    """A freshly written index does not hold the documents the run wrote."""


class DemoCorpusError(IndexerError, ValueError):
    """The demo corpus's data files disagree (a family or occupation they name is missing), or
    a generator was asked for a negative count."""


class IndexerUsageError(IndexerError, ValueError):
    """An indexer function was called with values it cannot use: a negative number of worker
    processes, a document that is not a serialised JSON object, a worker function run outside
    a worker."""
