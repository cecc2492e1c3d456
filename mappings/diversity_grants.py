"""Diversity certifications as stored in the profile index: one keyword "grant" per certification.

A grant is `COUNTRY|category|expires_on` (ISO date), for example `US|woman_owned|2027-06-30`. It
holds exactly what the query-time filter needs, and nothing else (no body, no number, no name).

Why not nested documents: on the embedded server, nested documents count in the collection
statistics that BM25 uses, so the number of stored certifications shifted every standard
client's lexical scores. The twin-index property test in `tests/integration/test_api_leaks.py`
found it. A keyword field adds no documents. Because ISO dates sort as text, "a certification
of category k from country c that has not expired on day d" is one keyword range,
`[c|k|d, c|k|~]`, so the filter stays exact per certification without nesting.
"""

from __future__ import annotations

from datetime import date
from typing import Any, NamedTuple

SEPARATOR = "|"
_AFTER_ANY_DATE = "~"  # sorts after every digit, so it bounds "any expiry date"


class Grant(NamedTuple):
    country: str
    category: str
    expires_on: date


def encode_grant(country: str, category: str, expires_on: date) -> str:
    return SEPARATOR.join((country, category, expires_on.isoformat()))


def parse_grant(value: str) -> Grant | None:
    """The grant in a stored value, or None for a value this code does not understand."""
    parts = value.split(SEPARATOR)
    if len(parts) != 3:
        return None
    try:
        return Grant(parts[0], parts[1], date.fromisoformat(parts[2]))
    except ValueError:
        return None


def unexpired_range(field: str, country: str, category: str, as_of: date) -> dict[str, Any]:
    """Grants of (country, category) that still count on `as_of`."""
    prefix = f"{country}{SEPARATOR}{category}{SEPARATOR}"
    return {"range": {field: {"gte": prefix + as_of.isoformat(), "lte": prefix + _AFTER_ANY_DATE}}}
