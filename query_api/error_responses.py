"""API errors' one JSON shape: `{"error": {status, code, message, details, request_id}}`.

The API's errors (`query_api.errors`) carry their status; errors from the other packages (the
engine client's, `ranking.errors`) are mapped to HTTP here and only here: a refused search
(`ranking.talent_searcher.SearchError`) is a 502, anything else unexpected a 500. Messages never
echo stored data: a 403 about the diversity filter says who may use it, never anything about who
is certified, and unexpected errors say only that something failed (details go to the log). The
README's status table lists every status this module sends.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from opensearchpy.exceptions import ConnectionError as BackendConnectionError
from starlette.exceptions import HTTPException as StarletteHTTPException

from query_api.errors import ApiError
from query_api.response_models import ErrorBody, ErrorDetail, ErrorResponse
from ranking.talent_searcher import SearchError

log = logging.getLogger("query_api")


# The error statuses each route documents in OpenAPI (the routes pick theirs).
ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorResponse, "description": description}
    for code, description in {
        401: "Missing or unknown API key.",
        403: "The key's tier may not use a parameter.",
        422: "Invalid parameters; each invalid field is named.",
        503: "The backend is unreachable, nothing is indexed yet, or the service is busy "
        "(see Retry-After).",
        504: "The backend timed out.",
    }.items()
}
# Searches only: one key's share of the admission queue (query_api.search_admission).
TOO_MANY_SEARCHES = {
    "model": ErrorResponse,
    "description": "Too many searches at once from this key (see Retry-After).",
}


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
# A client-chosen name (an unknown parameter's) is echoed at most this long, escaped; a 422
# lists at most MAX_DETAILS of its errors.
MAX_NAME_CHARS = 64
MAX_DETAILS = 20
# FastAPI's answer to a body it could not decode at all (nested too deeply for the parser).
UNPARSABLE_BODY = "There was an error parsing the body"
NOT_AN_OBJECT = frozenset({"model_attributes_type", "model_type", "dict_type"})
JSON_OBJECT_EXAMPLE = '{"q": "python developer"}'


MAX_MESSAGE_CHARS = 300


def safe_name(name: str, limit: int = MAX_NAME_CHARS) -> str:
    """`name` as it may be echoed: control and non-printable characters escaped, capped."""
    escaped = "".join(
        ch if ch.isprintable() else ch.encode("unicode_escape").decode("ascii") for ch in name
    )
    if len(escaped) > limit:
        return escaped[: limit - 1] + "…"
    return escaped


def _body_error(error: Mapping[str, Any], content_type: str | None) -> ErrorDetail:
    """The body as a whole is not a JSON object: say what it is and what is expected."""
    value = error.get("input")
    if isinstance(value, bytes):
        got = f"Content-Type: {safe_name(content_type)}" if content_type else "no Content-Type"
        message = f"the body must be JSON sent with Content-Type: application/json ({got})"
    else:
        kind = {list: "an array", str: "a string", bool: "true or false", type(None): "null"}.get(
            type(value), "a number"
        )
        message = f"the body must be one JSON object, not {kind}"
    return ErrorDetail(field="body", message=f"{message}, e.g. {JSON_OBJECT_EXAMPLE}")


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


def validation_details(
    errors: Sequence[Any], body: Any = None, content_type: str | None = None
) -> list[ErrorDetail]:
    """One detail per invalid field, named as the client wrote it (`skills[2]`, `min_rate`).

    A malformed JSON body is reported on `body` with its line and column, and so is a body that
    is not a JSON object; an error about several fields (min_rate above max_rate) names the
    field its context gives. Names are escaped and capped, and so is the number of details.
    """
    details = []
    for error in errors[:MAX_DETAILS]:
        if error.get("type") == "json_invalid":
            details.append(_json_error(error, body))
            continue
        if tuple(error.get("loc", ())) == ("body",) and error.get("type") in NOT_AN_OBJECT:
            details.append(_body_error(error, content_type))
            continue
        loc = [
            safe_name(str(part)) for part in error.get("loc", ()) if part not in {"query", "body"}
        ]
        field = ""
        for part in loc:
            field += f"[{part}]" if part.isdigit() else (f".{part}" if field else part)
        if not field:
            field = str((error.get("ctx") or {}).get("field") or "")
        message = str(error.get("msg", "invalid value")).removeprefix(VALUE_ERROR_PREFIX)
        message = safe_name(FIX_HINTS.get(str(error.get("type")), message), MAX_MESSAGE_CHARS)
        # Never echo the rejected value: it could be long or hold control characters.
        details.append(ErrorDetail(field=field or None, message=message))
    return details


def install_error_handlers(app: FastAPI, retry_after_s: int) -> None:
    @app.exception_handler(ApiError)
    async def _api_error(request: Request, exc: ApiError) -> JSONResponse:
        headers = dict(exc.headers)
        if exc.status in (429, 503):
            headers["Retry-After"] = str(retry_after_s)
        return error_response(
            request, exc.status, exc.code, exc.message, exc.details, headers or None
        )

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = exc.errors()
        details = validation_details(errors, exc.body, request.headers.get("content-type"))
        fields = ", ".join(sorted({d.field for d in details if d.field})) or "request"
        if len(errors) > MAX_DETAILS:
            fields += f" and {len(errors) - MAX_DETAILS} more"
        return error_response(
            request, 422, "invalid_parameters", f"invalid parameters: {fields}", details
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        if exc.status_code == 400 and exc.detail == UNPARSABLE_BODY:
            detail = ErrorDetail(
                field="body",
                message="the body could not be parsed: it is nested too deeply or is not "
                f"JSON. Send one JSON object, e.g. {JSON_OBJECT_EXAMPLE}",
            )
            return error_response(
                request, 422, "invalid_parameters", "invalid parameters: body", [detail]
            )
        code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
        return error_response(
            request, exc.status_code, code, str(exc.detail), headers=exc.headers or None
        )

    # After `engine_timeouts_as_504`, what is left of the engine client's connection errors.
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
