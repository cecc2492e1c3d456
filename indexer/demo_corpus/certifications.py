"""The certifications a profile holds: skill certifications and diversity certifications.

From the spec (``indexer/demo_corpus/__init__.py``):

* Skill certifications: about 10% of profiles hold 1-2 real-world certifications chosen from
  those matching their skills or family (``skill_certifications.yaml``: AWS, Google Ads,
  Microsoft Office Specialist...). Never diversity certifications.
* Diversity certifications: about 4% of profiles (6% of US ones, 9% of Canadian ones, under 1%
  elsewhere) hold one, 10% of holders two. For US holders: 68% approved and unexpired from a
  registry body (code or name, in varied letter case, a category the body certifies; most expire
  within 18 months, 12% within 30 days), 10% expired, 8% pending, 6% rejected, 8% from an
  unrecognised body (``diversity.yaml``). Canadian holders use the registry's CA bodies (country
  CA); elsewhere the body is unrecognised.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from datetime import date
from typing import Any, Final

from indexer.demo_corpus.draws import choice, pick
from indexer.demo_corpus.tables import Body, Tables

# Skill certifications.
SKILL_CERTIFIED_SHARE: Final = 0.1
TWO_SKILL_CERTIFICATIONS_SHARE: Final = 0.25
EARNED_ON_SHARE: Final = 0.85  # the date earned is known
EARNED_DAYS_AGO: Final = (20, 5 * 365)
# Diversity certifications: who holds them, by country, and how many.
DIVERSITY_HOLDER_SHARES: Final = {"US": 0.062, "CA": 0.09}
DIVERSITY_HOLDER_SHARE_ELSEWHERE: Final = 0.008
TWO_DIVERSITY_CERTIFICATIONS_SHARE: Final = 0.1
UNRECOGNISED_APPROVED_SHARE: Final = 0.7  # else pending
# Expiry, in days from as_of: expired, rejected (either side), soon, or later.
EXPIRED_DAYS_AGO: Final = (1, 900)
REJECTED_EXPIRES_IN: Final = (-200, 730)
EXPIRES_SOON_SHARE: Final = 0.12
EXPIRES_SOON_IN: Final = (1, 30)
EXPIRES_LATER_IN: Final = (31, 540)
CERTIFICATE_NUMBERS: Final = 1_000_000  # the six digits after PREFIX-YEAR-
DEFAULT_TYPES: Final = ("MBE",)
BUSINESS_NAME_STYLES: Final = 3  # "Last Word Entity", "Adjective Word Entity", "First Last Word"


# How an applicant types the body: the first spelling whose bound the draw is below, else the
# name in upper case.
BODY_SPELLINGS: Final[tuple[tuple[float, Callable[[Body], str]], ...]] = (
    (0.40, lambda body: body.code),
    (0.70, lambda body: body.name),
    (0.80, lambda body: body.code.lower()),
    (0.88, lambda body: body.code.upper()),
    (0.94, lambda body: body.name.lower()),
)


def skill_certifications(
    rng: random.Random, t: Tables, family: str, sources: list[str], as_of_ordinal: int
) -> list[dict[str, Any]]:
    """1-2 certifications matching the family or the skills, for a share of profiles."""
    if rng.random() >= SKILL_CERTIFIED_SHARE:
        return []
    candidates = set(t.certs_by_family.get(family, ()))
    for name in sources:
        candidates.update(t.certs_by_skill.get(name, ()))
    if not candidates:
        return []
    ordered = sorted(candidates)
    count = 2 if rng.random() < TWO_SKILL_CERTIFICATIONS_SHARE else 1
    chosen = rng.sample(ordered, min(len(ordered), count))
    out: list[dict[str, Any]] = []
    for index in chosen:
        cert = t.certifications[index]
        earned = None
        if rng.random() < EARNED_ON_SHARE:
            earned = date.fromordinal(as_of_ordinal - rng.randint(*EARNED_DAYS_AGO)).isoformat()
        out.append({"name": cert.name, "issuer": cert.issuer, "earned_on": earned})
    return out


def diversity_certifications(
    rng: random.Random,
    t: Tables,
    country: str,
    family: str,
    first: str,
    last: str,
    as_of_ordinal: int,
) -> list[dict[str, Any]]:
    """One or two certifications of one business, for a share of profiles by country."""
    share = DIVERSITY_HOLDER_SHARES.get(country, DIVERSITY_HOLDER_SHARE_ELSEWHERE)
    if rng.random() >= share:
        return []
    business = _business_name(rng, t, family, first, last, country)
    count = 2 if rng.random() < TWO_DIVERSITY_CERTIFICATIONS_SHARE else 1
    return [
        _diversity_certification(rng, t, country, business, as_of_ordinal) for _ in range(count)
    ]


def _body_display(rng: random.Random, body: Body) -> str:
    """The body as an applicant types it: code or full name, in varied letter case."""
    roll = rng.random()
    for below, spelling in BODY_SPELLINGS:
        if roll < below:
            return spelling(body)
    return body.name.upper()


def _business_name(
    rng: random.Random, t: Tables, family: str, first: str, last: str, country: str
) -> str:
    word = choice(rng, t.business_words[family])
    entity = choice(rng, t.entity_suffixes.get(country) or t.entity_suffixes["default"])
    style = rng.randrange(BUSINESS_NAME_STYLES)
    if style == 0:
        return f"{last} {word} {entity}"
    if style == 1:
        return f"{choice(rng, t.business_adjectives)} {word} {entity}"
    return f"{first} {last} {word}"


def _diversity_certification(
    rng: random.Random,
    t: Tables,
    country: str,
    business: str,
    as_of_ordinal: int,
) -> dict[str, Any]:
    bodies: tuple[Body, ...] = ()
    if country == "US":
        kind, bodies = t.us_outcomes[pick(rng, t.us_outcome_cum)], t.us_bodies
    elif country == "CA":
        kind, bodies = t.ca_outcomes[pick(rng, t.ca_outcome_cum)], t.ca_bodies
    else:
        kind = "unrecognised"
    if kind == "unrecognised":
        claimed = t.unrecognised[rng.randrange(len(t.unrecognised))]
        category = choice(rng, claimed.categories)
        body_text, prefix = claimed.name, claimed.prefix
        types = t.types_by_category[category]
        status = "approved" if rng.random() < UNRECOGNISED_APPROVED_SHARE else "pending"
    else:
        body = bodies[rng.randrange(len(bodies))]
        category = choice(rng, body.categories)
        body_text = _body_display(rng, body)
        types = t.types_by_body.get(body.code) or t.types_by_category.get(category, DEFAULT_TYPES)
        prefix = t.number_prefixes.get(body.code) or re.sub(r"[^A-Za-z]", "", body.code).upper()
        status = "approved" if kind in ("approved", "expired") else kind
    if kind == "expired":
        expires = as_of_ordinal - rng.randint(*EXPIRED_DAYS_AGO)
    elif kind == "rejected":
        expires = as_of_ordinal + rng.randint(*REJECTED_EXPIRES_IN)
    elif rng.random() < EXPIRES_SOON_SHARE:
        expires = as_of_ordinal + rng.randint(*EXPIRES_SOON_IN)
    else:
        expires = as_of_ordinal + rng.randint(*EXPIRES_LATER_IN)
    expires_on = date.fromordinal(expires)
    issued_year = min(expires_on.year - 1, date.fromordinal(as_of_ordinal).year)
    return {
        "business_name": business,
        "category": category,
        "certifying_body": body_text,
        "certification_type": choice(rng, types),
        "certificate_number": f"{prefix}-{issued_year}-{rng.randrange(CERTIFICATE_NUMBERS):06d}",
        "expires_on": expires_on.isoformat(),
        "review_status": status,
        "country": country,
    }
