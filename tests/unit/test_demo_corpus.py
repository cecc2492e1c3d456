"""The demo corpus generator: valid, deterministic, count-independent, coherent, realistic."""

from __future__ import annotations

import itertools
import json
import re
from collections import Counter
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml

from domain import taxonomy_files
from domain.badges import Badge, BadgePolicy, BadgeStats, derive_badge
from domain.certification_registry import CertificationRegistry
from domain.skill_vocabulary import SkillVocabulary, normalise_skill
from indexer.demo_corpus import DEFAULT_AS_OF, generate_profiles, write_demo_corpus
from indexer.demo_corpus import activity as demo_activity
from indexer.demo_corpus.profile import occupation_of
from indexer.demo_corpus.tables import tables
from indexer.profile_input import ProfileInput

ROOT = Path(__file__).resolve().parents[2]
AS_OF = date(2026, 11, 1)
SAMPLE_SEED = 42
# Title segments ("Web Developer | React Expert"), as relevance/relevance_set.py splits them.
SEPARATOR = re.compile(r"\s+[|\u2013\u2014-]\s+|\|")
# The categories a new user browses first (issue 12); others may exist.
MARKETPLACE_CATEGORIES = (
    "web_mobile_software",
    "design_creative",
    "writing_translation",
    "sales_marketing",
    "admin_support",
    "accounting_finance",
    "video_audio",
)

Profile = dict[str, Any]


@pytest.fixture(scope="module")
def corpus() -> list[Profile]:
    return list(generate_profiles(2000))


@pytest.fixture(scope="module")
def sample() -> list[Profile]:
    """A larger sample for distribution checks (generation is cheap; no validation here)."""
    return list(generate_profiles(5000, seed=SAMPLE_SEED))


@pytest.fixture(scope="module")
def vocabulary() -> SkillVocabulary:
    return SkillVocabulary.load_default()


def _policy_badge(p: Profile) -> str | None:
    """The badge the indexer derives from the profile's stats (never re-implemented here)."""
    stats = BadgeStats(
        job_success_score=p["job_success_score"],
        earnings_12m_usd=p["earnings_12m_usd"],
        total_jobs=p["total_jobs"],
        first_contract_date=p["first_contract_date"],
        profile_complete=p["profile_complete"],
    )
    badge = derive_badge(stats, AS_OF, BadgePolicy())
    return badge.value if badge is not None else None


def _registry_countries() -> dict[str, str]:
    """Lower-cased body code or name -> registry country (the indexer's registry reader)."""
    out: dict[str, str] = {}
    for country, entry in CertificationRegistry.load().countries.items():
        for body in entry.bodies:
            out[body.code.lower()] = country
            out[body.name.lower()] = country
    return out


def _canonical(vocabulary: SkillVocabulary, text: str) -> str | None:
    found = vocabulary.expansions(text)
    return found[0].id if found else None


def _held(vocabulary: SkillVocabulary, profile: Profile) -> dict[str, str]:
    """Canonical skill id -> the skill as the profile lists it."""
    out: dict[str, str] = {}
    for skill in profile["skills"]:
        skill_id = _canonical(vocabulary, skill)
        if skill_id is not None:
            out.setdefault(skill_id, skill)
    return out


def _base_title(title: str) -> str:
    """The title without suffix ("| React Expert") or prefix ("Senior ")."""
    base = SEPARATOR.split(title)[0]
    for prefix in tables().texts.prefixes:
        if base.startswith(prefix):
            return base[len(prefix) :]
    return base


class _TitleSkills:
    """Which technology skill a title names, found with the product vocabulary, independently of
    the generator's own matching: the longest run of title words that is the label or an alias
    of a vocabulary entry holding an O*NET technology skill (or a marketplace skill)."""

    def __init__(self, vocabulary: SkillVocabulary) -> None:
        self._vocabulary = vocabulary
        onet = {row.example for row in taxonomy_files.technology_skills()}
        spec = yaml.safe_load((ROOT / "indexer/demo_corpus_data/skills.yaml").read_text())
        self.technologies = {i for name in onet if (i := _canonical(vocabulary, name))}
        # Marketplace skills that are skills of their own ("Shopify"; not "Bookkeeping", which
        # the vocabulary reads as ESCO "accounting").
        self.technologies |= {
            normalise_skill(name)
            for name in spec["marketplace_skills"]
            if _canonical(vocabulary, name) == normalise_skill(name)
        }
        # Spellings the corpus declares are not skill names in a title ("Front Desk Clerk").
        self._excluded = {normalise_skill(s) for s in spec["not_in_titles"]}

    def __call__(self, title: str) -> str | None:
        words = _base_title(title).split()
        for size in range(len(words), 0, -1):
            for start in range(len(words) - size + 1):
                gram = " ".join(words[start : start + size])
                key = normalise_skill(gram)
                if key in self._excluded:
                    continue
                found = self._vocabulary.expansions(gram)
                if not found or found[0].id not in self.technologies:
                    continue
                entry = found[0]
                names = {entry.id, *(normalise_skill(n) for n in (entry.label, *entry.aliases))}
                if key in names:
                    return entry.id
        return None


# -- format, validity, determinism ------------------------------------------------------------


def test_every_profile_validates(corpus: list[Profile]) -> None:
    for profile in corpus:
        ProfileInput.model_validate(profile)
        assert json.loads(json.dumps(profile)) == profile  # JSON-ready: dates are strings
    assert corpus[0]["id"] == "fl-0000001"
    assert corpus[-1]["id"] == "fl-0002000"
    assert len({p["id"] for p in corpus}) == len(corpus)


def test_data_files_name_only_what_the_taxonomy_has() -> None:
    """ESCO labels, skills, titles and certification triggers in demo_corpus_data all exist."""
    assert tables().problems == ()


def test_skills_are_unique_bounded_and_about_eight(corpus: list[Profile]) -> None:
    for profile in corpus:
        skills = profile["skills"]
        assert 3 <= len(skills) <= 50
        assert len({s.casefold() for s in skills}) == len(skills)
        assert all(0 < len(s) <= 100 for s in skills)
    mean = sum(len(p["skills"]) for p in corpus) / len(corpus)
    assert 6 <= mean <= 10


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


def test_generation_is_lazy() -> None:
    """A billion profiles cost nothing until read: the corpus streams."""
    first = list(itertools.islice(generate_profiles(1_000_000_000), 3))
    assert [p["id"] for p in first] == ["fl-0000001", "fl-0000002", "fl-0000003"]


# -- coherence of title, skills and overview --------------------------------------------------


def test_titles_that_name_a_technology_skill_hold_it(
    sample: list[Profile], vocabulary: SkillVocabulary
) -> None:
    named = _TitleSkills(vocabulary)
    naming = holding = 0
    for profile in sample:
        skill_id = named(profile["title"])
        if skill_id is not None:
            naming += 1
            holding += skill_id in _held(vocabulary, profile)
    assert naming >= 150  # about 6% of 5,000: enough titles name a skill to measure
    assert holding >= 0.95 * naming, f"{holding} of {naming} titles naming a skill hold it"


def test_a_react_title_holds_react(sample: list[Profile], vocabulary: SkillVocabulary) -> None:
    react = [
        p
        for p in sample
        if re.search(r"\bReact(?:\.?js)?\b(?! Native)", _base_title(p["title"]), re.IGNORECASE)
    ]
    assert len(react) >= 10
    for profile in react:
        assert "react" in _held(vocabulary, profile), profile["title"]


def test_the_overview_names_the_title_skill(
    sample: list[Profile], vocabulary: SkillVocabulary
) -> None:
    named = _TitleSkills(vocabulary)
    checked = mentioned = 0
    for profile in sample:
        skill_id = named(profile["title"])
        held = _held(vocabulary, profile)
        if skill_id in held and profile["overview"]:
            checked += 1
            mentioned += held[skill_id] in profile["overview"]  # as the profile lists it
    assert checked >= 100
    assert mentioned >= 0.95 * checked, f"{mentioned} of {checked}"


def test_other_skills_lean_to_the_title_skill(sample: list[Profile]) -> None:
    """A React.js Developer's other O*NET skills are mostly web platform software (O*NET's
    commodity of React), far above that commodity's share among Web Developers' skills."""
    commodity = {row.example: row.commodity_title for row in taxonomy_files.technology_skills()}
    web = "Web platform development software"
    same = other = 0
    for profile in sample:
        if _base_title(profile["title"]) == "React.js Developer":
            for skill in profile["skills"][1:]:
                if skill in commodity:
                    other += 1
                    same += commodity[skill] == web
    web_developers = [row for row in taxonomy_files.technology_skills() if row.code == "15-1254.00"]
    base_share = sum(row.commodity_title == web for row in web_developers) / len(web_developers)
    assert other >= 50
    assert same / other >= max(0.35, 2 * base_share), (same, other, base_share)


def test_title_suffixes_name_held_skills(sample: list[Profile]) -> None:
    """ "... | React Expert" names a skill the profile holds (as listed, or its headline form)."""
    t = tables()
    names_of: dict[str, set[str]] = {}  # a spelling -> the skill names it may stand for
    for name, spellings in t.variants.items():
        for spelling in spellings:
            names_of.setdefault(spelling, set()).add(name)
    suffix = re.compile(r" \| (.+?) (?:Expert|Specialist)$| \| (.+?) & (.+)$| - (.+)$")
    checked = 0
    for profile in sample:
        match = suffix.search(profile["title"])
        if match is None:
            continue
        named = [g for g in match.groups() if g]
        spoken: set[str] = set()
        for shown in profile["skills"]:
            sources = {shown} | names_of.get(shown, set())
            spoken |= {shown} | {t.headlines[n] for n in sources if n in t.headlines}
        for skill in named:
            assert skill in spoken, (profile["title"], profile["skills"])
            checked += 1
    assert checked >= 200


# -- categories -------------------------------------------------------------------------------


def test_every_profile_title_comes_from_its_occupation(sample: list[Profile]) -> None:
    for index, profile in enumerate(sample):
        titles = occupation_of(SAMPLE_SEED, index).titles
        title = profile["title"]
        # "Certified Novell Engineer" is an O*NET title; "Senior Web Developer" is prefixed.
        assert SEPARATOR.split(title)[0] in titles or _base_title(title) in titles, title


def test_the_marketplace_categories_are_all_there(sample: list[Profile]) -> None:
    t = tables()
    assert set(MARKETPLACE_CATEGORIES) <= set(t.categories)
    shares = Counter(occupation_of(SAMPLE_SEED, i).category for i in range(len(sample)))
    share = {category: count / len(sample) for category, count in shares.items()}
    assert 0.18 <= share["web_mobile_software"] <= 0.35, share
    for category in MARKETPLACE_CATEGORIES[1:]:
        assert 0.03 <= share.get(category, 0.0) <= 0.20, (category, share)
    assert max(share, key=share.__getitem__) == "web_mobile_software"
    # Mobile apps, within development, and customer support, within admin, are there too.
    mobile = r"\b(?:Android|iOS|Mobile|Flutter|React Native)\b"
    assert sum(bool(re.search(mobile, p["title"])) for p in sample) >= 0.015 * len(sample)
    support = r"\bCustomer (?:Support|Service|Success|Care)\b"
    assert sum(bool(re.search(support, p["title"])) for p in sample) >= 0.01 * len(sample)
    sales = r"\b(?:Sales|Telemarket\w*|Business Development)\b"
    assert sum(bool(re.search(sales, p["title"])) for p in sample) >= 0.01 * len(sample)


@pytest.mark.parametrize(
    ("pattern", "minimum"),
    [
        (r"\bShopify\b", 20),
        (r"\bWordPress\b", 20),
        (r"\bLogo\b", 15),
        (r"\bBookkeep", 20),
        (r"\bGo(?:lang)?\b", 50),
    ],
)
def test_first_searches_have_profiles_to_find(
    sample: list[Profile], pattern: str, minimum: int
) -> None:
    """ "shopify store redesign", "need a wordpress expert", "logo design", "bookkeeping" and
    "golang" each find a handful of profiles naming them in the title, skills or overview."""
    found = sum(
        bool(re.search(pattern, " ".join([p["title"], *p["skills"], p["overview"] or ""])))
        for p in sample
    )
    assert found >= minimum, found


# -- badges and certifications ----------------------------------------------------------------


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


def test_badges_come_from_the_indexer_policy(monkeypatch: pytest.MonkeyPatch) -> None:
    """The corpus asks `domain.badges` (one source for the thresholds): a policy that
    makes everyone Top Rated Plus shows in the asserted badges."""
    calls: list[BadgeStats] = []

    def everyone_top_rated_plus(stats: BadgeStats, as_of: date, policy: BadgePolicy) -> Badge:
        assert policy == BadgePolicy()  # the indexer's default thresholds, not a copy of them
        assert as_of == AS_OF
        calls.append(stats)
        return Badge.TOP_RATED_PLUS

    monkeypatch.setattr(demo_activity, "derive_badge", everyone_top_rated_plus)
    profiles = list(generate_profiles(1000))
    assert len(calls) == 1000
    asserted = Counter(p["badge"] for p in profiles if "badge" in p)
    assert asserted["top_rated_plus"] >= 25  # 5% of profiles assert their derived badge
    assert asserted["top_rated_plus"] > 2 * sum(asserted.values()) / 3


def test_diversity_certifications_cover_every_review_case(sample: list[Profile]) -> None:
    holders = [p for p in sample if p["diversity_certifications"]]
    assert 0.01 <= len(holders) / len(sample) <= 0.10
    known = _registry_countries()
    registry = CertificationRegistry.load()
    kinds: Counter[str] = Counter()
    for profile in holders:
        for cert in profile["diversity_certifications"]:
            body_country = known.get(cert["certifying_body"].lower())
            expires = date.fromisoformat(cert["expires_on"])
            if body_country is None:
                kinds["unrecognised"] += 1
                continue
            body = registry.find_body(cert["certifying_body"], body_country)
            assert body is not None and cert["category"] in body.categories
            if body_country == "CA":
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


# -- writing ----------------------------------------------------------------------------------


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
