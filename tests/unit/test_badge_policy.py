from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from domain.badges import Badge, BadgePolicy, BadgeStats, derive_badge

AS_OF = date(2026, 11, 1)
POLICY = BadgePolicy()


def stats(**kw: object) -> BadgeStats:
    base: dict[str, object] = {
        "job_success_score": 95,
        "earnings_12m_usd": 5000,
        "total_jobs": 20,
        "first_contract_date": AS_OF - timedelta(days=400),
        "profile_complete": True,
    }
    base.update(kw)
    return BadgeStats.model_validate(base)


def test_top_rated_needs_every_condition() -> None:
    assert derive_badge(stats(), AS_OF, POLICY) is Badge.TOP_RATED
    assert derive_badge(stats(job_success_score=89.9), AS_OF, POLICY) is None
    assert derive_badge(stats(earnings_12m_usd=999), AS_OF, POLICY) is None
    assert derive_badge(stats(profile_complete=False), AS_OF, POLICY) is None
    assert derive_badge(stats(job_success_score=None), AS_OF, POLICY) is None


def test_top_rated_plus_needs_ten_thousand() -> None:
    assert derive_badge(stats(earnings_12m_usd=10_000), AS_OF, POLICY) is Badge.TOP_RATED_PLUS
    assert derive_badge(stats(earnings_12m_usd=9_999.99), AS_OF, POLICY) is Badge.TOP_RATED


def test_expert_vetted_is_manual_and_highest() -> None:
    assert derive_badge(stats(expert_vetted=True), AS_OF, POLICY) is Badge.EXPERT_VETTED
    no_stats = BadgeStats(expert_vetted=True)
    assert derive_badge(no_stats, AS_OF, POLICY) is Badge.EXPERT_VETTED


def test_rising_talent_is_new_and_needs_no_jss() -> None:
    new = stats(first_contract_date=AS_OF - timedelta(days=30), total_jobs=2)
    assert derive_badge(new.model_copy(update={"job_success_score": None}), AS_OF, POLICY) is (
        Badge.RISING_TALENT
    )
    assert derive_badge(new, AS_OF, POLICY) is Badge.RISING_TALENT
    assert derive_badge(new.model_copy(update={"job_success_score": 60}), AS_OF, POLICY) is None
    assert derive_badge(new.model_copy(update={"total_jobs": 0}), AS_OF, POLICY) is None


def test_as_of_date_moves_profiles_out_of_rising_talent() -> None:
    new = stats(first_contract_date=AS_OF - timedelta(days=60), job_success_score=None)
    assert derive_badge(new, AS_OF, POLICY) is Badge.RISING_TALENT
    assert derive_badge(new, AS_OF + timedelta(days=60), POLICY) is None


def test_policy_is_configurable(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "policy.yaml"
    path.write_text("top_rated_min_jss: 80\n")
    policy = BadgePolicy.from_yaml(path)
    assert derive_badge(stats(job_success_score=85), AS_OF, policy) is Badge.TOP_RATED
    path.write_text("top_rated_min_jss: 101\n")
    try:
        BadgePolicy.from_yaml(path)
    except ValueError as exc:
        assert "top_rated_min_jss" in str(exc)
    else:
        raise AssertionError("an out-of-range threshold must be refused")


@given(
    jss=st.one_of(st.none(), st.floats(0, 100)),
    earnings=st.floats(0, 1e6),
    extra=st.floats(0, 1e6),
    days=st.integers(0, 5000),
    jobs=st.integers(0, 500),
)
def test_more_earnings_never_lowers_the_badge(
    jss: float | None, earnings: float, extra: float, days: int, jobs: int
) -> None:
    def rank(e: float) -> int:
        badge = derive_badge(
            stats(
                job_success_score=jss,
                earnings_12m_usd=e,
                total_jobs=jobs,
                first_contract_date=AS_OF - timedelta(days=days),
            ),
            AS_OF,
            POLICY,
        )
        return badge.rank if badge else 0

    assert rank(earnings + extra) >= rank(earnings)
