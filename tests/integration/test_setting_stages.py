"""Each ranking setting's stage is true: a setting the model does not mark `request` never
changes what a search sends the engine.

Why: the tuner re-sends the engine only for request settings and re-fuses cached windows for
the rest (relevance.tuning.evaluator). A request setting marked `fusion` by mistake would give
wrong trials without any error; this plans real searches with every such setting moved and
compares the request bodies.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from opensearchpy import OpenSearch

from indexer.document_builder import DocumentBuilder
from indexer.indexing_run import run_index
from indexer.skill_embeddings import EmbeddingCache
from ranking.job_post_query import JobPost
from ranking.profile_settings import Setting, settings
from ranking.query_embedder import QueryEmbedder
from ranking.ranking_profile import RankingProfile, Stage, load_profile
from ranking.search_filters import SearchFilters
from ranking.skill_matcher import SkillMatcher
from ranking.talent_searcher import SearchQuery, TalentSearcher
from tests.factories import fake_encode, profile, write_jsonl

pytestmark = pytest.mark.integration

QUERIES = [
    SearchQuery("golang developer"),
    SearchQuery("Python, Django", filters=SearchFilters(countries=["US"])),
    SearchQuery("Accounts Payable Clerk"),
    SearchQuery("pyhton"),
    SearchQuery(None, filters=SearchFilters(countries=["US"])),  # a browse
    SearchQuery(None, job=JobPost("Backend engineer", "We use Docker.", ("Go", "PostgreSQL"))),
]


def _moved(setting: Setting) -> list[Any]:
    """Two or more valid values of the setting; a weight stays above 0 (a weight of 0 leaves
    its leg out of the request, which is what a weight of 0 is for)."""
    if setting.kind == "choice":
        return list(setting.choices)
    assert setting.low is not None and setting.high is not None
    values = [setting.low + (setting.high - setting.low) * share for share in (0.25, 0.5, 0.75)]
    return [round(v) for v in values] if setting.kind == "int" else values


def _nested(path: str, value: Any) -> dict[str, Any]:
    for key in reversed(path.split(".")):
        value = {key: value}
    return value  # type: ignore[no-any-return]


def _bodies(searcher: TalentSearcher, ranking: RankingProfile) -> list[list[dict[str, Any]]]:
    return [searcher.plan(query, ranking).bodies for query in QUERIES]


def test_no_setting_outside_the_request_stage_changes_a_request_body(
    client: OpenSearch, builder: DocumentBuilder, embedding_cache: EmbeddingCache, tmp_path: Path
) -> None:
    corpus: list[dict[str, Any] | str] = [
        profile(id="go", title="Golang Developer", skills=["Go", "PostgreSQL", "Docker"]),
        profile(id="py", title="Python Developer", skills=["Python", "Django"], badge="top_rated"),
        profile(id="ap", title="Accounts Payable Clerk", skills=["QuickBooks"], country="CA"),
    ]
    path = write_jsonl(tmp_path / "p.jsonl", corpus)
    run_index(client, path, io.StringIO(), builder, fake_encode, embedding_cache, "fake")
    searcher = TalentSearcher(
        client, builder.vocabulary, SkillMatcher.from_index(client), QueryEmbedder(fake_encode)
    )
    base = load_profile("default")
    reference = _bodies(searcher, base)
    assert all(reference), "every query plans at least one body"
    checked = []
    for setting in settings():
        if setting.stage is Stage.REQUEST or setting.kind == "fixed":
            continue
        for value in _moved(setting):
            moved = base.with_overrides(_nested(setting.path, value))
            assert _bodies(searcher, moved) == reference, f"{setting.path}={value!r}"
        checked.append(setting.path)
    assert {"legs.skill.weight", "badges.expert_vetted", "representative.badge"} <= set(checked)
