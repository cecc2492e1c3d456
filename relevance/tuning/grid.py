"""One searched setting and its grid: exact values inside the validated range.

Why grids: numbers are searched on a grid anchored at the base profile's value, so the base is
always a point of the space and no value reads like 0.39999998: fusion parameters in about
FUSION_STEPS steps over their range, request parameters (`space.is_fusion_only`) in about
REQUEST_STEPS, so that trials repeat request settings and their engine responses are reused.
optuna samples a warped coordinate per number (`Parameter`), which stays near the base more
often than far from it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Final, Literal

import optuna

from ranking.profile_settings import Setting
from relevance.errors import TuningError

__all__ = ["FUSION_STEPS", "REQUEST_STEPS", "WARP_RES", "Parameter", "grid_parameter"]

#: About this many grid steps over a parameter's validated range.
FUSION_STEPS: Final = 1000
REQUEST_STEPS: Final = 20
#: Sampling coordinates (see `Parameter`): u in 0..2 * WARP_RES, |d| ** WARP of the way out.
WARP: Final = 3
WARP_RES: Final = 200


@dataclass(frozen=True)
class Parameter:
    """One searched setting: its grid (anchored at the base value) or its choices.

    Numbers are sampled through a warped coordinate u, an optuna int in 0..2 * WARP_RES whose
    centre is the base: u maps to the grid index `below` +- |d| ** WARP of the way to that end
    of the grid, d = (u - WARP_RES) / WARP_RES. A uniform u stays near the base more often than
    far from it, yet reaches every end of the range; every value is on the grid, so exact and
    inside the validated range by construction.
    """

    path: str
    kind: Literal["float", "int", "choice"]
    base: Any
    level: Literal["fusion", "request"]
    valid_low: float | None = None  # the model's bounds, for the report
    valid_high: float | None = None
    low_strict: bool = False
    high_strict: bool = False
    # the grid: base + (i - below) * step for i in 0..count-1 (so index `below` is the base)
    below: int = 0
    step: float = 1.0
    count: int = 1
    decimals: int = 0
    choices: tuple[Any, ...] = ()

    def value(self, index: int) -> Any:
        if self.kind == "choice":
            return self.choices[index]
        if not 0 <= index < self.count:
            raise TuningError(f"{self.path}: grid index {index} outside 0..{self.count - 1}")
        value = float(self.base) + (index - self.below) * self.step
        return round(value) if self.kind == "int" else round(value, self.decimals)

    def index(self, value: Any) -> int:
        """The grid index (or choice index) of `value`; the base value always has one."""
        if self.kind == "choice":
            return self.choices.index(value)
        index = self.below + round((float(value) - float(self.base)) / self.step)
        if not 0 <= index < self.count or self.value(index) != value:
            raise TuningError(f"{self.path}: {value!r} is not on the grid")
        return index

    @property
    def values(self) -> list[Any]:
        size = len(self.choices) if self.kind == "choice" else self.count
        return [self.value(i) for i in range(size)]

    @property
    def size(self) -> int:
        return len(self.choices) if self.kind == "choice" else self.count

    def distribution(self) -> optuna.distributions.BaseDistribution:
        if self.kind == "choice":
            return optuna.distributions.CategoricalDistribution(list(self.choices))
        return optuna.distributions.IntDistribution(0, 2 * WARP_RES)

    def grid_index(self, u: int) -> int:
        """The grid index of the warped coordinate `u` (see the class)."""
        d = (u - WARP_RES) / WARP_RES
        side = self.below if d < 0 else self.count - 1 - self.below
        offset = round(abs(d) ** WARP * side)
        return self.below - offset if d < 0 else self.below + offset

    def suggest(self, trial: optuna.trial.BaseTrial) -> Any:
        if self.kind == "choice":
            return trial.suggest_categorical(self.path, list(self.choices))
        return self.value(self.grid_index(trial.suggest_int(self.path, 0, 2 * WARP_RES)))

    def optuna_value(self, value: Any) -> Any:
        """`value` as optuna records it: the choice, or a warped coordinate u that maps to it
        (the base is the centre); a value the warp cannot reach exactly gets the nearest."""
        if self.kind == "choice":
            return value
        target = self.index(value)
        if target == self.below:
            return WARP_RES
        side = self.below if target < self.below else self.count - 1 - self.below
        sign = -1 if target < self.below else 1
        guess = WARP_RES + sign * round(WARP_RES * (abs(target - self.below) / side) ** (1 / WARP))
        around = range(max(0, guess - 3), min(2 * WARP_RES, guess + 3) + 1)
        return min(around, key=lambda u: (abs(self.grid_index(u) - target), abs(u - guess)))

    def describe(self) -> dict[str, Any]:
        data: dict[str, Any] = {"path": self.path, "level": self.level, "base": self.base}
        if self.kind == "choice":
            return data | {"kind": "choice", "choices": list(self.choices)}
        return data | {
            "kind": self.kind,
            "valid": _interval(self.valid_low, self.valid_high, self.low_strict, self.high_strict),
            "grid": {
                "low": self.value(0),
                "high": self.value(self.count - 1),
                "step": round(self.step) if self.kind == "int" else self.step,
            },
            "values": self.count,
        }


def _interval(low: float | None, high: float | None, low_strict: bool, high_strict: bool) -> str:
    return f"{'(' if low_strict else '['}{low:g}, {high:g}{')' if high_strict else ']'}"


def _nice_step(span: float, steps: int, integer: bool) -> float:
    """The largest 1, 2 or 5 times a power of ten not above span / steps (at least 1 for ints)."""
    raw = span / steps
    if integer and raw <= 1:
        return 1.0
    exponent = math.floor(math.log10(raw))
    for mantissa in (5, 2, 1):
        step = mantissa * 10.0**exponent
        if step <= raw * (1 + 1e-12):
            break
    return float(max(1, round(step))) if integer else float(Decimal(repr(step)).normalize())


def _decimals(number: float) -> int:
    exponent = Decimal(repr(float(number))).normalize().as_tuple().exponent
    return max(0, -int(exponent)) if isinstance(exponent, int) else 0


def grid_parameter(spec: Setting, base: Any, level: Literal["fusion", "request"]) -> Parameter:
    """The parameter for a field: its grid, anchored at `base`, inside the validated range."""
    if spec.kind == "choice":
        return Parameter(spec.path, "choice", base, level, choices=spec.choices)
    if spec.kind == "fixed" or spec.low is None or spec.high is None:
        raise TuningError(f"{spec.path} is not searchable: {spec.reason}")
    integer = spec.kind == "int"
    steps = FUSION_STEPS if level == "fusion" else REQUEST_STEPS
    low, high, start = spec.low, spec.high, float(base)
    step = _nice_step(high - low, steps, integer)
    decimals = 0 if integer else min(10, max(_decimals(step), _decimals(start)))

    def inside(value: float) -> bool:
        above = value > low if spec.low_strict else value >= low
        below = value < high if spec.high_strict else value <= high
        return above and below

    def at(offset: int) -> float:
        value = start + offset * step
        return float(round(value)) if integer else round(value, decimals)

    down = math.floor((start - low) / step + 1e-9)
    while down > 0 and not inside(at(-down)):
        down -= 1
    up = math.floor((high - start) / step + 1e-9)
    while up > 0 and not inside(at(up)):
        up -= 1
    return Parameter(
        spec.path,
        spec.kind,
        base,
        level,
        valid_low=spec.low,
        valid_high=spec.high,
        low_strict=spec.low_strict,
        high_strict=spec.high_strict,
        below=down,
        step=step,
        count=down + up + 1,
        decimals=decimals,
    )
