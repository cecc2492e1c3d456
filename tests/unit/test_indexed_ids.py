"""IndexedIds keeps exactly what a dict of id -> first line would, in less memory."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.identifiers import PROFILE_ID_PATTERN
from indexer.errors import IndexerError
from indexer.indexed_ids import IndexedIds

profile_ids = st.from_regex(PROFILE_ID_PATTERN, fullmatch=True)


@given(st.lists(st.tuples(profile_ids, st.integers(min_value=0, max_value=2**40))))
def test_it_answers_as_a_dict_of_first_lines_does(writes: list[tuple[str, int]]) -> None:
    ids, model = IndexedIds(), {}
    for doc_id, line in writes:
        assert (doc_id in ids) == (doc_id in model)
        if doc_id not in model:
            ids.add(doc_id, line)
            model[doc_id] = line
    assert len(ids) == len(model)
    for doc_id, line in model.items():
        assert ids.get(doc_id) == line
    for doc_id, _ in writes:
        assert ids.get(doc_id + "x") == model.get(doc_id + "x")


def test_an_id_inside_another_is_not_taken_for_it() -> None:
    ids = IndexedIds()
    for line, doc_id in enumerate(["a-1", "a-10", "1", "a", "a-1:0"], start=1):
        ids.add(doc_id, line)
    assert [ids.get(d) for d in ["a-1", "a-10", "1", "a", "a-1:0", "-1", "a-"]] == [
        1, 2, 3, 4, 5, None, None,
    ]  # fmt: skip


def test_many_ids_share_buckets_and_keep_their_own_lines() -> None:
    ids = IndexedIds()
    for n in range(200_000):
        ids.add(f"p{n}", n + 1)
    assert len(ids) == 200_000
    assert all(ids.get(f"p{n}") == n + 1 for n in range(0, 200_000, 997))
    assert "p200000" not in ids


def test_a_newline_in_an_id_is_refused() -> None:
    with pytest.raises(IndexerError, match="newline"):
        IndexedIds().add("a\nb", 1)
