"""indexer.ordered_pool: results in input order, a bounded number of items in flight, errors
raised at their item's turn, and the worker processes stopped however the consumer ends (no
engine, no model; real worker processes, started with "spawn")."""

from __future__ import annotations

import multiprocessing
import signal
import time
from collections.abc import Iterator

import pytest

from indexer.bulk_loading import read_ahead
from indexer.ordered_pool import ordered_map


def _square(x: int) -> int:
    time.sleep(0.002 * (x % 3))  # later items often finish first: order is not completion order
    return x * x


def _fail_at_three(x: int) -> int:
    if x == 3:
        raise ValueError(f"item {x} is bad")
    return x


def _sigint_handler(_: int) -> object:
    return signal.getsignal(signal.SIGINT)


_STATE: list[str] = []


def _remember(value: str) -> None:
    _STATE.append(value)


def _state(_: int) -> list[str]:
    return list(_STATE)


class _Counted:
    """An input stream that counts how many items were taken from it."""

    def __init__(self, count: int) -> None:
        self.count = count
        self.taken = 0

    def __iter__(self) -> Iterator[int]:
        for x in range(self.count):
            self.taken += 1
            yield x


def _no_workers_left() -> bool:
    return not multiprocessing.active_children()


def test_results_come_in_input_order() -> None:
    assert list(ordered_map(_square, range(40), workers=2, max_in_flight=5)) == [
        x * x for x in range(40)
    ]
    assert _no_workers_left()


def test_no_more_than_max_in_flight_items_are_taken_ahead_of_the_consumer() -> None:
    inputs = _Counted(100)
    results = ordered_map(_square, inputs, workers=2, max_in_flight=4)
    assert next(results) == 0
    assert inputs.taken == 4  # the first result was awaited with 4 items submitted
    for consumed in range(1, 30):
        assert next(results) == consumed * consumed
        assert inputs.taken <= consumed + 4
    results.close()
    assert inputs.taken <= 30 + 4
    assert _no_workers_left()


def test_an_error_in_a_worker_is_raised_at_its_turn_and_stops_the_pool() -> None:
    got = []
    with pytest.raises(ValueError, match="item 3 is bad"):
        for result in ordered_map(_fail_at_three, range(20), workers=2, max_in_flight=3):
            got.append(result)
    assert got == [0, 1, 2]
    assert _no_workers_left()


def test_an_error_in_the_inputs_is_raised_after_the_results_before_it() -> None:
    def broken() -> Iterator[int]:
        yield 1
        yield 2
        raise KeyError("input broke")

    got = []
    with pytest.raises(KeyError, match="input broke"):
        for result in ordered_map(_square, broken(), workers=1, max_in_flight=8):
            got.append(result)
    assert got == [1, 4]  # the items read before the error, then the error
    assert _no_workers_left()


def test_a_consumer_that_stops_early_stops_the_workers() -> None:
    inputs = _Counted(10_000)
    results = ordered_map(_square, inputs, workers=2, max_in_flight=3)
    assert [next(results) for _ in range(3)] == [0, 1, 4]
    results.close()
    assert inputs.taken <= 3 + 3
    assert _no_workers_left()


def test_keyboard_interrupt_in_the_consumer_stops_the_workers() -> None:
    def interrupted() -> Iterator[int]:
        yield from range(5)
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        list(ordered_map(_square, interrupted(), workers=2, max_in_flight=2))
    assert _no_workers_left()


def test_workers_ignore_sigint_and_run_the_initializer_once_each() -> None:
    handlers = list(ordered_map(_sigint_handler, range(4), workers=2, max_in_flight=2))
    assert handlers == [signal.SIG_IGN] * 4
    states = list(
        ordered_map(
            _state, range(6), workers=1, max_in_flight=2, initializer=_remember, initargs=("x",)
        )
    )
    assert states == [["x"]] * 6  # one worker, initialised once, for every item
    assert _no_workers_left()


@pytest.mark.parametrize(("workers", "max_in_flight"), [(0, 1), (1, 0)])
def test_bad_sizes_are_refused(workers: int, max_in_flight: int) -> None:
    with pytest.raises(ValueError):
        next(ordered_map(_square, range(3), workers=workers, max_in_flight=max_in_flight))


def test_a_bulk_read_ahead_that_stops_early_stops_the_workers_behind_it() -> None:
    """The indexer's chain: the bulk loader's read-ahead thread pulls from the pool."""
    inputs = _Counted(10_000)
    ahead = read_ahead(ordered_map(_square, inputs, workers=2, max_in_flight=3), max_ahead=4)
    assert [next(ahead) for _ in range(5)] == [0, 1, 4, 9, 16]
    ahead.close()  # joins the read-ahead thread, which closes the pool's generator
    assert inputs.taken <= 5 + 4 + 1 + 3
    assert _no_workers_left()
