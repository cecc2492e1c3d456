"""The API's searcher provider: a searcher built lazily, rebuilt when the skills index changes.

The API must start while the engine is down, and recover by itself when it returns, so nothing
here needs the engine at construction. The skill matcher (the indexed vocabulary's vectors) is
loaded on first use and reloaded when a rebuild moves the skills alias, which is checked at most
every `refresh_s` seconds. The profiles alias is resolved by the engine on every search, so an
alias swap needs nothing from us. Engine outcomes leave here as the API's errors (`NotIndexed`,
`BackendTimeout`), so no route inspects the engine client's exceptions.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Mapping, Sequence
from typing import Any

from opensearchpy import OpenSearch
from opensearchpy.exceptions import ConnectionError as BackendConnectionError
from opensearchpy.exceptions import NotFoundError, TransportError

from domain.skill_vocabulary import SkillVocabulary
from mappings.aliases import alias_target
from mappings.index_contract import DEFAULT_NAMESPACE, IndexNamespace
from query_api.errors import NotIndexed, engine_timeouts_as_504
from query_api.response_models import ReadinessDetails
from ranking.job_post_evidence import JOB_POST_REFRESH_S, JobPostSource
from ranking.query_embedder import QueryEmbedder
from ranking.skill_matcher import SkillMatcher
from ranking.skill_suggester import SkillSuggester
from ranking.talent_searcher import TalentSearcher


class SearcherProvider:
    def __init__(
        self,
        client: OpenSearch,
        vocabulary: SkillVocabulary,
        embedder: QueryEmbedder,
        enabled_countries: Sequence[str],
        request_timeout_s: float,
        refresh_s: float = 5.0,
        namespace: IndexNamespace = DEFAULT_NAMESPACE,
        job_posts_refresh_s: float = JOB_POST_REFRESH_S,
    ) -> None:
        self.client = client
        self.namespace = namespace
        self.vocabulary = vocabulary
        self.embedder = embedder
        self.enabled_countries = list(enabled_countries)
        self.request_timeout_s = request_timeout_s
        self.refresh_s = refresh_s
        self._lock = threading.Lock()
        self._searcher: TalentSearcher | None = None
        self._skills_index: str | None = None
        self._checked_at = float("-inf")
        # Past job posts, kept across searchers: the source follows its own alias.
        self.job_posts = JobPostSource(client, namespace.job_posts.alias, job_posts_refresh_s)

    def suggester(self) -> SkillSuggester:
        """Skill autocomplete over the searcher's vocabulary, built on first use (about 1 s)."""
        return SkillSuggester.from_vocabulary(self.vocabulary)

    def skill_counts(self) -> Mapping[str, int]:
        """How many indexed profiles hold each skill (read once, checked again every few
        seconds); empty until a searcher exists, and never builds one (autocomplete stays
        fast while the engine is away)."""
        searcher = self._searcher
        frequencies = searcher.skill_counts.current() if searcher is not None else None
        return frequencies.counts if frequencies is not None else {}

    def searcher(self) -> TalentSearcher:
        """The current searcher; raises NotIndexed, BackendTimeout or a connection error."""
        current = self._searcher
        if current is not None and time.monotonic() - self._checked_at < self.refresh_s:
            return current
        with self._lock, engine_timeouts_as_504():
            if self._searcher is not None and time.monotonic() - self._checked_at < self.refresh_s:
                return self._searcher
            try:
                skills_index = alias_target(self.client, self.namespace.skills.alias)
            except BackendConnectionError:
                if self._searcher is None:
                    raise
                # Keep serving with what we have; the search itself will report the outage.
                return self._searcher
            if skills_index is None:
                raise NotIndexed()
            if self._searcher is None or skills_index != self._skills_index:
                matcher = SkillMatcher.from_index(self.client, skills_index)
                self._searcher = TalentSearcher(
                    self.client,
                    self.vocabulary,
                    matcher,
                    self.embedder,
                    self.enabled_countries,
                    index=self.namespace.profiles.alias,
                    request_timeout_s=self.request_timeout_s,
                    job_posts=self.job_posts,
                )
                self._skills_index = skills_index
            self._checked_at = time.monotonic()
            return self._searcher

    def get_profile(self, profile_id: str, fields: Sequence[str]) -> dict[str, Any] | None:
        """The `fields` of one live profile, or None when there is no such profile.

        Raises NotIndexed when no profiles index exists, BackendTimeout when the engine is slow.
        """
        with engine_timeouts_as_504():
            try:
                found = self.client.get(
                    index=self.namespace.profiles.alias,
                    id=profile_id,
                    params={"_source_includes": ",".join(fields)},
                )
            except NotFoundError as exc:
                if exc.error == "index_not_found_exception":
                    raise NotIndexed() from exc
                return None
        if not found.get("found"):
            return None
        source: dict[str, Any] = found["_source"]
        return source

    def readiness(self) -> ReadinessDetails:
        """Ready when the engine answers and both aliases point at an index."""
        profiles_alias, skills_alias = (k.alias for k in self.namespace.kinds)
        try:
            profiles = alias_target(self.client, profiles_alias)
            skills = alias_target(self.client, skills_alias)
        except TransportError as exc:
            return ReadinessDetails(
                ready=False,
                backend=False,
                profiles_index=None,
                skills_index=None,
                reason=f"backend unreachable ({type(exc).__name__})",
            )
        missing = [a for a, idx in ((profiles_alias, profiles), (skills_alias, skills)) if not idx]
        return ReadinessDetails(
            ready=not missing,
            backend=True,
            profiles_index=profiles,
            skills_index=skills,
            reason=f"alias missing: {', '.join(missing)}" if missing else None,
        )
