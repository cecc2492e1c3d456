"""Faults the service must survive, each on both engines (the embedded server and OpenSearch).

Every test records what it observed (`record_property("fault", ...)`, `("observed", ...)`), and
`benchmarks/faults.py` runs this file and prints those rows as a table.
"""

from __future__ import annotations

import io
import os
import random
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from opensearchpy import OpenSearch

from domain.encoder import model_key
from indexer.demo_corpus import write_demo_corpus
from indexer.index_aliases import concrete_indices
from indexer.indexing_run import run_index
from indexer.skill_embeddings import EmbeddingCache
from mappings.aliases import alias_target
from mappings.index_contract import PROFILES, SKILLS
from tests.factories import document_builder, fake_encode, write_jsonl
from tests.integration.api_support import (
    STANDARD,
    Dataset,
    corpus,
    hammer,
    make_app,
)
from tests.integration.conftest import Engine
from tests.integration.fault_proxy import fault_proxy
from tests.integration.servers import served_over_http

pytestmark = [pytest.mark.integration, pytest.mark.fault]
Recorder = Callable[[str, object], None]
TIMEOUT_S = 1.0


def test_backend_down_at_api_start(tmp_path: Path, record_property: Recorder) -> None:
    record_property("fault", "backend down at API start")
    app = make_app("http://127.0.0.1:9", tmp_path)
    with served_over_http(app) as base, httpx.Client(base_url=base, timeout=10) as http:
        assert http.get("/healthz").status_code == 200
        ready = http.get("/readyz")
        search = http.get("/v1/search", params={"q": "python"}, headers=STANDARD)
    assert ready.status_code == 503 and ready.json()["ready"] is False
    assert search.status_code == 503 and search.headers["retry-after"] == "5"
    assert search.json()["error"]["code"] == "backend_unavailable"
    assert search.json()["error"]["request_id"] == search.headers["x-request-id"]
    record_property(
        "observed",
        f"API started; /readyz {ready.status_code}; search {search.status_code} "
        f"with Retry-After {search.headers['retry-after']}",
    )


def test_backend_dies_mid_run_and_returns(
    dataset: Dataset, tmp_path: Path, record_property: Recorder
) -> None:
    record_property("fault", f"backend dies mid-run, then returns ({dataset.engine})")
    with fault_proxy(dataset.url) as proxy:
        app = make_app(
            proxy.url, tmp_path, namespace=dataset.namespace, request_timeout_s=TIMEOUT_S
        )
        with served_over_http(app) as base:
            stop = threading.Event()
            calls, threads = hammer(base, 8, stop, {"q": "python developer"})
            calls.wait_for(8, status=200)  # the load is on: searches are being answered
            proxy.stop()  # the backend vanishes under load
            died_at = len(calls)
            # the outage lasts until the clients have been refused twice each, on average
            calls.wait_for(16, since=died_at, status=503)
            outage = list(calls[died_at:])
            proxy.start()  # ... and comes back on the same address
            back = len(calls)
            # the clients' own searches are answered again, by the same API process
            calls.wait_for(8, since=back, status=200)
            recovered = calls[back:]
            stop.set()
            for thread in threads:
                thread.join(timeout=30)
    statuses = Counter(status for _, status, _ in outage)
    slowest = max(latency for latency, _, _ in calls)
    assert outage and set(statuses) <= {200, 503, 504}, statuses
    assert statuses[503] > 0
    # nobody hung: every client's loop ended once told to stop (the join's 30 s is a guard
    # against a hang, far above any answer's time; the slowest answer is recorded below)
    assert all(not t.is_alive() for t in threads)
    assert sum(status == 200 for _, status, _ in recovered) >= 8
    record_property(
        "observed",
        f"{len(calls)} searches by 8 clients; during the outage {dict(statuses)}; slowest answer "
        f"{slowest:.2f} s (timeout {TIMEOUT_S} s); after the backend returned, "
        f"{Counter(status for _, status, _ in recovered)} until 8 were answered, without a restart",
    )


def test_backend_slower_than_the_timeout(
    dataset: Dataset, tmp_path: Path, record_property: Recorder
) -> None:
    record_property("fault", f"backend slower than the timeout ({dataset.engine})")
    with fault_proxy(dataset.url) as proxy:
        app = make_app(proxy.url, tmp_path, namespace=dataset.namespace, request_timeout_s=0.3)
        with served_over_http(app) as base, httpx.Client(base_url=base, timeout=10) as http:
            assert http.get("/v1/search", params={"q": "go"}, headers=STANDARD).status_code == 200
            proxy.delay_s = 60.0  # the backend says nothing until the test releases it
            started = time.perf_counter()
            response = http.get("/v1/search", params={"q": "go"}, headers=STANDARD)
            elapsed = time.perf_counter() - started
            # the API answered while its msearch was still held: at its own timeout, not
            # after the backend's answer
            held = proxy.slow_arrived.is_set() and not proxy.release.is_set()
            proxy.release.set()
    assert response.status_code == 504
    assert response.json()["error"]["code"] == "backend_timeout"
    assert held
    record_property("observed", f"504 after {elapsed:.2f} s (timeout 0.3 s, backend held)")


def test_rebuild_under_search_load(
    engine: Engine, tmp_path: Path, record_property: Recorder
) -> None:
    record_property("fault", f"rebuild under search load (8 clients, {engine.name})")
    rows = corpus()
    with engine.client() as client:
        cache = EmbeddingCache(tmp_path / "first-cache.sqlite3")
        first = write_jsonl(tmp_path / "first.jsonl", list(rows))
        run_index(client, first, io.StringIO(), document_builder(), fake_encode, cache, "fake")
        cache.close()
        before = alias_target(client, PROFILES.alias)
        app = make_app(engine.url, tmp_path, settings={"skills_refresh_s": 0.5})
        with served_over_http(app) as base:
            stop = threading.Event()
            calls, threads = hammer(base, 8, stop, {"q": "python"})
            calls.wait_for(8)  # searches are running before the first swap
            cache = EmbeddingCache(tmp_path / "rebuild-cache.sqlite3")
            path = write_jsonl(tmp_path / "again.jsonl", list(rows))
            for _ in range(3):  # three rebuilds, three alias swaps, under load
                run_index(
                    client, path, io.StringIO(), document_builder(), fake_encode, cache, "fake"
                )
            cache.close()
            # searches go on after the last swap, begun once the API has had its skills refresh
            # interval (0.5 s) to pick up the new skills index, and for at least 50 in all
            refreshed = time.perf_counter() + 0.5
            calls.wait_for(16, began_after=refreshed)
            calls.wait_for(51)
            stop.set()
            for thread in threads:
                thread.join(timeout=30)
        after = alias_target(client, PROFILES.alias)
    failed = [c for c in calls if c[1] != 200]
    empty = [c for c in calls if c[1] == 200 and c[2] == 0]
    assert before != after
    assert len(calls) > 50
    assert not failed and not empty, (Counter(c[1] for c in failed), len(empty))
    record_property(
        "observed",
        f"{len(calls)} searches across 3 alias swaps: {len(failed)} failed, {len(empty)} empty",
    )


def _index_command(profiles: Path) -> list[str]:
    return [
        str(Path(sys.executable).with_name("talent-search")),
        "index",
        str(profiles),
        "--rebuild",
    ]


def _state(client: OpenSearch) -> dict[str, Any]:
    live = alias_target(client, PROFILES.alias)
    ids = set()
    if live:
        body = {"size": 10_000, "_source": False, "query": {"match_all": {}}}
        ids = {h["_id"] for h in client.search(index=live, body=body)["hits"]["hits"]}
    return {
        "live": live,
        "ids": ids,
        "indices": concrete_indices(client, PROFILES) + concrete_indices(client, SKILLS),
    }


def test_indexer_killed_mid_rebuild(
    engine: Engine, tmp_path: Path, record_property: Recorder
) -> None:
    """SIGKILL at a random point of a rebuild: the alias keeps the previous complete index, and a
    rerun ends in the state of a clean run, with the partial indices cleaned up."""
    record_property("fault", f"indexer killed (SIGKILL) mid-rebuild ({engine.name})")
    first = tmp_path / "first.jsonl"
    second = tmp_path / "second.jsonl"
    write_demo_corpus(first, 600, seed=1)
    # The real engine rebuilds 1,500 profiles in about a second: give it enough to be killed in.
    second_count = 8000 if engine.is_real else 1500
    write_demo_corpus(second, second_count, seed=2)
    with engine.client() as client:
        # The first load runs in-process and fills the embedding cache under the real model's key
        # (with fake vectors), so the subprocess never needs to load the model.
        cache = EmbeddingCache(tmp_path / "state" / "embeddings.sqlite3")
        for path in (first, second):
            run_index(
                client, path, io.StringIO(), document_builder(), fake_encode, cache, model_key()
            )
        # start again from nothing (deleting the indices takes their aliases with them)
        client.indices.delete(index=",".join(_state(client)["indices"]))
        run_index(client, first, io.StringIO(), document_builder(), fake_encode, cache, model_key())
        cache.close()
        complete = _state(client)
        env = os.environ | {
            "OPENSEARCH_URL": engine.url,
            "TALENT_SEARCH_STATE_DIR": str(tmp_path / "state"),
            "HF_HUB_OFFLINE": "1",
        }
        command = _index_command(second)
        rng = random.Random()
        process = subprocess.Popen(
            command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        # wait for the rebuild's new (partial) index, then kill at a random point of the load
        deadline = time.monotonic() + 60
        while len(_state(client)["indices"]) <= len(complete["indices"]):
            assert process.poll() is None, "the indexer finished before it could be killed"
            assert time.monotonic() < deadline
            time.sleep(0.05)
        delay = rng.uniform(0.0, 0.5 if engine.is_real else 1.5)
        time.sleep(delay)
        killed_during_load = process.poll() is None
        assert killed_during_load, "the rebuild finished before the kill: give it more profiles"
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
        after_kill = _state(client)
        assert after_kill["live"] == complete["live"]
        assert after_kill["ids"] == complete["ids"]
        rerun = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)
        assert rerun.returncode == 0, rerun.stderr[-2000:]
        final = _state(client)
        # the same as a clean run: the second corpus is live, the first is `-previous`, and the
        # partial indices of the killed run are gone
        assert final["live"] != complete["live"]
        assert len(final["ids"]) == second_count
        assert alias_target(client, PROFILES.previous_alias) == complete["live"]
        assert len(final["indices"]) == 4  # live + previous, for both kinds
    record_property(
        "observed",
        f"killed {delay:.2f} s into the load (still running: {killed_during_load}); live alias "
        f"kept {len(complete['ids'])} complete profiles; rerun: {second_count} live, previous "
        f"kept, {len(after_kill['indices']) - len(complete['indices'])} partial indices removed",
    )
