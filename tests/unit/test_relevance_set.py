"""The development relevance set built from ESCO and O*NET against the demo corpus."""

from __future__ import annotations

from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import pytest

from domain.skill_vocabulary import SkillVocabulary, normalise_skill
from indexer.demo_corpus import generate_profiles
from relevance.evaluation import Judgment, evaluate, load_judgments
from relevance.relevance_set import (
    FAMILIES,
    MAX_RELEVANT,
    build_relevance_set,
    relevance_set_summary,
    write_relevance_set,
)

Profile = dict[str, Any]


@pytest.fixture(scope="module")
def corpus() -> list[Profile]:
    return list(generate_profiles(1500, seed=42))


@pytest.fixture(scope="module")
def vocabulary() -> SkillVocabulary:
    return SkillVocabulary.load_default()


@pytest.fixture(scope="module")
def rows(corpus: list[Profile], vocabulary: SkillVocabulary) -> list[Judgment]:
    return build_relevance_set(corpus, vocabulary)


def _by_query(rows: list[Judgment]) -> dict[tuple[str, str], dict[str, int]]:
    out: dict[tuple[str, str], dict[str, int]] = defaultdict(dict)
    for row in rows:
        out[(row.family, row.query)][row.docid] = row.rating
    return out


def _held(profile: Profile, vocabulary: SkillVocabulary) -> set[str]:
    ids = set()
    for name in profile["skills"]:
        found = vocabulary.expansions(name)
        if found:
            ids.add(found[0].id)
    return ids


def test_every_family_is_present_and_capped(rows: list[Judgment]) -> None:
    summary = relevance_set_summary(rows)
    assert set(summary) == set(FAMILIES)
    for family in FAMILIES:
        assert 20 <= summary[family]["queries"] <= 100, family
    assert summary["onet_title"]["rating_1"] + summary["onet_title"]["rating_3"] > 0


def test_judged_ids_exist_and_ratings_are_graded(
    rows: list[Judgment], corpus: list[Profile]
) -> None:
    ids = {p["id"] for p in corpus}
    assert {row.docid for row in rows} <= ids
    assert {row.rating for row in rows} <= {1, 2, 3}  # only relevant docs are rated


def test_relevant_count_bounds_and_unique_queries(rows: list[Judgment]) -> None:
    by_query = _by_query(rows)
    for (_family, _query), judged in by_query.items():
        assert 1 <= len(judged) <= MAX_RELEVANT
    keys = [normalise_skill(query) for _family, query in by_query]
    assert len(keys) == len(set(keys))  # one family per query, no near-duplicates
    assert Counter(row.query for row in rows) == Counter(
        {query: len(judged) for (_family, query), judged in by_query.items()}
    )


def test_max_relevant_and_query_count_are_respected(
    corpus: list[Profile], vocabulary: SkillVocabulary
) -> None:
    small = build_relevance_set(corpus, vocabulary, max_queries_per_family=5, max_relevant=20)
    by_query = _by_query(small)
    assert all(1 <= len(judged) <= 20 for judged in by_query.values())
    assert Counter(family for family, _query in by_query) == dict.fromkeys(FAMILIES, 5)


def test_deterministic_and_seeded(
    rows: list[Judgment], corpus: list[Profile], vocabulary: SkillVocabulary
) -> None:
    size = len(vocabulary)
    assert build_relevance_set(iter(corpus), vocabulary) == rows
    other = build_relevance_set(corpus, vocabulary, seed=8)
    assert {r.query for r in other} != {r.query for r in rows}
    assert len(vocabulary) == size  # read only: nothing learned


def test_skill_name_judges_exactly_the_holders(
    rows: list[Judgment], corpus: list[Profile], vocabulary: SkillVocabulary
) -> None:
    held = {p["id"]: _held(p, vocabulary) for p in corpus}
    for (family, query), judged in _by_query(rows).items():
        if family != "skill_name":
            continue
        skill_id = vocabulary.expansions(query)[0].id
        holders = {pid for pid, ids in held.items() if skill_id in ids}
        assert set(judged) == holders, query  # unrated means "does not hold it"
        assert set(judged.values()) <= {2, 3}


def test_esco_alias_is_an_unambiguous_alternative_label(
    rows: list[Judgment], corpus: list[Profile], vocabulary: SkillVocabulary
) -> None:
    held = {p["id"]: _held(p, vocabulary) for p in corpus}
    for (family, query), judged in _by_query(rows).items():
        if family != "esco_alias":
            continue
        found = vocabulary.expansions(query)
        assert len(found) == 1, query
        entry = found[0]
        assert "esco" in entry.sources
        assert normalise_skill(query) not in (entry.id, normalise_skill(entry.label))
        holders = {pid for pid, ids in held.items() if entry.id in ids}
        assert set(judged) == holders, query


def test_onet_title_is_not_a_profile_title(rows: list[Judgment], corpus: list[Profile]) -> None:
    titles = {normalise_skill(p["title"]) for p in corpus}
    queries = [query for family, query in _by_query(rows) if family == "onet_title"]
    assert queries
    for query in queries:
        assert normalise_skill(query) not in titles, query
    # Most are not even part of a title ("Senior X | Y Expert").
    inside = sum(any(f" {normalise_skill(q)} " in f" {t} " for t in titles) for q in queries)
    assert inside <= len(queries) // 10


def test_onet_title_ratings_follow_hot_technologies(rows: list[Judgment]) -> None:
    ratings = Counter(row.rating for row in rows if row.family == "onet_title")
    assert ratings[3] > 0
    assert ratings[2] > 0


def test_csv_round_trip_and_evaluation(tmp_path: Path, rows: list[Judgment]) -> None:
    path = tmp_path / "dev-set.csv"
    write_relevance_set(path, rows)
    assert path.read_text(encoding="utf-8").splitlines()[0] == "query,docid,rating,family"
    judgments = load_judgments(path)
    assert judgments.rows() == rows
    # An oracle run (judged docs, best first) is perfect on every metric but recall at 50.
    run = {
        query: sorted(docs, key=lambda doc: -docs[doc]) for query, docs in judgments.ratings.items()
    }
    report = evaluate(run, judgments)
    assert report.overall["ndcg@10"] == pytest.approx(1.0)
    assert report.overall["mrr@10"] == pytest.approx(1.0)
    assert set(report.families) == set(FAMILIES)


def test_rejects_bad_arguments(corpus: list[Profile], vocabulary: SkillVocabulary) -> None:
    with pytest.raises(ValueError, match="max_relevant"):
        build_relevance_set(corpus[:10], vocabulary, max_relevant=0)
    with pytest.raises(ValueError, match="duplicate profile id"):
        build_relevance_set([corpus[0], corpus[0]], vocabulary)
