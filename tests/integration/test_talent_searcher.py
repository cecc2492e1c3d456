"""The searcher end to end on the embedded server: one _msearch, fused, filtered, explained."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from opensearchpy import OpenSearch

from domain.skill_vocabulary import SkillVocabulary
from indexer.document_builder import DocumentBuilder
from indexer.indexing_run import run_index
from indexer.skill_embeddings import EmbeddingCache
from ranking.query_embedder import QueryEmbedder
from ranking.ranking_profile import load_profile
from ranking.search_filters import SearchFilters
from ranking.skill_matcher import SkillMatcher
from ranking.talent_searcher import SearchError, SearchQuery, TalentSearcher
from relevance.evaluation import Judgment, Judgments
from relevance.tuning.evaluator import CachedEvaluator
from tests.factories import certification, fake_encode, profile, write_jsonl
from tests.integration.conftest import Engine

pytestmark = pytest.mark.integration
# plain min-max on the skill leg: these tiny corpora hold only weak skill matches, which the
# default's full_score keeps weak (tests/unit/test_fusion.py), and the legs are what is tested;
# one pass (skill feedback's second pass has its own tests: tests/unit/test_skill_feedback.py)
DEFAULT = load_profile("default").with_overrides(
    {"legs": {"skill": {"full_score": 0.0}}, "query": {"feedback": {"enabled": False}}}
)


def _corpus() -> list[dict[str, Any] | str]:
    return [
        profile(id="go-1", title="Backend Engineer", skills=["Go", "PostgreSQL"], country="US"),
        profile(
            id="go-2",
            title="Golang Developer",
            skills=["golang", "Docker"],
            country="DE",
            badge="expert_vetted",
        ),
        profile(
            id="go-3",
            title="Platform Engineer",
            skills=["Go", "Kubernetes"],
            country="US",
            job_success_score=None,
            total_jobs=0,
            first_contract_date=None,
            diversity_certifications=[certification(expires_on="2026-12-01")],
        ),
        profile(
            id="py-1",
            title="Python Developer",
            skills=["Python", "Django"],
            country="US",
            diversity_certifications=[
                certification(category="veteran_owned", certifying_body="NaVOBA")
            ],
        ),
        profile(
            id="acc-1", title="Bookkeeper", skills=["QuickBooks", "Microsoft Excel"], country="PH"
        ),
    ]


@pytest.fixture
def searcher(
    client: OpenSearch, builder: DocumentBuilder, embedding_cache: EmbeddingCache, tmp_path: Path
) -> TalentSearcher:
    path = write_jsonl(tmp_path / "p.jsonl", _corpus())
    run_index(client, path, io.StringIO(), builder, fake_encode, embedding_cache, "fake")
    return TalentSearcher(
        client, builder.vocabulary, SkillMatcher.from_index(client), QueryEmbedder(fake_encode)
    )


def ids(searcher: TalentSearcher, query: SearchQuery) -> list[str]:
    return [h.id for h in searcher.search(query, DEFAULT).hits]


def test_alias_in_the_query_finds_canonical_skill_holders(searcher: TalentSearcher) -> None:
    result = searcher.search(SearchQuery("golang"), DEFAULT)
    found = [h.id for h in result.hits]
    assert set(found[:3]) == {"go-1", "go-2", "go-3"}
    assert result.expansions == ["go"]
    explained = result.explain(result.hits[0])
    assert explained["alias_expansions"] == ["go"]
    assert explained["matched_skills"][0]["id"] == "go"
    assert explained["ranking_profile"] == {"name": "default", "version": DEFAULT.version}
    assert sum(explained["parts"].values()) == pytest.approx(explained["final_score"])
    assert set(explained["legs"]) == {"lexical", "skill"}


def test_every_leg_carries_the_filters(searcher: TalentSearcher) -> None:
    plan = searcher.plan(SearchQuery("golang", filters=SearchFilters(countries=["US"])), DEFAULT)
    filtered = [b for b in plan.bodies if b["_source"] is not False]
    assert len(filtered) == len(plan.legs) == 2
    assert all({"terms": {"country": ["US"]}} in b["query"]["bool"]["filter"] for b in filtered)
    found = ids(searcher, SearchQuery("golang", filters=SearchFilters(countries=["US"])))
    assert set(found) <= {"go-1", "go-3", "py-1"} and "go-2" not in found


def test_a_filter_keeps_the_relative_order_of_survivors(searcher: TalentSearcher) -> None:
    everyone = ids(searcher, SearchQuery("golang developer"))
    us_only = ids(
        searcher, SearchQuery("golang developer", filters=SearchFilters(countries=["US"]))
    )
    assert us_only == [d for d in everyone if d in set(us_only)]


def test_diversity_filter_checks_expiry_on_the_request_date(searcher: TalentSearcher) -> None:
    certified = SearchFilters(diversity_certified=True)
    before = SearchQuery("engineer developer", filters=certified, as_of=date(2026, 11, 20))
    after = SearchQuery("engineer developer", filters=certified, as_of=date(2026, 12, 2))
    assert set(ids(searcher, before)) == {"go-3", "py-1"}
    assert set(ids(searcher, after)) == {"py-1"}
    veteran = SearchFilters(diversity_categories=["veteran_owned"])
    assert ids(searcher, SearchQuery(None, filters=veteran, as_of=date(2026, 11, 20))) == ["py-1"]


def test_standard_searches_do_not_fetch_diversity_fields(searcher: TalentSearcher) -> None:
    result = searcher.search(SearchQuery("golang"), DEFAULT)
    assert all("diversity_grants" not in src for src in result.sources.values())
    enterprise = searcher.search(SearchQuery("golang"), DEFAULT, include_diversity=True)
    assert enterprise.sources["go-3"]["diversity_grants"] == ["US|woman_owned|2026-12-01"]


def test_without_text_results_are_ordered_by_priors(searcher: TalentSearcher) -> None:
    query = SearchQuery(None, filters=SearchFilters(countries=["US", "DE", "PH"]))
    result = searcher.search(query, DEFAULT)
    found = [h.id for h in result.hits]
    assert found[0] == "go-2"  # the only expert_vetted badge (asserted upstream)
    assert len(found) == 5
    explained = result.explain(result.hits[0])
    assert sum(explained["parts"].values()) == pytest.approx(explained["final_score"])


def test_explicit_skills_are_matched_exactly(searcher: TalentSearcher) -> None:
    found = ids(searcher, SearchQuery(None, skills=["QuickBooks"]))
    assert found[0] == "acc-1"


def test_a_query_no_leg_can_score_returns_nothing_instead_of_failing(
    searcher: TalentSearcher,
) -> None:
    skill_only = DEFAULT.with_overrides({"legs": {"lexical": {"weight": 0}}})
    unmatched = DEFAULT.with_overrides(
        {"legs": {"lexical": {"weight": 0}, "skill": {"min_similarity": 0.99}}}
    )
    nothing = DEFAULT.with_overrides({"legs": {"lexical": {"weight": 0}, "skill": {"weight": 0}}})
    assert searcher.search(SearchQuery("golang"), skill_only).hits
    for ranking in (unmatched, nothing):
        result = searcher.search(SearchQuery("qwertyuiop zxcv"), ranking)
        assert result.hits == [] and result.total == 0


FORBIDDEN_QUERY_TYPES = {"query_string", "simple_query_string", "script", "script_score"}


def _keys(value: Any) -> set[str]:
    if isinstance(value, dict):
        return set(value) | {k for v in value.values() for k in _keys(v)}
    if isinstance(value, list):
        return {k for v in value for k in _keys(v)}
    return set()


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=st.text(max_size=80), skills=st.lists(st.text(min_size=1, max_size=20), max_size=3))
def test_user_text_never_reaches_a_query_string_or_a_script(
    searcher: TalentSearcher, text: str, skills: list[str]
) -> None:
    """Whatever the text (Lucene syntax, control characters, any Unicode), it is only ever
    matched as text or looked up as a term; nothing parses it as a query or runs it."""
    plan = searcher.plan(
        SearchQuery(text, skills, SearchFilters(diversity_certified=True)), DEFAULT
    )
    assert not _keys(plan.bodies) & FORBIDDEN_QUERY_TYPES


def test_a_misspelt_skill_inside_a_phrase_finds_its_holders_and_says_so(
    searcher: TalentSearcher,
) -> None:
    result = searcher.search(SearchQuery("need a pyhton developer"), DEFAULT)
    assert result.hits[0].id == "py-1"  # the only Python holder
    assert result.understanding.did_you_mean == [{"typed": "pyhton", "suggestion": "Python"}]
    assert "python" in result.expansions
    understood = result.explain(result.hits[0])["query_understanding"]
    assert understood["role_words"] == ["developer"]
    assert understood["skills"][0]["did_you_mean"] == "Python"


def test_a_skill_named_inside_a_phrase_gets_the_alias_boost(searcher: TalentSearcher) -> None:
    result = searcher.search(SearchQuery("golang developer needed"), DEFAULT)
    assert "go" in result.expansions
    assert {h.id for h in result.hits[:3]} == {"go-1", "go-2", "go-3"}


class _FlakyClient:
    """An msearch that fails each body's first try with `status`, then answers."""

    def __init__(self, status: int) -> None:
        self.status = status
        self.calls = 0

    def msearch(
        self, body: list[dict[str, Any]], request_timeout: float, filter_path: list[str]
    ) -> dict[str, Any]:
        self.calls += 1
        if self.calls == 1:
            error = {"type": "search_phase_execution_exception", "reason": ""}
            return {"responses": [{"error": error, "status": self.status} for _ in body[::2]]}
        # what the searcher's `filter_path` leaves of a response without hits
        return {"responses": [{"took": 1} for _ in body[::2]]}


def _searcher_on(client: Any) -> TalentSearcher:
    vocabulary = SkillVocabulary.load_default()
    matcher = SkillMatcher(["python"], ["Python"], fake_encode(["Python"]))
    return TalentSearcher(client, vocabulary, matcher, QueryEmbedder(fake_encode))


def test_a_leg_that_failed_on_the_engines_side_is_sent_once_more() -> None:
    client = _FlakyClient(status=503)
    result = _searcher_on(client).search(SearchQuery("python"), DEFAULT)
    assert client.calls == 2
    assert result.hits == []


def test_a_refused_query_is_not_retried_and_says_why() -> None:
    client = _FlakyClient(status=400)
    with pytest.raises(SearchError, match=r"search_phase_execution_exception \(status 400\)"):
        _searcher_on(client).search(SearchQuery("python"), DEFAULT)
    assert client.calls == 1


def _reading_corpus() -> list[dict[str, Any] | str]:
    return [
        profile(id="react-title", title="React.js Developer", skills=["Redux", "CSS"]),
        profile(id="react-skill", title="Frontend Engineer", skills=["React", "CSS"]),
        profile(id="vue-title", title="Vue.js Developer", skills=["Redux", "CSS"]),
        profile(
            id="docs-tools",
            title="Documentation Specialist",
            skills=["Atlassian Confluence", "Atlassian JIRA", "MadCap Flare", "XML"],
        ),
        profile(id="docs-office", title="Content Writer", skills=["Microsoft Word", "Outlook"]),
        profile(id="bookkeeper", title="Bookkeeping Clerk", skills=["Microsoft Excel"]),
        profile(id="warranty", title="Warranty Clerk", skills=["Microsoft Excel", "QuickBooks"]),
    ]


@pytest.fixture
def reading_searcher(
    client: OpenSearch, builder: DocumentBuilder, embedding_cache: EmbeddingCache, tmp_path: Path
) -> TalentSearcher:
    path = write_jsonl(tmp_path / "p.jsonl", _reading_corpus())
    run_index(
        client,
        path,
        io.StringIO(),
        builder,
        fake_encode,
        embedding_cache,
        "fake",
        profile_vectors=None,
    )
    return TalentSearcher(
        client, builder.vocabulary, SkillMatcher.from_index(client), QueryEmbedder(fake_encode)
    )


def test_a_skill_finds_the_titles_that_name_it_however_spelt(
    reading_searcher: TalentSearcher,
) -> None:
    """ "react" matches "React.js Developer" on both engines (title_skill_ids), not Vue's."""
    result = reading_searcher.search(SearchQuery("react"), DEFAULT)
    assert {h.id for h in result.hits[:2]} == {"react-title", "react-skill"}
    lexical = result.explain(next(h for h in result.hits if h.id == "react-title"))["legs"]
    assert lexical["lexical"]["raw"] is not None  # matched through title_skill_ids
    off = DEFAULT.with_overrides({"legs": {"lexical": {"title_skill_boost": 0}}})
    body = reading_searcher.plan(SearchQuery("react"), off).bodies[0]
    assert "title_skill_ids" not in str(body)


def test_a_job_title_is_read_as_its_occupations_skills(reading_searcher: TalentSearcher) -> None:
    """ "Information Developer" (O*NET: technical writers) finds the profile with their tools."""
    result = reading_searcher.search(SearchQuery("Information Developer"), DEFAULT)
    assert result.hits[0].id == "docs-tools"
    title = result.explain(result.hits[0])["query_understanding"]["job_title"]
    assert title["occupations"] == ["27-3042.00"]
    assert "atlassian confluence" in [s["id"] for s in title["skills"]]
    off = DEFAULT.with_overrides({"query": {"job_titles": False}})
    assert (
        reading_searcher.search(SearchQuery("Information Developer"), off).understanding.job_title
        is None
    )


def test_a_job_title_finds_other_titles_of_its_occupation(reading_searcher: TalentSearcher) -> None:
    """ "Accounts Payable Clerk" and "Bookkeeping Clerk" are titles of one O*NET occupation: the
    bookkeeper ranks above the warranty clerk, who shares the word "Clerk" and holds more of the
    occupation's tools (and so ranks first without the occupation)."""
    result = reading_searcher.search(SearchQuery("Accounts Payable Clerk"), DEFAULT)
    assert result.hits[0].id == "bookkeeper"
    title = result.explain(result.hits[0])["query_understanding"]["job_title"]
    assert "43-3031.00" in title["occupations"] and title["whole_query"] is True
    off = DEFAULT.with_overrides({"legs": {"skill": {"title_occupation_similarity": 0}}})
    body = reading_searcher.plan(SearchQuery("Accounts Payable Clerk"), off).bodies
    assert "title_occupations" not in str(body)
    assert reading_searcher.search(SearchQuery("Accounts Payable Clerk"), off).hits[0].id == (
        "warranty"
    )
    # a query that asks for more than the job does not lift every title of it
    plan = reading_searcher.plan(SearchQuery("Accounts Payable Clerk with Workday"), DEFAULT)
    assert "title_occupations" not in str(plan.bodies)


def test_a_job_title_query_ranks_with_its_query_class_settings(
    reading_searcher: TalentSearcher,
) -> None:
    """A profile's `job_title` class ranks the queries that are a job title as a whole, and only
    those; the tuner's cached trials rank them exactly as the search does."""
    classed = DEFAULT.with_overrides(
        {"query_classes": {"job_title": {"legs": {"skill": {"title_occupation_similarity": 0}}}}}
    )
    result = reading_searcher.search(SearchQuery("Accounts Payable Clerk"), classed)
    assert result.understanding.query_class == "job_title"
    assert result.understanding.as_dict()["query_class"] == "job_title"
    assert result.hits[0].id == "warranty"  # as with the setting at 0 for every query
    assert "title_occupations" not in str(
        reading_searcher.plan(SearchQuery("Accounts Payable Clerk"), classed).bodies
    )
    # other queries rank with the profile's own settings
    for text in ("react", "Accounts Payable Clerk with Workday"):
        plain = reading_searcher.search(SearchQuery(text), DEFAULT)
        with_class = reading_searcher.search(SearchQuery(text), classed)
        assert with_class.understanding.query_class is None
        assert [h.id for h in with_class.hits] == [h.id for h in plain.hits]
    # the class's fusion weights too: its lexical leg off, so no lexical score in explain
    lexical_off = DEFAULT.with_overrides(
        {"query_classes": {"job_title": {"legs": {"lexical": {"weight": 0}}}}}
    )
    top = reading_searcher.search(SearchQuery("Accounts Payable Clerk"), lexical_off)
    assert "lexical" not in top.explain(top.hits[0])["legs"]
    queries = ["Accounts Payable Clerk", "react", "Information Developer"]
    judgments = Judgments.from_rows(Judgment(q, "bookkeeper", 1, "f") for q in queries)
    evaluator = CachedEvaluator(
        lambda text, ranking: reading_searcher.plan(SearchQuery(text), ranking),
        reading_searcher.run_bodies,
        judgments,
    )
    for ranking in (classed, lexical_off):
        cached = evaluator.ranked_ids(ranking, queries, 20)
        for query in queries:
            fresh = reading_searcher.search(SearchQuery(query), ranking).hits[:20]
            assert cached[query] == [h.id for h in fresh], query


def test_the_vector_leg_runs_where_the_engine_has_k_nn_and_says_why_not_elsewhere(
    engine: Engine, reading_searcher: TalentSearcher
) -> None:
    """Profile vectors are indexed only when the engine has the k-NN plugin (OpenSearch)."""
    vector = DEFAULT.with_overrides({"legs": {"vector": {"weight": 0.5}}})
    result = reading_searcher.search(SearchQuery("Information Developer"), vector)
    legs = result.explain(result.hits[0])["legs"]
    if engine.is_real:
        assert "vector" in legs and legs["vector"]["raw"] is not None
        assert result.understanding.vector_leg is None
        mapping = reading_searcher.client.indices.get_mapping(index=reading_searcher.index)
        assert all("profile_vector" in m["mappings"]["properties"] for m in mapping.values())
    else:  # the other legs rank as without the vector leg
        assert "vector" not in legs
        assert result.understanding.vector_leg == "no profile vectors"
        plain = reading_searcher.search(SearchQuery("Information Developer"), DEFAULT)
        assert [h.id for h in result.hits] == [h.id for h in plain.hits]


def _browse_corpus() -> list[dict[str, Any] | str]:
    """More of each badge group than a window of 10 holds: which 10 the engine returns decides
    the browse, not only their order."""
    found: list[dict[str, Any] | str] = []
    for i in range(12):  # expert-vetted, but a weak record
        found.append(profile(id=f"ev-{i:02d}", badge="expert_vetted", job_success_score=50 + i))
    for i in range(12):  # top rated with a perfect record
        found.append(profile(id=f"tr-{i:02d}", badge="top_rated", job_success_score=100 - i // 6))
    for i in range(6):  # new talent without a JSS yet, and talent with a poor one
        found.append(profile(id=f"new-{i}", job_success_score=None, total_jobs=0))
        found.append(profile(id=f"low-{i}", job_success_score=60))
    return found


@pytest.mark.parametrize(
    "overrides",
    [
        {},
        {"badges": {"rising_talent": 1.3, "expert_vetted": 1.01}, "jss_prior": {"pivot": 55}},
        {"jss_prior": {"weight": 0.0}},  # every profile of a badge ties: the JSS breaks it
    ],
    ids=["default", "tuned", "no-jss-prior"],
)
def test_a_browse_returns_the_profiles_best_window_by_its_own_priors(
    client: OpenSearch,
    builder: DocumentBuilder,
    embedding_cache: EmbeddingCache,
    tmp_path: Path,
    overrides: dict[str, Any],
) -> None:
    """The engine's window is the profile's best (badge multiplier times JSS prior, a missing
    JSS neutral), not the best by a fixed badge order: top-rated talent with a perfect record
    outranks expert-vetted talent with a poor one under the default's multipliers."""
    corpus = _browse_corpus()
    path = write_jsonl(tmp_path / "p.jsonl", corpus)
    run_index(client, path, io.StringIO(), builder, fake_encode, embedding_cache, "fake")
    searcher = TalentSearcher(
        client, builder.vocabulary, SkillMatcher.from_index(client), QueryEmbedder(fake_encode)
    )
    ranking = DEFAULT.with_overrides({"window": 10, **overrides})

    def prior(doc: dict[str, Any]) -> float:
        badge = ranking.badges.for_badge(doc.get("badge"))
        return badge * ranking.jss_prior.multiplier(doc.get("job_success_score"))

    def order(doc: dict[str, Any]) -> tuple[float, float, str]:
        """The priors, then (on a tie) the JSS with a missing one at the pivot, then the id."""
        jss = doc.get("job_success_score")
        return (
            -round(prior(doc), 9),
            -(ranking.jss_prior.pivot if jss is None else jss),
            doc["id"],
        )

    docs = [d for d in corpus if isinstance(d, dict)]
    expected = sorted(docs, key=order)[:10]
    result = searcher.search(SearchQuery(None), ranking)
    assert [h.id for h in result.hits] == [d["id"] for d in expected]
    assert result.more_matched  # the window holds fewer than match
    if not overrides:
        assert all(h.id.startswith("tr-") for h in result.hits)
    everyone = ranking.with_overrides({"window": 40})
    ranked = [h.id for h in searcher.search(SearchQuery(None), everyone).hits]
    assert ranked == [d["id"] for d in sorted(docs, key=order)]
    if not overrides:  # no JSS is neutral (1.0), above a poor one (0.9), not last
        assert ranked.index("new-0") < ranked.index("low-0")
