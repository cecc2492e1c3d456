"""The engine's JSON codec (orjson behind opensearch-py's serializer interface)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from decimal import Decimal

import numpy as np
import pytest
from opensearchpy.exceptions import SerializationError
from opensearchpy.helpers.actions import _chunk_actions, expand_action

from mappings.engine_json import EngineJSONSerializer, dumps


def test_reads_what_the_standard_library_reads() -> None:
    hit = '{"_id":"a","_score":1.5,"_source":{"n":"Zoë"}}'
    text = '{"took":3,"responses":[{"hits":{"hits":[' + hit + "]}}]}"
    assert EngineJSONSerializer().loads(text) == json.loads(text)
    assert EngineJSONSerializer().loads(text.encode()) == json.loads(text)


def test_writes_compact_json_the_standard_library_reads_back() -> None:
    data = {"query": {"match": {"title": "Zoë's café"}}, "size": 200, "boost": 0.25, "ids": [1, 2]}
    text = EngineJSONSerializer().dumps(data)
    assert isinstance(text, str)
    assert json.loads(text) == data
    assert " " not in text.replace("Zoë's café", "")


def test_a_string_passes_unchanged() -> None:
    """opensearch-py hands over pre-serialised bodies (and bulk lines) as text."""
    assert EngineJSONSerializer().dumps('{"a": 1}') == '{"a": 1}'


def test_values_the_engine_clients_send() -> None:
    data = {
        "as_of": date(2026, 12, 7),
        "at": datetime(2026, 12, 7, 10, 30, tzinfo=UTC),
        "vector": np.array([0.5, 0.25], dtype=np.float32),
        "count": np.int64(3),
        "rate": Decimal("12.5"),
    }
    assert json.loads(dumps(data)) == {
        "as_of": "2026-12-07",
        "at": "2026-12-07T10:30:00+00:00",
        "vector": [0.5, 0.25],
        "count": 3,
        "rate": 12.5,
    }


def test_bad_input_is_a_serialization_error() -> None:
    with pytest.raises(SerializationError):
        EngineJSONSerializer().loads("{not json")
    with pytest.raises(SerializationError):
        dumps({"x": object()})


def test_bulk_lines_are_the_same_text_as_with_the_default_serializer() -> None:
    actions = [{"_index": "i", "_id": "1", "_source": {"title": "Zoë", "n": 2}}]
    chunks = list(_chunk_actions(map(expand_action, actions), 10, 10**6, EngineJSONSerializer()))
    ((_, lines),) = chunks
    assert [json.loads(line) for line in lines] == [
        {"index": {"_index": "i", "_id": "1"}},
        {"title": "Zoë", "n": 2},
    ]
