"""The query API's errors: each `ApiError` carries the HTTP status it is answered with.

    domain.errors.TalentSearchError
    └── QueryApiError                           the package's root
        ├── ApiError                            answered with its status (500 internal_error)
        │   ├── Unauthorized                    401
        │   ├── Forbidden                       403
        │   ├── NotFound                        404
        │   ├── InvalidParameters               422
        │   ├── TooManyRequests                 429
        │   ├── BackendUnavailable              503
        │   │   └── NotIndexed                  503: nothing indexed behind the aliases yet
        │   └── BackendTimeout                  504
        └── api_keys.KeyFileError (ValueError)  the key file is unreadable or malformed

How each is answered, and how the other packages' errors (the engine client's,
`ranking.errors`) map to HTTP, is `query_api.error_responses`, the only place that does, but
for the engine's timeouts: `engine_timeouts_as_504` here turns them into `BackendTimeout`. This
module imports no response model at run time, so `api_keys` (which those models import) can
raise from here without an import cycle.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from opensearchpy.exceptions import ConnectionTimeout

from domain.errors import TalentSearchError

if TYPE_CHECKING:
    from query_api.response_models import ErrorDetail

log = logging.getLogger("query_api")

UNAUTHORIZED = "missing or unknown API key: send your key in the X-API-Key header"


class QueryApiError(TalentSearchError):
    """Root of the query API's errors."""


class ApiError(QueryApiError):
    """An error the API answers with `status`, `code` and the message."""

    status = 500
    code = "internal_error"

    def __init__(self, message: str, details: list[ErrorDetail] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details or []
        self.headers: dict[str, str] = {}


class Unauthorized(ApiError):
    status = 401
    code = "unauthorized"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.headers = {"WWW-Authenticate": "ApiKey"}


class Forbidden(ApiError):
    status = 403
    code = "forbidden"


class NotFound(ApiError):
    status = 404
    code = "not_found"


class InvalidParameters(ApiError):
    status = 422
    code = "invalid_parameters"


class TooManyRequests(ApiError):
    """429: one client asked for more at once than its share; the handler adds `Retry-After`."""

    status = 429
    code = "too_many_requests"


class BackendUnavailable(ApiError):
    """503; the handler adds `Retry-After` (the API's `retry_after_s`)."""

    status = 503
    code = "backend_unavailable"


class NotIndexed(BackendUnavailable):
    """The engine answers, but no profiles are indexed behind the aliases yet."""

    def __init__(self, message: str = "no profiles are indexed yet; retry later") -> None:
        super().__init__(message)


class BackendTimeout(ApiError):
    """An engine call outlived its timeout (`OPENSEARCH_TIMEOUT_S`)."""

    status = 504
    code = "backend_timeout"


@contextmanager
def engine_timeouts_as_504() -> Iterator[None]:
    """Raise BackendTimeout for an engine call in the block that times out."""
    try:
        yield
    except ConnectionTimeout as exc:
        log.warning("backend timed out", extra={"error": str(exc)})
        raise BackendTimeout("the search backend timed out") from exc
