"""The relevance package's errors: one root, so a caller can catch whatever it raises.

    RelevanceError
    ├── EvaluationError (also ValueError)    judgments, a metric or a cut-off that cannot be used
    ├── RelevanceSetError (also ValueError)  profiles or options the judgments builder refuses
    └── TuningError (also ValueError)        tuning cannot run as asked

Each leaf is also a ValueError, as it was before the package had a root, so a caller that
catches ValueError (the CLI reading a judgments file) keeps catching it.
"""

from __future__ import annotations

from domain.errors import TalentSearchError


class RelevanceError(TalentSearchError):
    """Root of the relevance package's errors (evaluation, the judgments builder, the tuner)."""


class EvaluationError(RelevanceError, ValueError):
    """Judgments that cannot be read or scored (a bad row, none at all), or a metric argument
    out of range (an unknown metric, a cut-off below 1)."""


class RelevanceSetError(RelevanceError, ValueError):
    """The development judgments cannot be built as asked (a profile without an id, a bad
    option)."""


class TuningError(RelevanceError, ValueError):
    """Tuning cannot run as asked (an unknown parameter, too few queries for the folds, ...)."""
