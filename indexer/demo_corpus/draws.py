"""The weighted draws every part of the generator makes with a profile's own ``random.Random``.

Tables keep cumulative weights (`cumulative`), so a draw is one ``random()`` and a bisection.
"""

from __future__ import annotations

import bisect
import random
from collections.abc import Sequence


def cumulative(weights: Sequence[float]) -> tuple[float, ...]:
    """Running totals of `weights`, as `pick` takes them."""
    out: list[float] = []
    total = 0.0
    for weight in weights:
        total += weight
        out.append(total)
    return tuple(out)


def pick(rng: random.Random, cum: tuple[float, ...]) -> int:
    """Index drawn with the given cumulative weights."""
    return bisect.bisect_right(cum, rng.random() * cum[-1], 0, len(cum) - 1)


def choice(rng: random.Random, items: Sequence[str]) -> str:
    """One of `items`, uniformly."""
    return items[rng.randrange(len(items))]
