"""Which index an alias points at: read by the writer (before it moves the aliases) and by the
API (the skills index it loads, its readiness), so it lives with the contract, below both.

The contract keeps each live alias on exactly one complete index, or on none before the first
rebuild; an alias found on several is refused rather than guessed at.
"""

from __future__ import annotations

from typing import Any

from opensearchpy import OpenSearch

from mappings.errors import AmbiguousAlias


def alias_target(client: OpenSearch, alias: str) -> str | None:
    """The single index behind `alias`, or None when the alias does not exist."""
    found: dict[str, Any] = client.indices.get_alias(name=alias, ignore=[404])
    if "error" in found or found.get("status") == 404:
        return None
    indices = sorted(found)
    if len(indices) > 1:
        raise AmbiguousAlias(f"alias {alias} points at several indices: {indices}")
    return indices[0] if indices else None
