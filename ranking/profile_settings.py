"""The leaf settings of a ranking profile, read from the `RankingProfile` model.

Why: the tuner's search space, the workbench's sliders and the settings reference in the docs
all need each setting's range, stage and meaning. Reading them here from the model, never from
a copied list, means a new field is known everywhere the moment it exists, and a range or a
stage changed in the model changes everywhere at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any, Final, Literal, get_args, get_origin

from annotated_types import Ge, Gt, Le, Lt
from pydantic import BaseModel
from pydantic.fields import FieldInfo

from ranking.query_classes import CLASSES_FIELD
from ranking.ranking_profile import (
    METADATA,
    RankingProfile,
    RankingProfileError,
    Stage,
    StageOf,
)

#: Fields that are not leaf settings: the profile's metadata, and its per-class settings
#: (each the profile's own setting again, listed once as that).
NOT_SETTINGS: Final = (*METADATA, CLASSES_FIELD)


@dataclass(frozen=True)
class Setting:
    """One leaf setting: its dotted path, kind, validated range or choices, stage and meaning.

    `kind` "fixed" is a setting with a single allowed value (or an unbounded number), which no
    tool may vary; `reason` says why."""

    path: str
    kind: Literal["float", "int", "choice", "fixed"]
    stage: Stage | None
    default: Any
    description: str = ""
    low: float | None = None
    high: float | None = None
    low_strict: bool = False
    high_strict: bool = False
    choices: tuple[Any, ...] = ()
    reason: str = ""

    def range_text(self) -> str:
        """The validated range as an interval ("[0, 10]", "(0, 10]") or the choices."""
        if self.kind == "choice":
            return ", ".join("null" if c is None else str(c).lower() for c in self.choices)
        if self.low is None or self.high is None:
            return ""
        return (
            f"{'(' if self.low_strict else '['}{self.low:g}, "
            f"{self.high:g}{')' if self.high_strict else ']'}"
        )

    def catalog_entry(self) -> dict[str, Any]:
        """What the workbench reads (GET /v1/ranking-profiles `settings`)."""
        entry: dict[str, Any] = {
            "description": self.description,
            "stage": self.stage.value if self.stage else None,
        }
        if self.kind in ("float", "int"):
            entry |= {"min": self.low, "max": self.high}
            entry |= {"min_exclusive": self.low_strict, "max_exclusive": self.high_strict}
        if self.kind == "choice":
            entry["choices"] = list(self.choices)
        return entry


def settings(
    model: type[BaseModel] = RankingProfile, prefix: str = "", *, metadata: bool = False
) -> list[Setting]:
    """Every leaf setting of `model` (nested models walked), in declaration order; `METADATA`
    and the per-class settings only when asked for (as fixed entries without a stage)."""
    found: list[Setting] = []
    for name, info in model.model_fields.items():
        if not prefix and name in NOT_SETTINGS and not metadata:
            continue
        path = f"{prefix}{name}"
        annotation = info.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            found += settings(annotation, f"{path}.", metadata=metadata)
        else:
            found.append(_leaf(path, annotation, info))
    return found


@cache
def stages() -> dict[str, Stage | None]:
    """Each setting's stage by dotted path (the model does not change while a process runs)."""
    return {s.path: s.stage for s in settings()}


def setting(path: str) -> Setting:
    """The leaf setting at `path`; an error names it when the model has none."""
    for found in settings():
        if found.path == path:
            return found
    raise RankingProfileError(f"ranking profiles have no setting {path!r}")


def _leaf(path: str, annotation: Any, info: FieldInfo) -> Setting:
    stages = [m.stage for m in info.metadata if isinstance(m, StageOf)]
    common: dict[str, Any] = {
        "path": path,
        "stage": stages[0] if stages else None,
        "default": info.default,
        "description": info.description or "",
    }
    choices = _choices(annotation)
    if choices is not None:
        if len(choices) > 1:
            return Setting(kind="choice", choices=choices, **common)
        return Setting(kind="fixed", reason="it allows only one value", **common)
    if annotation in (int, float):
        low = high = None
        low_strict = high_strict = False
        for constraint in info.metadata:
            if isinstance(constraint, Ge):
                low = float(constraint.ge)  # type: ignore[arg-type]
            elif isinstance(constraint, Gt):
                low, low_strict = float(constraint.gt), True  # type: ignore[arg-type]
            elif isinstance(constraint, Le):
                high = float(constraint.le)  # type: ignore[arg-type]
            elif isinstance(constraint, Lt):
                high, high_strict = float(constraint.lt), True  # type: ignore[arg-type]
        if low is None or high is None:
            return Setting(kind="fixed", reason="its range has no upper or lower bound", **common)
        kind: Literal["int", "float"] = "int" if annotation is int else "float"
        common |= {"low": low, "high": high, "low_strict": low_strict, "high_strict": high_strict}
        return Setting(kind=kind, **common)
    name = getattr(annotation, "__name__", None) or str(annotation)
    return Setting(kind="fixed", reason=f"it is a {name}", **common)


def _choices(annotation: Any) -> tuple[Any, ...] | None:
    """The values of a bool, a `Literal`, or an optional enum (`Badge | None`); else None."""
    if annotation is bool:
        return (False, True)
    if get_origin(annotation) is Literal:
        return get_args(annotation)
    members = [a for a in get_args(annotation) if a is not type(None)]
    if len(members) == 1 and isinstance(members[0], type) and hasattr(members[0], "__members__"):
        values = tuple(m.value for m in members[0].__members__.values())
        return (None, *values) if type(None) in get_args(annotation) else values
    return None


def catalog() -> dict[str, dict[str, Any]]:
    """Every setting's description, stage and range (dotted path -> entry), for the workbench."""
    return {s.path: s.catalog_entry() for s in settings()}


def setting_table() -> str:
    """The settings reference as a Markdown table (docs/ranking-settings.md is this, verbatim:
    `talent-search profiles settings` prints it and a test keeps the page in step)."""
    rows = [
        "| Setting | Default | Range | Stage | What it does |",
        "| --- | --- | --- | --- | --- |",
    ]
    for s in settings():
        default = "null" if s.default is None else str(s.default).lower()
        description = s.description.replace("|", "\\|")
        stage = s.stage.value if s.stage else ""
        rows.append(f"| `{s.path}` | {default} | {s.range_text()} | {stage} | {description} |")
    return "\n".join(rows) + "\n"
