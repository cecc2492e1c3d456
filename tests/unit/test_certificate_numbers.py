"""A profile's own certificate number is taken out of every free-text field (no engine)."""

from __future__ import annotations

from collections import Counter

import pytest

from indexer.certificate_numbers import CertificateNumberInText, without_certificate_numbers
from indexer.profile_input import ProfileInput
from tests.factories import certification, profile

NUMBER = "NMSDC-2024-118233"


def planted(**fields: object) -> ProfileInput:
    base = profile(diversity_certifications=[certification(certificate_number=NUMBER)])
    return ProfileInput.model_validate(base | fields)


def test_the_number_is_removed_from_every_free_text_field_in_any_spelling() -> None:
    removed: Counter[str] = Counter()
    clean = without_certificate_numbers(
        planted(
            name="Ada NMSDC-2024-118233 Lovelace",
            title="Python Developer (cert nmsdc 2024 118233)",
            overview="Certified: NMSDC2024118233. Ask for #118233.",
            skills=["Python", "NMSDC-2024-118233", "118233", "Django"],
            skill_certifications=[
                {"name": "AWS 118233", "issuer": "Amazon"},
                {"name": "118233", "issuer": "NMSDC"},
            ],
        ),
        removed,
    )
    text = " ".join(
        [clean.name, clean.title, clean.overview or "", *clean.skills]
        + [c.name + " " + c.issuer for c in clean.skill_certifications]
    )
    assert "118233" not in text and "nmsdc 2024" not in text.lower()
    assert (clean.name, clean.title) == ("Ada Lovelace", "Python Developer (cert )")
    assert clean.skills == ["Python", "Django"]  # never a skill, so never a learned one
    assert [c.name for c in clean.skill_certifications] == ["AWS"]
    assert removed == Counter(
        {"name": 1, "title": 1, "overview": 1, "skills": 2, "skill_certifications": 2}
    )


def test_a_profile_without_its_number_in_text_is_unchanged() -> None:
    original = planted(overview="Years 2024 and a 12345 five-digit run stay.")
    assert without_certificate_numbers(original) is original


@pytest.mark.parametrize(
    ("fields", "field"),
    [({"title": NUMBER}, "title"), ({"skills": [NUMBER, "118233"]}, "skills")],
)
def test_a_required_field_that_was_only_the_number_rejects_the_line(
    fields: dict[str, object], field: str
) -> None:
    with pytest.raises(CertificateNumberInText) as raised:
        without_certificate_numbers(planted(**fields))
    assert raised.value.field == field
    assert NUMBER not in str(raised.value) and "118233" not in str(raised.value)


@pytest.mark.parametrize(
    ("stored", "written"),
    [
        ("NMSDC2024118233", "NMSDC-2024-118233"),  # stored without separators, written with
        ("2024118233", "2024-118233"),
        ("WBE2024-118233", "WBE 2024 118233"),
        ("NMSDC2024118233", "serial 118233"),  # the serial alone: a suffix of its digits
        ("NMSDC-2024-118233", "2024 118 233"),
    ],
)
def test_a_number_is_found_however_it_was_stored_and_written(stored: str, written: str) -> None:
    base = profile(diversity_certifications=[certification(certificate_number=stored)])
    clean = without_certificate_numbers(
        ProfileInput.model_validate(base | {"title": f"Developer, cert {written}"})
    )
    assert not any(c.isdigit() for c in clean.title), clean.title


@pytest.mark.parametrize("placeholder", ["N/A", "NA", "A1", "n.a.", "-"])
def test_a_placeholder_too_short_to_be_a_number_leaves_ordinary_text_alone(
    placeholder: str,
) -> None:
    base = profile(
        name="Dana Smith",
        title="Financial Analyst, AWS A1 instances",
        overview="NA region, na",
        diversity_certifications=[certification(certificate_number=placeholder)],
    )
    original = ProfileInput.model_validate(base)
    assert without_certificate_numbers(original) is original


def test_a_number_inside_a_longer_word_or_number_is_not_cut_out() -> None:
    """Only a whole token is the number: 'WBE-1234' is not cut out of 'XWBE-12345'."""
    base = profile(diversity_certifications=[certification(certificate_number="WBE-1234")])
    kept = "Order XWBE-12345 shipped, and WBE1234"
    clean = without_certificate_numbers(ProfileInput.model_validate(base | {"overview": kept}))
    assert clean.overview == "Order XWBE-12345 shipped, and"
