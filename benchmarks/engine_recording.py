"""The engine requests a search sends, recorded at the client, and replayed as they were.

`Recorder(client)` wraps the opensearch-py client's transport: every request the client sends
(method, path, query parameters, headers, body: for `_msearch` the NDJSON text exactly as
serialised) is kept, in order, before it goes out. `replay` sends recorded requests again
through another client's transport, one after the other, as the search sent them. A "bare"
baseline replays, per search, every round the search sent (a first `_msearch`, a second one
when skill feedback re-plans, ...), so that what it measures is the engine's share of that
very search.

Searchers also make periodic checks through the same client (the aliases, counts and mappings
they cache for a few seconds: `ranking.live_index`, `TalentSearcher.has_profile_vectors`, the
API's `SearcherProvider`). They are not a search's rounds: `search_rounds` keeps the `_msearch`
requests and `housekeeping` names the rest, for the record.

`RecordingProxy` checks a recording against another process (the API as `serve` runs it): an
HTTP proxy in front of the engine that keeps every request's method, path and body.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
from opensearchpy import OpenSearch


@dataclass(frozen=True)
class EngineCall:
    method: str
    url: str
    params: Mapping[str, Any] | None
    body: Any  # as the transport got it: an `_msearch` body is its NDJSON text
    timeout: float | None = None
    headers: Mapping[str, str] | None = None

    @property
    def is_search_round(self) -> bool:
        return self.url.endswith("/_msearch")

    @property
    def lines(self) -> int:
        """`_msearch` bodies in the request (header and body lines, halved); 0 otherwise."""
        if not self.is_search_round or not isinstance(self.body, str):
            return 0
        return sum(1 for line in self.body.splitlines() if line.strip()) // 2


class Recorder:
    """Every request `client` sends from now on, in order (thread-safe; `take` empties it)."""

    def __init__(self, client: OpenSearch) -> None:
        self._calls: list[EngineCall] = []
        self._lock = threading.Lock()
        send = client.transport.perform_request

        def perform_request(
            method: str,
            url: str,
            params: Mapping[str, Any] | None = None,
            body: Any = None,
            timeout: float | None = None,
            ignore: Collection[int] = (),
            headers: Mapping[str, str] | None = None,
        ) -> Any:
            # copied: the transport pops `request_timeout` out of the caller's params
            call = EngineCall(
                method,
                url,
                dict(params) if params else None,
                body,
                timeout,
                dict(headers) if headers else None,
            )
            with self._lock:
                self._calls.append(call)
            return send(
                method,
                url,
                params=params,
                body=body,
                timeout=timeout,
                ignore=ignore,
                headers=headers,
            )

        client.transport.perform_request = perform_request  # type: ignore[method-assign]

    def take(self) -> list[EngineCall]:
        """The requests recorded since the last `take`."""
        with self._lock:
            calls, self._calls = self._calls, []
        return calls


def search_rounds(calls: list[EngineCall]) -> list[EngineCall]:
    """The `_msearch` requests of one search, in the order it sent them."""
    return [c for c in calls if c.is_search_round]


def housekeeping(calls: list[EngineCall]) -> Counter[str]:
    """The other requests (periodic checks), counted by method and path."""
    return Counter(f"{c.method} {c.url}" for c in calls if not c.is_search_round)


class ReplayError(RuntimeError):
    """A replayed `_msearch` answered an error for one of its searches."""


def send_calls(client: OpenSearch, calls: list[EngineCall]) -> list[Any]:
    """Send `calls` again, one after the other, through `client`'s transport: their answers.
    Raises ReplayError when an `_msearch` answers an error for one of its searches."""
    answers = []
    for c in calls:
        params = dict(c.params) if c.params else None
        answer = client.transport.perform_request(
            c.method, c.url, params=params, body=c.body, timeout=c.timeout, headers=c.headers
        )
        if c.is_search_round and any("error" in r for r in answer["responses"]):
            raise ReplayError(f"{c.url}: an error in its responses")
        answers.append(answer)
    return answers


def replay(client: OpenSearch, calls: list[EngineCall]) -> bool:
    """`send_calls`, for a load worker: False when a call failed or answered an error."""
    try:
        send_calls(client, calls)
    except Exception:
        return False
    return True


class RecordingProxy:
    """An HTTP proxy on a free loopback port in front of `target` (one engine node, plain
    HTTP): it forwards every request and keeps (method, path with query, body text), in
    order. For checks, not for load: one thread per connection, nothing tuned."""

    def __init__(self, target: str) -> None:
        self._calls: list[tuple[str, str, str]] = []
        self._lock = threading.Lock()
        upstream = httpx.Client(base_url=target.rstrip("/"), timeout=120)
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def forward(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                with proxy._lock:
                    proxy._calls.append((self.command, self.path, body.decode("utf-8")))
                headers = {
                    k: v for k, v in self.headers.items() if k.lower() in ("content-type", "accept")
                }
                answer = upstream.request(self.command, self.path, content=body, headers=headers)
                self.send_response(answer.status_code)
                self.send_header("Content-Type", answer.headers.get("content-type", "text/plain"))
                self.send_header("Content-Length", str(len(answer.content)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(answer.content)

            do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = forward

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._upstream = upstream
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def take(self) -> list[tuple[str, str, str]]:
        """The requests forwarded since the last `take`: (method, path, body text)."""
        with self._lock:
            calls, self._calls = self._calls, []
        return calls

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._upstream.close()
