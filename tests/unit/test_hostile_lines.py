"""Hostile input lines between good ones: each becomes its own reject, every good line is read.

A property test (hypothesis) draws hostile lines (deep nesting, huge numbers, NaN, non-UTF-8,
duplicate keys, lone surrogates, 8 MB lines) and places them among good lines.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from indexer.job_post_input import JobPostInput
from indexer.profile_reader import ReadProfile, Reject, read_objects, read_profiles
from tests.factories import profile

GOOD = json.dumps(profile(id="good")).encode()


def nested(depth: int, opener: str) -> bytes:
    closer = {"[": "]", '{"a":': "}"}[opener]
    inner = "1" if opener != "[" else ""
    return (opener * depth + inner + closer * depth).encode()


def with_value(key: str, raw_value: str) -> bytes:
    """A good profile line with one field's JSON text replaced by `raw_value`."""
    text = json.dumps(profile(id="hostile", **{key: "PLACEHOLDER"}))
    return text.replace('"PLACEHOLDER"', raw_value).encode()


HOSTILE = st.one_of(
    st.integers(min_value=1_000, max_value=20_000).map(lambda d: nested(d, "[")),
    st.integers(min_value=1_000, max_value=20_000).map(lambda d: nested(d, '{"a":')),
    st.sampled_from(["NaN", "Infinity", "-Infinity", "1e400", "-1e999"]).map(
        lambda v: with_value("hourly_rate_usd", v)
    ),
    st.integers(min_value=4_400, max_value=50_000).map(lambda n: with_value("total_jobs", "9" * n)),
    st.sampled_from(["name", "title", "overview"]).map(lambda k: with_value(k, '"\\ud800 lone"')),
    st.just(b'{"id": "dup", "id": "dup2", "name": "x"}'),
    st.binary(min_size=1, max_size=64).map(lambda b: b"\xff\xfe" + b.replace(b"\n", b"")),
    st.just(with_value("overview", json.dumps("x" * (8 * 1024 * 1024)))),
    st.just(b'["not", "an", "object"]'),
    st.just(b'{"id": "cut'),
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(layout=st.lists(st.one_of(st.just(None), HOSTILE), min_size=1, max_size=8))
def test_every_good_line_is_read_and_every_hostile_line_is_its_own_reject(
    tmp_path: Path, layout: list[bytes | None]
) -> None:
    path = tmp_path / "in.jsonl"
    good_ids = [f"good-{i}" for i, item in enumerate(layout) if item is None]
    with path.open("wb") as fh:
        for i, item in enumerate(layout):
            fh.write(json.dumps(profile(id=f"good-{i}")).encode() if item is None else item)
            fh.write(b"\n")
    read = list(read_profiles(path))
    assert len(read) == len(layout)  # one result per line, and the run went to the end
    assert [r.profile.id for r in read if isinstance(r, ReadProfile)] == good_ids
    rejects = [r for r in read if isinstance(r, Reject)]
    assert [r.line for r in rejects] == [i + 1 for i, item in enumerate(layout) if item]
    assert all(r.reason for r in rejects)


def test_each_kind_of_hostile_line_says_why() -> None:
    lines = [
        nested(3_000, "["),
        with_value("hourly_rate_usd", "NaN"),
        with_value("hourly_rate_usd", "1e400"),
        with_value("total_jobs", "9" * 5_000),
        b'{"id": "a", "id": "b"}',
        with_value("title", '"\\udc00"'),
    ]
    path_lines = b"\n".join([GOOD, *lines, GOOD]) + b"\n"
    read = [parsed for _, parsed in read_objects(io.BytesIO(path_lines), JobPostInput)]
    reasons = [r.reason for r in read[1:-1] if isinstance(r, Reject)]
    assert len(reasons) == len(lines)
    for reason, expected in zip(
        reasons,
        [
            "nested too deeply",
            "NaN is not a JSON number",
            "1e400 is too large",
            "Exceeds the limit",
            "duplicate key 'id'",
            "lone surrogate",
        ],
        strict=True,
    ):
        assert expected in reason
