"""Diversity certification: the categories of certified ownership and the review states.

An external certification of the business, never a demographic self-report: nothing here
describes a person. The registry of certifying bodies per country is data:
`domain.certification_registry`.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Protocol


class DiversityCategory(StrEnum):
    """Categories of externally certified business ownership. Extend here (and in the registry)."""

    MINORITY_OWNED = "minority_owned"
    BLACK_OWNED = "black_owned"
    WOMAN_OWNED = "woman_owned"
    VETERAN_OWNED = "veteran_owned"
    DISABILITY_OWNED = "disability_owned"
    LGBTQ_OWNED = "lgbtq_owned"


class ReviewStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


class Certification(Protocol):
    """What the registry needs of a certification to decide whether it counts.

    The indexer's input model (`indexer.profile_input.DiversityCertificationInput`) is one.
    """

    @property
    def category(self) -> DiversityCategory: ...
    @property
    def certifying_body(self) -> str: ...
    @property
    def expires_on(self) -> date: ...
    @property
    def review_status(self) -> ReviewStatus: ...
    @property
    def country(self) -> str: ...
