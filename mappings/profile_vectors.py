"""The optional profile-vector field: one embedding per profile, for a k-NN leg on OpenSearch.

Why optional: only an engine with the k-NN plugin can search it (the embedded server accepts the
mapping but fails the query, see docs/engines.md), and vectors make every document about 4 KB
larger, so an index gets the field only when the engine has the plugin. The vector is built from
embeddings the indexer already caches (one per distinct skill label and title), never one model
call per profile: `indexer.profile_vectors`.
"""

from __future__ import annotations

import copy
from typing import Any, Final

PROFILE_VECTOR_FIELD: Final = "profile_vector"
# How nodes report the k-NN plugin: by name in a distribution, by class when loaded from the
# classpath (our engines/opensearch launcher).
KNN_PLUGIN: Final = frozenset({"opensearch-knn", "org.opensearch.knn.plugin.KNNPlugin"})


def with_profile_vectors(body: dict[str, Any], dimension: int) -> dict[str, Any]:
    """A copy of a profiles create-index body with the vector field and `index.knn` on."""
    body = copy.deepcopy(body)
    body.setdefault("settings", {})["index.knn"] = True
    body["mappings"]["properties"][PROFILE_VECTOR_FIELD] = {
        "type": "knn_vector",
        "dimension": dimension,
        "method": {"name": "hnsw", "engine": "lucene", "space_type": "cosinesimil"},
    }
    return body


def has_profile_vectors(mapping: dict[str, Any]) -> bool:
    """Whether an index's mapping (`indices.get_mapping()[index]`) holds the vector field."""
    properties = mapping.get("mappings", {}).get("properties", {})
    return PROFILE_VECTOR_FIELD in properties
