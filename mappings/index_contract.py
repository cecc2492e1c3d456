"""Index names, aliases and mapping bodies: what writer and readers agree on.

Readers only ever use the aliases. A rebuild writes a new concrete index per kind, named
`{alias}-v{schema}-{timestamp}`, and moves the aliases in one atomic `_aliases` call, so a reader
never sees a partial index. The index that was live before keeps a `-previous` alias for rollback.
"""

from __future__ import annotations

import copy
import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

# v2: diversity certifications are keyword "grants" instead of nested documents (see
# mappings/diversity_grants.py for why).
SCHEMA_VERSION = 2
_HERE = Path(__file__).parent


@dataclass(frozen=True)
class IndexKind:
    """One family of versioned indices behind an alias."""

    alias: str
    mapping_file: str

    @property
    def previous_alias(self) -> str:
        return f"{self.alias}-previous"

    @property
    def pattern(self) -> str:
        """Matches every concrete index of this kind, of any schema version."""
        return f"{self.alias}-v*"

    def index_name(self, stamp: str) -> str:
        return f"{self.alias}-v{SCHEMA_VERSION}-{stamp}"

    def owns(self, index: str) -> bool:
        return re.fullmatch(rf"{re.escape(self.alias)}-v\d+-\d{{20}}", index) is not None

    def body(self) -> dict[str, Any]:
        """The create-index body (settings and mappings), without the file's comment."""
        return copy.deepcopy(_load_body(self.mapping_file))


PROFILES = IndexKind(alias="talent-profiles", mapping_file="talent_profiles.v2.json")
SKILLS = IndexKind(alias="talent-skills", mapping_file="talent_skills.v2.json")
ALL_KINDS = (PROFILES, SKILLS)


def new_stamp(now: datetime | None = None) -> str:
    """A sortable timestamp for index names: 20 digits, microsecond resolution, UTC."""
    return (now or datetime.now(UTC)).strftime("%Y%m%d%H%M%S%f")


def stamp_of(index: str) -> str:
    return index.rsplit("-", 1)[-1]


@cache
def _load_body(mapping_file: str) -> dict[str, Any]:
    body: dict[str, Any] = json.loads((_HERE / mapping_file).read_text())
    body.pop("_comment", None)
    return body


def mapping_properties(kind: IndexKind) -> dict[str, Any]:
    properties: dict[str, Any] = kind.body()["mappings"]["properties"]
    return properties
