"""The ranking profile model's leaf settings, each with its validated range.

Why: the search space is read from the `RankingProfile` model itself, never from a copied list
(`space.search_space` chooses among these fields): every number with both a lower and an upper
bound (`ge`/`gt` and `le`/`lt`), every bool and every `Literal` with more than one value can be
searched, inside its validated range. A field the ranking code adds is found as soon as it
exists.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal, get_args, get_origin

from annotated_types import Ge, Gt, Le, Lt
from pydantic import BaseModel

from ranking.ranking_profile import RankingProfile

__all__ = ["FieldSpec", "profile_fields"]


@dataclass(frozen=True)
class FieldSpec:
    """One leaf setting of the model, with its validated range, or why it cannot be searched."""

    path: str
    kind: Literal["float", "int", "choice", "fixed"]
    low: float | None = None
    high: float | None = None
    low_strict: bool = False
    high_strict: bool = False
    choices: tuple[Any, ...] = ()
    reason: str = ""  # for kind "fixed": why it is not searchable


def profile_fields(model: type[BaseModel] = RankingProfile, prefix: str = "") -> list[FieldSpec]:
    """Every leaf field of `model` (nested models walked), in declaration order."""
    specs: list[FieldSpec] = []
    for name, info in model.model_fields.items():
        path = f"{prefix}{name}"
        annotation = info.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            specs += profile_fields(annotation, f"{path}.")
            continue
        if get_origin(annotation) is Literal:
            choices = get_args(annotation)
            if len(choices) > 1:
                specs.append(FieldSpec(path, "choice", choices=choices))
            else:
                specs.append(FieldSpec(path, "fixed", reason="it allows only one value"))
            continue
        if annotation is bool:
            specs.append(FieldSpec(path, "choice", choices=(False, True)))
            continue
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
                specs.append(
                    FieldSpec(path, "fixed", reason="its range has no upper or lower bound")
                )
                continue
            kind: Literal["float", "int"] = "int" if annotation is int else "float"
            specs.append(FieldSpec(path, kind, low, high, low_strict, high_strict))
            continue
        specs.append(FieldSpec(path, "fixed", reason=f"it is a {_type_name(annotation)}"))
    return specs


def _type_name(annotation: Any) -> str:
    return getattr(annotation, "__name__", None) or str(annotation)
