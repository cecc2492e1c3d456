"""Recognised diversity-certifying bodies per country, loaded from data.

The registry is data (`certifying_bodies.yaml`), not code, so that a new country (Canada is next)
is a settings change. A certification counts only when it is approved, unexpired, and from a
body recognised here for an enabled country. Expiry is checked at query time (the index keeps the
date), so `assess` here decides only what is fixed at index time.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from enum import StrEnum
from functools import cache
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field

from domain.diversity import Certification, DiversityCategory, ReviewStatus
from domain.errors import DomainValueError

DEFAULT_REGISTRY_PATH = Path(__file__).with_name("certifying_bodies.yaml")


class CertifyingBody(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    code: str
    name: str
    categories: frozenset[DiversityCategory]


class CountryBodies(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    enabled: bool = False
    bodies: list[CertifyingBody] = Field(default_factory=list)


class CertificationOutcome(StrEnum):
    """Why a certification does or does not count; reported in the indexing summary."""

    COUNTED = "counted"
    PENDING = "pending"
    REJECTED = "rejected"
    EXPIRED = "expired"
    UNRECOGNISED_BODY = "unrecognised_body"
    CATEGORY_NOT_CERTIFIED_BY_BODY = "category_not_certified_by_body"
    COUNTRY_NOT_ENABLED = "country_not_enabled"


class CertificationRegistry(BaseModel):
    """Bodies per ISO country code, plus which countries are enabled."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    countries: dict[str, CountryBodies]

    @classmethod
    def load(cls, path: Path = DEFAULT_REGISTRY_PATH) -> CertificationRegistry:
        return cls.model_validate(yaml.safe_load(path.read_text()))

    def with_enabled(self, extra_countries: Iterable[str]) -> CertificationRegistry:
        """A copy where the given countries are enabled too (the settings switch for Canada)."""
        extra = {c.upper() for c in extra_countries}
        unknown = extra - set(self.countries)
        if unknown:
            raise DomainValueError(f"no certifying bodies registered for {sorted(unknown)}")
        countries = {
            code: entry.model_copy(update={"enabled": entry.enabled or code in extra})
            for code, entry in self.countries.items()
        }
        return CertificationRegistry(countries=countries)

    def enabled_countries(self) -> list[str]:
        return sorted(code for code, entry in self.countries.items() if entry.enabled)

    def find_body(self, name_or_code: str, country: str) -> CertifyingBody | None:
        """Case-insensitive match by code or full name, among the bodies of `country`."""
        key = " ".join(name_or_code.split()).casefold()
        entry = self.countries.get(country.upper())
        if entry is None:
            return None
        for body in entry.bodies:
            if key in (body.code.casefold(), body.name.casefold()):
                return body
        return None

    def assess(self, cert: Certification, as_of: date) -> CertificationOutcome:
        """The outcome of one certification on `as_of` (expiry is re-checked at query time)."""
        if cert.review_status is ReviewStatus.PENDING:
            return CertificationOutcome.PENDING
        if cert.review_status is ReviewStatus.REJECTED:
            return CertificationOutcome.REJECTED
        body = self.find_body(cert.certifying_body, cert.country)
        if body is None:
            return CertificationOutcome.UNRECOGNISED_BODY
        if cert.category not in body.categories:
            return CertificationOutcome.CATEGORY_NOT_CERTIFIED_BY_BODY
        if cert.expires_on < as_of:
            return CertificationOutcome.EXPIRED
        if not self.countries[cert.country].enabled:
            return CertificationOutcome.COUNTRY_NOT_ENABLED
        return CertificationOutcome.COUNTED


@cache
def default_registry() -> CertificationRegistry:
    return CertificationRegistry.load()
