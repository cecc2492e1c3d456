"""Reading what a query needs from past job posts, pure: no engine, no model.

The posts are hand-made unit vectors: `at(s, axis)` lies at cosine `s` from the query (axis 0)
and, on its own `axis`, orthogonal to every other post's private part, so each post's
similarity to the query is exactly what the test says it is.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from datetime import date
from typing import Any, cast

import numpy as np
import numpy.typing as npt
import pytest
from opensearchpy import OpenSearch
from pydantic import ValidationError

from domain.encoder import EMBEDDING_DIM
from domain.skill_vocabulary import SkillVocabulary
from indexer.job_post_indexing import canonical_skill_ids, job_post_id
from indexer.job_post_input import JobPostInput
from indexer.profile_reader import Reject, parse_object
from ranking.job_post_evidence import JobPostEvidence, JobPosts, JobPostSource, PostSkill
from ranking.query_analysis import skill_parts
from ranking.query_embedder import QueryEmbedder
from ranking.ranking_profile import (
    FeedbackReading,
    JobPostReading,
    QueryReading,
    RankingProfileError,
    SkillLeg,
    load_profile,
)
from ranking.skill_matcher import SkillMatch, SkillMatcher, skill_leg_query
from ranking.talent_searcher import SearchQuery, TalentSearcher, post_skill_scores

Matrix = npt.NDArray[np.float32]
QUERY: Matrix = np.eye(1, EMBEDDING_DIM, 0, dtype=np.float32)  # the query's one vector: axis 0
# every post found, every skill kept: each test narrows only what it is about
OPEN = JobPostReading(enabled=True, neighbours=50, power=1.0, min_similarity=0.0, top_skills=50)


def at(similarity: float, axis: int) -> Matrix:
    """A unit vector at cosine `similarity` from QUERY, its remainder on `axis` (>= 1)."""
    v = np.zeros(EMBEDDING_DIM, np.float32)
    v[0] = similarity
    v[axis] = math.sqrt(1 - similarity**2)
    return v


def posts(*rows: tuple[float, Sequence[str]]) -> JobPosts:
    """Posts p0, p1, ... ("title i") at the given similarities, with the given skill ids."""
    return JobPosts(
        [f"p{i}" for i in range(len(rows))],
        [f"title {i}" for i in range(len(rows))],
        [list(skills) for _, skills in rows],
        np.stack([at(sim, i + 1) for i, (sim, _) in enumerate(rows)]),
    )


def weights(evidence: JobPostEvidence | None) -> dict[str, float]:
    assert evidence is not None
    return {s.id: s.weight for s in evidence.skills}


# -- JobPosts.evidence ------------------------------------------------------------------------


def test_the_nearest_posts_vote_most_similar_first() -> None:
    found = posts(
        (0.5, ["c"]),
        (0.9, ["a"]),
        (0.2, ["far"]),
        (0.7, ["b"]),
        (0.1, ["x"]),  # filler: a skill on every voter would weigh nothing (idf)
    ).evidence(QUERY, OPEN.model_copy(update={"neighbours": 3}))
    assert found is not None
    assert [p.id for p in found.posts] == ["p1", "p3", "p0"]
    assert [p.title for p in found.posts] == ["title 1", "title 3", "title 0"]
    assert [p.similarity for p in found.posts] == pytest.approx([0.9, 0.7, 0.5], abs=1e-6)
    assert set(weights(found)) == {"a", "b", "c"}  # only the neighbours vote


def test_weights_sum_to_one_heaviest_first() -> None:
    found = posts(
        (0.95, ["a", "b"]),
        (0.8, ["b", "c"]),
        (0.6, ["d"]),
        (0.4, ["e", "a"]),
    ).evidence(QUERY, OPEN)
    assert found is not None
    assert sum(s.weight for s in found.skills) == pytest.approx(1.0)
    assert all(s.weight > 0 for s in found.skills)
    assert [s.weight for s in found.skills] == sorted(
        (s.weight for s in found.skills), reverse=True
    )


@pytest.mark.parametrize("power", [0.0, 1.0, 3.0])
def test_a_vote_weighs_similarity_to_the_power(power: float) -> None:
    # one skill per post, each on one post: equal idf, so only the similarity tells them apart
    found = posts((0.9, ["near"]), (0.6, ["far"]), (0.1, ["other"])).evidence(
        QUERY, OPEN.model_copy(update={"power": power, "min_similarity": 0.5})
    )
    got = weights(found)
    assert set(got) == {"near", "far"}
    assert got["near"] / got["far"] == pytest.approx((0.9 / 0.6) ** power, rel=1e-5)


def test_a_skill_on_every_post_weighs_nothing_and_is_dropped() -> None:
    found = posts(
        (0.9, ["web", "php"]),
        (0.8, ["web", "laravel"]),
        (0.7, ["web", "figma"]),
    ).evidence(QUERY, OPEN)
    assert set(weights(found)) == {"php", "laravel", "figma"}


def test_nothing_but_common_skills_gives_no_evidence() -> None:
    found = posts((0.9, ["web"]), (0.8, ["web"])).evidence(QUERY, OPEN)
    assert found is None
    # one post alone: each of its skills is on every post
    assert posts((0.9, ["php", "laravel"])).evidence(QUERY, OPEN) is None


def test_a_rarer_skill_outranks_a_common_one_at_equal_votes() -> None:
    # both are on the nearest post only among the voters; "common" is also on far-away posts
    found = posts(
        (0.9, ["common", "rare"]),
        (0.1, ["common"]),
        (0.1, ["common"]),
        (0.1, ["other"]),
    ).evidence(QUERY, OPEN.model_copy(update={"min_similarity": 0.5}))
    assert found is not None
    assert [s.id for s in found.skills] == ["rare", "common"]
    got = weights(found)
    # idf over all 4 posts: log(5 / 2) for the rare one, log(5 / 4) for the common one
    assert got["rare"] / got["common"] == pytest.approx(math.log(5 / 2) / math.log(5 / 4))


def test_below_min_similarity_there_is_no_evidence() -> None:
    job_posts = posts((0.25, ["a"]), (0.2, ["b"]), (0.1, ["c"]))
    assert job_posts.evidence(QUERY, OPEN.model_copy(update={"min_similarity": 0.3})) is None
    some = job_posts.evidence(QUERY, OPEN.model_copy(update={"min_similarity": 0.2}))
    assert some is not None and [p.id for p in some.posts] == ["p0", "p1"]


def test_no_posts_or_no_query_vectors_give_no_evidence() -> None:
    empty = JobPosts([], [], [], np.zeros((0, EMBEDDING_DIM), np.float32))
    assert len(empty) == 0 and empty.evidence(QUERY, OPEN) is None
    none: Matrix = np.zeros((0, EMBEDDING_DIM), np.float32)
    assert posts((0.9, ["a"]), (0.1, ["b"])).evidence(none, OPEN) is None


def test_the_best_of_the_query_vectors_counts() -> None:
    """A listed query ("shop, logo") is near a post if any of its parts is."""
    job_posts = posts((0.2, ["a"]), (0.1, ["b"]), (0.0, ["c"]))
    part = np.zeros(EMBEDDING_DIM, np.float32)
    part[3] = 1.0  # the third post's own axis: at cosine 1 from it
    found = job_posts.evidence(
        np.stack([QUERY[0], part]), OPEN.model_copy(update={"neighbours": 1})
    )
    assert found is not None
    assert [p.id for p in found.posts] == ["p2"]
    assert found.posts[0].similarity == pytest.approx(1.0)


def test_a_title_posted_again_is_scored_once_and_counts_for_every_post() -> None:
    """Posts sharing a title share its vector: the matrix holds it once, and each post still
    gets its similarity, its vote and its place (ties by row) as if it were held twice."""
    rows = np.stack([at(0.9, 1), at(0.5, 2), at(0.9, 1), at(0.7, 3), at(0.5, 2)])
    skills = [["a"], ["b"], ["c"], ["d"], ["e"]]
    ids = ["p0", "p1", "p2", "p3", "p4"]
    job_posts = JobPosts(ids, ["same", "other", "same", "third", "other"], skills, rows)
    assert job_posts.matrix.shape == (3, EMBEDDING_DIM)
    found = job_posts.evidence(QUERY, OPEN)
    assert found is not None
    assert [p.id for p in found.posts] == ["p0", "p2", "p3", "p1", "p4"]
    assert [p.similarity for p in found.posts] == pytest.approx([0.9, 0.9, 0.7, 0.5, 0.5])
    assert weights(found)["a"] == pytest.approx(weights(found)["c"])


def test_unnormalised_vectors_are_normalised() -> None:
    rows = np.stack([at(0.9, 1) * 7, at(0.4, 2) * 0.01])
    job_posts = JobPosts(["a", "b"], ["A", "B"], [["x"], ["y"]], rows)
    found = job_posts.evidence(QUERY, OPEN)
    assert found is not None
    assert [p.similarity for p in found.posts] == pytest.approx([0.9, 0.4], abs=1e-6)


def test_top_skills_keeps_the_heaviest_and_they_still_sum_to_one() -> None:
    rows = [(0.9, ["a"]), (0.8, ["b"]), (0.7, ["c"]), (0.6, ["d"]), (0.1, ["x"])]
    everything = weights(posts(*rows).evidence(QUERY, OPEN))
    capped = posts(*rows).evidence(QUERY, OPEN.model_copy(update={"top_skills": 2}))
    assert capped is not None
    assert [s.id for s in capped.skills] == ["a", "b"]
    assert sum(s.weight for s in capped.skills) == pytest.approx(1.0)
    assert weights(capped)["a"] / weights(capped)["b"] == pytest.approx(
        everything["a"] / everything["b"]
    )


def test_equal_posts_and_equal_skills_come_in_a_fixed_order() -> None:
    rows = [(0.7, ["zeta"]), (0.7, ["alpha"]), (0.9, ["mid"]), (0.7, ["beta"]), (0.1, ["x"])]
    reading = OPEN.model_copy(update={"power": 0.0, "min_similarity": 0.5})
    found = posts(*rows).evidence(QUERY, reading)
    assert found is not None
    assert [p.id for p in found.posts] == ["p2", "p0", "p1", "p3"]  # similarity, then row
    assert [s.id for s in found.skills] == ["alpha", "beta", "mid", "zeta"]  # equal: by id
    assert posts(*rows).evidence(QUERY, reading) == found


def test_ties_at_the_neighbours_cut_keep_the_first_rows() -> None:
    """The code says "most similar first, then row"; at the cut the row must decide too: two
    posts with the same title (same vector), one place left, the first post (id order) votes."""
    rows = [(0.5, ["x"]), (0.5, ["y"]), (0.7, ["first"]), (0.7, ["second"])]
    found = posts(*rows).evidence(QUERY, OPEN.model_copy(update={"neighbours": 1}))
    assert found is not None
    assert [p.id for p in found.posts] == ["p2"]
    assert [s.id for s in found.skills] == ["first"]


def test_a_negative_min_similarity_is_refused() -> None:
    """A post at a negative cosine would vote similarity ** power: negative, or complex."""
    with pytest.raises(ValidationError, match="min_similarity"):
        JobPostReading(enabled=True, min_similarity=-0.5)


def test_explain_posts_caps_the_posts_listed_not_the_voters() -> None:
    rows = [(0.9, ["a"]), (0.8, ["b"]), (0.7, ["c"]), (0.1, ["x"])]
    reading = OPEN.model_copy(update={"min_similarity": 0.5})
    listed = posts(*rows).evidence(QUERY, reading.model_copy(update={"explain_posts": 1}))
    assert listed is not None
    assert [p.id for p in listed.posts] == ["p0"]
    assert set(weights(listed)) == {"a", "b", "c"}
    assert weights(listed) == weights(posts(*rows).evidence(QUERY, reading))
    unlisted = posts(*rows).evidence(QUERY, reading.model_copy(update={"explain_posts": 0}))
    assert unlisted is not None and unlisted.posts == [] and len(unlisted.skills) == 3


def test_evidence_as_explain_reads_it() -> None:
    found = JobPostEvidence([], [PostSkill("php", 0.123456, "PHP"), PostSkill("learned", 0.876544)])
    assert found.as_dict()["skills"] == [
        {"id": "php", "label": "PHP", "weight": 0.1235},
        {"id": "learned", "label": "learned", "weight": 0.8765},  # no label: the id
    ]


def test_mismatched_lengths_are_refused() -> None:
    with pytest.raises(ValueError, match="same length"):
        JobPosts(["a", "b"], ["A"], [["x"], ["y"]], np.stack([at(0.5, 1), at(0.5, 2)]))


# -- the skill leg ----------------------------------------------------------------------------

NAMED = SkillMatch("python", "Python", 1.0, exact=True)
LEG = SkillLeg(tie_breaker=0.2, exact_boost=1.0)


def _covered(query: dict[str, Any]) -> dict[str, float]:
    return {
        c["constant_score"]["filter"]["term"]["skill_ids"]: c["constant_score"]["boost"]
        for c in query["bool"]["should"]
        if "constant_score" in c and "term" in c["constant_score"]["filter"]
    }


def test_post_skills_join_the_skill_leg_beside_the_dis_max() -> None:
    alone = skill_leg_query([NAMED], LEG)
    query = skill_leg_query([NAMED], LEG, post_skills=[("django", 1.25), ("flask", 0.3333333333)])
    assert query is not None and set(query) == {"bool"}
    should = query["bool"]["should"]
    assert should[0] == alone  # the matched skills score as they did
    assert _covered(query) == {"django": 1.25, "flask": 0.333333}
    assert len(should) == 3


def test_post_skills_alone_when_the_query_matched_no_skill() -> None:
    query = skill_leg_query([], LEG, post_skills=[("php", 2.0), ("laravel", 1.0)])
    assert query is not None
    assert "dis_max" not in str(query)
    assert _covered(query) == {"php": 2.0, "laravel": 1.0}


def test_a_post_skill_of_no_weight_adds_no_clause() -> None:
    assert skill_leg_query([NAMED], LEG, post_skills=[("php", 0.0)]) == skill_leg_query(
        [NAMED], LEG
    )
    assert skill_leg_query([], LEG, post_skills=[("php", 0.0)]) is None
    query = skill_leg_query([], LEG, post_skills=[("php", 0.0), ("go", 0.5)])
    assert query is not None and _covered(query) == {"go": 0.5}


def test_post_skill_scores_weigh_the_shares() -> None:
    evidence = JobPostEvidence([], [PostSkill("php", 0.75), PostSkill("laravel", 0.25)])
    reading = QueryReading(
        job_posts=JobPostReading(enabled=True, weight=4.0, named_skill_weight=0.5),
        feedback=FeedbackReading(enabled=True, weight=2.0),
    )
    assert post_skill_scores(evidence, reading, names_skill=False) == [
        ("php", 3.0),
        ("laravel", 1.0),
    ]
    assert post_skill_scores(evidence, reading, names_skill=True) == [
        ("php", 0.375),
        ("laravel", 0.125),
    ]
    assert post_skill_scores(None, reading, names_skill=False) == []
    feedback = JobPostEvidence([], [PostSkill("php", 1.0)], source="feedback")
    assert post_skill_scores(feedback, reading, names_skill=True) == [("php", 2.0)]


class _FixedPosts(JobPostSource):
    """A job-post source that always has these posts (no engine)."""

    def __init__(self, job_posts: JobPosts | None) -> None:
        super().__init__(cast(OpenSearch, None), "unused", refresh_s=math.inf)
        self.fixed = job_posts

    def current(self) -> JobPosts | None:
        return self.fixed


def _searcher(job_posts: JobPosts | None) -> TalentSearcher:
    """A searcher whose vocabulary index holds python, django, flask and one learned skill, all
    far from every query (only a skill named outright matches), near posts voting for django and
    flask. It never reaches an engine: plan() sends nothing."""
    ids = ["python", "django", "flask", "totally novel skill"]
    vectors = np.stack([at(0.0, 10 + i) for i in range(len(ids))])
    matcher = SkillMatcher(ids, ["Python", "Django", "Flask", "Totally Novel Skill"], vectors)
    return TalentSearcher(
        cast(OpenSearch, None),
        SkillVocabulary.load_default(),
        matcher,
        QueryEmbedder(lambda texts: np.stack([QUERY[0] for _ in texts])),  # every text: axis 0
        job_posts=_FixedPosts(job_posts),
    )


READS_POSTS = load_profile("default").with_overrides(
    {"query": {"job_titles": False, "job_posts": {"enabled": True}}}
)
# "unheld": a skill no profile holds (not in the skills index): it votes, then is dropped
SHOP_POSTS = posts((0.9, ["django", "flask", "unheld"]), (0.8, ["django"]), (0.1, ["other"]))


def _post_boosts(searcher: TalentSearcher, text: str) -> dict[str, float]:
    plan = searcher.plan(SearchQuery(text), READS_POSTS)
    body = plan.bodies[plan.legs.index("skill")]["query"]["bool"]["must"][0]
    return _covered(body)


def test_a_query_naming_a_skill_weighs_the_posts_by_named_skill_weight() -> None:
    searcher = _searcher(SHOP_POSTS)
    reading = READS_POSTS.query.job_posts
    plain = _post_boosts(searcher, "need a small web shop")
    named = _post_boosts(searcher, "python")
    learned = _post_boosts(searcher, "Totally Novel Skill")  # learned from the profiles
    assert set(plain) == set(named) == set(learned) == {"django", "flask"}
    assert sum(plain.values()) == pytest.approx(reading.weight, rel=1e-5)
    assert sum(named.values()) == pytest.approx(reading.named_skill_weight, rel=1e-5)
    assert learned == named


def test_the_searcher_keeps_only_skills_the_profiles_hold_and_labels_them() -> None:
    understanding = _searcher(SHOP_POSTS).plan(SearchQuery("web shop"), READS_POSTS).understanding
    assert understanding.job_posts is not None
    skills = understanding.job_posts.skills
    # flask (one post) is rarer than django (two): heavier though voted for by fewer posts
    assert [(s.id, s.label) for s in skills] == [("flask", "Flask"), ("django", "Django")]
    assert sum(s.weight for s in skills) == pytest.approx(1.0)  # scaled again without "unheld"
    raw = weights(SHOP_POSTS.evidence(QUERY, READS_POSTS.query.job_posts))
    assert "unheld" in raw
    assert skills[0].weight / skills[1].weight == pytest.approx(raw["flask"] / raw["django"])
    as_dict = understanding.as_dict()["job_posts"]
    assert [p["id"] for p in as_dict["posts"]] == ["p0", "p1"]


def test_no_posts_or_reading_off_means_no_evidence_and_no_post_clauses() -> None:
    off = READS_POSTS.with_overrides({"query": {"job_posts": {"enabled": False}}})
    for searcher, profile in ((_searcher(None), READS_POSTS), (_searcher(SHOP_POSTS), off)):
        plan = searcher.plan(SearchQuery("python"), profile)
        assert plan.understanding.job_posts is None
        skill_leg = plan.bodies[plan.legs.index("skill")]["query"]["bool"]["must"][0]
        assert "bool" not in skill_leg or _covered(skill_leg) == {}


def test_when_the_posts_speak_the_skill_leg_keeps_fewer_of_the_querys_own_skills() -> None:
    """Ten skills near the query: all ten join the skill leg without posts (legs.skill), at
    most `query.job_posts.top_k_skills` of them, the nearest, when the posts said something."""
    ids = [f"near{i}" for i in range(10)]
    vectors = np.stack([at(0.9 - i / 100, 10 + i) for i in range(len(ids))])
    searcher = TalentSearcher(
        cast(OpenSearch, None),
        SkillVocabulary.load_default(),
        SkillMatcher(ids, [i.title() for i in ids], vectors),
        QueryEmbedder(lambda texts: np.stack([QUERY[0] for _ in texts])),
        job_posts=_FixedPosts(posts((0.9, ["near9"]), (0.8, ["near8"]))),
    )
    capped = READS_POSTS.with_overrides({"query": {"job_posts": {"top_k_skills": 3}}})
    with_posts = searcher.plan(SearchQuery("web shop"), capped)
    assert with_posts.understanding.job_posts is not None
    assert [m.id for m in with_posts.query_skills] == ["near0", "near1", "near2"]
    without = capped.with_overrides({"query": {"job_posts": {"enabled": False}}})
    assert [m.id for m in searcher.plan(SearchQuery("web shop"), without).query_skills] == ids


def test_a_clients_repeated_text_reuses_its_reading_until_the_posts_or_the_profile_change() -> None:
    """ranking.client_cache: the same text from the same client reads the posts and the skills
    once; a refresh of the posts, another reading, or another client reads them again, and a
    cached plan is the plan a fresh searcher makes."""
    searcher = _searcher(SHOP_POSTS)
    source = cast(_FixedPosts, searcher.job_posts)
    calls: list[str] = []
    evidence = SHOP_POSTS.evidence

    def counted(*args: Any, **kwargs: Any) -> Any:
        calls.append("evidence")
        return evidence(*args, **kwargs)

    fresh = _searcher(SHOP_POSTS).plan(SearchQuery("web shop"), READS_POSTS)
    cast(Any, SHOP_POSTS).evidence = counted
    try:
        first = searcher.plan(SearchQuery("web shop", cache_partition="a"), READS_POSTS)
        again = searcher.plan(SearchQuery("web shop", cache_partition="a"), READS_POSTS)
        searcher.plan(SearchQuery("Web  Shop", cache_partition="a"), READS_POSTS)
        assert calls == ["evidence"]  # the same text, as the model reads it: read once
        assert again.bodies == first.bodies and again.query_skills == first.query_skills
        assert fresh.bodies == first.bodies
        searcher.plan(SearchQuery("web shop", cache_partition="b"), READS_POSTS)
        assert len(calls) == 2  # another client never hits this client's entries
        heavier = READS_POSTS.with_overrides({"query": {"job_posts": {"weight": 8.0}}})
        searcher.plan(SearchQuery("web shop", cache_partition="a"), heavier)
        assert len(calls) == 3  # another reading of the posts
    finally:
        del cast(Any, SHOP_POSTS).evidence
    refreshed = posts((0.9, ["flask"]), (0.1, ["other"]))
    source.fixed = refreshed
    after = searcher.plan(SearchQuery("web shop", cache_partition="a"), READS_POSTS)
    assert after.understanding.job_posts is not None
    assert [s.id for s in after.understanding.job_posts.skills] == ["flask"]


def test_learned_skill_ids_are_the_profiles_skills_a_query_part_names() -> None:
    searcher = _searcher(None)

    def learned(text: str) -> list[str]:
        return searcher.learned_skill_ids(text, skill_parts(text, searcher.vocabulary))

    assert learned("Totally  Novel Skill") == ["totally novel skill"]
    # a part the shipped vocabulary names is not learned ("python"), the other part is
    assert learned("python, totally novel skill") == ["totally novel skill"]
    assert learned("a totally novel skill please") == []  # inside a phrase: not named
    assert learned("python") == [] and learned("") == []


# -- JobPostReading ---------------------------------------------------------------------------

BOUNDS = {
    "neighbours": (1, 500),
    "power": (0.0, 10.0),
    "min_similarity": (0.0, 1.0),
    "top_skills": (1, 100),
    "weight": (0.0, 10.0),
    "named_skill_weight": (0.0, 10.0),
    "explain_posts": (0, 50),
}


@pytest.mark.parametrize("field", sorted(BOUNDS))
def test_reading_bounds_are_inclusive(field: str) -> None:
    low, high = BOUNDS[field]
    assert getattr(JobPostReading.model_validate({field: low}), field) == low
    assert getattr(JobPostReading.model_validate({field: high}), field) == high


@pytest.mark.parametrize("field", sorted(BOUNDS))
@pytest.mark.parametrize("side", ["below", "above"])
def test_a_reading_out_of_bounds_names_its_field(field: str, side: str) -> None:
    low, high = BOUNDS[field]
    step = 1 if isinstance(low, int) else 0.01
    value = low - step if side == "below" else high + step
    with pytest.raises(ValidationError) as raised:
        JobPostReading.model_validate({field: value})
    assert [e["loc"] for e in raised.value.errors()] == [(field,)]


def test_a_reading_refuses_unknown_settings_and_is_frozen() -> None:
    with pytest.raises(ValidationError) as raised:
        JobPostReading(neighbors=10)  # type: ignore[call-arg]
    assert raised.value.errors()[0]["loc"] == ("neighbors",)
    with pytest.raises(ValidationError):
        JobPostReading().weight = 3.0


def test_a_bad_override_names_the_job_posts_field() -> None:
    with pytest.raises(RankingProfileError, match=r"query\.job_posts\.neighbours"):
        load_profile("default").with_overrides({"query": {"job_posts": {"neighbours": 0}}})


# -- JobPostInput and job_post_id -------------------------------------------------------------


def _parsed(raw: dict[str, Any] | str) -> JobPostInput | Reject:
    return parse_object(7, raw if isinstance(raw, str) else json.dumps(raw), JobPostInput)


def _post(**overrides: Any) -> dict[str, Any]:
    return {"title": "Fix my Laravel shop", "skills": ["PHP", "Laravel"]} | overrides


def test_a_minimal_post_is_valid() -> None:
    parsed = _parsed(_post(title="  Fix my Laravel shop  ", skills=[" PHP ", "Laravel"]))
    assert isinstance(parsed, JobPostInput)
    assert (parsed.id, parsed.title, parsed.skills) == (
        None,
        "Fix my Laravel shop",
        ["PHP", "Laravel"],
    )
    assert parsed.description is None and parsed.posted_at is None


@pytest.mark.parametrize(
    ("raw", "field"),
    [
        ({"skills": ["PHP"]}, "title"),
        (_post(title="   "), "title"),
        (_post(title="t" * 301), "title"),
        ({"title": "Logo"}, "skills"),
        (_post(skills=[]), "skills"),
        (_post(skills=[f"s{i}" for i in range(51)]), "skills"),
        (_post(skills=["PHP", ""]), "skills.1"),
        (_post(skills="PHP"), "skills"),
        (_post(budget_usd=500), "budget_usd"),
        (_post(description="d" * 5001), "description"),
        (_post(id="has space"), "id"),
        (_post(posted_at="yesterday"), "posted_at"),
        (_post(posted_at="2024-13-01"), "posted_at"),
        (_post(posted_at="2024-02-30T10:00:00Z"), "posted_at"),
        (_post(posted_at="2024-05-01T25:61:00"), "posted_at"),
    ],
)
def test_a_bad_post_is_rejected_naming_line_and_field(raw: dict[str, Any], field: str) -> None:
    reject = _parsed(raw)
    assert isinstance(reject, Reject)
    assert (reject.line, reject.field) == (7, field)


def test_a_line_that_is_not_a_post_is_rejected_as_the_line() -> None:
    for raw in ("{not json", '["a list"]'):
        reject = _parsed(raw)
        assert isinstance(reject, Reject) and reject.field == "(line)"


@pytest.mark.parametrize(
    "posted_at",
    ["2024-05-01", "2024-05-01T09:30:00Z", "2024-05-01T23:59:59+02:00", "2024-05-01 00:00:00"],
)
def test_a_timestamp_is_read_as_its_day(posted_at: str) -> None:
    parsed = _parsed(_post(posted_at=posted_at))
    assert isinstance(parsed, JobPostInput)
    assert parsed.posted_at == date(2024, 5, 1)


def test_a_post_keeps_its_own_id() -> None:
    parsed = JobPostInput.model_validate(_post(id="upwork:0123"))
    assert job_post_id(parsed) == "upwork:0123"


def test_a_derived_id_is_stable_and_depends_on_title_and_skills_only() -> None:
    post = JobPostInput.model_validate(_post())
    derived = job_post_id(post)
    # pinned: the same post gets the same id in every run, process and release
    assert derived == "jp-ac8e91f012f06156709d"
    assert derived == job_post_id(JobPostInput.model_validate(_post()))
    extras = _post(description="Checkout is broken", posted_at="2024-05-01")
    assert job_post_id(JobPostInput.model_validate(extras)) == derived
    assert job_post_id(JobPostInput.model_validate(_post(skills=["PHP"]))) != derived
    assert job_post_id(JobPostInput.model_validate(_post(title="Fix my shop"))) != derived
    # whitespace is stripped before the id is derived
    padded = _post(title=" Fix my Laravel shop ", skills=["PHP ", " Laravel"])
    assert job_post_id(JobPostInput.model_validate(padded)) == derived
    # and an id read back is one the index (and the API's path) accepts
    assert isinstance(_parsed(_post(id=derived)), JobPostInput)


def test_post_skills_are_canonicalised_as_profile_skills_are() -> None:
    vocabulary = SkillVocabulary.load_default().copy()
    react = vocabulary.canonicalise("React")[0].id
    assert canonical_skill_ids(vocabulary, ["ReactJS", "react.js", "React"]) == [react]
    ids = canonical_skill_ids(vocabulary, ["golang", "Totally Novel Skill 3000"])
    assert ids[0] == vocabulary.canonicalise("Go")[0].id
    assert ids[1] == vocabulary.canonicalise("totally novel skill 3000")[0].id
