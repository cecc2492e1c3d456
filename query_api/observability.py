"""Request ids, structured JSON logs, Prometheus metrics and the request-body limit.

Every request gets an id (the caller's `X-Request-ID` when it is sane, else a new one), echoed in
the response header, in error bodies and in one JSON log line. Metric labels are the route
template, never the raw path or any parameter, so they cannot carry what a client asked for.
"""

from __future__ import annotations

import json
import logging
import re
import sys
import time
import uuid
from collections.abc import Callable
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Histogram
from pythonjsonlogger.json import JsonFormatter
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

log = logging.getLogger("query_api.access")

_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
_LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.25, 0.5, 1, 2.5, 5, 10)


class ApiMetrics:
    """The API's own registry, so several apps (tests) never collide in the global one."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "talent_search_requests",
            "HTTP requests by route, method and status.",
            ["route", "method", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "talent_search_request_seconds",
            "HTTP request latency by route.",
            ["route"],
            buckets=_LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.backend = Histogram(
            "talent_search_backend_seconds",
            "Backend time per search stage: msearch round trip, engine time per leg, embedding.",
            ["stage"],
            buckets=_LATENCY_BUCKETS,
            registry=self.registry,
        )

    def observe_search(self, timings_ms: dict[str, float]) -> None:
        for stage, ms in timings_ms.items():
            self.backend.labels(stage=stage).observe(ms / 1000)


def configure_logging(level: str = "INFO") -> None:
    """JSON lines on stderr for the API's loggers (idempotent)."""
    logger = logging.getLogger("query_api")
    logger.setLevel(level.upper())
    if not any(getattr(h, "_talent_search", False) for h in logger.handlers):
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(
            JsonFormatter("%(asctime)s %(levelname)s %(name)s %(message)s", timestamp=False)
        )
        handler._talent_search = True  # type: ignore[attr-defined]
        logger.addHandler(handler)
        logger.propagate = False


def _route_label(scope: Scope) -> str:
    route = scope.get("route")
    path = getattr(route, "path", None)
    return str(path) if path else "unmatched"


# Every /v1/ answer is one client's data: no cache keeps it, and no browser sniffs it as
# anything but the JSON it says it is.
API_HEADERS = ((b"cache-control", b"no-store"), (b"x-content-type-options", b"nosniff"))


class RequestContext:
    """ASGI middleware: request id, access log, metrics, and the body-size limit.

    The body is read up front (up to the limit) for methods that carry one, so an oversized
    body is refused with 413 before anything parses it, whether or not it declared a length.
    Before that, `gate` may refuse the request (the API's key check), whatever its body.
    """

    def __init__(
        self,
        app: ASGIApp,
        metrics: ApiMetrics,
        max_body_bytes: int,
        gate: Callable[[Scope], Response | None] | None = None,
    ) -> None:
        self.app = app
        self.metrics = metrics
        self.max_body_bytes = max_body_bytes
        # Checked before the body is read: its refusal (a 401) wins over 413 and over parsing.
        self.gate = gate

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        incoming = headers.get("x-request-id", "")
        request_id = incoming if _REQUEST_ID.match(incoming) else uuid.uuid4().hex
        scope.setdefault("state", {})["request_id"] = request_id
        started = time.perf_counter()
        status = 500
        api = str(scope.get("path", "")).startswith("/v1/")

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message.setdefault("headers", [])
                message["headers"] = [
                    *message["headers"],
                    (b"x-request-id", request_id.encode()),
                    *(API_HEADERS if api else ()),
                ]
            await send(message)

        try:
            refusal = self.gate(scope) if self.gate is not None else None
            if refusal is not None:
                await refusal(scope, receive, send_with_id)
                return
            if scope["method"] in {"POST", "PUT", "PATCH"}:
                body = await self._read_body(receive)
                if body is None:
                    await self._too_large(send_with_id, request_id)
                    return
                receive = _replay(body, receive)
            await self.app(scope, receive, send_with_id)
        finally:
            elapsed = time.perf_counter() - started
            route = _route_label(scope)
            self.metrics.requests.labels(route, scope["method"], str(status)).inc()
            self.metrics.latency.labels(route).observe(elapsed)
            state = scope.get("state", {})
            log.info(
                "request",
                extra={
                    "request_id": request_id,
                    "method": scope["method"],
                    "route": route,
                    "status": status,
                    "duration_ms": round(elapsed * 1000, 2),
                    "client": state.get("client_name"),
                    "tier": state.get("client_tier"),
                },
            )

    async def _read_body(self, receive: Receive) -> bytes | None:
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                break
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_body_bytes:
                return None
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        return b"".join(chunks)

    async def _too_large(self, send: Send, request_id: str) -> None:
        body: dict[str, Any] = {
            "error": {
                "status": 413,
                "code": "payload_too_large",
                "message": f"request body exceeds {self.max_body_bytes} bytes",
                "details": [],
                "request_id": request_id,
            }
        }
        payload = json.dumps(body).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(payload)).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": payload})


def _replay(body: bytes, original: Receive) -> Receive:
    """Hand the app the body already read, then the real channel (for disconnects)."""
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await original()

    return receive
