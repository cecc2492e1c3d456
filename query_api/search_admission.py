"""Admission control for searches: a bounded, fair queue in the event loop, before any thread.

A search costs model time and engine time, so only `slots` run at once. The rest wait here,
on the event loop, where waiting costs no worker thread: the thread pool that health,
readiness, lookups and suggestions share is never held by a queued search. The wait is
bounded twice (at most `max_queued` waiting, each at most `queue_timeout_s`); beyond either the
search gets 503 with `Retry-After`. One client may have at most `per_client` searches admitted
or waiting; beyond that it gets 429 with `Retry-After`. A freed slot goes to the waiting client
that has the fewest searches running (the oldest request first among equals), so one client's
burst delays another client's search by at most one search, not by the whole burst.

Everything here runs on the event loop's thread, so the counters need no lock.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

from query_api.errors import BackendUnavailable, TooManyRequests

BUSY = "the service is busy; retry later"


@dataclass(eq=False)
class _Waiter:
    client: str
    granted: asyncio.Future[None] = field(
        default_factory=lambda: asyncio.get_running_loop().create_future()
    )


class SearchAdmission:
    def __init__(
        self, slots: int, max_queued: int, queue_timeout_s: float, per_client: int
    ) -> None:
        self.slots = slots
        self.max_queued = max_queued
        self.queue_timeout_s = queue_timeout_s
        self.per_client = per_client
        self._running: Counter[str] = Counter()
        self._waiting: list[_Waiter] = []  # in arrival order

    @property
    def too_many(self) -> str:
        return (
            f"too many searches at once from this key (at most {self.per_client} running "
            "or waiting); wait for one to finish"
        )

    @property
    def running(self) -> int:
        return sum(self._running.values())

    @property
    def waiting(self) -> int:
        return len(self._waiting)

    def _in_flight(self, client: str) -> int:
        return self._running[client] + sum(1 for w in self._waiting if w.client == client)

    def refuses(self, client: str) -> bool:
        """Whether `client` would get 429 now: lets the API refuse before reading the body."""
        return self._in_flight(client) >= self.per_client

    @asynccontextmanager
    async def admit(self, client: str) -> AsyncIterator[None]:
        """Hold a search slot for `client` for the block; raise 429 or 503 instead of waiting
        beyond the bounds."""
        if self.refuses(client):
            raise TooManyRequests(self.too_many)
        if self.running < self.slots and not self._waiting:
            self._running[client] += 1
        else:
            await self._wait(client)
        try:
            yield
        finally:
            self._release(client)

    async def _wait(self, client: str) -> None:
        if len(self._waiting) >= self.max_queued:
            raise BackendUnavailable(BUSY)
        waiter = _Waiter(client)
        self._waiting.append(waiter)
        try:
            async with asyncio.timeout(self.queue_timeout_s):
                await asyncio.shield(waiter.granted)
        except BaseException as exc:  # timed out, or the request was cancelled
            if waiter.granted.done():  # the slot came as it gave up: pass it on
                self._release(client)
            else:
                self._waiting.remove(waiter)
                waiter.granted.cancel()
            if isinstance(exc, TimeoutError):
                raise BackendUnavailable(BUSY) from None
            raise

    def _release(self, client: str) -> None:
        self._running[client] -= 1
        if self._running[client] <= 0:
            del self._running[client]
        while self._waiting and self.running < self.slots:
            # The client with the fewest searches running goes next; the oldest among equals.
            nxt = min(self._waiting, key=lambda w: self._running[w.client])
            self._waiting.remove(nxt)
            self._running[nxt.client] += 1
            nxt.granted.set_result(None)
