"""The OpenAPI document each tier is served: a standard client's never mentions diversity.

The Diversity-Certified filter and badge are for Enterprise Suite clients. A standard client
must not learn who is certified, and should not learn that the feature exists either: its
document has no diversity parameter, property or model, and no word about them. Enterprise and
relevance engineer keys get the whole document (an engineer is refused the filter with a 403
that names it, so the feature is no secret to them).
"""

from __future__ import annotations

import copy
from typing import Any

from query_api.api_keys import Tier

STANDARD_DESCRIPTION = (
    "Every request carries an API key in `X-API-Key`. The key's tier decides what it may use; "
    "`relevance_engineer` keys add ranking overrides and explain."
)


#: Enterprise-only names that do not start with "diversity".
_HIDDEN_NAMES = frozenset({"representative"})


def _hidden_name(name: str) -> bool:
    return name.lower().startswith("diversity") or name in _HIDDEN_NAMES


def _hidden_schema(name: str) -> bool:
    return "Diversity" in name or name.startswith("Enterprise")


def _prune(node: Any, dropped: set[str]) -> Any:
    """`node` without diversity properties and parameters, or references to dropped schemas."""
    if isinstance(node, list):
        kept = [_prune(item, dropped) for item in node]
        return [
            item
            for item in kept
            if not (
                isinstance(item, dict)
                and (
                    item.get("$ref", "").rsplit("/", 1)[-1] in dropped
                    or (item.get("in") in {"query", "body"} and _hidden_name(item.get("name", "")))
                )
            )
        ]
    if not isinstance(node, dict):
        return node
    out = {}
    for key, value in node.items():
        if key == "properties" and isinstance(value, dict):
            value = {k: v for k, v in value.items() if not _hidden_name(k)}
        if key == "required" and isinstance(value, list):
            value = [v for v in value if not (isinstance(v, str) and _hidden_name(v))]
        out[key] = _prune(value, dropped)
    return out


def _refs(node: Any) -> set[str]:
    return {
        ref.rsplit("/", 1)[-1]
        for ref in _strings_at(node, "$ref")
        if ref.startswith("#/components/schemas/")
    }


def _strings_at(node: Any, wanted: str) -> list[str]:
    if isinstance(node, list):
        return [s for item in node for s in _strings_at(item, wanted)]
    if isinstance(node, dict):
        found = [v for k, v in node.items() if k == wanted and isinstance(v, str)]
        return found + [s for v in node.values() for s in _strings_at(v, wanted)]
    return []


def openapi_for(document: dict[str, Any], tier: Tier | None) -> dict[str, Any]:
    """The document `tier` is served (`None`: no key or an unknown one, served as standard)."""
    if tier in {Tier.ENTERPRISE, Tier.RELEVANCE_ENGINEER}:
        return document
    schemas: dict[str, Any] = document.get("components", {}).get("schemas", {})
    dropped = {name for name in schemas if _hidden_schema(name)}
    pruned: dict[str, Any] = _prune(copy.deepcopy(document), dropped)
    pruned["info"]["description"] = STANDARD_DESCRIPTION
    kept_schemas = {k: v for k, v in pruned["components"]["schemas"].items() if k not in dropped}
    # Only the schemas the paths still reach, directly or through other schemas.
    reached = _refs(pruned["paths"])
    frontier = set(reached)
    while frontier:
        frontier = {r for name in frontier for r in _refs(kept_schemas.get(name))} - reached
        reached |= frontier
    pruned["components"]["schemas"] = {k: v for k, v in kept_schemas.items() if k in reached}
    return pruned
