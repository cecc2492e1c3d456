"""The mapping JSON and the pydantic document models must describe the same documents."""

from __future__ import annotations

import types
import typing
from datetime import date, datetime
from typing import Any, Union

import pytest
from pydantic import BaseModel

from mappings.index_contract import PROFILES, SCHEMA_VERSION, SKILLS, IndexKind, new_stamp
from mappings.profile_document import ProfileDocument
from mappings.skill_document import SkillDocument

_SCALARS: dict[type, set[str]] = {
    str: {"keyword", "text"},
    float: {"float", "double", "scaled_float", "half_float"},
    int: {"integer", "long", "short", "byte"},
    bool: {"boolean"},
    date: {"date"},
    datetime: {"date"},
}


def _unwrap(annotation: Any) -> Any:
    """Strip Optional and list: the mapping type of `list[X] | None` is that of X."""
    origin = typing.get_origin(annotation)
    if origin in (Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        assert len(args) == 1, annotation
        return _unwrap(args[0])
    if origin is list:
        return _unwrap(typing.get_args(annotation)[0])
    return annotation


def _assert_agree(model: type[BaseModel], properties: dict[str, Any], path: str = "") -> None:
    assert set(model.model_fields) == set(properties), (
        f"{path or model.__name__}: model-only {set(model.model_fields) - set(properties)}, "
        f"mapping-only {set(properties) - set(model.model_fields)}"
    )
    for name, info in model.model_fields.items():
        inner = _unwrap(info.annotation)
        mapping = properties[name]
        where = f"{path}{name}"
        if isinstance(inner, type) and issubclass(inner, BaseModel):
            assert mapping.get("type", "object") in {"object", "nested"}, where
            _assert_agree(inner, mapping["properties"], where + ".")
        else:
            assert mapping["type"] in _SCALARS[inner], f"{where}: {mapping['type']} vs {inner}"


@pytest.mark.parametrize(("kind", "model"), [(PROFILES, ProfileDocument), (SKILLS, SkillDocument)])
def test_document_model_matches_mapping(kind: IndexKind, model: type[BaseModel]) -> None:
    body = kind.body()
    assert body["mappings"]["dynamic"] == "strict"
    assert body["mappings"]["_meta"]["schema_version"] == SCHEMA_VERSION
    _assert_agree(model, body["mappings"]["properties"])


def test_certificate_number_has_no_field_anywhere() -> None:
    text = str(PROFILES.body()) + str(ProfileDocument.model_json_schema())
    assert "certificate_number" not in text
    assert "business_name" not in text


def test_diversity_certifications_add_no_nested_documents() -> None:
    """Nested documents would change BM25 statistics with the number of certifications."""
    props = PROFILES.body()["mappings"]["properties"]
    assert props["diversity_grants"]["type"] == "keyword"
    assert all(p.get("type") != "nested" for p in props.values())


def test_index_names_are_versioned_and_sortable() -> None:
    first, second = PROFILES.index_name(new_stamp()), PROFILES.index_name(new_stamp())
    assert first.startswith(f"talent-profiles-v{SCHEMA_VERSION}-")
    assert PROFILES.owns(first) and not SKILLS.owns(first)
    assert first <= second
    assert not PROFILES.owns("talent-profiles-previous")


def test_body_is_a_fresh_copy() -> None:
    PROFILES.body()["mappings"]["properties"].clear()
    assert PROFILES.body()["mappings"]["properties"]
