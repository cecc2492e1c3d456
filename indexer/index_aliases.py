"""Creating versioned indices and moving the aliases between them.

Invariants:
- the live alias of each kind points at exactly one complete index, or does not exist yet;
- a rebuild moves every kind's live and `-previous` aliases in ONE `_aliases` call;
- indices of a kind that carry neither alias are leftovers (an older generation, or a rebuild
  killed half-way) and are deleted before the next rebuild and after each swap.

Reading an alias (`mappings.aliases.alias_target`) is the contract's, shared with the API.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from opensearchpy import OpenSearch
from opensearchpy.exceptions import TransportError

from indexer.errors import IndexerError
from mappings.aliases import alias_target
from mappings.index_contract import ALL_KINDS, IndexKind, ShardLayout
from mappings.profile_vectors import KNN_PLUGIN


def concrete_indices(client: OpenSearch, kind: IndexKind) -> list[str]:
    """Every concrete index of a kind, oldest first."""
    rows: list[dict[str, Any]] = client.cat.indices(index=kind.pattern, format="json")
    return sorted(row["index"] for row in rows if kind.owns(row["index"]))


def create_index(
    client: OpenSearch,
    kind: IndexKind,
    name: str,
    layout: ShardLayout | None = None,
    body: dict[str, Any] | None = None,
) -> None:
    """Create `name` with the kind's mapping (or `body`, a variant of it); shards and replicas
    fit the cluster unless given."""
    layout = layout or cluster_layout(client)
    client.indices.create(index=name, body=layout.apply(body if body is not None else kind.body()))


def engine_has_knn(client: OpenSearch) -> bool:
    """Whether every node runs the k-NN plugin (asked, never assumed; False if the engine
    cannot say, as the embedded server cannot)."""
    try:
        nodes = client.nodes.info(metric="plugins")["nodes"]
    except (TransportError, KeyError):
        return False
    return bool(nodes) and all(
        any(KNN_PLUGIN & {p.get("name"), p.get("classname")} for p in node.get("plugins", []))
        for node in nodes.values()
    )


def cluster_layout(
    client: OpenSearch, shards: int | None = None, replicas: int | None = None
) -> ShardLayout:
    """The contract's layout for this cluster's number of data nodes."""
    data_nodes = int(client.cluster.health()["number_of_data_nodes"])
    return ShardLayout.for_data_nodes(data_nodes, shards, replicas)


def swap_in(client: OpenSearch, new_indices: Mapping[IndexKind, str]) -> None:
    """Point each kind's live alias at its new index and `-previous` at the old live one."""
    actions: list[dict[str, Any]] = []
    for kind, new_index in new_indices.items():
        live = alias_target(client, kind.alias)
        previous = alias_target(client, kind.previous_alias)
        if live is not None:
            actions.append({"remove": {"index": live, "alias": kind.alias}})
        if previous is not None:
            actions.append({"remove": {"index": previous, "alias": kind.previous_alias}})
        if live is not None:
            actions.append({"add": {"index": live, "alias": kind.previous_alias}})
        actions.append({"add": {"index": new_index, "alias": kind.alias}})
    client.indices.update_aliases(body={"actions": actions})


def roll_back(client: OpenSearch, kinds: Iterable[IndexKind] = ALL_KINDS) -> dict[str, str]:
    """Swap live and previous for every kind in one call. Returns alias -> index now live."""
    actions: list[dict[str, Any]] = []
    now_live: dict[str, str] = {}
    for kind in kinds:
        live = alias_target(client, kind.alias)
        previous = alias_target(client, kind.previous_alias)
        if live is None or previous is None:
            raise IndexerError(f"nothing to roll back to: {kind.alias} has no previous index")
        actions += [
            {"remove": {"index": live, "alias": kind.alias}},
            {"remove": {"index": previous, "alias": kind.previous_alias}},
            {"add": {"index": previous, "alias": kind.alias}},
            {"add": {"index": live, "alias": kind.previous_alias}},
        ]
        now_live[kind.alias] = previous
    client.indices.update_aliases(body={"actions": actions})
    return now_live


def delete_unaliased(client: OpenSearch, kinds: Iterable[IndexKind] = ALL_KINDS) -> list[str]:
    """Delete every index of the kinds that is neither live nor previous. Returns their names."""
    deleted: list[str] = []
    for kind in kinds:
        keep = {alias_target(client, kind.alias), alias_target(client, kind.previous_alias)}
        for index in concrete_indices(client, kind):
            if index not in keep:
                client.indices.delete(index=index, ignore_unavailable=True)
                deleted.append(index)
    return deleted
