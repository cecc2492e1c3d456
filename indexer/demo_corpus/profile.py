"""One profile, drawn in a fixed order from its own generator.

Profile ``i`` of seed ``s`` uses ``random.Random("demo-corpus:s:i")``: it draws its occupation,
country and name, its activity (`activity`), its title, skills and overview (`profile_text`),
then its badges and certifications (`certifications`). The order of the draws is the format:
moving one changes every profile after it in the stream of draws.

* Overview: complete profiles always have one, others for `OVERVIEW_IF_INCOMPLETE_SHARE`.
* ``updated_at``: within the `UPDATED_WITHIN_SECONDS` before ``as_of``.
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from typing import Any, Final

from indexer.demo_corpus import people
from indexer.demo_corpus.activity import (
    activity,
    asserted_badge,
    derived_badge,
    expert_vetted,
    has_rate,
    years_of_experience,
)
from indexer.demo_corpus.certifications import diversity_certifications, skill_certifications
from indexer.demo_corpus.draws import pick
from indexer.demo_corpus.occupations import Occupation
from indexer.demo_corpus.profile_text import overview, skills, title
from indexer.demo_corpus.skill_spellings import NO_SKILL
from indexer.demo_corpus.tables import Tables, tables

OVERVIEW_IF_INCOMPLETE_SHARE: Final = 0.8
UPDATED_WITHIN_SECONDS: Final = 60 * 86_400


def _start(t: Tables, seed: int, index: int) -> tuple[random.Random, Occupation]:
    """The generator of profile `index` for `seed`, and the occupation it draws first."""
    rng = random.Random(f"demo-corpus:{seed}:{index}")
    return rng, t.occupations[pick(rng, t.occupation_cum)]


def occupation_of(seed: int, index: int) -> Occupation:
    """The occupation of profile `index` (tests check titles and categories against it)."""
    return _start(tables(), seed, index)[1]


def profile(t: Tables, seed: int, index: int, as_of: date) -> dict[str, Any]:
    """Profile number `index` (0-based) of the corpus for `seed`."""
    rng, occ = _start(t, seed, index)
    as_of_ordinal = as_of.toordinal()
    country = people.country(rng, t)
    first, last = people.name(rng, t, country.region)
    done = activity(rng, occ.rate_factor, country.rate_factor, as_of_ordinal)
    derived = derived_badge(done, as_of, t.policy)

    chosen = pick(rng, occ.title_cum)
    base_title, named = occ.titles[chosen], occ.title_skills[chosen]
    shown, sources, title_skill = skills(rng, t, occ, named)
    others = sources[1:] if named != NO_SKILL else sources
    full_title = title(rng, t, base_title, others)
    years = years_of_experience(rng, done)
    text: str | None = None
    if done.complete or rng.random() < OVERVIEW_IF_INCOMPLETE_SHARE:
        since = as_of.year - years
        text = overview(
            rng, t, occ, base_title, first, country.name, years, since, shown, title_skill
        )

    out: dict[str, Any] = {
        "id": f"fl-{index + 1:07d}",
        "name": people.display_name(rng, first, last),
        "title": full_title,
        "overview": text,
        "skills": shown,
    }
    if has_rate(rng):
        out["hourly_rate_usd"] = done.rate
    out["country"] = country.code
    out["job_success_score"] = done.job_success_score
    out["earnings_12m_usd"] = done.earnings
    out["total_jobs"] = done.jobs
    out["first_contract_date"] = done.first_contract.isoformat() if done.first_contract else None
    out["profile_complete"] = done.complete
    out["expert_vetted"] = expert_vetted(rng, derived)
    badge = asserted_badge(rng, derived)
    if badge is not None:
        out["badge"] = badge
    out["skill_certifications"] = skill_certifications(rng, t, occ.family, sources, as_of_ordinal)
    out["diversity_certifications"] = diversity_certifications(
        rng, t, country.code, occ.family, first, last, as_of_ordinal
    )
    updated = datetime(as_of.year, as_of.month, as_of.day) - timedelta(
        seconds=rng.randrange(1, UPDATED_WITHIN_SECONDS)
    )
    out["updated_at"] = updated.isoformat() + "Z"
    return out
