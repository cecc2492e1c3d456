"""schemathesis against the API's own OpenAPI schema: generated requests never get a 5xx, and
responses conform to the documented schemas, status codes, headers and content types.

The operations are driven through hypothesis directly (not schemathesis' lazy pytest fixture,
which does not support pytest 9), one property per documented operation.

Every check runs except `positive_data_acceptance`: some schema-valid requests are refused on
purpose, with a documented 403 (a parameter the tier may not use) or 422 (a page beyond the
ranking window, min_rate above max_rate), which a JSON schema cannot express.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from osmem_server import OsmemServer
from schemathesis.python.asgi import shutdown_lifespans
from schemathesis.specs.openapi.checks import positive_data_acceptance

from tests.integration.api_support import (
    ENGINEER,
    ENTERPRISE,
    STANDARD,
    corpus,
    indexed_clone,
    make_app,
)

pytestmark = pytest.mark.integration

SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))


@pytest.fixture(scope="module")
def api_schema(
    osmem_server: OsmemServer, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Any]:
    with indexed_clone(osmem_server, corpus(), tmp_path_factory.mktemp("schemathesis")) as clone:
        app = make_app(clone.url, tmp_path_factory.mktemp("schemathesis-app"))
        # The whole document (enterprise's): a standard key's requests are checked against it
        # too, and its diversity parameters are answered with a documented 422.
        yield schemathesis.openapi.from_asgi("/openapi.json", app, headers=ENTERPRISE)
        shutdown_lifespans()


def operations(schema: Any) -> list[Any]:
    found = [result.ok() for result in schema.get_all_operations()]
    assert {op.path for op in found} >= {"/v1/search", "/v1/profiles/{profile_id}", "/readyz"}
    return found


@pytest.mark.parametrize(
    "headers", [STANDARD, ENTERPRISE, ENGINEER], ids=["standard", "enterprise", "engineer"]
)
def test_generated_requests_get_documented_answers_and_never_a_5xx(
    api_schema: Any, headers: dict[str, str]
) -> None:
    for operation in operations(api_schema):

        @SETTINGS
        @given(case=operation.as_strategy())
        def check(case: Any) -> None:
            case.call_and_validate(headers=headers, excluded_checks=[positive_data_acceptance])

        check()
