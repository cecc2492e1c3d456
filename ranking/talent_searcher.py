"""Multi-stage talent search: both legs in one `_msearch`, then fusion and boosts in Python.

Per-document scoring functions inside the query are slow on the embedded server, so the engine
only retrieves a window of candidates per leg (same filters on every leg) and `ranking.fusion`
does the rest. When filters are present, the same legs also run without filters (scores only)
so that normalisation does not depend on what a filter removed.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import Any, Final

import numpy as np
import numpy.typing as npt
from opensearchpy import OpenSearch
from opensearchpy.exceptions import TransportError

from domain.badges import Badge
from domain.encoder import Encoder
from domain.skill_mentions import FILLER_WORDS, tokens
from domain.skill_vocabulary import SkillEntry, SkillVocabulary, normalise_skill
from mappings.index_contract import DEFAULT_NAMESPACE, PROFILES, IndexNamespace
from mappings.profile_vectors import PROFILE_VECTOR_FIELD, has_profile_vectors
from ranking.client_cache import ClientCache
from ranking.errors import RankingError
from ranking.fusion import Candidate, LegHits, RankedHit, fuse, prior_only
from ranking.job_post_evidence import JobPostEvidence, JobPosts, JobPostSource, PostSkill
from ranking.job_post_query import (
    JobPost,
    JobPostReader,
    JobReading,
    SkillRole,
    idf_of_share,
    rarity,
)
from ranking.job_titles import JobTitles, TitleMatch
from ranking.lexical_query import lexical_query
from ranking.query_analysis import embedded_texts, exact_skill_ids, query_parts, skill_parts
from ranking.query_classes import QueryClass, query_class_of
from ranking.query_embedder import QueryEmbedder, text_key
from ranking.query_understanding import QueryInterpreter, QueryUnderstanding
from ranking.ranking_profile import JobPostReading, QueryReading, RankingProfile
from ranking.search_filters import SearchFilters, filter_clauses
from ranking.skill_feedback import SkillCounts, SkillFrequencies, feedback_evidence
from ranking.skill_matcher import SkillMatch, SkillMatcher, skill_leg_query

# What the ranking, the facets and the tiles read of every candidate. A tile shows the
# vocabulary's labels (`skill_labels`), never the raw `skills`: leaving those out saves a fifth of
# the bytes every leg's window returns.
BASE_SOURCE = [
    "id",
    "name",
    "title",
    "skill_ids",
    "skill_labels",
    "badge",
    "job_success_score",
    "hourly_rate_usd",
    "country",
]
DIVERSITY_SOURCE = ["diversity_grants"]
# The parts of an `_msearch` answer the searcher reads: each hit's id, score, source and
# highlight, each response's timing and error. The engine leaves out the rest (index names,
# shard counts), so neither side spends time on it.
MSEARCH_FILTER = [
    "responses.took",
    "responses.status",
    "responses.error",
    "responses.hits.hits._id",
    "responses.hits.hits._score",
    "responses.hits.hits._source",
    "responses.hits.hits.highlight",
]
# Query terms in context for result tiles; HTML-encoded, so profile text cannot inject markup.
HIGHLIGHT = {
    "encoder": "html",
    "pre_tags": ["<em>"],
    "post_tags": ["</em>"],
    "fields": {
        "title": {"number_of_fragments": 0},
        "overview": {"fragment_size": 160, "number_of_fragments": 2},
    },
}


_VECTOR_CHECK_S = 30.0


class SearchError(RankingError, RuntimeError):
    """The backend refused or failed a search."""


@dataclass(frozen=True)
class SearchQuery:
    text: str | None = None
    skills: Sequence[str] = ()
    filters: SearchFilters = field(default_factory=SearchFilters)
    as_of: date = field(default_factory=date.today)
    # Whose query-embedding cache to use: the API passes the client, so that no client's
    # history changes what another observes (see ranking.query_embedder).
    cache_partition: str = ""
    # a whole job post (ranking.job_post_query): its title stands for `text` when there is none
    job: JobPost | None = None


@dataclass
class SearchResult:
    hits: list[RankedHit]
    sources: dict[str, dict[str, Any]]
    profile: RankingProfile
    expansions: list[str]
    query_skills: list[SkillMatch]
    timings_ms: dict[str, float]
    highlights: dict[str, dict[str, list[str]]] = field(default_factory=dict)
    understanding: QueryUnderstanding = field(default_factory=QueryUnderstanding)
    # A leg returned a full window: the engine matched more candidates than `hits` holds.
    more_matched: bool = False
    job: JobReading | None = None  # how a job-post query was read

    def fit(self, doc_id: str) -> dict[str, Any] | None:
        """The profile's matched and missing required skills (a job-post search only)."""
        if self.job is None:
            return None
        fit = self.job.fit(self.sources[doc_id])
        return {"matched": fit.matched, "missing": fit.missing, "held": fit.held, "of": fit.of}

    @property
    def total(self) -> int:
        return len(self.hits)

    def matched_skills(self, doc_id: str) -> list[dict[str, Any]]:
        """The query's skills that this profile holds, most similar first (on demand: cheap)."""
        held = set(self.sources[doc_id].get("skill_ids", []))
        return [
            {"id": m.id, "label": m.label, "similarity": round(m.similarity, 4), "exact": m.exact}
            for m in self.query_skills
            if m.id in held
        ]

    def explain(self, hit: RankedHit) -> dict[str, Any]:
        """The hit's score breakdown plus the matched skills and alias expansions."""
        return (
            hit.explain()
            | {
                "matched_skills": self.matched_skills(hit.id),
                "alias_expansions": self.expansions,
                "query_understanding": self.understanding.as_dict(),
                "ranking_profile": {"name": self.profile.name, "version": self.profile.version},
            }
            | ({"job_post": self.job_post_reading()} if self.job is not None else {})
        )

    def job_post_reading(self) -> dict[str, Any]:
        """How the job post was read, by where each skill came from: the client's tags, the
        title (as a query reads it), the description, and the nearest past job posts."""
        assert self.job is not None
        u = self.understanding
        return self.job.as_dict() | {
            "from_title": [s.as_dict() for s in u.skills]
            + ([{"job_title": u.job_title.as_dict()}] if u.job_title else []),
            "from_past_posts": u.job_posts.as_dict() if u.job_posts else None,
        }


@dataclass
class SearchPlan:
    """The `_msearch` request and how to read its responses."""

    bodies: list[dict[str, Any]]
    legs: list[str]
    calibrated: bool
    expansions: list[str]
    query_skills: list[SkillMatch]
    understanding: QueryUnderstanding = field(default_factory=QueryUnderstanding)
    names_skill: bool = False  # the query, or a listed part, names a skill outright
    job: JobReading | None = None

    def ranked(self, responses: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """The responses that hold candidates: each leg's (not its calibration twin's), or
        every badge group's of a browse."""
        return responses[: len(self.legs)] if self.legs else responses


class TalentSearcher:
    def __init__(
        self,
        client: OpenSearch,
        vocabulary: SkillVocabulary,
        matcher: SkillMatcher,
        embedder: QueryEmbedder,
        enabled_countries: Sequence[str] = ("US",),
        index: str = PROFILES.alias,
        request_timeout_s: float = 10.0,
        job_posts: JobPostSource | None = None,
    ) -> None:
        self.client = client
        self.job_posts = job_posts
        self.skill_counts = SkillCounts(client, index)
        self.vocabulary = vocabulary
        self.interpreter = QueryInterpreter(vocabulary)
        self.matcher = matcher
        self.embedder = embedder
        self.enabled_countries = list(enabled_countries)
        self.index = index
        self.request_timeout_s = request_timeout_s
        self._has_vectors = False
        self._vectors_checked_at = float("-inf")
        # What each client's query texts led to: the nearest skills, the past posts' evidence
        self.skill_cache: ClientCache[tuple[SkillMatch, ...]] = ClientCache()
        self.evidence_cache: ClientCache[JobPostEvidence | None] = ClientCache()

    @classmethod
    def from_backend(
        cls,
        client: OpenSearch,
        enabled_countries: Sequence[str] = ("US",),
        request_timeout_s: float = 10.0,
        namespace: IndexNamespace = DEFAULT_NAMESPACE,
        *,
        encoder: Encoder,
    ) -> TalentSearcher:
        """Load the indexed skill vocabulary once, for a long-lived searcher.

        It searches the profiles and reads the skills of `namespace`, and embeds queries with
        `encoder` (the caller picks it: `domain.encoder.query_encoder`).
        """
        return cls(
            client,
            SkillVocabulary.load_default(),
            SkillMatcher.from_index(client, namespace.skills.alias),
            QueryEmbedder(encoder),
            enabled_countries,
            index=namespace.profiles.alias,
            request_timeout_s=request_timeout_s,
            job_posts=JobPostSource(client, namespace.job_posts.alias),
        )

    @cached_property
    def job_titles(self) -> JobTitles:
        """O*NET titles to weighted skills (built on the first query that reads titles)."""
        return JobTitles.from_taxonomy(self.vocabulary)

    def title_matches(
        self, title: TitleMatch, similarity: float, have: Sequence[SkillMatch]
    ) -> list[SkillMatch]:
        """The title's skills as skill-leg matches, where they beat what the query already has."""
        best = {m.id: m.similarity for m in have}
        added = []
        for skill_id, weight in title.skills:
            sim = similarity * weight
            entry = self.vocabulary.get(skill_id)
            if entry is None or skill_id not in self.matcher or best.get(skill_id, -1.0) >= sim:
                continue
            added.append(SkillMatch(skill_id, entry.label, sim))
        return added

    def learned_skill_ids(self, text: str, parts: dict[str, list[SkillEntry]]) -> list[str]:
        """Skills the indexer learned from the profiles (not in the shipped vocabulary) that
        the query, or one of its listed parts, names outright: "2d design" is that skill."""
        found = (normalise_skill(p) for p in query_parts(text) if p not in parts) if text else ()
        return list(dict.fromkeys(s for s in found if s in self.matcher))

    def explicit_skill_ids(self, skills: Sequence[str]) -> list[str]:
        """Canonical ids of explicitly requested skills (known ones only: never learned here)."""
        ids: list[str] = []
        for raw in skills:
            for entry in self.vocabulary.expansions(raw):
                if entry.id not in ids:
                    ids.append(entry.id)
        return ids

    def read(
        self, text: str, profile: RankingProfile
    ) -> tuple[QueryUnderstanding, dict[str, list[SkillEntry]], TitleMatch | None]:
        """What `text` names, as `profile.query` reads it: the understanding, the parts that
        name a skill outright, and the job title (no model, no engine)."""
        reading = profile.query
        understanding = (
            self.interpreter.understand(text, typo_correction=reading.typo_correction)
            if text and reading.skills_in_phrases
            else QueryUnderstanding()
        )
        # the whole query or a listed part by any alias, then every skill named inside it
        parts = skill_parts(text, self.vocabulary) if text else {}
        title = (
            self.find_title(text, profile.legs.skill.title_top_k, understanding, parts)
            if text and reading.job_titles
            else None
        )
        return understanding, parts, title

    def find_title(
        self,
        text: str,
        top_k: int,
        understanding: QueryUnderstanding,
        parts: dict[str, list[SkillEntry]],
    ) -> TitleMatch | None:
        """The job title in `text` with its `top_k` skills; none inside a skill it names."""
        skill_names = [s.text for s in understanding.skills] + list(parts)
        return self.job_titles.find(text, top_k, skill_names)

    def query_class(self, text: str, profile: RankingProfile) -> QueryClass | None:
        """The class of the query `text` (`RankingProfile.query_classes`), as `plan` finds it."""
        return query_class_of(self.read(text.strip(), profile)[2])

    def plan(
        self,
        query: SearchQuery,
        profile: RankingProfile,
        include_diversity: bool = False,
        highlight: bool = False,
        feedback: JobPostEvidence | None = None,
    ) -> SearchPlan:
        """Build the `_msearch` bodies; timing of the embedding is kept by the caller.

        `feedback` (a first pass's skills, ranking.skill_feedback) stands in for job-post
        evidence when the past posts said nothing."""
        job = self.read_job(query, profile) if query.job is not None else None
        filters = filter_clauses(query.filters, query.as_of, self.enabled_countries)
        filters += job.must_hold() if job is not None else []
        source = BASE_SOURCE + (DIVERSITY_SOURCE if include_diversity else [])
        text = query_text(query)
        if not text and not query.skills:
            return SearchPlan(browse_bodies(filters, profile, source), [], False, [], [])

        understanding, parts, title = self.read(text, profile)
        named = exact_skill_ids(parts) + self.learned_skill_ids(text, parts)
        expansions = list(dict.fromkeys(named + understanding.skill_ids))
        exact = list(dict.fromkeys(expansions + self.explicit_skill_ids(query.skills)))
        if job is not None:  # the post's tagged skills are named outright, like `skills`
            exact = list(dict.fromkeys(exact + job.skill_ids))
        names_skill = bool(named) or (job is not None and any(s.known for s in job.required))
        query_texts, skill_texts = embedded_texts(text, query.skills)
        vectors = self.embedder.embed([*query_texts, *skill_texts], query.cache_partition)
        query_class = query_class_of(title)
        top_k = profile.legs.skill.title_top_k
        profile = profile.for_query_class(query_class)  # the class's settings plan the rest
        skill_cfg = profile.legs.skill
        if title is not None and skill_cfg.title_top_k != top_k:  # the class's own top-k
            title = self.find_title(text, skill_cfg.title_top_k, understanding, parts)
        text_keys = (tuple(map(text_key, query_texts)), tuple(map(text_key, skill_texts)))
        evidence = self.post_evidence(
            vectors[: len(query_texts)], profile, query.cache_partition, text_keys[0]
        )
        top_k_skills = skill_cfg.top_k_skills
        if evidence is not None:  # the posts spoke: they, not the nearest skills, carry the query
            top_k_skills = min(top_k_skills, profile.query.job_posts.top_k_skills)
        elif feedback is not None:
            evidence = feedback
        cutoff = skill_cfg.min_similarity
        matches = list(
            self.skill_cache.get(
                query.cache_partition,
                (text_keys, top_k_skills, cutoff, tuple(exact)),
                lambda: tuple(self.matcher.nearest(vectors, top_k_skills, cutoff, exact_ids=exact)),
            )
        )
        if title is not None:
            understanding = dataclasses.replace(
                understanding, job_title=title, query_class=query_class
            )
            extra = self.title_matches(title, skill_cfg.title_similarity, matches)
            kept = [m for m in matches if m.id not in {e.id for e in extra}]
            matches = sorted([*kept, *extra], key=lambda m: (-m.similarity, m.id))
        if evidence is not None:
            understanding = dataclasses.replace(understanding, job_posts=evidence)
        leg_queries: dict[str, dict[str, Any]] = {}
        tagged = [s.text for s in job.required] if job is not None else []
        lexical_text = " ".join([text, *query.skills]).strip()
        if (lexical_text or tagged) and profile.legs.lexical.weight > 0:
            lexical = lexical_query(lexical_text, exact, profile.legs.lexical, tagged)
            if lexical is not None:
                leg_queries["lexical"] = lexical
        skill_query = skill_leg_query(
            matches,
            skill_cfg,
            occupations=title.occupations if title is not None and title.whole_query else (),
            post_skills=post_skill_scores(evidence, profile.query, names_skill),
            title_text=title_words(text),
            job_skills=job.scored(job_weights(profile)) if job is not None else (),
        )
        if skill_query is not None and skill_cfg.weight > 0:
            leg_queries["skill"] = skill_query
        vector_leg = profile.legs.vector.weight > 0 and len(vectors) > 0
        if vector_leg and self.has_profile_vectors():
            leg_queries["vector"] = {"vector": [round(float(x), 6) for x in vectors[0]]}

        def leg_body(name: str, leg_query: dict[str, Any], filtered: bool) -> Any:
            """The leg's query with the filters (main body) or without (calibration body)."""
            if name == "vector":  # k-NN filters inside the search, not after it (fewer hits)
                return knn_query(leg_query["vector"], profile.window, filters if filtered else [])
            return {"bool": {"must": [leg_query], "filter": filters}} if filtered else leg_query

        bodies: list[dict[str, Any]] = []
        for name, leg_query in leg_queries.items():
            bodies.append(
                {
                    "size": profile.window,
                    "query": leg_body(name, leg_query, filtered=True),
                    "_source": source,
                    "track_total_hits": False,
                }
            )
        if highlight and "lexical" in leg_queries:
            bodies[list(leg_queries).index("lexical")]["highlight"] = HIGHLIGHT
        calibrated = bool(filters)
        if calibrated:
            for name, leg_query in leg_queries.items():
                bodies.append(
                    {
                        "size": profile.window,
                        "query": leg_body(name, leg_query, filtered=False),
                        "_source": False,
                        "track_total_hits": False,
                    }
                )
        if vector_leg and "vector" not in leg_queries:
            understanding = dataclasses.replace(understanding, vector_leg="no profile vectors")
        return SearchPlan(
            bodies,
            list(leg_queries),
            calibrated,
            expansions,
            matches,
            understanding,
            names_skill=names_skill,
            job=job,
        )

    def read_job(self, query: SearchQuery, profile: RankingProfile) -> JobReading:
        """The query's job post, its skills resolved and weighted by rarity among the profiles.
        Beside a `q`, the post's title is read as more description."""
        assert query.job is not None
        job = query.job
        if (query.text or "").strip():
            job = dataclasses.replace(job, description=f"{job.title}\n{job.description}")
        reader = JobPostReader(self.vocabulary, self.interpreter, self.matcher)
        frequencies = self.skill_counts.current() or SkillFrequencies(0, {})
        idf = rarity(frequencies.total, frequencies.counts)
        settings = profile.query.job
        common = idf_of_share(settings.description_max_share, frequencies.total)
        return reader.read(job, idf, settings.description_skills, common)

    def post_evidence(
        self,
        vectors: npt.NDArray[np.float32],
        profile: RankingProfile,
        partition: str = "",
        texts: tuple[str, ...] | None = None,
    ) -> JobPostEvidence | None:
        """What the past job posts nearest the query's text say it needs, as skills the
        indexed profiles can hold (None: reading off, no job-post index, nothing near).
        Given the `texts` (their keys) the vectors are of, cached in `partition`."""
        reading = profile.query.job_posts
        if not reading.enabled or self.job_posts is None:
            return None
        posts = self.job_posts.current()
        if posts is None:
            return None
        if texts is None:
            return self._post_evidence(posts, vectors, reading)
        return self.evidence_cache.get(
            partition,
            (texts, reading, posts.version),
            lambda: self._post_evidence(posts, vectors, reading),
        )

    def _post_evidence(
        self, posts: JobPosts, vectors: npt.NDArray[np.float32], reading: JobPostReading
    ) -> JobPostEvidence | None:
        found = posts.evidence(vectors, reading)
        if found is None:
            return None
        held = [s for s in found.skills if s.id in self.matcher]
        total = sum(s.weight for s in held)
        if total <= 0:
            return None
        skills = [PostSkill(s.id, s.weight / total, self.matcher.label(s.id)) for s in held]
        return dataclasses.replace(found, skills=skills)

    def has_profile_vectors(self) -> bool:
        """Whether the profiles index holds vectors for the k-NN leg (asked at most every 30 s:
        a rebuild on another engine may add or drop them)."""
        now = time.monotonic()
        if now - self._vectors_checked_at > _VECTOR_CHECK_S:
            try:
                mapping = self.client.indices.get_mapping(index=self.index)
                self._has_vectors = any(has_profile_vectors(m) for m in mapping.values())
            except TransportError:
                self._has_vectors = False
            self._vectors_checked_at = now
        return self._has_vectors

    def search(
        self,
        query: SearchQuery,
        profile: RankingProfile,
        include_diversity: bool = False,
        highlight: bool = False,
    ) -> SearchResult:
        timings: dict[str, float] = {}
        started = time.perf_counter()
        plan = self.plan(query, profile, include_diversity, highlight)
        timings["plan_and_embed"] = (time.perf_counter() - started) * 1000

        started = time.perf_counter()
        responses = self._msearch(plan.bodies)
        timings["msearch"] = (time.perf_counter() - started) * 1000

        started = time.perf_counter()
        hits, sources = rank_responses(
            plan, responses, profile.for_query_class(plan.understanding.query_class)
        )
        timings["fusion"] = (time.perf_counter() - started) * 1000
        reading = profile.query.feedback
        if (
            reading.enabled
            and query_text(query)  # a browse (filters only) reads nothing
            and plan.understanding.job_posts is None
            and not plan.names_skill
            and not only_role_words(plan.understanding)
        ):
            started = time.perf_counter()
            ranked = [h.id for h in hits]
            frequencies = self.skill_counts.current() or SkillFrequencies(0, {})
            found = feedback_evidence(ranked, sources, reading, frequencies, self.matcher.ids)
            if found is not None:
                label = self.matcher.label
                labelled = [PostSkill(s.id, s.weight, label(s.id)) for s in found.skills]
                found = dataclasses.replace(found, skills=labelled)
                plan = self.plan(query, profile, include_diversity, highlight, feedback=found)
                responses = self._msearch(plan.bodies)
                hits, sources = rank_responses(
                    plan, responses, profile.for_query_class(plan.understanding.query_class)
                )
            timings["feedback"] = (time.perf_counter() - started) * 1000
        for name, response in zip(plan.legs, responses, strict=False):
            timings[f"engine_{name}"] = float(response.get("took", 0))
        return SearchResult(
            hits,
            sources,
            profile,
            plan.expansions,
            plan.query_skills,
            timings,
            job=plan.job,
            highlights=leg_highlights(plan, responses),
            understanding=plan.understanding,
            more_matched=any(
                len(response["hits"]["hits"]) >= profile.window
                for response in plan.ranked(responses)
            )
            or (not plan.legs and len(sources) > len(hits)),
        )

    def run_bodies(self, bodies: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Send planned bodies (`plan(...).bodies`) as `search` does; their responses, in order.

        Public for callers that plan once and replay bodies: the tuner's cache
        (`relevance.tuning.evaluator.CachedEvaluator`) and benchmarks/leg_spread.py.
        """
        return self._msearch(bodies)

    def _msearch(self, bodies: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Send the legs; a leg that failed on the engine's side (5xx) is sent once more.

        On a cluster, a search that races a node's departure can fail on that node's shards
        although their copies elsewhere are fine; the second try reaches those copies. A 4xx
        (a query the engine refuses) is never retried.
        """
        if not bodies:  # no leg can score this query (nothing matched, or every weight is 0)
            return []
        responses = self._send(bodies)
        failed = [i for i, r in enumerate(responses) if "error" in r and _server_side(r)]
        if failed:
            for i, retried in zip(failed, self._send([bodies[i] for i in failed]), strict=True):
                responses[i] = retried
        for response in responses:
            if "error" in response:
                raise SearchError(f"search failed: {_error_text(response)}")
        return responses

    def _send(self, bodies: list[dict[str, Any]]) -> list[dict[str, Any]]:
        lines: list[dict[str, Any]] = []
        for body in bodies:
            lines += [{"index": self.index}, body]
        result = self.client.msearch(
            body=lines, request_timeout=self.request_timeout_s, filter_path=MSEARCH_FILTER
        )
        return msearch_responses(result)


def msearch_responses(result: dict[str, Any]) -> list[dict[str, Any]]:
    """The responses of an `_msearch` answer sent with MSEARCH_FILTER, each with its `hits`
    (the filter leaves out a response's empty hits)."""
    responses: list[dict[str, Any]] = result["responses"]
    for response in responses:
        response.setdefault("hits", {}).setdefault("hits", [])
    return responses


def query_text(query: SearchQuery) -> str:
    """The text the search reads: `text`, else the job post's title."""
    text = (query.text or "").strip()
    return text or (query.job.title.strip() if query.job is not None else "")


def job_weights(profile: RankingProfile) -> dict[SkillRole, float]:
    settings = profile.query.job
    return {
        "required": settings.required_weight,
        "nice_to_have": settings.nice_to_have_weight,
        "description": settings.description_weight,
    }


def only_role_words(understanding: QueryUnderstanding) -> bool:
    """Whether the query is role and filler words alone ("developer"): nothing to learn what it
    needs from, so a first pass's shared skills would only amplify its own order."""
    u = understanding
    return bool(u.role_words) and not u.rest and not u.skills


def title_words(text: str) -> str:
    """The words a profile title must hold to say what the query says (filler words aside)."""
    return " ".join(w for w in tokens(text) if w.casefold() not in FILLER_WORDS)


def post_skill_scores(
    evidence: JobPostEvidence | None, reading: QueryReading, names_skill: bool
) -> list[tuple[str, float]]:
    """The skill leg's score for holding each skill the evidence votes for. Past posts: a
    query that names a skill outright weighs them `named_skill_weight` (they only reorder that
    skill's holders), any other query `weight`. Feedback: its own `weight`."""
    if evidence is None:
        return []
    posts = reading.job_posts
    if evidence.source == "feedback":
        weight = reading.feedback.weight
    else:
        weight = posts.named_skill_weight if names_skill else posts.weight
    return [(s.id, s.weight * weight) for s in evidence.skills]


def knn_query(vector: list[float], k: int, filters: list[Any]) -> dict[str, Any]:
    """The k-NN leg: the `k` profiles whose vectors are nearest the query's, filters applied
    during the search (Lucene engine), so a filter does not empty the window."""
    search: dict[str, Any] = {"vector": vector, "k": k}
    if filters:
        search["filter"] = {"bool": {"filter": filters}}
    return {"knn": {PROFILE_VECTOR_FIELD: search}}


def _server_side(response: dict[str, Any]) -> bool:
    return int(response.get("status", 500)) >= 500


def _error_text(response: dict[str, Any]) -> str:
    error = response["error"]
    if not isinstance(error, dict):
        return str(error)
    reason = error.get("reason") or ""
    kind = error.get("type") or "error"
    return f"{kind} (status {response.get('status', '?')}){': ' + reason if reason else ''}"


#: The index's `badge_rank` of each badge group a browse reads (0: no badge).
BADGE_RANKS: Final = tuple(range(len(Badge) + 1))


def browse_bodies(
    filters: list[dict[str, Any]], profile: RankingProfile, source: list[str]
) -> list[dict[str, Any]]:
    """A browse (filters, no query) ranks by the profile's badge multipliers times its JSS
    prior alone. Within one badge group that order is the JSS order, with a missing JSS at the
    prior's pivot (neutral, as fusion counts it); so each group's best `window` come from one
    sorted body, and fusion ranks their union by the profile's own multipliers and keeps the
    best `window` (`rank_responses`, `fusion.prior_only`). One sorted body across the groups
    would pick the window by a fixed badge order, whatever the profile says."""
    pivot = profile.jss_prior.pivot
    return [
        {
            "size": profile.window,
            "query": {"bool": {"filter": [*filters, {"term": {"badge_rank": rank}}]}},
            "sort": [
                {"job_success_score": {"order": "desc", "missing": pivot}},
                {"id": "asc"},
            ],
            "_source": source,
            "track_total_hits": False,  # the total is the hits ranked, as for a search
        }
        for rank in BADGE_RANKS
    ]


def leg_highlights(
    plan: SearchPlan, responses: list[dict[str, Any]]
) -> dict[str, dict[str, list[str]]]:
    """Highlight fragments by profile id, from the lexical leg (the only one that asks)."""
    if "lexical" not in plan.legs:
        return {}
    hits = responses[plan.legs.index("lexical")]["hits"]["hits"]
    return {hit["_id"]: hit["highlight"] for hit in hits if hit.get("highlight")}


def rank_responses(
    plan: SearchPlan, responses: list[dict[str, Any]], profile: RankingProfile
) -> tuple[list[RankedHit], dict[str, dict[str, Any]]]:
    """Fuse the `_msearch` responses of a plan into ranked hits (pure: no server)."""
    legs, candidates, sources = read_responses(plan, responses)
    if not plan.legs:  # a browse: the badge groups' windows, ranked by the priors alone
        return prior_only(candidates, profile)[: profile.window], sources
    return fuse(legs, candidates, profile), sources


def read_responses(
    plan: SearchPlan, responses: list[dict[str, Any]]
) -> tuple[dict[str, LegHits], dict[str, Candidate], dict[str, dict[str, Any]]]:
    """What fusion reads from a plan's responses: each leg's hits and calibration, the
    candidates (every profile a leg returned), and their sources."""
    sources: dict[str, dict[str, Any]] = {}
    for response in plan.ranked(responses):
        for hit in response["hits"]["hits"]:
            if "_source" in hit:
                sources.setdefault(hit["_id"], hit["_source"])
    candidates = {
        doc_id: Candidate(doc_id, src.get("badge"), src.get("job_success_score"))
        for doc_id, src in sources.items()
    }
    legs: dict[str, LegHits] = {}
    for i, name in enumerate(plan.legs):
        scores = {h["_id"]: float(h["_score"]) for h in responses[i]["hits"]["hits"]}
        if plan.calibrated:
            calibration_hits = responses[len(plan.legs) + i]["hits"]["hits"]
            calibration = [float(h["_score"]) for h in calibration_hits]
        else:
            calibration = list(scores.values())
        legs[name] = LegHits(scores, calibration)
    return legs, candidates, sources
