"""The routes' dependencies: the app's state, who the caller is, and what their tier may use.

`CurrentClient` authenticates; `SearchClient` also refuses parameters the tier may not use,
before they are validated (so a forbidden parameter gets 403, never a 422 that describes it),
and a query parameter given twice that takes one value. To a standard client the diversity
parameters do not exist: its request is validated against the model without them, so it gets
exactly the 422 any unknown parameter gets. `EngineerClient` admits relevance engineers only.
"""

from __future__ import annotations

import email.message
import hmac
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any

from anyio import CapacityLimiter
from fastapi import Depends, Request, Security
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from fastapi.security import APIKeyHeader
from pydantic import ValidationError
from starlette.types import Scope

from query_api.api_keys import ApiClient, KeyStore, Tier
from query_api.api_settings import ApiSettings
from query_api.error_responses import error_response, safe_name
from query_api.errors import (
    UNAUTHORIZED,
    Forbidden,
    InvalidParameters,
    TooManyRequests,
    Unauthorized,
)
from query_api.observability import ApiMetrics
from query_api.response_models import ErrorDetail
from query_api.search_admission import SearchAdmission
from query_api.search_request import (
    DIVERSITY_PARAMS,
    ENGINEER_PARAMS,
    LIST_PARAMS,
    StandardSearchBody,
    StandardSearchParams,
)
from query_api.search_service import SearchService
from query_api.searcher_provider import SearcherProvider

DIVERSITY_FORBIDDEN = (
    "the Diversity-Certified filter (diversity_certified, diversity_categories) is available "
    "to Enterprise Suite clients only"
)
ENGINEER_FORBIDDEN = (
    "ranking overrides and explain (ranking_profile, ranking_overrides, explain) are available "
    "to relevance engineer keys only"
)
RANKING_PROFILES_FORBIDDEN = (
    "ranking profiles (listing them and exporting tuned ones) are available to relevance "
    "engineer keys only"
)

api_key_header = APIKeyHeader(
    name="X-API-Key", auto_error=False, description="Your API key; it decides your tier."
)


@dataclass
class AppState:
    """What the lifespan builds and the routes use (`app.state.talent`)."""

    settings: ApiSettings
    keys: KeyStore
    searcher_provider: SearcherProvider
    service: SearchService
    metrics: ApiMetrics
    today: Callable[[], date]
    # `talent-search demo` lists the public demo keys on the pages (GET /pages/config).
    show_demo_keys: bool
    # Admission control: a bounded number of searches work at once; the rest wait their turn
    # (bounded, fair between clients) instead of piling onto the engine or the thread pool.
    admission: SearchAdmission
    # The threads admitted searches run on: their own limiter, not the pool other routes share.
    search_threads: CapacityLimiter


def _state(request: Request) -> AppState:
    state: AppState = request.app.state.talent
    return state


async def app_state(request: Request) -> AppState:
    """On the event loop, like `authenticate`: no route waits for a thread to learn these."""
    return _state(request)


State = Annotated[AppState, Depends(app_state)]


async def authenticate(
    request: Request, key: Annotated[str | None, Security(api_key_header)]
) -> ApiClient:
    """On the event loop (a hash and a compare): a queue of searches never delays it."""
    client = _state(request).keys.authenticate(key)
    if client is None:
        raise Unauthorized(UNAUTHORIZED)
    request.state.client_name = client.name
    request.state.client_tier = client.tier.value
    return client


CurrentClient = Annotated[ApiClient, Depends(authenticate)]


def check_tier_params(names: set[str], tier: Tier) -> None:
    """403 for parameters the tier may not use, decided on parameter names alone.

    Only tiers that know the diversity filter exists are told it is not theirs; a standard
    client's diversity parameter is an unknown parameter (`hidden_params_as_unknown`).
    """
    if names & ENGINEER_PARAMS and not tier.tunes_ranking:
        raise Forbidden(ENGINEER_FORBIDDEN)
    if names & DIVERSITY_PARAMS and not tier.sees_diversity and tier is not Tier.STANDARD:
        raise Forbidden(DIVERSITY_FORBIDDEN)


STANDARD_LIST_PARAMS = LIST_PARAMS - DIVERSITY_PARAMS


def refuse_repeated(request: Request, list_params: frozenset[str]) -> None:
    """422 for a query parameter given twice that takes one value (`page=1&page=2`)."""
    query = request.query_params
    repeated = sorted(k for k in query if k not in list_params and len(query.getlist(k)) > 1)
    if repeated:
        raise InvalidParameters(
            "invalid parameters: " + ", ".join(safe_name(k) for k in repeated),
            [
                ErrorDetail(field=safe_name(k), message="given more than once: give it once")
                for k in repeated
            ],
        )


def hidden_params_as_unknown(request: Request, body: Any) -> None:
    """A standard client's request, validated without the diversity fields: the same 422 as
    for any unknown parameter (with every other error of the request)."""
    try:
        if request.method == "POST":
            StandardSearchBody.model_validate(body)
        else:
            query = request.query_params
            StandardSearchParams.model_validate(
                {k: query.getlist(k) if k in STANDARD_LIST_PARAMS else query[k] for k in query}
            )
    except ValidationError as exc:
        where = "body" if request.method == "POST" else "query"
        raise RequestValidationError(
            [{**e, "loc": (where, *e["loc"])} for e in exc.errors(include_url=False)]
        ) from None


def reads_json_body(request: Request) -> bool:
    """Whether FastAPI reads this request's body as JSON: no Content-Type, or application/json
    or application/*+json (any other body is bytes to it, and gets its own 422)."""
    content_type = request.headers.get("content-type")
    if not content_type:
        return True
    message = email.message.Message()
    message["content-type"] = content_type
    subtype = message.get_content_subtype()
    return message.get_content_maintype() == "application" and (
        subtype == "json" or subtype.endswith("+json")
    )


async def search_access(request: Request, client: CurrentClient) -> ApiClient:
    """Runs before parameter validation, so a forbidden parameter gets 403, never a 422.

    The parameters are what the route reads: the query string of a GET, the keys of a POST's
    JSON object (a POST's query string is ignored, as is a body FastAPI will not read as one
    object: such a request gets FastAPI's own 422 whatever names it holds, so a name the
    client's tier may not know is never singled out)."""
    body: Any = None
    if request.method == "POST":
        names: set[str] = set()
        if reads_json_body(request):
            with suppress(ValueError, RecursionError):
                body = await request.json()
        if isinstance(body, dict):
            names = set(body)
    else:
        names = set(request.query_params.keys())
    check_tier_params(names, client.tier)
    standard = client.tier is Tier.STANDARD
    refuse_repeated(request, STANDARD_LIST_PARAMS if standard else LIST_PARAMS)
    if standard and names & DIVERSITY_PARAMS:
        hidden_params_as_unknown(request, body)
    return client


SearchClient = Annotated[ApiClient, Depends(search_access)]


async def engineer_access(client: CurrentClient) -> ApiClient:
    if not client.tier.tunes_ranking:
        raise Forbidden(RANKING_PROFILES_FORBIDDEN)
    return client


EngineerClient = Annotated[ApiClient, Depends(engineer_access)]


def is_operator(request: Request, settings: ApiSettings) -> bool:
    """The request carries the operator credential: `Authorization: Bearer <operator token>`."""
    if settings.operator_token is None:
        return False
    scheme, _, presented = request.headers.get("authorization", "").partition(" ")
    expected = settings.operator_token.get_secret_value()
    return scheme.lower() == "bearer" and hmac.compare_digest(
        presented.strip().encode("utf-8", "surrogatepass"), expected.encode()
    )


def key_gate(scope: Scope) -> Response | None:
    """401 for any `/v1/` request without a known key, before anything reads its body; and
    429 for a search from a key that already has its share of searches (the same answer the
    route gives, without the cost of reading and validating the body: a key that floods the
    API gets cheap refusals, and everyone else's requests stay served).

    FastAPI decodes a JSON body before it runs the route's dependencies, so without this a
    malformed body would get a 422 before the key is checked. Runs in the request middleware.
    """
    path = str(scope.get("path", ""))
    if not path.startswith("/v1/"):
        return None
    request = Request(scope)
    state: AppState | None = getattr(request.app.state, "talent", None)
    client = state.keys.authenticate(request.headers.get("x-api-key")) if state else None
    if state is not None and client is not None:
        if path == "/v1/search" and state.admission.refuses(client.name):
            request.state.client_name = client.name
            retry = str(state.settings.retry_after_s)
            return error_response(
                request,
                TooManyRequests.status,
                TooManyRequests.code,
                state.admission.too_many,
                headers={"Retry-After": retry},
            )
        return None
    return error_response(
        request, 401, Unauthorized.code, UNAUTHORIZED, headers={"WWW-Authenticate": "ApiKey"}
    )
