from __future__ import annotations

import json
from pathlib import Path

import pytest

from indexer.profile_reader import ReadProfile, Reject, read_profiles
from tests.factories import certification, profile, write_jsonl


def _read(tmp_path: Path, rows: list[dict[str, object] | str]) -> list[ReadProfile | Reject]:
    return list(read_profiles(write_jsonl(tmp_path / "in.jsonl", rows)))


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"id": "has space"}, "id"),
        ({"id": "x" * 129}, "id"),
        ({"name": ""}, "name"),
        ({"title": "t" * 201}, "title"),
        ({"overview": "o" * 5001}, "overview"),
        ({"skills": []}, "skills"),
        ({"skills": [f"s{i}" for i in range(51)]}, "skills"),
        ({"skills": ["ok", "x" * 101]}, "skills.1"),
        ({"hourly_rate_usd": -1}, "hourly_rate_usd"),
        ({"country": "XX"}, "country"),
        ({"job_success_score": 101}, "job_success_score"),
        ({"earnings_12m_usd": -5}, "earnings_12m_usd"),
        ({"total_jobs": -1}, "total_jobs"),
        ({"first_contract_date": "yesterday"}, "first_contract_date"),
        ({"badge": "gold"}, "badge"),
        ({"surprise": 1}, "surprise"),
        (
            {"diversity_certifications": [certification(category="immigrant")]},
            "diversity_certifications.0.category",
        ),
        (
            {"diversity_certifications": [certification(review_status="ok")]},
            "diversity_certifications.0.review_status",
        ),
        ({"skill_certifications": [{"name": "AWS"}]}, "skill_certifications.0.issuer"),
    ],
)
def test_a_bad_field_is_named(tmp_path: Path, overrides: dict[str, object], field: str) -> None:
    (item,) = _read(tmp_path, [profile(**overrides)])
    assert isinstance(item, Reject)
    assert item.field == field
    assert item.line == 1
    assert field in item.reason


def test_missing_required_fields_are_all_reported(tmp_path: Path) -> None:
    (item,) = _read(tmp_path, [{"id": "fl-9"}])
    assert isinstance(item, Reject)
    assert item.id == "fl-9"
    assert {e["field"] for e in item.errors} == {"name", "title", "skills", "country"}


def test_bad_neighbours_do_not_hide_good_lines(tmp_path: Path) -> None:
    rows: list[dict[str, object] | str] = [
        profile(id="a"),
        "{not json",
        "[1, 2]",
        profile(id="b", country="nowhere"),
        "",
        profile(id="c"),
    ]
    items = _read(tmp_path, rows)
    good = [i.profile.id for i in items if isinstance(i, ReadProfile)]
    bad = [(i.line, i.field) for i in items if isinstance(i, Reject)]
    assert good == ["a", "c"]
    assert bad == [(2, "(line)"), (3, "(line)"), (4, "country")]


def test_invalid_utf8_is_a_reject_not_a_crash(tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl"
    path.write_bytes(json.dumps(profile()).encode() + b"\n\xff\xfe\n")
    items = list(read_profiles(path))
    assert isinstance(items[0], ReadProfile)
    assert isinstance(items[1], Reject) and "UTF-8" in items[1].reason


def test_country_is_normalised_to_upper_case(tmp_path: Path) -> None:
    (item,) = _read(tmp_path, [profile(country="gb")])
    assert isinstance(item, ReadProfile) and item.profile.country == "GB"


@pytest.mark.parametrize(
    ("line", "column"),
    [
        ('{"id": "fl-1", "name": "Ada", "title": "x",', 44),  # cut short: where it ends
        ('{"id": "fl-1" "name": "Ada"}', 15),
        ("{not json", 2),
    ],
)
def test_bad_json_is_reported_at_its_real_column(tmp_path: Path, line: str, column: int) -> None:
    path = tmp_path / "in.jsonl"
    path.write_text(line + "\n" + line + "\r\n")
    for item in read_profiles(path):
        assert isinstance(item, Reject)
        assert item.reason.endswith(f"at column {column}"), item.reason
