"""Turns a validated profile into its index document, and says what it decided.

Badges are derived by the policy as of a date; an upstream-asserted badge wins but a disagreement
is reported. Diversity certifications are reduced to what the query-time filter needs, and only
when they passed review and come from a recognised body: the certificate number never leaves
this function, and a copy of it in the profile's free text is removed first
(indexer.certificate_numbers).
"""

from __future__ import annotations

import zlib
from array import array
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from functools import cached_property
from typing import NamedTuple

from domain.badges import Badge, BadgePolicy, BadgeStats, derive_badge
from domain.certification_registry import CertificationOutcome, CertificationRegistry
from domain.occupation_titles import OccupationTitles
from domain.skill_mentions import SkillMentions
from domain.skill_vocabulary import MatchKind, SkillVocabulary
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

    def add(self, other: BuildReport) -> None:
        """Adds `other`'s counts (a worker process's), keeping only positive counts."""
        self.badges += other.badges
        self.badge_disagreements += other.badge_disagreements
        self.certifications += other.certifications
        self.skill_matches += other.skill_matches
        self.certificate_numbers_removed += other.certificate_numbers_removed


@dataclass(frozen=True)
class SkillReading:
    """A profile's skills against the vocabulary: canonical ids and labels (each id once, in
    the order first listed) and how each listed skill was found (one kind per listed skill)."""

    ids: list[str]
    labels: list[str]
    kinds: list[MatchKind]


class TitleReading(NamedTuple):  # a tuple: sent by worker processes, cheap to unpickle
    skill_ids: list[str]  # "React.js Developer" -> react
    occupations: list[str]  # "Bookkeeping Clerk" -> 43-3031.00 (O*NET-SOC codes)
    # The word groups looked up and not found, as `unmatched_key`s packed in an array("I"): a
    # skill learned later under one of them could change this reading, nothing else could.
    unmatched: bytes = b""

    def may_name(self, learned_keys: set[int]) -> bool:
        """Whether a skill learned since this reading (keys: `unmatched_key` of their ids)
        could change it; a key collision only costs a second reading."""
        return bool(learned_keys) and not learned_keys.isdisjoint(
            memoryview(self.unmatched).cast("I")
        )


def unmatched_key(key: str) -> int:
    """A compact key (domain.skill_names.compact_key of a normalised name) as a 32-bit number."""
    return zlib.crc32(key.encode("utf-8"))


@dataclass(frozen=True)
class DocumentBuilder:
    vocabulary: SkillVocabulary
    registry: CertificationRegistry
    policy: BadgePolicy
    as_of: date
    # How many vocabulary names hold each word (SkillMentions.word_names), when counted by
    # another builder: a worker process's builder reads titles with its owner's table.
    title_word_names: dict[str, int] | None = field(default=None, compare=False, repr=False)

    @cached_property
    def _mentions(self) -> SkillMentions:
        return SkillMentions(self.vocabulary, self.title_word_names)

    @cached_property
    def _occupation_titles(self) -> OccupationTitles:
        return OccupationTitles.from_taxonomy()

    @cached_property
    def _titles_read(self) -> dict[str, TitleReading]:
        """Per distinct title: titles repeat across profiles, so each is read once."""
        return {}

    def count_title_words(self) -> dict[str, int]:
        """The word table titles are read with (SkillMentions.word_names), counted over the
        vocabulary as it is now unless it was already: the indexer counts it before a run,
        so that a run reads titles alike with or without worker processes."""
        return self._mentions.word_names

    def read_title(self, title: str, read_elsewhere: TitleReading | None = None) -> TitleReading:
        """The skills and the O*NET occupations a title names, as queries are read.

        Lookups only, never learning: a title word that names no skill adds none. A title is
        read once and the reading kept (up to _TITLE_CACHE_SIZE titles, then all forgotten).
        `read_elsewhere`: the title's reading by another builder, taken instead of reading it
        when this one has none (the caller knows it is the same).
        """
        found = self._titles_read.get(title)
        if found is None:
            if len(self._titles_read) >= _TITLE_CACHE_SIZE:
                self._titles_read.clear()
            found = read_elsewhere or self._read_title(title)
            if found.unmatched and read_elsewhere is not None:
                found = found._replace(unmatched=b"")  # not needed here again (memory)
            self._titles_read[title] = found
        return found

    def _read_title(self, title: str) -> TitleReading:
        unmatched: set[str] = set()
        named = self._mentions.named(title, unmatched)
        skill_ids = list(dict.fromkeys(entry.id for _, entry in named))
        occupations = self._occupation_titles.occupation_codes(title, [n for n, _ in named])
        keys = array("I", sorted({unmatched_key(key) for key in unmatched}))
        return TitleReading(skill_ids, occupations, keys.tobytes())

    def title_skill_ids(self, title: str) -> list[str]:
        """The vocabulary skills a title names ("React.js Developer" -> react)."""
        return self.read_title(title).skill_ids

    def unused_copy(self) -> DocumentBuilder:
        """A builder with a copy of this one's vocabulary as it is now, its title word table,
        the same registry, policy and date, and none of its caches: what a worker process is
        sent (pickled)."""
        return replace(
            self, vocabulary=self.vocabulary.copy(), title_word_names=self.count_title_words()
        )

    def build(self, profile: ProfileInput, report: BuildReport) -> ProfileDocument:
        """Raises CertificateNumberInText when a required field was only a certificate number.

        The three steps, `without_certificate_numbers`, `read_skills` and `document`, are
        public for the indexer's worker processes (indexer.profile_lines), which read skills
        without learning.
        """
        profile = without_certificate_numbers(profile, report.certificate_numbers_removed)
        skills = self.read_skills(profile.skills, report.skill_matches)
        return self.document(profile, skills, report)

    def read_skills(
        self, raws: Sequence[str], matches: Counter[str], learn: bool = True
    ) -> SkillReading:
        """Canonicalises each listed skill (counting how each was found in `matches`); an
        unknown skill is learned, or with `learn=False` given the entry it would be learned as."""
        skill_ids: list[str] = []
        skill_labels: list[str] = []
        kinds: list[MatchKind] = []
        for raw in raws:
            entry, kind = self.vocabulary.canonicalise(raw, learn)
            matches[kind] += 1
            kinds.append(kind)
            if entry.id not in skill_ids:
                skill_ids.append(entry.id)
                skill_labels.append(entry.label)
        return SkillReading(skill_ids, skill_labels, kinds)

    def document(
        self, profile: ProfileInput, skills: SkillReading, report: BuildReport
    ) -> ProfileDocument:
        """The document of a profile already cleaned of its certificate numbers, with its skills
        already read."""
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
            skill_ids=skills.ids,
            skill_labels=skills.labels,
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
