"""Overload over real HTTP, on both engines: one key's burst of searches, held in the model,
while another key searches and the health routes, lookups and suggestions are asked.

No timing is asserted: searches are held until released, and the test checks who was
answered while they were held, with which status, and what one request costs the model.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest

from domain.encoder import Vector
from ranking.query_analysis import MAX_EMBEDDED_PARTS, MAX_EMBEDDED_SKILLS
from tests.factories import fake_encode
from tests.integration.api_support import (
    ENGINEER,
    ENTERPRISE,
    STANDARD,
    Dataset,
    make_app,
)
from tests.integration.servers import served_over_http

pytestmark = pytest.mark.integration

BURST = 50  # beyond the 40 threads Starlette's pool has for every synchronous route
HOLD = "hold"
JSON_CONTENT = {"content-type": "application/json"}


class HeldEncoder:
    """fake_encode that holds every batch naming HOLD until `release` is set, and records
    every text it was asked to embed (the model work requests cost)."""

    def __init__(self) -> None:
        self.release = threading.Event()
        self.arrived = threading.Semaphore(0)
        self.texts: list[str] = []
        self._lock = threading.Lock()

    def __call__(self, texts: list[str]) -> Vector:
        with self._lock:
            self.texts += texts
        if any(HOLD in text for text in texts):
            self.arrived.release()
            self.release.wait(timeout=120)
        return fake_encode(texts)


def test_a_burst_from_one_key_gets_429_while_everyone_else_is_served(
    dataset: Dataset, tmp_path: Path
) -> None:
    encoder = HeldEncoder()
    settings = {
        "max_concurrent_searches": 2,
        "max_searches_per_client": 4,
        "max_queued_searches": 3,
        "queue_timeout_s": 120,
    }
    app = make_app(
        dataset.url, tmp_path, namespace=dataset.namespace, settings=settings, encoder=encoder
    )
    with served_over_http(app) as base_url, httpx.Client(base_url=base_url, timeout=60) as http:

        def search(headers: dict[str, str], q: str) -> httpx.Response:
            with httpx.Client(base_url=base_url, timeout=120) as own:
                return own.get("/v1/search", params={"q": q}, headers=headers)

        with ThreadPoolExecutor(max_workers=BURST + 1) as pool:
            try:
                burst = [pool.submit(search, STANDARD, f"{HOLD} python {i}") for i in range(BURST)]
                for _ in range(2):  # both search slots are held in the model
                    assert encoder.arrived.acquire(timeout=60)
                # beyond its 4 (2 running, 2 waiting), the key gets 429 at once
                _wait_until(lambda: sum(f.done() for f in burst) >= BURST - 4)
                refused = [f.result() for f in burst if f.done()]
                assert len(refused) == BURST - 4
                assert {r.status_code for r in refused} == {429}
                assert all(r.headers["retry-after"] == "5" for r in refused)
                assert refused[0].json()["error"]["code"] == "too_many_requests"
                # refused before its body is read: a flooding key's requests stay cheap
                unread = http.post(
                    "/v1/search", content=b"{not json", headers=STANDARD | JSON_CONTENT
                )
                assert unread.status_code == 429 and unread.headers["retry-after"] == "5"

                # while the searches are held, every other route answers
                assert http.get("/healthz").status_code == 200
                assert http.get("/readyz").status_code == 200
                suggest = http.get(
                    "/v1/skills/suggest", params={"prefix": "pyt"}, headers=ENTERPRISE
                )
                assert suggest.status_code == 200, suggest.text
                lookup = http.get("/v1/profiles/react-1", headers=ENTERPRISE)
                assert lookup.status_code == 200, lookup.text

                # another key's ordinary search waits its turn; beyond the queue's length, 503
                other = pool.submit(search, ENTERPRISE, "golang")
                admission = app.state.talent.admission
                _wait_until(lambda: admission.waiting == 3)
                full = http.get("/v1/search", params={"q": "react"}, headers=ENGINEER)
                assert full.status_code == 503 and full.headers["retry-after"] == "5"
                assert full.json()["error"]["code"] == "backend_unavailable"
            finally:
                encoder.release.set()
            served = [f.result() for f in burst if f.result().status_code != 429]
            assert [r.status_code for r in served] == [200] * 4
            assert other.result().status_code == 200
            assert other.result().json()["results"]


def test_one_request_costs_a_bounded_number_of_model_calls(
    dataset: Dataset, tmp_path: Path
) -> None:
    """A 254-character list of 85 parts and 20 long skills: 17 model calls, not 106."""
    encoder = HeldEncoder()
    encoder.release.set()
    q = ",".join(a + b for a in "abcdefghij" for b in "abcdefghij")[: 85 * 3 - 1]
    assert len(q.split(",")) == 85
    body: dict[str, Any] = {"q": q, "skills": [f"{'x' * 90} skill {i:02d}" for i in range(20)]}
    app = make_app(dataset.url, tmp_path, namespace=dataset.namespace, encoder=encoder)
    with served_over_http(app) as base_url, httpx.Client(base_url=base_url, timeout=60) as http:
        warmed = len(encoder.texts)
        response = http.post("/v1/search", json=body, headers=STANDARD)
        assert response.status_code == 200, response.text
        embedded = encoder.texts[warmed:]
    assert len(embedded) == 1 + MAX_EMBEDDED_PARTS + MAX_EMBEDDED_SKILLS
    assert embedded[0] == q  # the whole query first, then its first parts, then skills
    assert embedded[1:3] == ["aa", "ab"]


def _wait_until(condition: Any, timeout_s: float = 60) -> None:
    """Until `condition()` holds; fails the test after `timeout_s` (no timing is asserted)."""
    done = threading.Event()
    for _ in range(int(timeout_s / 0.05)):
        if condition():
            return
        done.wait(0.05)
    raise AssertionError("the condition never held")
