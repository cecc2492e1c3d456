"""Which input line a bulk result belongs to, when one file repeats an id (no engine)."""

from __future__ import annotations

from indexer.indexing_run import InFlightLines


def test_two_lines_with_one_id_in_one_request_each_get_their_own_line_back() -> None:
    lines = InFlightLines()
    lines.sent("a", 3)
    lines.sent("b", 4)
    lines.sent("a", 7)  # the same id later in the same bulk request
    assert "a" in lines and lines.first("a") == 3
    assert [lines.answered("a"), lines.answered("b"), lines.answered("a")] == [3, 4, 7]
    assert "a" not in lines and lines.first("a") is None
    assert lines.answered("a") == 0  # an answer for nothing sent: no line
