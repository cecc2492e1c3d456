"""The backend contract: what the product relies on from an OpenSearch-compatible server.

The same tests run against the embedded server and against a real OpenSearch 2.19.1 node (the
`engine` fixture), the way qdrant-client checks its local mode against its server. Each test
works in its own uniquely named indices and deletes them afterwards.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from opensearchpy import OpenSearch
from opensearchpy.exceptions import RequestError, TransportError
from opensearchpy.helpers import bulk

from mappings.diversity_grants import unexpired_range
from mappings.index_contract import PROFILES
from tests.integration.conftest import Engine

pytestmark = pytest.mark.integration


@pytest.fixture
def backend(client: OpenSearch) -> OpenSearch:
    """The conftest's `client` (an empty engine, both engines), under this module's name."""
    return client


@pytest.fixture
def index(backend: OpenSearch) -> Iterator[str]:
    """A fresh index with the real profile mapping, deleted afterwards."""
    name = f"contract-{uuid.uuid4().hex[:12]}"
    backend.indices.create(index=name, body=PROFILES.body())
    yield name
    backend.indices.delete(index=f"{name}*", ignore=[404])


def doc(doc_id: str, **fields: Any) -> dict[str, Any]:
    base = {
        "id": doc_id,
        "name": "Ada",
        "title": "Python Developer",
        "skills": ["Python"],
        "skill_ids": ["python"],
        "skill_labels": ["Python"],
        "country": "US",
        "badge_as_of": "2026-11-01",
        "indexed_at": "2026-11-01T00:00:00Z",
    }
    return base | fields


def load(client: OpenSearch, index: str, docs: list[dict[str, Any]]) -> None:
    bulk(client, ({"_index": index, "_id": d["id"], "_source": d} for d in docs), refresh=True)


def ids(client: OpenSearch, index: str, query: dict[str, Any]) -> list[str]:
    body = {"size": 100, "query": query, "sort": [{"id": "asc"}]}
    return [h["_id"] for h in client.search(index=index, body=body)["hits"]["hits"]]


def test_the_strict_mapping_refuses_unknown_fields(backend: OpenSearch, index: str) -> None:
    with pytest.raises(RequestError):
        backend.index(index=index, id="x", body=doc("x", certificate_number="SECRET"))


def test_bulk_reports_per_item_errors_and_keeps_the_rest(backend: OpenSearch, index: str) -> None:
    actions = [
        {"_index": index, "_id": "good", "_source": doc("good")},
        {"_index": index, "_id": "bad", "_source": doc("bad", job_success_score="very high")},
    ]
    ok, errors = bulk(backend, actions, raise_on_error=False, refresh=True)
    assert ok == 1 and len(errors) == 1
    assert backend.count(index=index)["count"] == 1


def test_an_alias_moves_atomically(backend: OpenSearch, index: str) -> None:
    other = f"{index}-b"
    backend.indices.create(index=other, body=PROFILES.body())
    alias = f"{index}-alias"
    backend.indices.update_aliases(body={"actions": [{"add": {"index": index, "alias": alias}}]})
    backend.indices.update_aliases(
        body={
            "actions": [
                {"remove": {"index": index, "alias": alias}},
                {"add": {"index": other, "alias": alias}},
            ]
        }
    )
    assert list(backend.indices.get_alias(name=alias)) == [other]


def test_grants_filter_by_keyword_range(backend: OpenSearch, index: str) -> None:
    from datetime import date

    load(
        backend,
        index,
        [
            doc("valid", diversity_grants=["US|woman_owned|2027-06-30"]),
            doc("expired", diversity_grants=["US|woman_owned|2026-01-01"]),
            doc("other", diversity_grants=["US|veteran_owned|2027-06-30"]),
            doc("none"),
        ],
    )
    query = unexpired_range("diversity_grants", "US", "woman_owned", date(2026, 11, 22))
    assert ids(backend, index, query) == ["valid"]


def test_keyword_fields_do_not_change_text_scores(backend: OpenSearch, index: str) -> None:
    """Why grants are keywords: certifications must not move anyone's BM25 score."""
    other = f"{index}-plain"
    backend.indices.create(index=other, body=PROFILES.body())
    titles = ["python developer", "go engineer", "python go", "react", "bookkeeper"]
    grants = ["US|woman_owned|2027-06-30", "CA|lgbtq_owned|2027-01-01"]
    load(
        backend,
        index,
        [doc(str(i), title=t, diversity_grants=grants) for i, t in enumerate(titles)],
    )
    load(backend, other, [doc(str(i), title=t) for i, t in enumerate(titles)])
    query = {"query": {"match": {"title": "python go"}}}
    scores = [
        {h["_id"]: h["_score"] for h in backend.search(index=i, body=query)["hits"]["hits"]}
        for i in (index, other)
    ]
    assert scores[0] == scores[1]


def test_dis_max_of_constant_scores_is_best_plus_tie_breaker(
    backend: OpenSearch, index: str
) -> None:
    load(backend, index, [doc("both", skill_ids=["go", "docker"]), doc("one", skill_ids=["go"])])
    query = {
        "dis_max": {
            "tie_breaker": 0.2,
            "queries": [
                {"constant_score": {"filter": {"term": {"skill_ids": "go"}}, "boost": 0.9}},
                {"constant_score": {"filter": {"term": {"skill_ids": "docker"}}, "boost": 0.5}},
            ],
        }
    }
    hits = backend.search(index=index, body={"query": query})["hits"]["hits"]
    scores = {h["_id"]: h["_score"] for h in hits}
    assert scores["both"] == pytest.approx(0.9 + 0.2 * 0.5, rel=1e-4)
    assert scores["one"] == pytest.approx(0.9, rel=1e-4)


def test_msearch_answers_each_body_with_its_timing(backend: OpenSearch, index: str) -> None:
    load(backend, index, [doc("a"), doc("b", title="Go Engineer")])
    lines: list[dict[str, Any]] = []
    for query in ({"match": {"title": "python"}}, {"match": {"title": "go"}}):
        lines += [{"index": index}, {"query": query, "size": 10}]
    responses = backend.msearch(body=lines)["responses"]
    assert [[h["_id"] for h in r["hits"]["hits"]] for r in responses] == [["a"], ["b"]]
    assert all("took" in r for r in responses)


def test_html_highlights_escape_profile_text(backend: OpenSearch, index: str) -> None:
    load(backend, index, [doc("x", title="Python <script>alert(1)</script> Developer")])
    body = {
        "query": {"match": {"title": "python"}},
        "highlight": {"encoder": "html", "fields": {"title": {"number_of_fragments": 0}}},
    }
    fragment = backend.search(index=index, body=body)["hits"]["hits"][0]["highlight"]["title"][0]
    assert "<em>Python</em>" in fragment
    assert "<script>" not in fragment


def test_search_after_pages_through_everything(backend: OpenSearch, index: str) -> None:
    load(backend, index, [doc(f"p{i:02d}") for i in range(25)])
    body: dict[str, Any] = {"size": 10, "sort": [{"id": "asc"}], "query": {"match_all": {}}}
    seen: list[str] = []
    while True:
        hits = backend.search(index=index, body=body)["hits"]["hits"]
        seen += [h["_id"] for h in hits]
        if len(hits) < 10:
            break
        body["search_after"] = hits[-1]["sort"]
    assert seen == [f"p{i:02d}" for i in range(25)]


# --- where the engines differ (docs/engines.md); the real engine is right ----------------------


def test_knn_vectors_with_the_lucene_engine_only_on_opensearch(engine: Engine) -> None:
    """The k-NN plugin from Maven Central has no native libraries: `engine: lucene` only."""
    client = engine.client()
    name = f"contract-knn-{uuid.uuid4().hex[:8]}"
    body = {
        "settings": {"index.knn": True, "number_of_shards": 1, "number_of_replicas": 0},
        "mappings": {
            "properties": {
                "v": {
                    "type": "knn_vector",
                    "dimension": 3,
                    "method": {"name": "hnsw", "engine": "lucene", "space_type": "cosinesimil"},
                }
            }
        },
    }
    try:
        client.indices.create(index=name, body=body)
        for doc_id, vector in {"x": [1, 0, 0], "y": [0, 1, 0], "xy": [1, 1, 0]}.items():
            client.index(index=name, id=doc_id, body={"v": vector})
        client.indices.refresh(index=name)
        query = {"size": 2, "query": {"knn": {"v": {"vector": [1, 0.1, 0], "k": 2}}}}
        if not engine.is_real:
            with pytest.raises(TransportError):  # osmem stores the vectors, cannot search them
                client.search(index=name, body=query)
            return
        hits = client.search(index=name, body=query)["hits"]["hits"]
        assert [h["_id"] for h in hits] == ["x", "xy"]
    finally:
        client.indices.delete(index=name, ignore=[404])
        client.close()


def test_synonym_filters_are_honoured_only_by_opensearch(engine: Engine) -> None:
    """Why query-side synonyms (ranking/) are the product's route: osmem ignores the filter."""
    client = engine.client()
    name = f"contract-syn-{uuid.uuid4().hex[:8]}"
    body = {
        "settings": {
            "number_of_shards": 1,
            "number_of_replicas": 0,
            "analysis": {
                "filter": {"syn": {"type": "synonym", "synonyms": ["golang, go"]}},
                "analyzer": {"syn": {"tokenizer": "standard", "filter": ["lowercase", "syn"]}},
            },
        },
        "mappings": {"properties": {"t": {"type": "text", "analyzer": "syn"}}},
    }
    try:
        client.indices.create(index=name, body=body)
        client.index(index=name, id="1", body={"t": "Go developer"}, refresh=True)
        found = client.search(index=name, body={"query": {"match": {"t": "golang"}}})
        assert len(found["hits"]["hits"]) == (1 if engine.is_real else 0)
    finally:
        client.indices.delete(index=name, ignore=[404])
        client.close()


HIGHLIGHT_BODY = {"encoder": "html", "fields": {"title": {}, "overview": {}}}
NAMES = {
    "react": "React.js",
    "node": "Node.js",
    "csharp": "C#",
    "cpp": "C++",
    "c": "C",
    "dotnet": ".NET",
    "aspnet": "ASP.NET MVC",
}
# What a match query on a field finds, on (OpenSearch, the embedded server), through the profile
# mapping's analyzers. skills and skill_labels (skill_text): both engines honour its
# pattern_replace char filters, so "C#", "C++" and ".NET" are tokens of their own, apart from
# "C"; only OpenSearch honours word_delimiter_graph, which splits "React.js" into react + js.
# title and overview (skill_words) get the splitting but not the char filters: the embedded
# server's highlighter does not correct offsets after a char filter. Both engines match the
# skill a title names through `title_skill_ids` (next test), "C#" included.
ANALYZED = {
    "skills": {
        "react": (["react"], []),
        "reactjs": (["react"], []),
        "nodejs": (["node"], []),
        "c#": (["csharp"], ["csharp"]),
        "c++": (["cpp"], ["cpp"]),
        "c": (["c"], ["c"]),
        ".net": (["dotnet"], ["dotnet"]),
        "dotnet": (["dotnet"], ["dotnet"]),
        "asp.net": (["aspnet"], ["aspnet"]),
    },
    "title": {
        "react": (["react"], []),
        "reactjs": (["react"], []),
        "nodejs": (["node"], []),
        "c#": (["c", "cpp", "csharp"], ["c", "cpp", "csharp"]),
        ".net": (["aspnet", "dotnet"], ["dotnet"]),
        "asp.net": (["aspnet"], ["aspnet"]),
    },
}
CASES = [(field, query) for field, table in ANALYZED.items() for query in table]


@pytest.mark.parametrize(("field", "query"), CASES)
def test_skill_names_are_tokens_as_each_field_analyzes_them(
    engine: Engine, backend: OpenSearch, index: str, field: str, query: str
) -> None:
    docs = [doc(k, title=f"{n} Developer", skills=[n], skill_labels=[n]) for k, n in NAMES.items()]
    load(backend, index, docs)
    on_opensearch, embedded = ANALYZED[field][query]
    found = ids(backend, index, {"match": {field: query}})
    assert found == sorted(on_opensearch if engine.is_real else embedded)


def test_highlights_keep_skill_symbols_on_both_engines(backend: OpenSearch, index: str) -> None:
    load(backend, index, [doc("cs", title="C# Developer", overview="I build .NET and C# apps.")])
    body = {"query": {"match": {"overview": "apps"}}, "highlight": HIGHLIGHT_BODY}
    (hit,) = backend.search(index=index, body=body)["hits"]["hits"]
    assert hit["highlight"]["overview"] == ["I build .NET and C# <em>apps</em>."]


def test_title_skill_ids_match_a_spelling_on_both_engines(backend: OpenSearch, index: str) -> None:
    """ "react" finds "React.js Developer" everywhere: the indexer stored the title's skill id."""
    load(
        backend,
        index,
        [
            doc("react", title="React.js Developer", skills=["Redux"], title_skill_ids=["react"]),
            doc("vue", title="Vue.js Developer", skills=["Redux"], title_skill_ids=["vuejs"]),
        ],
    )
    assert ids(backend, index, {"terms": {"title_skill_ids": ["react"]}}) == ["react"]
