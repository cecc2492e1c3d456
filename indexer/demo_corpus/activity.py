"""A freelancer's activity: jobs, job success, rate, earnings, completeness, and the badges.

From the spec (``indexer/demo_corpus/__init__.py``):

* Hourly rate: log-normal, median about $35 (sigma 0.55), scaled by occupation (legal and data
  higher, data entry lower) and country (about 1.3x US, 0.55x South Asia), clipped to $5-$250,
  missing for 5%.
* Activity: 25% have no job yet; otherwise jobs are log-normal (median about 3, a few hundreds).
  The job success score is null under 3 jobs, else 100 for a quarter and otherwise 100 minus an
  exponential (mean 7), floored at 40. First contract: null without jobs; within the last 90
  days for a share of the new freelancers (rising-talent candidates); otherwise 91 days to 8
  years ago, longer for busier freelancers. Twelve-month earnings: 0 for the inactive (about 45%
  of all profiles), else rate x log-normal hours growing with the job count, capped at $300,000.
  ``profile_complete`` is true for about 70%, more often for active freelancers.
* Badges, derived with the indexer's default ``BadgePolicy`` as of ``as_of``: about 78% no
  badge, 5% rising talent, 12% top rated and 5% top rated plus (the activity parameters above
  were tuned for it). The ``badge`` field itself is set on about 1% of profiles (an upstream
  assertion), agreeing with the policy 85% of the time. ``expert_vetted`` is about 0.2%, mostly
  among top-rated profiles.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import date
from typing import Final

from domain.badges import BadgePolicy, BadgeStats, derive_badge
from indexer.demo_corpus.draws import choice

# Jobs: none for a share, else log-normal.
NO_JOB_SHARE: Final = 0.25
JOBS_LOG_MEAN: Final = 1.2
JOBS_LOG_SIGMA: Final = 1.35
MAX_JOBS: Final = 1500
# First contract: recent (rising-talent candidates) for a share of the new freelancers, by job
# count (at most this many jobs -> share); otherwise between these many days ago and 8 years,
# the shortest growing with the job count and most contracts nearer the shortest.
RECENT_FIRST_CONTRACT: Final = ((3, 0.14), (10, 0.05), (30, 0.01))
RECENT_DAYS_AGO: Final = (3, 90)
OLDER_DAYS_AGO: Final = 91
DAYS_AGO_PER_JOB: Final = 4
MAX_DAYS_AGO_FOR_JOBS: Final = 1500
OLDEST_DAYS_AGO: Final = 2920
DAYS_AGO_SKEW: Final = 1.3  # exponent on the uniform draw
# Job success score: null under a few jobs, else 100 or 100 minus an exponential, floored.
JSS_MIN_JOBS: Final = 3
PERFECT_JSS: Final = 100
PERFECT_JSS_SHARE: Final = 0.25
JSS_SHORTFALL_MEAN: Final = 7
JSS_FLOOR: Final = 40
# Hourly rate: log-normal around a base, scaled by occupation and country, a little higher with
# experience; clipped; from $20, rounded to $5 for a share.
RATE_BASE: Final = 32.0  # the median lands about $35 once experience and country count
RATE_SIGMA: Final = 0.55
RATE_PER_LOG_JOBS: Final = 0.05
MIN_RATE: Final = 5.0
MAX_RATE: Final = 250.0
ROUNDED_FROM: Final = 20
ROUNDED_SHARE: Final = 0.6
ROUND_TO: Final = 5
RATE_MISSING_SHARE: Final = 0.05
# Twelve-month earnings: active within the last year for most recent starters, fewer of the
# older ones (more when busier); then rate x log-normal hours growing with the job count.
DAYS_A_YEAR: Final = 365
ACTIVE_IF_STARTED_THIS_YEAR: Final = 0.95
ACTIVE_BASE: Final = 0.45
ACTIVE_PER_LOG_JOBS: Final = 0.12
MAX_ACTIVE: Final = 0.92
HOURS_MEDIAN: Final = 28
HOURS_PER_LOG_JOBS: Final = 0.55
HOURS_SIGMA: Final = 1.1
MAX_EARNINGS: Final = 300_000.0
# profile_complete: by job count (fewer than this many jobs -> share), the busiest at the end.
COMPLETE_SHARES: Final = ((1, 0.5), (3, 0.72), (10, 0.8))
COMPLETE_SHARE_BUSIEST: Final = 0.9
# Years of experience: since the first contract, plus up to this many years before it.
YEARS_BEFORE_FIRST_CONTRACT: Final = 6
# Badges: expert vetted, and the upstream assertion in the `badge` field.
BADGES: Final = ("rising_talent", "top_rated", "top_rated_plus")
EXPERT_VETTED_TOP_RATED: Final = 0.012
EXPERT_VETTED_OTHERS: Final = 0.001
BADGE_ASSERTED_SHARE: Final = 0.05  # of profiles the policy gives a badge
ASSERTION_AGREES_SHARE: Final = 0.85
BADGE_WRONGLY_ASSERTED_SHARE: Final = 0.001  # of profiles the policy gives none


@dataclass(frozen=True, slots=True)
class Activity:
    jobs: int
    days_ago: int | None  # first contract, days before as_of; None without jobs
    first_contract: date | None
    job_success_score: int | None
    rate: float
    earnings: float
    complete: bool

    def stats(self) -> BadgeStats:
        return BadgeStats(
            job_success_score=self.job_success_score,
            earnings_12m_usd=self.earnings,
            total_jobs=self.jobs,
            first_contract_date=self.first_contract,
            profile_complete=self.complete,
        )


def activity(
    rng: random.Random, occupation_rate: float, country_rate: float, as_of_ordinal: int
) -> Activity:
    """Jobs, first contract, job success, rate, earnings and completeness, in that draw order."""
    jobs = 0
    if rng.random() >= NO_JOB_SHARE:
        jobs = max(1, min(MAX_JOBS, int(math.exp(rng.gauss(JOBS_LOG_MEAN, JOBS_LOG_SIGMA)))))
    days_ago: int | None = None
    if jobs:
        recent = next((share for most, share in RECENT_FIRST_CONTRACT if jobs <= most), 0.0)
        if rng.random() < recent:
            days_ago = rng.randint(*RECENT_DAYS_AGO)
        else:
            shortest = OLDER_DAYS_AGO + min(jobs * DAYS_AGO_PER_JOB, MAX_DAYS_AGO_FOR_JOBS)
            days_ago = shortest + int((OLDEST_DAYS_AGO - shortest) * rng.random() ** DAYS_AGO_SKEW)
    jss: int | None = None
    if jobs >= JSS_MIN_JOBS:
        jss = PERFECT_JSS
        if rng.random() >= PERFECT_JSS_SHARE:
            jss = max(JSS_FLOOR, round(PERFECT_JSS - rng.expovariate(1 / JSS_SHORTFALL_MEAN)))
    rate = (
        RATE_BASE
        * occupation_rate
        * country_rate
        * math.exp(rng.gauss(0.0, RATE_SIGMA) + RATE_PER_LOG_JOBS * math.log1p(jobs))
    )
    rate = min(MAX_RATE, max(MIN_RATE, rate))
    if rate >= ROUNDED_FROM and rng.random() < ROUNDED_SHARE:
        rate = float(round(rate / ROUND_TO) * ROUND_TO)
    else:
        rate = float(round(rate))
    earnings = 0.0
    if days_ago is not None:
        active = ACTIVE_IF_STARTED_THIS_YEAR
        if days_ago >= DAYS_A_YEAR:
            active = min(MAX_ACTIVE, ACTIVE_BASE + ACTIVE_PER_LOG_JOBS * math.log1p(jobs))
        if rng.random() < active:
            log_hours = math.log(HOURS_MEDIAN) + HOURS_PER_LOG_JOBS * math.log1p(jobs)
            hours = math.exp(rng.gauss(log_hours, HOURS_SIGMA))
            if days_ago < DAYS_A_YEAR:
                hours *= days_ago / DAYS_A_YEAR
            earnings = round(min(MAX_EARNINGS, rate * hours), 2)
    complete_share = next(
        (share for fewer, share in COMPLETE_SHARES if jobs < fewer), COMPLETE_SHARE_BUSIEST
    )
    complete = rng.random() < complete_share
    first_contract = date.fromordinal(as_of_ordinal - days_ago) if days_ago is not None else None
    return Activity(jobs, days_ago, first_contract, jss, rate, earnings, complete)


def derived_badge(done: Activity, as_of: date, policy: BadgePolicy) -> str | None:
    """The badge the indexer's policy gives this activity, or None."""
    badge = derive_badge(done.stats(), as_of, policy)
    return badge.value if badge is not None else None


def years_of_experience(rng: random.Random, done: Activity) -> int:
    return max(1, (done.days_ago or 0) // DAYS_A_YEAR + rng.randint(0, YEARS_BEFORE_FIRST_CONTRACT))


def has_rate(rng: random.Random) -> bool:
    return rng.random() >= RATE_MISSING_SHARE


def expert_vetted(rng: random.Random, derived: str | None) -> bool:
    top_rated = derived in ("top_rated", "top_rated_plus")
    return rng.random() < (EXPERT_VETTED_TOP_RATED if top_rated else EXPERT_VETTED_OTHERS)


def asserted_badge(rng: random.Random, derived: str | None) -> str | None:
    """The upstream `badge` field, on a few profiles, mostly agreeing with the policy."""
    roll = rng.random()
    if derived is not None and roll < BADGE_ASSERTED_SHARE:
        if rng.random() < ASSERTION_AGREES_SHARE:
            return derived
        return rng.choice([b for b in BADGES if b != derived])
    if derived is None and roll < BADGE_WRONGLY_ASSERTED_SHARE:
        return choice(rng, BADGES)
    return None
