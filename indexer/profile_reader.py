"""Reads profiles from JSON Lines, one at a time, turning each bad line into a reject.

A bad line never stops the run: it becomes a `Reject` naming the line, the id when one could be
read, the field at fault and the reason, and every other line goes on to the index. Whatever a
line raises while it is read (nesting deep enough to exhaust the parser's recursion, a number
too long to convert) is that line's reject. What JSON does not allow, or allows ambiguously, is
refused here rather than later in a bulk request: NaN and Infinity, numbers too large for a
double, duplicate keys in one object, and escaped lone surrogates (not encodable as UTF-8).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from dataclasses import field as dataclass_field
from pathlib import Path
from typing import IO, Any, TypeVar

from pydantic import BaseModel, ValidationError

from indexer.errors import IndexerError
from indexer.profile_input import ProfileInput

M = TypeVar("M", bound=BaseModel)


@dataclass(frozen=True)
class Reject:
    line: int
    id: str | None
    field: str
    reason: str
    errors: list[dict[str, str]] = dataclass_field(default_factory=list)

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False)


@dataclass(frozen=True)
class ReadProfile:
    line: int
    profile: ProfileInput


def _field_path(loc: tuple[int | str, ...]) -> str:
    return ".".join(str(part) for part in loc) or "(line)"


def reject_from_validation(line: int, raw: dict[str, Any], exc: ValidationError) -> Reject:
    errors = [{"field": _field_path(e["loc"]), "reason": e["msg"]} for e in exc.errors()]
    raw_id = raw.get("id")
    return Reject(
        line=line,
        id=raw_id if isinstance(raw_id, str) else None,
        field=errors[0]["field"],
        reason="; ".join(f"{e['field']}: {e['reason']}" for e in errors),
        errors=errors,
    )


class _LineError(IndexerError, ValueError):
    """What the JSON decoder's hooks raise for a value this reader refuses."""


def _no_constant(name: str) -> Any:
    raise _LineError(f"{name} is not a JSON number")


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise _LineError(f"the number {text[:40]} is too large")
    return value


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for key, value in pairs:
        if key in found:
            raise _LineError(f"duplicate key {key[:100]!r} in one object")
        found[key] = value
    return found


_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


def decode_line(text: str) -> Any:
    """`text` as JSON, refusing what a bulk request could not carry; raises ValueError or
    RecursionError (the caller turns any exception into the line's reject)."""
    raw = json.loads(
        text,
        parse_constant=_no_constant,
        parse_float=_finite_float,
        object_pairs_hook=_unique_keys,
    )
    if _SURROGATE_ESCAPE.search(text):
        try:
            json.dumps(raw, ensure_ascii=False).encode("utf-8")
        except UnicodeEncodeError as exc:
            raise _LineError("a \\u escape encodes a lone surrogate (not UTF-8)") from exc
    return raw


def parse_object(line_no: int, text: str, model: type[M]) -> M | Reject:
    """One line as an instance of `model`, or the reject that says what is wrong with it."""
    # Without its line break, so that a line cut short is reported where it ends (column 41),
    # not at "line 2, column 1" of the one-line document.
    text = text.rstrip("\r\n")
    try:
        raw = decode_line(text)
    except json.JSONDecodeError as exc:
        column = exc.pos - (text.rfind("\n", 0, exc.pos) + 1) + 1
        reason = f"not valid JSON: {exc.msg} at column {column}"
        return Reject(line_no, None, "(line)", reason)
    except _LineError as exc:
        return Reject(line_no, None, "(line)", f"not accepted JSON: {exc}")
    except RecursionError:
        return Reject(line_no, None, "(line)", "not accepted JSON: nested too deeply")
    except Exception as exc:  # e.g. an integer beyond Python's digit limit
        reason = f"not accepted JSON: {type(exc).__name__}: {str(exc)[:200]}"
        return Reject(line_no, None, "(line)", reason)
    if not isinstance(raw, dict):
        return Reject(line_no, None, "(line)", f"expected a JSON object, got {type(raw).__name__}")
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        return reject_from_validation(line_no, raw, exc)
    except RecursionError:
        return Reject(line_no, None, "(line)", "not accepted: nested too deeply")


def read_objects(fh: IO[bytes], model: type[M]) -> Iterator[tuple[int, M | Reject]]:
    """Every non-blank line of a JSON Lines stream, parsed; a bad line becomes its reject."""
    for line_no, data in enumerate(fh, start=1):
        parsed = parse_bytes(line_no, data, model)
        if parsed is not None:
            yield line_no, parsed


def parse_bytes(line_no: int, data: bytes, model: type[M]) -> M | Reject | None:
    """One line as read from the file: None when it is blank, else as `parse_object` says."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return Reject(line_no, None, "(line)", f"not UTF-8: {exc.reason} at byte {exc.start}")
    return parse_object(line_no, text, model) if text.strip() else None


def parse_line(line_no: int, text: str) -> ReadProfile | Reject:
    parsed = parse_object(line_no, text, ProfileInput)
    return parsed if isinstance(parsed, Reject) else ReadProfile(line_no, parsed)


def read_profiles(path: Path) -> Iterator[ReadProfile | Reject]:
    """Every non-blank line of `path`, parsed. Undecodable bytes make that line a reject."""
    with path.open("rb") as fh:
        yield from _read_stream(fh)


def _read_stream(fh: IO[bytes]) -> Iterator[ReadProfile | Reject]:
    for line_no, parsed in read_objects(fh, ProfileInput):
        yield parsed if isinstance(parsed, Reject) else ReadProfile(line_no, parsed)
