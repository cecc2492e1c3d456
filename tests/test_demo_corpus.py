"""The demo corpus generator: valid, deterministic, count-independent, realistic enough."""

from __future__ import annotations

import json
from collections import Counter
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml

from indexer.demo_corpus import DEFAULT_AS_OF, _tables, generate_profiles, write_demo_corpus
from indexer.profile_input import ProfileInput

AS_OF = date(2026, 11, 1)
REGISTRY = Path(__file__).resolve().parents[1] / "indexer" / "certifying_bodies.yaml"

Profile = dict[str, Any]


@pytest.fixture(scope="module")
def corpus() -> list[Profile]:
    return list(generate_profiles(2000))


@pytest.fixture(scope="module")
def sample() -> list[Profile]:
    """A larger sample for distribution checks (generation is cheap; no validation here)."""
    return list(generate_profiles(5000, seed=42))


def _policy_badge(p: Profile) -> str | None:
    """The indexer's badge policy (DESIGN), written out independently of the generator."""
    if not p["profile_complete"] or p["first_contract_date"] is None:
        return None
    days = (AS_OF - date.fromisoformat(p["first_contract_date"])).days
    jss, earnings = p["job_success_score"], p["earnings_12m_usd"]
    if days > 90:
        if jss is not None and jss >= 90 and earnings >= 1000:
            return "top_rated_plus" if earnings >= 10_000 else "top_rated"
        return None
    if p["total_jobs"] >= 1 and (jss is None or jss >= 80):
        return "rising_talent"
    return None


def _registry_countries() -> dict[str, str]:
    """Lower-cased body code or name -> registry country."""
    registry = yaml.safe_load(REGISTRY.read_text(encoding="utf-8"))
    out: dict[str, str] = {}
    for country, entry in registry["countries"].items():
        for body in entry["bodies"]:
            out[body["code"].lower()] = country
            out[body["name"].lower()] = country
    return out


def test_every_profile_validates(corpus: list[Profile]) -> None:
    for profile in corpus:
        ProfileInput.model_validate(profile)
        assert json.loads(json.dumps(profile)) == profile  # JSON-ready: dates are strings
    assert corpus[0]["id"] == "fl-0000001"
    assert corpus[-1]["id"] == "fl-0002000"
    assert len({p["id"] for p in corpus}) == len(corpus)


def test_skills_are_unique_bounded_and_about_eight(corpus: list[Profile]) -> None:
    for profile in corpus:
        skills = profile["skills"]
        assert 3 <= len(skills) <= 50
        assert len({s.casefold() for s in skills}) == len(skills)
        assert all(0 < len(s) <= 100 for s in skills)
    mean = sum(len(p["skills"]) for p in corpus) / len(corpus)
    assert 6 <= mean <= 10


def test_esco_pools_are_real_esco_labels() -> None:
    assert _tables().missing_esco == ()


def test_dates_are_relative_to_as_of(corpus: list[Profile]) -> None:
    for profile in corpus:
        first = profile["first_contract_date"]
        assert (first is None) == (profile["total_jobs"] == 0)
        if first is not None:
            assert 0 < (AS_OF - date.fromisoformat(first)).days <= 8 * 366
        updated = datetime.fromisoformat(profile["updated_at"].replace("Z", "+00:00"))
        assert updated.date() < AS_OF
    assert DEFAULT_AS_OF == AS_OF
    shifted = next(generate_profiles(1, as_of=date(2030, 1, 1)))
    assert shifted["updated_at"].startswith("2029-")


def test_same_seed_gives_identical_lines(tmp_path: Path) -> None:
    first, second, other = tmp_path / "a.jsonl", tmp_path / "b.jsonl", tmp_path / "c.jsonl"
    write_demo_corpus(first, 500, seed=7)
    write_demo_corpus(second, 500, seed=7)
    write_demo_corpus(other, 500, seed=8)
    assert first.read_bytes() == second.read_bytes()
    assert first.read_bytes() != other.read_bytes()
    assert list(generate_profiles(50)) == list(generate_profiles(50, as_of=AS_OF))


def test_profile_i_does_not_depend_on_count(tmp_path: Path) -> None:
    assert list(generate_profiles(1000))[:100] == list(generate_profiles(100))
    small, large = tmp_path / "small.jsonl", tmp_path / "large.jsonl"
    write_demo_corpus(small, 100)
    write_demo_corpus(large, 1000)
    assert (
        large.read_text(encoding="utf-8").splitlines()[:100]
        == small.read_text(encoding="utf-8").splitlines()
    )


def test_badge_distribution_under_the_policy(sample: list[Profile]) -> None:
    badges = Counter(_policy_badge(p) for p in sample)
    share = {badge: count / len(sample) for badge, count in badges.items()}
    assert 0.65 <= share[None] <= 0.85
    assert 0.01 <= share["rising_talent"] <= 0.10
    assert 0.06 <= share["top_rated"] <= 0.20
    assert 0.01 <= share["top_rated_plus"] <= 0.10
    asserted = [p for p in sample if "badge" in p]
    assert 0.002 <= len(asserted) / len(sample) <= 0.03
    agreeing = sum(p["badge"] == _policy_badge(p) for p in asserted)
    assert agreeing > len(asserted) / 2
    assert 0 < sum(p["expert_vetted"] for p in sample) <= len(sample) * 0.01


def test_stats_look_like_a_marketplace(sample: list[Profile]) -> None:
    countries = Counter(p["country"] for p in sample)
    assert countries.most_common(1)[0][0] == "US"
    assert 0.45 <= countries["US"] / len(sample) <= 0.65
    rates = sorted(p["hourly_rate_usd"] for p in sample if "hourly_rate_usd" in p)
    assert 25 <= rates[len(rates) // 2] <= 45
    assert rates[0] >= 5 and rates[-1] <= 250
    assert 0.01 <= 1 - len(rates) / len(sample) <= 0.10
    assert sum(p["earnings_12m_usd"] == 0 for p in sample) > len(sample) / 4
    assert max(p["total_jobs"] for p in sample) >= 100
    assert 0.6 <= sum(p["profile_complete"] for p in sample) / len(sample) <= 0.8
    with_skill_certs = sum(bool(p["skill_certifications"]) for p in sample) / len(sample)
    assert 0.05 <= with_skill_certs <= 0.15


def test_diversity_certifications_cover_every_review_case(sample: list[Profile]) -> None:
    holders = [p for p in sample if p["diversity_certifications"]]
    assert 0.01 <= len(holders) / len(sample) <= 0.10
    known = _registry_countries()
    kinds: Counter[str] = Counter()
    for profile in holders:
        for cert in profile["diversity_certifications"]:
            body_country = known.get(cert["certifying_body"].lower())
            expires = date.fromisoformat(cert["expires_on"])
            if body_country is None:
                kinds["unrecognised"] += 1
            elif body_country == "CA":
                assert cert["country"] == "CA"
                kinds["CA"] += 1
            elif cert["review_status"] != "approved":
                kinds[cert["review_status"]] += 1
            elif expires < AS_OF:
                kinds["expired"] += 1
            else:
                kinds["valid"] += 1
                kinds["expiring_soon"] += (expires - AS_OF).days <= 30
    for kind in ("valid", "expiring_soon", "expired", "pending", "rejected", "unrecognised", "CA"):
        assert kinds[kind] > 0, kind
    assert kinds["valid"] > sum(kinds.values()) / 3
    # Mixed letter case for registry bodies.
    bodies = {c["certifying_body"] for p in holders for c in p["diversity_certifications"]}
    assert any(b.islower() for b in bodies) and any(b.isupper() for b in bodies)


def test_skill_certifications_are_never_diversity_certifications(sample: list[Profile]) -> None:
    known = _registry_countries()
    for profile in sample:
        for cert in profile["skill_certifications"]:
            assert cert["issuer"].lower() not in known
            assert cert["name"].lower() not in known
            assert "owned" not in cert["name"].lower()


def test_write_demo_corpus_writes_valid_lines(tmp_path: Path) -> None:
    path = tmp_path / "nested" / "corpus.jsonl"
    progress: list[int] = []
    assert write_demo_corpus(path, 2500, seed=3, on_progress=progress.append) == 2500
    assert progress == [1000, 2000, 2500]
    text = path.read_text(encoding="utf-8")
    assert text.endswith("\n")
    lines = text.splitlines()
    assert len(lines) == 2500
    for line in lines:
        ProfileInput.model_validate_json(line)
    assert write_demo_corpus(tmp_path / "empty.jsonl", 0) == 0


def test_negative_count_is_rejected() -> None:
    with pytest.raises(ValueError):
        generate_profiles(-1)
