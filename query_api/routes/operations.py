"""Operations: liveness, readiness and metrics (the last two say more to the operator)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, PlainTextResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from query_api.deps import State, is_operator
from query_api.errors import NotFound
from query_api.response_models import Readiness, ReadinessDetails

router = APIRouter(tags=["operations"])


@router.get("/healthz", summary="The process is up.")
async def healthz() -> dict[str, str]:
    """On the event loop: it answers whatever the thread pool or the search queue holds."""
    return {"status": "ok"}


@router.get(
    "/readyz",
    summary="The backend is reachable and the aliases exist.",
    description=(
        "Anyone gets `ready` and a short reason. With the operator credential "
        "(`Authorization: Bearer <TALENT_SEARCH_API_OPERATOR_TOKEN>`) it adds the index "
        "names and the backend's error."
    ),
    response_model=Readiness | ReadinessDetails,
    responses={503: {"model": Readiness, "description": "Not ready."}},
)
def readyz(request: Request, state: State) -> JSONResponse:
    details = state.searcher_provider.readiness()
    status_code = 200 if details.ready else 503
    if is_operator(request, state.settings):
        return JSONResponse(details.model_dump(), status_code=status_code)
    return JSONResponse(details.public().model_dump(), status_code=status_code)


@router.get(
    "/metrics",
    summary="Prometheus metrics (operator credential only).",
    description=(
        "Needs `Authorization: Bearer <TALENT_SEARCH_API_OPERATOR_TOKEN>`; without the "
        "setting, or with another credential, the route answers 404."
    ),
    response_class=PlainTextResponse,
    responses={
        200: {"content": {"text/plain": {}}, "description": "Prometheus text."},
        404: {
            "content": {
                "application/json": {"schema": {"$ref": "#/components/schemas/ErrorResponse"}}
            },
            "description": "No operator credential (the same answer as an unknown path).",
        },
    },
)
def metrics(request: Request, state: State) -> Response:
    if not is_operator(request, state.settings):
        # The same answer as for a path that does not exist: nothing to probe for.
        raise NotFound("Not Found")
    return Response(generate_latest(state.metrics.registry), media_type=CONTENT_TYPE_LATEST)
