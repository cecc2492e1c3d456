"""Plant diversity certifications on a share of a profiles file, at run time, seeded.

Why: a real data set (such as the dev set the relevance figures come from) has no diversity
certifications, so representative re-ranking has no group to represent. The benchmark copies
the profiles into its own work directory with a counting certification planted on `share` of
them; nothing derived from the data is written anywhere else.

How: the profile ids (sorted) are shuffled by `random.Random(seed)` and the first
round(share * N) get one certification each: a body drawn from the registry's enabled
countries' bodies, one of its categories, approved, expiring a year after `as_of`, so it
counts by the rule of the enterprise badge. Every other line is copied as it is.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from domain.certification_registry import default_registry


@dataclass(frozen=True)
class Planted:
    profiles: int
    certified: int
    seed: int
    share: float


def _bodies() -> list[tuple[str, str, list[str]]]:
    """(country, body code, categories) of every body of an enabled country."""
    registry = default_registry()
    return [
        (code, body.code, sorted(str(c) for c in body.categories))
        for code, country in sorted(registry.countries.items())
        if country.enabled
        for body in country.bodies
    ]


def plant_certifications(
    source: Path, target: Path, share: float, seed: int, as_of: date
) -> Planted:
    """Copy `source` (profiles JSONL) to `target` with certifications planted (see above)."""
    lines = source.read_text(encoding="utf-8").splitlines()
    ids = sorted(
        {str(json.loads(line).get("id")) for line in lines if line.strip().startswith("{")}
    )
    rng = random.Random(seed)
    rng.shuffle(ids)
    chosen = set(ids[: round(share * len(ids))])
    bodies = _bodies()
    written: list[str] = []
    for number, line in enumerate(lines):
        if not line.strip().startswith("{"):
            written.append(line)
            continue
        profile: dict[str, Any] = json.loads(line)
        if str(profile.get("id")) in chosen:
            country, body, categories = bodies[rng.randrange(len(bodies))]
            profile["diversity_certifications"] = [
                *(profile.get("diversity_certifications") or []),
                {
                    "business_name": f"{profile.get('name', 'Freelancer')} Studio LLC",
                    "category": rng.choice(categories),
                    "certifying_body": body,
                    "certification_type": "planted",
                    "certificate_number": f"PLANTED-{seed}-{number:07d}",
                    "expires_on": (as_of + timedelta(days=365)).isoformat(),
                    "review_status": "approved",
                    "country": country,
                },
            ]
        written.append(json.dumps(profile, ensure_ascii=False))
    target.write_text("\n".join(written) + "\n", encoding="utf-8")
    return Planted(len(ids), len(chosen), seed, share)
