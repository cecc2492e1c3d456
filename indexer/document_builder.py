"""Turns a validated profile into its index document, and says what it decided.

Badges are derived by the policy as of a date; an upstream-asserted badge wins but a disagreement
is reported. Diversity certifications are reduced to what the query-time filter needs, and only
when they passed review and come from a recognised body: the certificate number never leaves
this function, and a copy of it in the profile's free text is removed first
(indexer.certificate_numbers).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import cached_property

from domain.badges import Badge, BadgePolicy, BadgeStats, derive_badge
from domain.certification_registry import CertificationOutcome, CertificationRegistry
from domain.occupation_titles import OccupationTitles
from domain.skill_mentions import SkillMentions
from domain.skill_vocabulary import SkillVocabulary
from indexer.certificate_numbers import without_certificate_numbers
from indexer.profile_input import ProfileInput
from mappings.diversity_grants import encode_grant
from mappings.profile_document import ProfileDocument, SkillCertificationDoc

# Outcomes worth keeping in the index: expiry and country enablement are re-checked per query.
_STORED_OUTCOMES = {CertificationOutcome.COUNTED, CertificationOutcome.COUNTRY_NOT_ENABLED}
_TITLE_CACHE_SIZE = 100_000  # distinct titles remembered (a few MB)


@dataclass
class BuildReport:
    """Counts over a run, for the summary."""

    badges: Counter[str] = field(default_factory=Counter)
    badge_disagreements: Counter[str] = field(default_factory=Counter)
    certifications: Counter[str] = field(default_factory=Counter)
    skill_matches: Counter[str] = field(default_factory=Counter)
    # free-text fields a profile's own certificate number was removed from (by field)
    certificate_numbers_removed: Counter[str] = field(default_factory=Counter)


@dataclass(frozen=True)
class _TitleReading:
    skill_ids: list[str]  # "React.js Developer" -> react
    occupations: list[str]  # "Bookkeeping Clerk" -> 43-3031.00 (O*NET-SOC codes)


@dataclass(frozen=True)
class DocumentBuilder:
    vocabulary: SkillVocabulary
    registry: CertificationRegistry
    policy: BadgePolicy
    as_of: date

    @cached_property
    def _mentions(self) -> SkillMentions:
        return SkillMentions(self.vocabulary)

    @cached_property
    def _occupation_titles(self) -> OccupationTitles:
        return OccupationTitles.from_taxonomy()

    @cached_property
    def _titles_read(self) -> dict[str, _TitleReading]:
        """Per distinct title: titles repeat across profiles, so each is read once."""
        return {}

    def read_title(self, title: str) -> _TitleReading:
        """The skills and the O*NET occupations a title names, as queries are read.

        Lookups only, never learning: a title word that names no skill adds none.
        """
        found = self._titles_read.get(title)
        if found is None:
            if len(self._titles_read) >= _TITLE_CACHE_SIZE:
                self._titles_read.clear()
            named = self._mentions.named(title)
            skill_ids = list(dict.fromkeys(entry.id for _, entry in named))
            occupations = self._occupation_titles.occupation_codes(title, [n for n, _ in named])
            found = self._titles_read[title] = _TitleReading(skill_ids, occupations)
        return found

    def title_skill_ids(self, title: str) -> list[str]:
        """The vocabulary skills a title names ("React.js Developer" -> react)."""
        return self.read_title(title).skill_ids

    def build(self, profile: ProfileInput, report: BuildReport) -> ProfileDocument:
        """Raises CertificateNumberInText when a required field was only a certificate number."""
        profile = without_certificate_numbers(profile, report.certificate_numbers_removed)
        skill_ids: list[str] = []
        skill_labels: list[str] = []
        for raw in profile.skills:
            entry, kind = self.vocabulary.canonicalise(raw)
            report.skill_matches[kind] += 1
            if entry.id not in skill_ids:
                skill_ids.append(entry.id)
                skill_labels.append(entry.label)

        derived = derive_badge(badge_stats(profile), self.as_of, self.policy)
        badge = profile.badge or derived
        if profile.badge is not None and profile.badge != derived:
            report.badge_disagreements[f"{profile.badge}!={derived or 'none'}"] += 1
        report.badges[badge or "none"] += 1

        grants = []
        for cert in profile.diversity_certifications:
            outcome = self.registry.assess(cert, self.as_of)
            report.certifications[outcome] += 1
            if outcome in _STORED_OUTCOMES:
                grant = encode_grant(cert.country, cert.category, cert.expires_on)
                if grant not in grants:
                    grants.append(grant)

        title = self.read_title(profile.title)
        return ProfileDocument(
            id=profile.id,
            name=profile.name,
            title=profile.title,
            overview=profile.overview,
            skills=list(profile.skills),
            skill_ids=skill_ids,
            skill_labels=skill_labels,
            title_skill_ids=title.skill_ids,
            title_occupations=title.occupations,
            hourly_rate_usd=profile.hourly_rate_usd,
            country=profile.country,
            job_success_score=profile.job_success_score,
            earnings_12m_usd=profile.earnings_12m_usd,
            total_jobs=profile.total_jobs,
            first_contract_date=profile.first_contract_date,
            profile_complete=profile.profile_complete,
            expert_vetted=profile.expert_vetted,
            badge=badge,
            badge_rank=badge.rank if badge else 0,
            badge_source=badge_source(profile.badge, derived),
            badge_derived=derived,
            badge_asserted=profile.badge,
            badge_as_of=self.as_of,
            skill_certifications=[
                SkillCertificationDoc(name=c.name, issuer=c.issuer, earned_on=c.earned_on)
                for c in profile.skill_certifications
            ],
            diversity_grants=grants,
            updated_at=profile.updated_at,
            indexed_at=datetime.now(UTC),
        )


def badge_stats(profile: ProfileInput) -> BadgeStats:
    return BadgeStats(
        expert_vetted=profile.expert_vetted,
        job_success_score=profile.job_success_score,
        earnings_12m_usd=profile.earnings_12m_usd,
        total_jobs=profile.total_jobs,
        first_contract_date=profile.first_contract_date,
        profile_complete=profile.profile_complete,
    )


def badge_source(asserted: Badge | None, derived: Badge | None) -> str | None:
    """'upstream' when an asserted badge is shown, 'policy' when the derived one is."""
    if asserted is not None:
        return "upstream"
    return "policy" if derived is not None else None
