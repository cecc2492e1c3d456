"""Progress off a terminal: plain lines, throttled, so a long `tune` is never silent."""

from __future__ import annotations

import io

from rich.console import Console

from talent_search.cli_support import _progress


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_off_a_terminal_progress_prints_a_plain_line_every_interval_and_at_the_end() -> None:
    buffer = io.StringIO()
    clock = Clock()
    with _progress(Console(file=buffer, force_terminal=False), every_s=30) as progress:
        progress._clock = clock  # type: ignore[attr-defined]
        task = progress.add_task("tuning", total=10)
        for trial in range(1, 11):
            clock.now = trial * 10.0
            progress.update(task, advance=1, description=f"fold 1/2: trial {trial}/10, best 0.5")
    lines = buffer.getvalue().splitlines()
    # the first trial, then one every 30 s of the clock (trials 4 and 7), then the last
    assert [line.split(":")[1].strip() for line in lines] == [
        "trial 1/10, best 0.5",
        "trial 4/10, best 0.5",
        "trial 7/10, best 0.5",
        "trial 10/10, best 0.5",
    ]
    assert lines[1].startswith("fold 1/2: trial 4/10, best 0.5: 4/10, ")
    assert "elapsed" in lines[1]
    assert lines[-1].endswith("elapsed")  # finished: no time left


def test_on_a_terminal_the_bar_shows_the_time_left() -> None:
    buffer = io.StringIO()
    console = Console(file=buffer, force_terminal=True, width=120)
    with _progress(console) as progress:
        task = progress.add_task("tuning", total=4)
        progress.update(task, advance=1)
    assert "left" in buffer.getvalue()
