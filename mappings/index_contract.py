"""Index names, aliases and mapping bodies: what writer and readers agree on.

Readers only ever use the aliases. A rebuild writes a new concrete index per kind, named
`{alias}-v{schema}-{timestamp}`, and moves the aliases in one atomic `_aliases` call, so a reader
never sees a partial index. The index that was live before keeps a `-previous` alias for rollback.

Every name lives in an `IndexNamespace`: its prefix comes first (`talent-profiles`,
`talent-skills` by default), so several environments, or the tests of one session, can share a
cluster without seeing each other's indices or aliases. Two namespaces never claim each other's
names: `owns()` matches a whole concrete name exactly, and because no `-`-separated part of a
prefix may be a kind's name (`profiles`, `skills`), even the wildcard `pattern` of one namespace
matches no name of another (`a-profiles-v*` would otherwise match `a-profiles-v2`'s indices).
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

from mappings.errors import InvalidIndexSettings

# v3: the skill_text analyzer and title_skill_ids (see the profiles mapping's comment).
# v2: diversity certifications are keyword "grants" instead of nested documents (see
# mappings/diversity_grants.py for why).
SCHEMA_VERSION = 3
_HERE = Path(__file__).parent

DEFAULT_PREFIX = "talent"
_PREFIX_RE = re.compile(r"[a-z0-9][a-z0-9_-]{0,40}")
#: The kinds' names: they follow the prefix in every alias and index name.
KIND_NAMES = ("profiles", "skills", "jobposts")


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
        """Matches every concrete index of this kind, of any schema version (and, within its
        namespace, nothing else; filter with `owns()` all the same)."""
        return f"{self.alias}-v*"

    def index_name(self, stamp: str) -> str:
        return f"{self.alias}-v{SCHEMA_VERSION}-{stamp}"

    def owns(self, index: str) -> bool:
        """Whether `index` is a concrete index of this kind (exact: never another namespace's)."""
        return re.fullmatch(rf"{re.escape(self.alias)}-v\d+-\d{{20}}", index) is not None

    def body(self) -> dict[str, Any]:
        """The create-index body (settings and mappings), without the file's comment."""
        return copy.deepcopy(_load_body(self.mapping_file))


@dataclass(frozen=True)
class IndexNamespace:
    """The set of indices and aliases of one environment: every name starts with `prefix`."""

    prefix: str = DEFAULT_PREFIX

    def __post_init__(self) -> None:
        validate_prefix(self.prefix)

    @property
    def profiles(self) -> IndexKind:
        return IndexKind(alias=f"{self.prefix}-profiles", mapping_file="talent_profiles.v3.json")

    @property
    def skills(self) -> IndexKind:
        return IndexKind(alias=f"{self.prefix}-skills", mapping_file="talent_skills.v3.json")

    @property
    def job_posts(self) -> IndexKind:
        """The marketplace's past job posts: rebuilt, swapped and rolled back on their own."""
        return IndexKind(alias=f"{self.prefix}-jobposts", mapping_file="talent_job_posts.v3.json")

    @property
    def kinds(self) -> tuple[IndexKind, IndexKind]:
        """The kinds a profiles run writes and swaps together, profiles first."""
        return (self.profiles, self.skills)


def validate_prefix(prefix: str) -> str:
    """Return `prefix` if it may start index names; raise InvalidIndexSettings (a ValueError)
    saying why not."""
    if not isinstance(prefix, str) or _PREFIX_RE.fullmatch(prefix) is None:
        raise InvalidIndexSettings(
            f"index prefix {prefix!r} is invalid: use 1 to 41 lowercase letters, digits, "
            "'-' or '_', starting with a letter or digit"
        )
    clash = sorted(set(prefix.split("-")) & set(KIND_NAMES))
    if clash:
        raise InvalidIndexSettings(
            f"index prefix {prefix!r} is invalid: it has {clash[0]!r} as a '-'-separated part, "
            f"and no part may be a kind's name ({', '.join(KIND_NAMES)}): its indices could "
            "then match another prefix's index pattern"
        )
    return prefix


DEFAULT_NAMESPACE = IndexNamespace()
PROFILES = DEFAULT_NAMESPACE.profiles
SKILLS = DEFAULT_NAMESPACE.skills
ALL_KINDS = DEFAULT_NAMESPACE.kinds


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


@dataclass(frozen=True)
class ShardLayout:
    """Shards and replicas of a new index: part of the contract, chosen for the cluster's size.

    One data node gets 1 shard and 0 replicas (a replica could never be assigned there, and the
    index would stay yellow). A cluster gets 3 shards and 1 replica, so it survives the loss of
    any one node. Either number can be set instead (`TALENT_SEARCH_INDEX_SHARDS`, `..._REPLICAS`).
    """

    shards: int
    replicas: int

    def __post_init__(self) -> None:
        if not 1 <= self.shards <= 1024:
            raise InvalidIndexSettings(f"index shards must be 1 to 1024, got {self.shards}")
        if not 0 <= self.replicas <= 16:
            raise InvalidIndexSettings(f"index replicas must be 0 to 16, got {self.replicas}")

    @classmethod
    def for_data_nodes(
        cls, data_nodes: int, shards: int | None = None, replicas: int | None = None
    ) -> ShardLayout:
        single = data_nodes <= 1
        return cls(
            shards=shards if shards is not None else (1 if single else 3),
            replicas=replicas if replicas is not None else (0 if single else 1),
        )

    def apply(self, body: dict[str, Any]) -> dict[str, Any]:
        settings = body.setdefault("settings", {})
        settings["number_of_shards"] = self.shards
        settings["number_of_replicas"] = self.replicas
        return body
