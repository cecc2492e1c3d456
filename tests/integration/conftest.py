"""The integration tests' fixtures: the two engines, and the indexer's builder and cache.

Integration tests take an `engine`: the embedded osmem-server (a copy-on-write clone per test)
and a real OpenSearch node started once for the session from its Maven Central jars
(`talent_search.opensearch_engine`; 3.5.0, or the version in TALENT_SEARCH_ENGINE_VERSION, which
the CI's 2.19.1 compatibility run sets), the way qdrant-client runs one suite against its local mode
and its server. On the real node each test gets its indices wiped before and after; datasets
that outlive one test live in their own index namespace. A module's `dataset` is its
`dataset_rows` (the certification corpus unless the module says otherwise) indexed once per
engine. Without Java or Maven the real half is skipped with the reason; under `CI` it must run,
so a missing JDK fails the run. The data builders these tests share with the unit tests are in
`tests/factories.py`.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from opensearchpy import OpenSearch
from osmem_server import OsmemServer

from config.settings import TalentSettings
from indexer.document_builder import DocumentBuilder
from indexer.skill_embeddings import EmbeddingCache
from talent_search.engine_process import stop_embedded
from talent_search.opensearch_engine import (
    OPENSEARCH_VERSION,
    free_port_block,
    missing_tools,
    start_engine,
    stop_engine,
)
from tests.factories import document_builder
from tests.integration.api_support import Dataset, corpus, indexed_dataset

ENGINES = ("embedded", "opensearch")
# The real engine's version for this session (the CI's compatibility run sets 2.19.1).
ENGINE_VERSION = os.environ.get("TALENT_SEARCH_ENGINE_VERSION") or OPENSEARCH_VERSION


def require_real_engine() -> None:
    """Skip (or, under CI, fail) when this machine cannot run the real OpenSearch."""
    missing = missing_tools(ENGINE_VERSION)
    if missing:
        reason = f"the real-OpenSearch {ENGINE_VERSION} half needs " + "; ".join(missing)
        if os.environ.get("CI"):
            pytest.fail(f"{reason}; under CI it must run", pytrace=False)
        pytest.skip(reason)


def start_test_engine(state_dir: Path, nodes: int, heap: str) -> tuple[TalentSettings, str]:
    settings = TalentSettings(state_dir=state_dir)
    state = start_engine(
        settings, version=ENGINE_VERSION, nodes=nodes, heap=heap, port=free_port_block(nodes)
    )
    return settings, state.url


@pytest.fixture(scope="session")
def opensearch_node(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """One real single-node OpenSearch (`ENGINE_VERSION`) for the whole session: its URL."""
    require_real_engine()
    settings, url = start_test_engine(tmp_path_factory.mktemp("opensearch"), 1, "512m")
    yield url
    stop_engine(settings)


@dataclass(frozen=True)
class Engine:
    """One engine a test runs on: which, and where."""

    name: str
    url: str

    def client(self, timeout: float = 30) -> OpenSearch:
        return OpenSearch(hosts=[self.url], timeout=timeout)

    @property
    def is_real(self) -> bool:
        return self.name == "opensearch"


def wipe(url: str, keep_prefix: str = "ds") -> None:
    """Delete every index and template on the real test node but the datasets' namespaces."""
    client = OpenSearch(hosts=[url], timeout=30)
    names = client.indices.get(index="*", expand_wildcards="open,closed")
    doomed = [n for n in names if not n.startswith((".", keep_prefix))]
    for start in range(0, len(doomed), 50):
        client.indices.delete(index=",".join(doomed[start : start + 50]), ignore=[404])
    templates = client.indices.get_index_template().get("index_templates", [])
    for template in templates:
        client.indices.delete_index_template(name=template["name"], ignore=[404])
    client.close()


@pytest.fixture(scope="module", params=ENGINES)
def module_engine(request: pytest.FixtureRequest) -> str:
    """The engine a module's shared dataset lives on (`api_support.indexed_dataset`)."""
    if request.param == "opensearch":
        request.getfixturevalue("opensearch_node")  # skips here when the real engine cannot run
    return str(request.param)


@pytest.fixture(scope="module")
def dataset_rows() -> list[dict[str, Any]]:
    """The profiles in a module's `dataset`: the certification corpus (`api_support.corpus`),
    unless the module defines a `dataset_rows` fixture of its own."""
    return corpus()


@pytest.fixture(scope="module")
def dataset(
    request: pytest.FixtureRequest,
    module_engine: str,
    dataset_rows: list[dict[str, Any]],
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Dataset]:
    """A module's `dataset_rows`, indexed once per engine (`api_support.indexed_dataset`)."""
    workdir = tmp_path_factory.mktemp("dataset")
    with indexed_dataset(request, module_engine, dataset_rows, workdir) as ds:
        yield ds


@pytest.fixture(params=ENGINES)
def engine(request: pytest.FixtureRequest, osmem_server: OsmemServer) -> Iterator[Engine]:
    """An empty engine for one test: an embedded clone, or the real node wiped clean."""
    if request.param == "embedded":
        clone = osmem_server.clone()
        yield Engine("embedded", clone.url)
        clone.close()
        return
    url: str = request.getfixturevalue("opensearch_node")
    wipe(url)
    yield Engine("opensearch", url)
    wipe(url)


@pytest.fixture(scope="session")
def osmem_server() -> Iterator[OsmemServer]:
    """One embedded server for the session; each test works on its own clone of it."""
    server = OsmemServer.start(japanese=False)
    yield server
    stop_embedded(server)


@pytest.fixture
def client(engine: Engine) -> Iterator[OpenSearch]:
    """A client on an empty engine: each test that takes it runs on both engines."""
    client = engine.client()
    yield client
    client.close()


@pytest.fixture
def embedding_cache(tmp_path: Path) -> Iterator[EmbeddingCache]:
    cache = EmbeddingCache(tmp_path / "embeddings.sqlite3")
    yield cache
    cache.close()


@pytest.fixture
def builder() -> DocumentBuilder:
    return document_builder()
