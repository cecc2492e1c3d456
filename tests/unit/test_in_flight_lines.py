"""Which input line a bulk result belongs to, and how it is counted, when one file repeats an
id (no engine)."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest

from indexer.indexing_run import InFlightLines, RunSummary, _record_result, _Tracker


def test_two_lines_with_one_id_in_one_request_each_get_their_own_line_back() -> None:
    lines = InFlightLines()
    lines.sent("a", 3)
    lines.sent("b", 4)
    lines.sent("a", 7)  # the same id later in the same bulk request
    assert "a" in lines and lines.first("a") == 3
    assert [lines.answered("a"), lines.answered("b"), lines.answered("a")] == [3, 4, 7]
    assert "a" not in lines and lines.first("a") is None
    assert lines.answered("a") == 0  # an answer for nothing sent: no line


def _result(doc_id: str, status: int) -> dict[str, Any]:
    item: dict[str, Any] = {"_id": doc_id, "status": status}
    if status >= 400:
        item["error"] = {"type": "mapper_parsing_exception", "reason": "refused"}
    return {"index": item}


@pytest.mark.parametrize(
    ("first_ok", "second_ok", "indexed", "rejected", "duplicates"),
    [
        (True, True, 1, 0, 1),
        (True, False, 1, 1, 0),
        (False, True, 1, 1, 0),
        (False, False, 0, 2, 0),
    ],
)
def test_every_line_of_a_repeated_id_is_counted_once_however_the_engine_answers(
    first_ok: bool, second_ok: bool, indexed: int, rejected: int, duplicates: int
) -> None:
    """Two lines with one id: each is indexed, a duplicate written over it, or a reject, so
    read = indexed + rejected + duplicates whichever one the engine refuses."""
    summary, tracker, rejects = RunSummary(mode="upsert"), _Tracker(), io.StringIO()
    summary.read = 2
    tracker.line_of.sent("a", 1)
    tracker.line_of.sent("a", 2)
    for ok in (first_ok, second_ok):
        _record_result(ok, _result("a", 201 if ok else 400), summary, tracker, rejects)
    assert (summary.indexed, summary.rejected, summary.duplicate_ids) == (
        indexed,
        rejected,
        duplicates,
    )
    assert summary.read == summary.indexed + summary.rejected + summary.duplicate_ids
    refused_lines = [json.loads(r)["line"] for r in rejects.getvalue().splitlines()]
    assert refused_lines == [n for n, ok in ((1, first_ok), (2, second_ok)) if not ok]
