"""The demo files' format: one compact JSON object a line, the same bytes for the same rows."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, Final

PROGRESS_EVERY: Final = 1000  # lines between two `on_progress` calls
_ENCODER: Final = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


def write_json_lines(
    path: Path,
    rows: Iterable[dict[str, Any]],
    on_progress: Callable[[int], None] | None = None,
) -> int:
    """Stream `rows` to `path`, one compact JSON object a line (the demo files' format: the
    same bytes for the same rows); return the number written. ``on_progress(n)`` is called
    every 1,000 lines and once at the end."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    written = 0
    encode = _ENCODER.encode
    with path.open("w", encoding="utf-8", newline="\n") as handle:
        for row in rows:
            handle.write(encode(row))
            handle.write("\n")
            written += 1
            if on_progress is not None and written % PROGRESS_EVERY == 0:
                on_progress(written)
    if on_progress is not None and written % PROGRESS_EVERY != 0:
        on_progress(written)
    return written
