"""The searcher provider and the search service turn engine outcomes into the API's errors.

No server: a fake engine client raises what opensearch-py raises, so the routes never see it.
"""

from __future__ import annotations

from datetime import date
from typing import Any, cast

import pytest
from opensearchpy import OpenSearch
from opensearchpy.exceptions import ConnectionTimeout, NotFoundError

from query_api.api_keys import ApiClient, Tier
from query_api.errors import BackendTimeout, BackendUnavailable, NotIndexed
from query_api.search_request import SearchParams
from query_api.search_service import SearchService
from query_api.searcher_provider import SearcherProvider
from ranking.ranking_profile import load_profile
from ranking.talent_searcher import TalentSearcher

TIMEOUT = ConnectionTimeout("TIMEOUT", "read timed out", Exception("read timed out"))


class FakeIndices:
    def __init__(self, alias: Exception | dict[str, Any]) -> None:
        self.alias = alias

    def get_alias(self, **_: Any) -> dict[str, Any]:
        if isinstance(self.alias, Exception):
            raise self.alias
        return self.alias


class FakeClient:
    """Answers `get` and `indices.get_alias` with a fixed result or exception."""

    def __init__(
        self, get: Exception | dict[str, Any], alias: Exception | dict[str, Any] | None = None
    ) -> None:
        self.result = get
        self.indices = FakeIndices(alias if alias is not None else {})

    def get(self, **_: Any) -> dict[str, Any]:
        if isinstance(self.result, Exception):
            raise self.result
        return self.result


def provider(client: FakeClient) -> SearcherProvider:
    unused = cast(Any, None)  # vocabulary and embedder: only the searcher needs them
    return SearcherProvider(cast(OpenSearch, client), unused, unused, ["US"], 1.0)


def test_a_profile_lookup_that_times_out_is_a_backend_timeout() -> None:
    with pytest.raises(BackendTimeout) as caught:
        provider(FakeClient(get=TIMEOUT)).get_profile("fl-1", ["id"])
    assert caught.value.status == 504 and caught.value.code == "backend_timeout"
    assert caught.value.message == "the search backend timed out"


def test_a_profile_lookup_says_not_indexed_or_not_found() -> None:
    no_index = NotFoundError(404, "index_not_found_exception", {})
    with pytest.raises(NotIndexed) as caught:
        provider(FakeClient(get=no_index)).get_profile("fl-1", ["id"])
    assert isinstance(caught.value, BackendUnavailable) and caught.value.status == 503
    missing = NotFoundError(404, "not_found", {})
    assert provider(FakeClient(get=missing)).get_profile("x", []) is None
    assert provider(FakeClient(get={"found": False})).get_profile("x", []) is None
    found = {"found": True, "_source": {"id": "fl-1"}}
    assert provider(FakeClient(get=found)).get_profile("fl-1", ["id"]) == {"id": "fl-1"}


def test_building_the_searcher_times_out_as_a_backend_timeout() -> None:
    with pytest.raises(BackendTimeout):
        provider(FakeClient(get={}, alias=TIMEOUT)).searcher()


def test_nothing_indexed_means_not_indexed() -> None:
    with pytest.raises(NotIndexed):
        provider(FakeClient(get={}, alias={})).searcher()


class SlowSearcher:
    def search(self, *_: Any, **__: Any) -> Any:
        raise TIMEOUT


def test_a_search_that_times_out_is_a_backend_timeout() -> None:
    service = SearchService(load_profile("default"), ["US"])
    with pytest.raises(BackendTimeout):
        service.search(
            cast(TalentSearcher, SlowSearcher()),
            SearchParams(q="python"),
            ApiClient("acme", Tier.STANDARD),
            date(2026, 1, 1),
        )
