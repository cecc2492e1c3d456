"""API errors and their one JSON shape: `{"error": {status, code, message, details, request_id}}`.

Errors from the other packages are mapped to HTTP here and only here. Messages never echo
stored data: a 403 about the diversity filter says who may use it, never anything about who is
certified, and unexpected errors say only that something failed (details go to the log).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from opensearchpy.exceptions import ConnectionError as BackendConnectionError
from opensearchpy.exceptions import ConnectionTimeout
from starlette.exceptions import HTTPException as StarletteHTTPException

from query_api.response_models import ErrorBody, ErrorDetail, ErrorResponse
from ranking.talent_searcher import SearchError

log = logging.getLogger("query_api")

UNAUTHORIZED = "missing or unknown API key: send your key in the X-API-Key header"


class ApiError(Exception):
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


class BackendUnavailable(ApiError):
    status = 503
    code = "backend_unavailable"

    def __init__(self, message: str, retry_after_s: int) -> None:
        super().__init__(message)
        self.headers = {"Retry-After": str(retry_after_s)}


class BackendTimeout(ApiError):
    status = 504
    code = "backend_timeout"


def error_response(
    request: Request,
    status: int,
    code: str,
    message: str,
    details: list[ErrorDetail] | None = None,
    headers: Mapping[str, str] | None = None,
) -> JSONResponse:
    body = ErrorResponse(
        error=ErrorBody(
            status=status,
            code=code,
            message=message,
            details=details or [],
            request_id=getattr(request.state, "request_id", None),
        )
    )
    return JSONResponse(body.model_dump(mode="json"), status_code=status, headers=headers)


VALUE_ERROR_PREFIX = "Value error, "
# How to fix an error of a kind whose pydantic message does not say it.
FIX_HINTS = {
    "extra_forbidden": "unknown parameter: check its spelling (every parameter is listed at /docs)",
}


def json_position(doc: str, pos: int) -> tuple[int, int]:
    """1-based line and column of character `pos` of `doc`."""
    line = doc.count("\n", 0, pos) + 1
    column = pos - (doc.rfind("\n", 0, pos) + 1) + 1
    return line, column


def _json_error(error: Mapping[str, Any], body: Any) -> ErrorDetail:
    loc = error.get("loc", ())
    pos = loc[-1] if loc and isinstance(loc[-1], int) else None
    reason = str((error.get("ctx") or {}).get("error") or "not valid JSON")
    where = ""
    if pos is not None:
        doc = body if isinstance(body, str) else ""
        line, column = json_position(doc, pos) if doc else (1, pos + 1)
        where = f" at line {line}, column {column}"
    return ErrorDetail(
        field="body",
        message=f"the body is not valid JSON: {reason}{where}. Send one JSON object, "
        'e.g. {"q": "python developer"}, with Content-Type: application/json',
    )


def validation_details(errors: Sequence[Any], body: Any = None) -> list[ErrorDetail]:
    """One detail per invalid field, named as the client wrote it (`skills[2]`, `min_rate`).

    A malformed JSON body is reported on `body` with its line and column; an error about
    several fields (min_rate above max_rate) names the field its context gives.
    """
    details = []
    for error in errors:
        if error.get("type") == "json_invalid":
            details.append(_json_error(error, body))
            continue
        loc = [str(part) for part in error.get("loc", ()) if part not in {"query", "body"}]
        field = ""
        for part in loc:
            field += f"[{part}]" if part.isdigit() else (f".{part}" if field else part)
        if not field:
            field = str((error.get("ctx") or {}).get("field") or "")
        message = str(error.get("msg", "invalid value")).removeprefix(VALUE_ERROR_PREFIX)
        message = FIX_HINTS.get(str(error.get("type")), message)
        # Never echo the rejected value: it could be long or hold control characters.
        details.append(ErrorDetail(field=field or None, message=message))
    return details


def install_error_handlers(app: FastAPI, retry_after_s: int) -> None:
    @app.exception_handler(ApiError)
    async def _api_error(request: Request, exc: ApiError) -> JSONResponse:
        return error_response(
            request, exc.status, exc.code, exc.message, exc.details, exc.headers or None
        )

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        details = validation_details(exc.errors(), exc.body)
        fields = ", ".join(sorted({d.field for d in details if d.field})) or "request"
        return error_response(
            request, 422, "invalid_parameters", f"invalid parameters: {fields}", details
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
        return error_response(
            request, exc.status_code, code, str(exc.detail), headers=exc.headers or None
        )

    @app.exception_handler(ConnectionTimeout)
    async def _timeout(request: Request, exc: ConnectionTimeout) -> JSONResponse:
        log.warning("backend timed out", extra={"error": str(exc)})
        return error_response(request, 504, "backend_timeout", "the search backend timed out")

    @app.exception_handler(BackendConnectionError)
    async def _down(request: Request, exc: BackendConnectionError) -> JSONResponse:
        log.warning("backend unreachable", extra={"error": str(exc)})
        return error_response(
            request,
            503,
            "backend_unavailable",
            "the search backend is unreachable; retry later",
            headers={"Retry-After": str(retry_after_s)},
        )

    @app.exception_handler(SearchError)
    async def _search_failed(request: Request, exc: SearchError) -> JSONResponse:
        log.error("backend refused a search", extra={"error": str(exc)})
        return error_response(request, 502, "backend_error", "the search backend failed")

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unexpected error")
        return error_response(request, 500, "internal_error", "internal error")
