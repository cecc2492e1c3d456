"""The query API over real HTTP: uvicorn in a thread, on a socket bound before it starts.

The one way the tests serve an app over HTTP (browser pages, faults under load, node loss).
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import uvicorn
from fastapi import FastAPI


class _ThreadedServer(uvicorn.Server):
    """uvicorn's server, with an event set once its start-up is over."""

    def __init__(self, config: uvicorn.Config) -> None:
        super().__init__(config)
        self.startup_over = threading.Event()

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets=sockets)
        self.startup_over.set()  # listening: `started` is True

    def run_then_signal(self, sock: socket.socket) -> None:
        try:
            self.run(sockets=[sock])
        finally:
            self.startup_over.set()  # a failed start ends here, with `started` still False


@contextmanager
def served_over_http(app: FastAPI, startup_timeout_s: float = 60) -> Iterator[str]:
    """Run `app` with uvicorn in a thread (real HTTP, real concurrency); yield its base URL.

    The socket is bound here to port 0 and handed to uvicorn bound, and the URL names the port
    the kernel gave it: no free port is picked, released and bound again, so nothing else can
    take it in between.
    """
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port: int = sock.getsockname()[1]
    server = _ThreadedServer(
        uvicorn.Config(app, log_level="warning", access_log=False, lifespan="on")
    )
    thread = threading.Thread(
        target=server.run_then_signal, args=(sock,), name="uvicorn-test", daemon=True
    )
    thread.start()
    try:
        if not server.startup_over.wait(startup_timeout_s) or not server.started:
            raise RuntimeError(f"uvicorn did not start within {startup_timeout_s} s")
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()
