"""The ids an indexing run has written, each with the input line that first wrote it.

A run keeps every id it indexed until its end (distinct profiles, duplicate ids, the count the
swap is verified against). As a dict of str to int, a million demo ids took 121 MB of the
indexer's memory; here they take 41 MB, and lookups stay exact (no hash collision can
merge two ids). Ids are ASCII and never hold a newline (`domain.identifiers`), so each bucket
is one bytearray of newline-framed ids, scanned in C, beside an array of their lines.
"""

from __future__ import annotations

from array import array

from indexer.errors import IndexerError

BUCKET_BITS = 16  # 65,536 buckets: about 15 ids in each at a million, scanned in C


class IndexedIds:
    def __init__(self) -> None:
        self._ids: list[bytearray | None] = [None] * (1 << BUCKET_BITS)
        self._lines: list[array[int] | None] = [None] * (1 << BUCKET_BITS)
        self._count = 0

    def __len__(self) -> int:
        return self._count

    def __contains__(self, doc_id: str) -> bool:
        return self.get(doc_id) is not None

    def get(self, doc_id: str) -> int | None:
        """The line that first indexed `doc_id`, or None if it was never indexed."""
        bucket = hash(doc_id) & ((1 << BUCKET_BITS) - 1)
        ids = self._ids[bucket]
        if ids is None:
            return None
        at = ids.find(b"\n" + doc_id.encode() + b"\n")
        if at < 0:
            return None
        lines = self._lines[bucket]
        assert lines is not None
        return lines[ids.count(b"\n", 0, at)]

    def add(self, doc_id: str, line: int) -> None:
        """Record `doc_id` as first indexed by `line` (the caller checked it is new)."""
        if "\n" in doc_id:
            raise IndexerError(f"an id may not hold a newline: {doc_id!r}")
        bucket = hash(doc_id) & ((1 << BUCKET_BITS) - 1)
        ids = self._ids[bucket]
        if ids is None:
            ids = self._ids[bucket] = bytearray(b"\n")
            self._lines[bucket] = array("q")
        ids += doc_id.encode() + b"\n"
        lines = self._lines[bucket]
        assert lines is not None
        lines.append(line)
        self._count += 1
