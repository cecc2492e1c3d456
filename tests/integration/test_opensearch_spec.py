"""The specification check on the embedded server's answers, not the fake's (tests/unit/).

The same indexer and searcher flows as tests/unit/test_opensearch_spec.py, recorded as the client
sends them to a clone of the embedded server, so no answer of the fake hides a request.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from opensearchpy import OpenSearch
from opensearchpy.connection import Urllib3HttpConnection

from tests.unit.test_opensearch_spec import (
    VALIDATED,
    Recorded,
    exercise_indexer,
    exercise_searcher,
    groups,
    spec_errors,
)


class RecordingHttpConnection(Urllib3HttpConnection):
    """The real connection, recording each request as sent."""

    def __init__(self, recorded: list[Recorded], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.recorded = recorded

    def perform_request(self, method: str, url: str, *args: Any, **kwargs: Any) -> Any:
        body = args[1] if len(args) > 1 else kwargs.get("body")
        self.recorded.append(Recorded(method, url, body))
        return super().perform_request(method, url, *args, **kwargs)


@pytest.mark.integration
def test_requests_to_the_embedded_server_validate(osmem_clone: Any, tmp_path: Path) -> None:
    """The same flows against the embedded server, so the fake's answers hide no request."""
    requests: list[Recorded] = []
    client = OpenSearch(
        hosts=[osmem_clone.url],
        timeout=30,
        connection_class=RecordingHttpConnection,
        recorded=requests,
    )
    exercise_indexer(client, tmp_path)
    exercise_searcher(client)
    assert spec_errors(requests) == []
    assert groups(requests) == set(VALIDATED) - {"update"}
