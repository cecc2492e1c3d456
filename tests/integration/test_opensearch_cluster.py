"""A three-node OpenSearch cluster (one JVM per node) losing a node under load.

The API talks to all three nodes through the product's own client (`OPENSEARCH_URL` with three
URLs). One node is SIGKILLed while 8 clients search: no search may fail or outlast the request
timeout. The node comes back, the cluster turns green again, and the same API process keeps
serving. A rebuild started while a node is down either completes or leaves the aliases alone.
"""

from __future__ import annotations

import io
import threading
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from opensearchpy import OpenSearch

from config.settings import EngineSettings, TalentSettings
from indexer.demo_corpus import write_demo_corpus
from indexer.errors import IndexerError
from indexer.indexing_run import run_index
from indexer.skill_embeddings import EmbeddingCache
from mappings.aliases import alias_target
from mappings.index_contract import PROFILES
from query_api.api_keys import KeyStore
from query_api.api_settings import ApiSettings
from query_api.app import create_app
from talent_search.engine_process import make_client
from talent_search.opensearch_engine import kill_node, restart_node, stop_engine
from tests.factories import document_builder, fake_encode
from tests.integration.api_support import STANDARD, TODAY, hammer
from tests.integration.conftest import require_real_engine, start_test_engine
from tests.integration.servers import served_over_http

pytestmark = [pytest.mark.integration, pytest.mark.fault]
REQUEST_TIMEOUT_S = 5.0
VICTIM = "node-1"


class Cluster:
    def __init__(self, settings: TalentSettings, url: str, work: Path) -> None:
        self.settings = settings
        self.url = url
        self.work = work
        self.cache = EmbeddingCache(work / "embeddings.sqlite3")

    def client(self) -> OpenSearch:
        return make_client(self.url, EngineSettings(timeout_s=30))

    def health(self) -> dict[str, Any]:
        with self.client() as client:
            health: dict[str, Any] = client.cluster.health()
        return health

    def index(self, path: Path) -> Any:
        with self.client() as client:
            return run_index(
                client, path, io.StringIO(), document_builder(), fake_encode, self.cache, "fake"
            )


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    require_real_engine()
    work = tmp_path_factory.mktemp("cluster")
    settings, url = start_test_engine(work / "state", nodes=3, heap="384m")
    cluster = Cluster(settings, url, work)
    corpus = work / "profiles.jsonl"
    write_demo_corpus(corpus, 2000, seed=3)
    cluster.index(corpus)
    try:
        yield cluster
    finally:
        cluster.cache.close()
        stop_engine(settings)


def _api(cluster: Cluster) -> Any:
    return create_app(
        ApiSettings(keys_file=cluster.work / "no-keys.json", request_timeout_s=REQUEST_TIMEOUT_S),
        client_factory=lambda: make_client(
            cluster.url, EngineSettings(timeout_s=REQUEST_TIMEOUT_S)
        ),
        encoder=fake_encode,
        key_store=KeyStore.with_demo_keys(),
        today=lambda: TODAY,
    )


def test_the_index_is_spread_over_three_nodes_with_a_replica(cluster: Cluster) -> None:
    with cluster.client() as client:
        live = alias_target(client, PROFILES.alias)
        shards = client.cat.shards(index=live, format="json")
    assert cluster.health()["status"] == "green"
    assert len({s["node"] for s in shards}) == 3
    assert Counter(s["prirep"] for s in shards) == {"p": 3, "r": 3}


def test_a_node_killed_under_load_fails_no_search_and_comes_back(
    cluster: Cluster, record_property: Any
) -> None:
    with served_over_http(_api(cluster)) as base:
        stop = threading.Event()
        calls, threads = hammer(base, 8, stop, {"q": "python developer"})
        calls.wait_for(24)
        before = len(calls)
        kill_node(cluster.settings, VICTIM)
        killed_at = len(calls)
        time.sleep(3.0)
        calls.wait_for(24, since=killed_at)
        during = calls[killed_at:]
        restart_node(cluster.settings, VICTIM)  # waits for green
        back_at = len(calls)
        calls.wait_for(24, since=back_at)
        stop.set()
        for thread in threads:
            thread.join(timeout=30)
        after = calls[back_at:]
        # the same API process still serves, and every node is used again
        with httpx.Client(base_url=base, timeout=30) as http:
            final = http.get("/v1/search", params={"q": "react"}, headers=STANDARD)
    statuses = Counter(status for _, status, _ in calls)
    slowest = max(latency for latency, _, _ in calls)
    assert before > 0 and during and after
    assert statuses == {200: len(calls)}, statuses
    assert all(count > 0 for _, _, count in calls)
    # every search answered 200: none ran into the request timeout (that is a 504). How long
    # the slowest took is recorded, not asserted: the machines are shared and noisy.
    assert cluster.health()["status"] == "green"
    assert final.status_code == 200
    record_property(
        "observed",
        f"{len(calls)} searches by 8 clients, {len(during)} while {VICTIM} was down: "
        f"{dict(statuses)}; slowest {slowest:.2f} s (timeout {REQUEST_TIMEOUT_S} s); green again",
    )


def test_a_rebuild_while_a_node_is_down_completes_or_leaves_the_aliases(
    cluster: Cluster, record_property: Any
) -> None:
    with cluster.client() as client:
        live_before = alias_target(client, PROFILES.alias)
        count_before = client.count(index=PROFILES.alias)["count"]
    second = cluster.work / "second.jsonl"
    write_demo_corpus(second, 900, seed=4)
    kill_node(cluster.settings, VICTIM)
    try:
        try:
            summary = cluster.index(second)
            outcome = "completed"
        except IndexerError as exc:
            summary, outcome = None, f"failed: {exc}"
        with cluster.client() as client:
            live_after = alias_target(client, PROFILES.alias)
            count_after = client.count(index=PROFILES.alias)["count"]
    finally:
        restart_node(cluster.settings, VICTIM)
    if summary is not None:
        assert live_after == summary.profiles_index != live_before
        assert count_after == 900
    else:
        assert live_after == live_before and count_after == count_before
    assert cluster.health()["status"] == "green"
    record_property("observed", f"rebuild with {VICTIM} down: {outcome}")
