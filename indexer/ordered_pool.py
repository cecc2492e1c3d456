"""A function mapped over a stream in worker processes: bounded, in input order, always shut down.

Why processes: the indexer's per-line work (parse, validate, build, serialise) is pure Python,
so threads take turns on the GIL; worker processes build while the main process streams bulk
requests. Why bounded: the input is read only as fast as results are consumed, so memory holds
at most `max_in_flight` batches whatever the input's size. Why this start method: "spawn" starts
a fresh interpreter, never a copy of a parent that may have loaded torch and its threads (fork
is unsafe after that); the workers' state comes from the initializer, once per worker.
"""

from __future__ import annotations

import multiprocessing
import signal
from collections import deque
from collections.abc import Callable, Generator, Iterable
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any, Final, TypeVar

from indexer.errors import IndexerUsageError

A = TypeVar("A")
R = TypeVar("R")

START_METHOD: Final = "spawn"


def ordered_map(
    fn: Callable[[A], R],
    inputs: Iterable[A],
    workers: int,
    max_in_flight: int,
    initializer: Callable[..., None] | None = None,
    initargs: tuple[Any, ...] = (),
) -> Generator[R, None, None]:
    """`fn(item)` for each item of `inputs`, computed by `workers` processes, yielded in the
    order of `inputs`.

    At most `max_in_flight` items are submitted and not yet yielded: the next item is read
    from `inputs` only after the oldest result was taken. `fn` and the items must be picklable
    (`fn` a module-level function); `initializer(*initargs)` runs once in each worker. An
    exception raised by `fn` is raised here, at its item's turn (the results before it are
    yielded first); so is an Exception raised by `inputs`, after the results of the items read
    before it. The pool is shut down (waiting items
    cancelled, workers joined) however this generator ends: exhausted, an exception,
    KeyboardInterrupt, or closed early by its consumer. The workers ignore SIGINT, so a
    Ctrl-C reaches only the main process, which stops them.
    """
    if workers < 1:
        raise IndexerUsageError(f"workers must be at least 1, got {workers}")
    if max_in_flight < 1:
        raise IndexerUsageError(f"max_in_flight must be at least 1, got {max_in_flight}")
    executor = ProcessPoolExecutor(
        max_workers=workers,
        mp_context=multiprocessing.get_context(START_METHOD),
        initializer=_start_worker,
        initargs=(initializer, initargs),
    )
    pending: deque[Future[R]] = deque()
    source = iter(inputs)
    try:
        while True:
            try:
                item = next(source)
            except StopIteration:
                break
            except Exception:  # the results of the items before it first, then the error
                while pending:
                    yield pending.popleft().result()
                raise
            pending.append(executor.submit(fn, item))
            if len(pending) >= max_in_flight:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
    finally:
        for future in pending:
            future.cancel()
        executor.shutdown(wait=True, cancel_futures=True)


def _start_worker(initializer: Callable[..., None] | None, initargs: tuple[Any, ...]) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if initializer is not None:
        initializer(*initargs)
