"""Before an upsert writes into a live index: was that index built by this indexer's mapping?

An index built by an older mapping (another `_meta.schema_version`, or without fields this
indexer writes) refuses documents with fields it lacks (strict dynamic mapping), one line at a
time. So an upsert first compares the live index's mapping with the contract and, when they
differ, stops before writing anything and says to rebuild, which builds a new index with the
current mapping and swaps it in.
"""

from __future__ import annotations

from typing import Any

from opensearchpy import OpenSearch

from indexer.errors import IndexerError
from mappings.index_contract import SCHEMA_VERSION, IndexKind
from mappings.profile_vectors import PROFILE_VECTOR_FIELD


class SchemaDrift(IndexerError):
    """The live index was built by another mapping than the one this indexer writes."""


def schema_drift(live: dict[str, Any], contract: dict[str, Any]) -> str | None:
    """What differs between a live index's mapping and the contract's, or None."""
    version = (live.get("_meta") or {}).get("schema_version")
    if version != SCHEMA_VERSION:
        return f"schema version {version if version is not None else '(none)'}"
    missing = set(contract.get("properties", {})) - set(live.get("properties", {}))
    missing.discard(PROFILE_VECTOR_FIELD)  # optional: only on engines with k-NN
    if missing:
        return f"a mapping without {', '.join(sorted(missing))}"
    return None


def check_live_schema(client: OpenSearch, kinds: list[IndexKind]) -> None:
    """Raise SchemaDrift, naming the index and the command to run, when a live index of
    `kinds` does not have this indexer's mapping."""
    for kind in kinds:
        found = client.indices.get_mapping(index=kind.alias)
        for index, body in found.items():
            drift = schema_drift(body.get("mappings", {}), kind.body()["mappings"])
            if drift is not None:
                raise SchemaDrift(
                    f"the live index {index} (behind {kind.alias}) was built with {drift}, "
                    f"and this indexer writes schema version {SCHEMA_VERSION}: an upsert "
                    "would be refused line by line. Nothing was written: rebuild it with "
                    "`talent-search index FILE --rebuild` (or `index job-posts FILE --rebuild`), "
                    "which builds a new index with the current mapping and swaps it in"
                )
