"""The CLI package's errors: one root, so callers can catch the package's failures.

    domain.errors.TalentSearchError
    └── CliError
        ├── engine_process.EngineProcessError (RuntimeError)  the engine could not be configured,
        │                                                     started, reached or stopped
        ├── opensearch_engine.EngineError (RuntimeError)      the real engine could not be built,
        │   │                                                 started, reached or stopped
        │   └── opensearch_engine.EngineUnavailable           Java or Maven is missing
        └── jdk.JdkNotFound (RuntimeError)                    no JDK new enough for the version

A command reports what it catches as `error: ...` and exits non-zero (`cli_support._fail`);
the other packages' errors it reports are theirs (`IndexerError`, `RankingProfileError`, ...).
"""

from domain.errors import TalentSearchError


class CliError(TalentSearchError):
    """Root of the CLI package's errors: the engines it runs and the tools they need."""
