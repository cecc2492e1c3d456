"""Admission control: bounded, fair between clients, 429/503 beyond the bounds (no server)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import pytest

from query_api.errors import BackendUnavailable, TooManyRequests
from query_api.search_admission import SearchAdmission


class Held:
    """A search that holds its slot until `done` is set, and records when it got one."""

    def __init__(self, admission: SearchAdmission, client: str, order: list[str]) -> None:
        self.done = asyncio.Event()
        self.task = asyncio.create_task(self._run(admission, client, order))

    async def _run(self, admission: SearchAdmission, client: str, order: list[str]) -> None:
        async with admission.admit(client):
            order.append(client)
            await self.done.wait()


async def settle() -> None:
    for _ in range(5):
        await asyncio.sleep(0)


def run(test: Callable[[], Awaitable[None]]) -> None:
    asyncio.run(test())


def test_a_freed_slot_goes_to_the_client_with_fewest_searches_running() -> None:
    async def scenario() -> None:
        admission = SearchAdmission(slots=2, max_queued=10, queue_timeout_s=60, per_client=10)
        order: list[str] = []
        a1, a2 = Held(admission, "a", order), Held(admission, "a", order)
        await settle()
        a3 = Held(admission, "a", order)  # waits first
        await settle()
        b1 = Held(admission, "b", order)  # waits after a's
        await settle()
        assert (admission.running, admission.waiting) == (2, 2)
        a1.done.set()
        await settle()
        assert order == ["a", "a", "b"]  # b runs none, a runs one: b goes first
        for held in (a2, a3, b1):
            held.done.set()
        await asyncio.gather(a1.task, a2.task, a3.task, b1.task)
        assert order == ["a", "a", "b", "a"]
        assert (admission.running, admission.waiting) == (0, 0)

    run(scenario)


def test_one_client_beyond_its_share_gets_429_and_others_still_queue() -> None:
    async def scenario() -> None:
        admission = SearchAdmission(slots=1, max_queued=10, queue_timeout_s=60, per_client=2)
        order: list[str] = []
        held = [Held(admission, "a", order), Held(admission, "a", order)]
        await settle()
        with pytest.raises(TooManyRequests):
            async with admission.admit("a"):
                pass
        other = Held(admission, "b", order)
        await settle()
        assert admission.waiting == 2
        for h in held:
            h.done.set()
        other.done.set()
        await asyncio.gather(*(h.task for h in [*held, other]))
        assert order == ["a", "a", "b"]  # neither runs one then: the oldest first

    run(scenario)


def test_beyond_the_queues_length_or_its_wait_a_search_gets_503() -> None:
    async def scenario() -> None:
        admission = SearchAdmission(slots=1, max_queued=1, queue_timeout_s=0.05, per_client=10)
        order: list[str] = []
        running = Held(admission, "a", order)
        await settle()
        waiting = asyncio.create_task(admission.admit("b").__aenter__())
        await settle()
        with pytest.raises(BackendUnavailable):  # the queue is full
            async with admission.admit("c"):
                pass
        with pytest.raises(BackendUnavailable):  # b waited longer than the bound
            await waiting
        assert (admission.running, admission.waiting) == (1, 0)
        running.done.set()
        await running.task
        assert (admission.running, admission.waiting) == (0, 0)

    run(scenario)


def test_a_cancelled_wait_leaves_nothing_behind() -> None:
    async def scenario() -> None:
        admission = SearchAdmission(slots=1, max_queued=5, queue_timeout_s=60, per_client=5)
        order: list[str] = []
        running = Held(admission, "a", order)
        await settle()
        gone = Held(admission, "b", order)
        await settle()
        gone.task.cancel()
        await settle()
        assert (admission.running, admission.waiting) == (1, 0)
        running.done.set()
        await running.task
        later = Held(admission, "c", order)
        await settle()
        later.done.set()
        await later.task
        assert order == ["a", "c"] and admission.running == 0

    run(scenario)
