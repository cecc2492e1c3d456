from datetime import date

import pytest

from domain.certification_registry import CertificationOutcome, default_registry
from indexer.profile_input import DiversityCertificationInput
from tests.factories import certification

AS_OF = date(2026, 11, 1)


def assess(**kw: object) -> CertificationOutcome:
    cert = DiversityCertificationInput.model_validate(certification(**kw))
    return default_registry().assess(cert, AS_OF)


def test_approved_unexpired_recognised_us_counts() -> None:
    assert assess() is CertificationOutcome.COUNTED


@pytest.mark.parametrize(
    ("overrides", "outcome"),
    [
        ({"review_status": "pending"}, CertificationOutcome.PENDING),
        ({"review_status": "rejected"}, CertificationOutcome.REJECTED),
        ({"expires_on": "2026-10-31"}, CertificationOutcome.EXPIRED),
        (
            {"certifying_body": "Global Diversity Certifiers LLC"},
            CertificationOutcome.UNRECOGNISED_BODY,
        ),
        ({"category": "veteran_owned"}, CertificationOutcome.CATEGORY_NOT_CERTIFIED_BY_BODY),
        (
            {"certifying_body": "WBE Canada", "country": "CA"},
            CertificationOutcome.COUNTRY_NOT_ENABLED,
        ),
        ({"certifying_body": "WBENC", "country": "CA"}, CertificationOutcome.UNRECOGNISED_BODY),
    ],
)
def test_what_does_not_count(overrides: dict[str, object], outcome: CertificationOutcome) -> None:
    assert assess(**overrides) is outcome


def test_expiring_today_still_counts() -> None:
    assert assess(expires_on="2026-11-01") is CertificationOutcome.COUNTED


@pytest.mark.parametrize(
    "body",
    [
        "wbenc",
        "WBENC",
        "Women's Business Enterprise National Council",
        "women's business  enterprise national council",
    ],
)
def test_body_matching_is_case_insensitive_by_code_or_name(body: str) -> None:
    assert assess(certifying_body=body) is CertificationOutcome.COUNTED


def test_every_required_us_body_is_registered() -> None:
    registry = default_registry()
    expected = {
        "NMSDC": {"minority_owned", "black_owned"},
        "WBENC": {"woman_owned"},
        "NGLCC": {"lgbtq_owned"},
        "Disability:IN": {"disability_owned"},
        "NaVOBA": {"veteran_owned"},
        "SBA VetCert": {"veteran_owned"},
        "SBA WOSB": {"woman_owned"},
    }
    for code, categories in expected.items():
        body = registry.find_body(code, "US")
        assert body is not None, code
        assert {c.value for c in body.categories} == categories
    assert registry.enabled_countries() == ["US"]


def test_a_setting_enables_canada() -> None:
    registry = default_registry().with_enabled(["ca"])
    assert registry.enabled_countries() == ["CA", "US"]
    cert = DiversityCertificationInput.model_validate(
        certification(certifying_body="CGLCC", category="lgbtq_owned", country="CA")
    )
    assert registry.assess(cert, AS_OF) is CertificationOutcome.COUNTED
    with pytest.raises(ValueError, match="MX"):
        default_registry().with_enabled(["MX"])
