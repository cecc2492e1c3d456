"""Shared set-up for the query API tests: a certification corpus, an indexed clone, an app."""

from __future__ import annotations

import io
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from opensearchpy import OpenSearch
from osmem_server import OsmemServer

from indexer.indexing_run import run_index
from indexer.skill_embeddings import EmbeddingCache
from mappings.index_contract import DEFAULT_NAMESPACE, IndexNamespace
from query_api.api_keys import KeyStore
from query_api.api_settings import ApiSettings
from query_api.app import create_app
from tests.factories import certification, document_builder, fake_encode, profile, write_jsonl

# The API's clock in these tests: after AS_OF, so a certification valid when it was indexed
# (`cert-expired`) has expired by the time of the search.
TODAY = date(2026, 11, 22)
STANDARD = {"X-API-Key": "demo-standard-key"}
ENTERPRISE = {"X-API-Key": "demo-enterprise-key"}
ENGINEER = {"X-API-Key": "demo-engineer-key"}
# The operator credential of the test apps that set it (`settings={"operator_token": ...}`).
OPERATOR_TOKEN = "operator-token-for-tests-0123456789"
OPERATOR = {"Authorization": f"Bearer {OPERATOR_TOKEN}"}

# Which profiles the enterprise Diversity-Certified filter must return, and nothing else.
COUNTING = {"cert-ok": ["woman_owned"], "cert-vet": ["veteran_owned"]}
CERT_SECRETS = ["WBENC-SECRET-0001", "Lovelace Analytics LLC", "SECRET-VET-42"]


def corpus() -> list[dict[str, Any]]:
    """Certifications in every state, plus plain profiles with different badges and rates."""
    return [
        profile(
            id="cert-ok",
            title="Python Developer",
            skills=["Python", "Django"],
            hourly_rate_usd=60,
            diversity_certifications=[certification()],
        ),
        profile(
            id="cert-vet",
            title="Python Data Engineer",
            skills=["Python", "Apache Spark"],
            hourly_rate_usd=95,
            diversity_certifications=[
                certification(
                    category="veteran_owned",
                    certifying_body="NaVOBA",
                    certification_type="VOB",
                    certificate_number="SECRET-VET-42",
                )
            ],
        ),
        profile(
            id="cert-pending",
            title="Python Backend Developer",
            skills=["Python", "FastAPI"],
            diversity_certifications=[certification(review_status="pending")],
        ),
        profile(
            id="cert-rejected",
            title="Django Developer",
            skills=["Python", "Django"],
            diversity_certifications=[certification(review_status="rejected")],
        ),
        profile(
            id="cert-expired",
            title="Python Automation Engineer",
            skills=["Python", "Selenium"],
            # valid on AS_OF (indexed), expired on TODAY (searched)
            diversity_certifications=[certification(expires_on="2026-11-10")],
        ),
        profile(
            id="cert-unknown-body",
            title="Python Scripting Developer",
            skills=["Python", "Bash"],
            diversity_certifications=[certification(certifying_body="Acme Certifiers")],
        ),
        profile(
            id="cert-ca",
            title="Python Developer",
            skills=["Python", "Flask"],
            country="CA",
            diversity_certifications=[
                certification(certifying_body="CAMSC", category="minority_owned", country="CA")
            ],
        ),
        profile(
            id="go-ev",
            title="Golang Developer",
            skills=["Go", "Docker"],
            country="DE",
            hourly_rate_usd=120,
            badge="expert_vetted",
        ),
        profile(
            id="go-new",
            title="Go Backend Engineer",
            skills=["Go", "PostgreSQL"],
            hourly_rate_usd=35,
            job_success_score=None,
            total_jobs=0,
            first_contract_date=None,
        ),
        profile(
            id="react-1",
            title="React Front-End Developer",
            overview="I build accessible React and TypeScript single-page apps.",
            skills=["React", "TypeScript"],
            country="PH",
            hourly_rate_usd=25,
        ),
        profile(
            id="acc-1",
            title="Bookkeeper",
            overview="QuickBooks bookkeeping for small businesses.",
            skills=["QuickBooks", "Microsoft Excel"],
            country="PH",
            hourly_rate_usd=18,
            job_success_score=82,
        ),
    ]


def without_certifications(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{k: v for k, v in row.items() if k != "diversity_certifications"} for row in rows]


@dataclass(frozen=True)
class Dataset:
    """Indexed rows on one engine: where they are and in which index namespace."""

    engine: str
    url: str
    namespace: IndexNamespace


@contextmanager
def indexed_dataset(
    request: pytest.FixtureRequest, engine: str, rows: list[dict[str, Any]], workdir: Path
) -> Iterator[Dataset]:
    """`rows` indexed on `engine`: an embedded clone, or a namespace of its own on the real node.

    The real node is shared by the session, so a dataset that outlives one test gets a
    namespace (`ds…`) that the per-test wipe keeps, and that two datasets never share.
    """
    if engine == "embedded":
        with indexed_clone(request.getfixturevalue("osmem_server"), rows, workdir) as clone:
            yield Dataset("embedded", clone.url, DEFAULT_NAMESPACE)
        return
    url: str = request.getfixturevalue("opensearch_node")
    namespace = IndexNamespace(f"ds{uuid.uuid4().hex[:10]}")
    client = OpenSearch(hosts=[url], timeout=30)
    cache = EmbeddingCache(workdir / "embeddings.sqlite3")
    try:
        path = write_jsonl(workdir / "profiles.jsonl", list(rows))
        run_index(
            client,
            path,
            io.StringIO(),
            document_builder(),
            fake_encode,
            cache,
            "fake",
            namespace=namespace,
        )
        yield Dataset("opensearch", url, namespace)
    finally:
        cache.close()
        client.indices.delete(index=f"{namespace.prefix}-*", ignore=[404])
        client.close()


@contextmanager
def indexed_clone(server: OsmemServer, rows: list[dict[str, Any]], workdir: Path) -> Iterator[Any]:
    """A clone of the session server holding `rows`, indexed with the fake encoder."""
    clone = server.clone()
    cache = EmbeddingCache(workdir / "embeddings.sqlite3")
    try:
        client = OpenSearch(hosts=[clone.url], timeout=30)
        path = write_jsonl(workdir / "profiles.jsonl", list(rows))
        run_index(client, path, io.StringIO(), document_builder(), fake_encode, cache, "fake")
        client.close()
        yield clone
    finally:
        cache.close()
        clone.close()


def make_app(
    url: str,
    workdir: Path,
    namespace: IndexNamespace = DEFAULT_NAMESPACE,
    **kwargs: Any,
) -> FastAPI:
    overrides = {"index_prefix": namespace.prefix, **kwargs.pop("settings", {})}
    settings = ApiSettings(keys_file=workdir / "no-keys.json", **overrides)
    options: dict[str, Any] = {
        "client_factory": lambda: OpenSearch(hosts=[url], timeout=10, max_retries=0),
        "encoder": fake_encode,
        "key_store": KeyStore.with_demo_keys(),
        "today": lambda: TODAY,
    }
    return create_app(settings, **(options | kwargs))


@contextmanager
def api_client(url: str, workdir: Path, **kwargs: Any) -> Iterator[TestClient]:
    with TestClient(make_app(url, workdir, **kwargs)) as client:
        yield client


@contextmanager
def dataset_api(dataset: Dataset, workdir: Path, **kwargs: Any) -> Iterator[TestClient]:
    """An API client on `dataset` (its engine and its namespace)."""
    with api_client(dataset.url, workdir, namespace=dataset.namespace, **kwargs) as client:
        yield client


def result_ids(response: Any) -> list[str]:
    assert response.status_code == 200, response.text
    return [tile["id"] for tile in response.json()["results"]]


Call = tuple[float, int, int]  # latency s, HTTP status (-1: no answer), result count


class CallLog(list[Call]):
    """The searches `hammer` made, in the order they ended, and when each one began.

    `wait_for` blocks until enough of them came back, so a test waits for what it needs (load
    running, refusals seen) instead of sleeping and hoping that it happened in time.
    """

    def __init__(self) -> None:
        super().__init__()
        self.began: list[float] = []  # time.perf_counter() at the start of each call
        self._changed = threading.Condition()

    def record(self, began: float, status: int, count: int) -> None:
        with self._changed:
            self.began.append(began)
            self.append((time.perf_counter() - began, status, count))
            self._changed.notify_all()

    def wait_for(
        self,
        count: int,
        since: int = 0,
        status: int | None = None,
        began_after: float = float("-inf"),
        timeout_s: float = 60,
    ) -> None:
        """Until `count` calls after the first `since` ended (with `status`, if given, and begun
        after `began_after`); fails the test after `timeout_s`."""

        def matching() -> int:
            return sum(
                1
                for (_, got, _), began in zip(self[since:], self.began[since:], strict=True)
                if (status is None or got == status) and began > began_after
            )

        with self._changed:
            if not self._changed.wait_for(lambda: matching() >= count, timeout=timeout_s):
                what = "searches" if status is None else f"searches with status {status}"
                raise AssertionError(f"only {matching()} {what} in {timeout_s} s")


def hammer(
    base_url: str, clients: int, stop: threading.Event, params: dict[str, Any]
) -> tuple[CallLog, list[threading.Thread]]:
    """`clients` threads searching until `stop`: (latency s, status, result count) per call."""
    calls = CallLog()

    def loop() -> None:
        with httpx.Client(base_url=base_url, timeout=30) as http:
            while not stop.is_set():
                began = time.perf_counter()
                try:
                    response = http.get("/v1/search", params=params, headers=STANDARD)
                    status = response.status_code
                    count = len(response.json().get("results", [])) if status == 200 else 0
                except httpx.HTTPError:
                    status, count = -1, 0
                calls.record(began, status, count)

    threads = [threading.Thread(target=loop, daemon=True) for _ in range(clients)]
    for thread in threads:
        thread.start()
    return calls, threads
