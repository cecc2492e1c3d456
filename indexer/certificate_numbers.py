"""Certificate numbers copied into a profile's free text are removed before it is indexed.

The certificate number is never searchable and never appears in any response, but a freelancer
may paste it into their title, overview or skills ("WBENC cert 2024-118233"). Before a profile
becomes a document, each of its own certificate numbers is removed from every free-text field
(name, title, overview, skills, skill certifications), written with any separators or none,
whatever separators it was stored with ("WBENC-2024-118233", "wbenc 2024 118233",
"WBENC2024118233"), and so is a run of 6 or more of its digits ("118233" alone). Only whole
tokens are removed, and a placeholder too short to be a number ("N/A") is not looked for, so
ordinary words keep their letters. A skill left empty is dropped, so a number never becomes a
learned skill.
A profile whose title, name or every skill was nothing but a number cannot be indexed: the
builder raises `CertificateNumberInText` and the run rejects that line with the reason.
"""

from __future__ import annotations

import re
from collections import Counter

from indexer.errors import IndexerError
from indexer.profile_input import ProfileInput

MIN_DIGIT_RUN = 6
# Fewer letters and digits than this ("N/A", "A1"), or none of them digits, is no number to look
# for as a whole: matching it would cut those letters out of ordinary words.
MIN_NUMBER_CHARS = 4
SEPARATORS = r"[\W_]*"  # any separators, or none, between two characters of a number


class CertificateNumberInText(IndexerError, ValueError):
    """A required free-text field held only the profile's own certificate number: that line
    is rejected (naming `field`), the run goes on."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def number_pattern(numbers: list[str]) -> re.Pattern[str] | None:
    """One pattern for every number: whole, with any separators or none between its characters
    (whatever separators it was stored with), or any of its digits in a row that make a run of
    MIN_DIGIT_RUN or more: all of them, a run the stored form separates, or a prefix or suffix
    of all of them ("118233" of "NMSDC2024118233"). Each is matched only as a whole token: never
    inside a longer word or number."""
    whole: set[str] = set()
    digit_runs: set[str] = set()
    for number in numbers:
        core = re.sub(r"[\W_]", "", number)
        if len(core) >= MIN_NUMBER_CHARS and any(c.isdigit() for c in core):
            whole.add(core)
        digits = "".join(re.findall(r"\d", number))
        if len(digits) >= MIN_DIGIT_RUN:
            digit_runs.update(digits[:end] for end in range(MIN_DIGIT_RUN, len(digits) + 1))
            digit_runs.update(digits[start:] for start in range(len(digits) - MIN_DIGIT_RUN + 1))
        digit_runs.update(r for r in re.findall(r"\d+", number) if len(r) >= MIN_DIGIT_RUN)
    if not whole and not digit_runs:
        return None

    def spelled(chars: str) -> str:
        return SEPARATORS.join(re.escape(c) for c in chars)

    alternatives = [
        rf"(?<![^\W_]){spelled(w)}(?![^\W_])" for w in sorted(whole, key=len, reverse=True)
    ] + [rf"(?<!\d){spelled(r)}(?!\d)" for r in sorted(digit_runs, key=len, reverse=True)]
    return re.compile("|".join(alternatives), re.IGNORECASE)


def _scrub(text: str, pattern: re.Pattern[str]) -> str:
    return " ".join(pattern.sub(" ", text).split())


def without_certificate_numbers(
    profile: ProfileInput, removed: Counter[str] | None = None
) -> ProfileInput:
    """`profile` with its own certificate numbers taken out of every free-text field; counts
    the fields they were found in (`removed`). Raises CertificateNumberInText."""
    pattern = number_pattern([c.certificate_number for c in profile.diversity_certifications])
    if pattern is None:
        return profile
    found: Counter[str] = Counter()

    def clean(field: str, text: str) -> str:
        scrubbed = _scrub(text, pattern)
        if scrubbed != " ".join(text.split()):
            found[field] += 1
            return scrubbed
        return text

    name, title = clean("name", profile.name), clean("title", profile.title)
    overview = clean("overview", profile.overview) if profile.overview is not None else None
    skills = [s for s in (clean("skills", raw) for raw in profile.skills) if s]
    certifications = []
    for cert in profile.skill_certifications:
        cert_name = clean("skill_certifications", cert.name)
        issuer = clean("skill_certifications", cert.issuer)
        if cert_name and issuer:  # one that was only a number says nothing else
            certifications.append(cert.model_copy(update={"name": cert_name, "issuer": issuer}))
    if not found:
        return profile
    empty = [f for f, value in (("name", name), ("title", title), ("skills", skills)) if not value]
    if empty:
        raise CertificateNumberInText(
            empty[0],
            f"{', '.join(empty)} held nothing but the profile's certificate number, which is "
            "never indexed: write what the field is for",
        )
    if removed is not None:
        removed.update(found)
    return profile.model_copy(
        update={
            "name": name,
            "title": title,
            "overview": overview,
            "skills": skills,
            "skill_certifications": certifications,
        }
    )
