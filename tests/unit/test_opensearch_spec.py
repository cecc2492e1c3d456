"""Every request body the product builds validates against the OpenSearch API specification.

Search bodies come from `TalentSearcher.plan` (no server: a fake encoder and an in-memory skill
matrix). The indexer's and the searcher's requests are recorded on the wire by a fake
connection that plays a small in-memory OpenSearch, so what is checked is what the client
sends, after its own serialisation (NDJSON for `_bulk` and `_msearch`). The validators come from
tests/unit/opensearch_spec.py; its quirk rewrites are shown to be needed, and its strictness to
catch mistakes, by the tests at the end of this file.
"""

from __future__ import annotations

import contextlib
import copy
import fnmatch
import io
import itertools
import json
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache, partial
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest
from jsonschema import Draft202012Validator
from opensearchpy import OpenSearch
from opensearchpy.connection import Connection

from domain.badges import Badge, BadgePolicy
from domain.certification_registry import default_registry
from domain.diversity import DiversityCategory
from domain.encoder import EMBEDDING_DIM
from domain.skill_vocabulary import SkillEntry, SkillVocabulary
from indexer.document_builder import DocumentBuilder
from indexer.index_aliases import create_index, roll_back, swap_in
from indexer.indexing_run import run_index
from indexer.profile_updates import delete_profiles, update_stats
from indexer.skill_embeddings import EmbeddingCache
from mappings.index_contract import ALL_KINDS, PROFILES, SKILLS, IndexKind
from ranking.query_embedder import QueryEmbedder
from ranking.ranking_profile import RankingProfile, available_profiles, load_profile
from ranking.search_filters import SearchFilters
from ranking.skill_matcher import SkillMatcher
from ranking.talent_searcher import SearchQuery, TalentSearcher
from tests.factories import AS_OF, certification, fake_encode, profile, write_jsonl
from tests.unit.opensearch_spec import (
    SPEC_DIR,
    SPEC_ROOT,
    OpenSearchSpec,
    SpecViolation,
    _quirk_nullable,
    parse_ndjson,
    reachable_files,
    spec,
    to_wire,
    validate_body,
    validate_search_body,
)

# --- a fake OpenSearch that records what the client sends --------------------------------------


@dataclass
class Recorded:
    method: str
    path: str
    body: bytes | None

    def parsed(self) -> Any:
        """The body as sent: one JSON document, or the lines of an NDJSON one."""
        if self.body is None:
            return None
        text = self.body.decode()
        return parse_ndjson(text) if self.path.endswith(("_bulk", "_msearch")) else json.loads(text)


@dataclass
class FakeServer:
    """Just enough OpenSearch, in memory, for the indexer and the searcher to run against."""

    indices: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)
    aliases: dict[str, str] = field(default_factory=dict)
    mappings: dict[str, dict[str, Any]] = field(default_factory=dict)  # as each was created
    requests: list[Recorded] = field(default_factory=list)

    def docs(self, name: str) -> dict[str, dict[str, Any]]:
        return self.indices[self.aliases.get(name, name)]

    def handle(self, method: str, path: str, body: Any) -> tuple[int, Any]:
        parts = [unquote(p) for p in path.strip("/").split("/")]
        match parts:
            case ["_alias", name]:
                if name in self.aliases:
                    return 200, {self.aliases[name]: {"aliases": {name: {}}}}
                return 404, {"error": f"alias [{name}] missing", "status": 404}
            case ["_cluster", "health"]:
                return 200, {"status": "green", "number_of_nodes": 1, "number_of_data_nodes": 1}
            case ["_nodes", "plugins"]:  # no k-NN plugin: the indexer writes no profile vectors
                return 200, {"nodes": {"fake-node": {"plugins": []}}}
            case ["_cat", "indices", pattern]:
                return 200, [{"index": i} for i in self.indices if fnmatch.fnmatch(i, pattern)]
            case ["_aliases"]:
                for action in body["actions"]:
                    ((kind, args),) = action.items()
                    if kind == "remove":
                        del self.aliases[args["alias"]]
                    else:
                        self.aliases[args["alias"]] = args["index"]
                return 200, {"acknowledged": True}
            case ["_bulk"]:
                return 200, self._bulk(body)
            case ["_msearch"]:
                pairs = zip(body[::2], body[1::2], strict=True)
                return 200, {"responses": [self._search(h["index"], b) for h, b in pairs]}
            case [index] if method == "PUT":
                self.indices[index] = {}
                self.mappings[index] = body.get("mappings", {})
                return 200, {"acknowledged": True, "shards_acknowledged": True, "index": index}
            case [index] if method == "DELETE":
                self.indices.pop(index, None)
                return 200, {"acknowledged": True}
            case [index, "_mapping"]:  # an upsert checks the live index's schema and vectors
                target = self.aliases.get(index, index)
                return 200, {target: {"mappings": self.mappings.get(target, {})}}
            case [index, "_refresh"]:
                return 200, {"_shards": {"total": 1, "successful": 1, "failed": 0}}
            case [index, "_count"]:
                return 200, {"count": len(self.docs(index))}
            case [index, "_mget"]:
                docs = self.docs(index)
                found = [
                    {"_id": i, "found": i in docs, "_source": docs.get(i)} for i in body["ids"]
                ]
                return 200, {"docs": found}
            case [index, "_search"]:
                return 200, self._search(index, body)
        raise AssertionError(f"the fake server does not know {method} {path}")

    def _bulk(self, lines: list[dict[str, Any]]) -> dict[str, Any]:
        items = []
        rows = iter(lines)
        for action in rows:
            ((op, meta),) = action.items()
            docs, doc_id = self.docs(meta["_index"]), meta["_id"]
            status = 200
            if op in ("index", "create"):
                docs[doc_id] = next(rows)
            elif op == "update":
                update = next(rows)
                if doc_id in docs:
                    docs[doc_id] = docs[doc_id] | update["doc"]
                else:
                    status = 404
            elif docs.pop(doc_id, None) is None:
                status = 404
            items.append({op: {"_index": meta["_index"], "_id": doc_id, "status": status}})
        failed = any(item["status"] >= 300 for i in items for item in i.values())
        return {"took": 1, "errors": failed, "items": items}

    def _search(self, index: str, body: dict[str, Any]) -> dict[str, Any]:
        docs = self.docs(index)
        after = body.get("search_after", [""])[0]
        ids = [i for i in sorted(docs) if i > after][: body.get("size", 10)]
        hits = [{"_id": i, "_score": 1.0, "_source": docs[i], "sort": [i]} for i in ids]
        if body.get("_source") is False:
            hits = [{k: v for k, v in hit.items() if k != "_source"} for hit in hits]
        return {"took": 1, "hits": {"hits": hits}, "status": 200}


class FakeConnection(Connection):
    """Answers from a FakeServer instead of the network, recording each request as sent."""

    def __init__(self, fake_server: FakeServer, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.server = fake_server

    def perform_request(
        self,
        method: str,
        url: str,
        params: Any = None,
        body: bytes | None = None,
        timeout: Any = None,
        ignore: Iterable[int] = (),
        headers: Any = None,
    ) -> tuple[int, dict[str, str], str]:
        recorded = Recorded(method, url, body)
        self.server.requests.append(recorded)
        status, payload = self.server.handle(method, url, recorded.parsed())
        raw = json.dumps(payload)
        if not 200 <= status < 300 and status not in ignore:
            self._raise_error(status, raw, "application/json")
        return status, {"content-type": "application/json"}, raw


def fake_opensearch(server: FakeServer | None = None) -> tuple[OpenSearch, FakeServer]:
    server = server or FakeServer()
    client = OpenSearch(
        hosts=[{"host": "fake.invalid", "port": 9200}],
        connection_class=FakeConnection,
        fake_server=server,
    )
    return client, server


def spec_errors(requests: Iterable[Recorded]) -> list[str]:
    """Every reason the spec gives to reject a recorded request (found by its method and path)."""
    errors = []
    for r in requests:
        errors += [
            f"{r.method} {r.path}: {e}" for e in spec().request_errors(r.method, r.path, r.parsed())
        ]
    return errors


def groups(requests: Iterable[Recorded]) -> set[str]:
    return {spec().route(r.method, r.path).group for r in requests if r.body is not None}


# The operations whose request bodies the product sends (tests/unit/schemas holds what they reach).
VALIDATED = (
    "search",
    "msearch",
    "bulk",
    "update",
    "mget",
    "indices.create",
    "indices.update_aliases",
)

# --- the product's inputs ----------------------------------------------------------------------

ENTRIES = [
    SkillEntry("go", "Go", ("golang",)),
    SkillEntry("python", "Python"),
    SkillEntry("django", "Django"),
    SkillEntry("postgresql", "PostgreSQL", ("postgres",)),
    SkillEntry("react", "React", ("reactjs",)),
    SkillEntry("docker", "Docker"),
    SkillEntry("kubernetes", "Kubernetes", ("k8s",)),
]
# Searching never learns a skill, so every searcher here shares one vocabulary, and with it the
# job-title index built for it (`ranking.job_titles`: a second per vocabulary). The indexer's
# builder learns, so it gets a vocabulary of its own.
SEARCH_VOCABULARY = SkillVocabulary.from_entries(ENTRIES)
DEFAULT = load_profile("default")
# Every ranking profile file, plus the variants that change which legs (and bodies) a plan has.
RANKING_PROFILES: dict[str, Callable[[], RankingProfile]] = {
    **{name: partial(load_profile, name) for name in available_profiles()},
    "default+rrf": lambda: DEFAULT.with_overrides({"normalisation": "rrf"}),
    "default, lexical leg off": lambda: DEFAULT.with_overrides(
        {"legs": {"lexical": {"weight": 0}}}
    ),
    "default, skill leg off": lambda: DEFAULT.with_overrides({"legs": {"skill": {"weight": 0}}}),
}


def _corpus() -> list[dict[str, Any] | str]:
    return [
        profile(id="go-1", title="Backend Engineer", skills=["Go", "PostgreSQL"]),
        profile(
            id="go-2", title="Golang Developer", skills=["golang", "Rust"], badge="expert_vetted"
        ),
        profile(
            id="py-1",
            skills=["Python", "Django"],
            diversity_certifications=[certification(category="veteran_owned")],
        ),
        profile(id="new-1", job_success_score=None, total_jobs=0, first_contract_date=None),
        "not json",
    ]


def _searcher(
    client: OpenSearch | None = None, countries: Iterable[str] = ("US",)
) -> TalentSearcher:
    entries = list(SEARCH_VOCABULARY)
    labels = [e.label for e in entries]
    matcher = SkillMatcher([e.id for e in entries], labels, fake_encode(labels))
    client = client or fake_opensearch()[0]  # plan() needs no server; nothing is recorded
    return TalentSearcher(
        client, SEARCH_VOCABULARY, matcher, QueryEmbedder(fake_encode), list(countries)
    )


SEARCHER = _searcher()


def plan(
    query: SearchQuery,
    ranking: RankingProfile = DEFAULT,
    searcher: TalentSearcher = SEARCHER,
    **options: bool,
) -> list[dict[str, Any]]:
    return searcher.plan(query, ranking, **options).bodies


def q(text: str | None = None, skills: Iterable[str] = (), **filters: Any) -> SearchQuery:
    return SearchQuery(text, list(skills), SearchFilters(**filters), AS_OF)


# Filter values to combine: one sample per SearchFilters field (a test checks none is missing).
FILTER_SAMPLES: dict[str, Any] = {
    "skill_ids": ["go", "python"],
    "badges": [Badge.TOP_RATED, Badge.EXPERT_VETTED],
    "min_jss": 90.5,
    "min_rate": 20,
    "max_rate": 80.5,
    "countries": ["US", "DE"],
    "diversity_certified": True,
    "diversity_categories": [DiversityCategory.WOMAN_OWNED, DiversityCategory.VETERAN_OWNED],
}
EVERY_FILTER = dict(FILTER_SAMPLES)


def filter_combinations() -> Iterator[dict[str, Any]]:
    """Every subset of the filters, each filter with its sample value."""
    names = sorted(FILTER_SAMPLES)
    for size in range(len(names) + 1):
        for chosen in itertools.combinations(names, size):
            yield {name: FILTER_SAMPLES[name] for name in chosen}


def _with_ranking(ranking: Callable[[], RankingProfile]) -> list[dict[str, Any]]:
    return plan(q("golang", ["Python"], countries=["US"]), ranking())


# --- search bodies -----------------------------------------------------------------------------

# Each source of search bodies, by name. Adding one (say, facet aggregations) is one line here.
SEARCH_BODY_SOURCES: dict[str, Callable[[], list[dict[str, Any]]]] = {
    "text naming a skill": lambda: plan(q("golang developer")),
    "text naming no skill": lambda: plan(q("senior backend engineer")),
    "list of skills as text": lambda: plan(q("react, k8s and postgres")),
    "explicit skills": lambda: plan(q(None, ["Python", "k8s"])),
    "unknown explicit skill": lambda: plan(q(None, ["Fortran 77"])),
    "text and skills": lambda: plan(q("react developer", ["golang"])),
    "text, skills and every filter": lambda: plan(q("golang", ["Python"], **EVERY_FILTER)),
    "browse": lambda: plan(q()),
    "browse with every filter": lambda: plan(q(None, **EVERY_FILTER)),
    "diversity source": lambda: plan(q("golang", diversity_certified=True), include_diversity=True),
    "browse, diversity source": lambda: plan(q(None), include_diversity=True),
    "highlight": lambda: plan(q("golang developer", min_jss=90), highlight=True),
    "highlight, skills only": lambda: plan(q(None, ["Python"]), highlight=True),
    "diversity, no enabled country": lambda: plan(
        q("golang", diversity_categories=["black_owned"]), searcher=_searcher(countries=())
    ),
    "diversity, several enabled countries": lambda: plan(
        q(None, diversity_certified=True), searcher=_searcher(countries=("US", "CA"))
    ),
    **{
        f"ranking profile {name}": partial(_with_ranking, ranking)
        for name, ranking in RANKING_PROFILES.items()
    },
}


@pytest.mark.parametrize("source", SEARCH_BODY_SOURCES)
def test_search_bodies_validate(source: str) -> None:
    bodies = SEARCH_BODY_SOURCES[source]()
    assert bodies, "the source built no body"
    for body in bodies:
        validate_search_body(body)


def test_filter_samples_cover_every_search_filter() -> None:
    """A new SearchFilters field must get a sample here, or its clause would go unchecked."""
    assert set(FILTER_SAMPLES) == set(SearchFilters.model_fields)
    assert SearchFilters(**EVERY_FILTER).model_dump(exclude_defaults=True).keys() == set(
        FILTER_SAMPLES
    )


def test_every_filter_combination_validates() -> None:
    """All 2^n filter subsets, browsing and with text and skills (bodies are checked once each;
    a browse's badge groups differ only in one integer, so one group stands for the rest)."""
    seen: set[str] = set()
    for filters in filter_combinations():
        for query in (q(None, **filters), q("golang", ["Python"], **filters)):
            for body in plan(query):
                key = re.sub(
                    r'"badge_rank": \d+',
                    '"badge_rank": 0',
                    json.dumps(to_wire(body), sort_keys=True),
                )
                if key not in seen:
                    seen.add(key)
                    validate_search_body(body)
    assert len(seen) > 2 ** len(FILTER_SAMPLES)  # the filters really changed the bodies


def test_msearch_requests_validate() -> None:
    """`search` sends header and body lines in one `_msearch`: recorded as sent, then checked."""
    server = FakeServer(indices={"p": {"fl-1": profile()}}, aliases={PROFILES.alias: "p"})
    client, _ = fake_opensearch(server)
    searcher = _searcher(client)
    searcher.search(q("golang", ["Python"], countries=["US"]), DEFAULT, include_diversity=True)
    searcher.search(q(None, badges=["top_rated"]), DEFAULT, highlight=True)
    assert [r.path for r in server.requests] == ["/_msearch", "/_msearch"]
    assert server.requests[0].parsed()[0] == {"index": PROFILES.alias}
    assert spec_errors(server.requests) == []


def test_skill_matcher_paging_bodies_validate() -> None:
    """Loading the skill vocabulary pages with `search_after` past 1000 skills."""
    server = FakeServer(indices={"skills-x": {}}, aliases={SKILLS.alias: "skills-x"})
    for i in range(1001):
        vector = [0.0] * EMBEDDING_DIM
        server.indices["skills-x"][f"s{i:04d}"] = {
            "id": f"s{i:04d}",
            "label": f"S{i}",
            "embedding": vector,
        }
    client, _ = fake_opensearch(server)
    assert len(SkillMatcher.from_index(client)) == 1001
    bodies = [r.parsed() for r in server.requests]
    assert len(bodies) == 2 and "search_after" in bodies[1]
    assert spec_errors(server.requests) == []


# --- index bodies, alias actions, bulk lines ---------------------------------------------------


@pytest.mark.parametrize("kind", ALL_KINDS, ids=lambda k: k.alias)
def test_index_bodies_validate_as_create_index(kind: IndexKind) -> None:
    client, server = fake_opensearch()
    create_index(client, kind, kind.index_name("0" * 20))
    health, request = server.requests
    assert (health.method, health.path) == ("GET", "/_cluster/health")
    assert request.parsed() == kind.body()  # one data node: the file's 1 shard, 0 replicas
    assert spec_errors(server.requests) == []


def alias_bodies() -> list[dict[str, Any]]:
    """A first swap (nothing live), a second (live and -previous move), then a roll back."""
    client, server = fake_opensearch()
    for stamp in ("1", "2"):
        names = {kind: kind.index_name(stamp * 20) for kind in ALL_KINDS}
        server.indices |= {name: {} for name in names.values()}
        swap_in(client, names)
    roll_back(client)
    assert spec_errors(server.requests) == []
    return [r.parsed() for r in server.requests if r.path == "/_aliases"]


def test_alias_swaps_and_roll_back_validate() -> None:
    assert [len(body["actions"]) for body in alias_bodies()] == [2, 6, 8]


def exercise_indexer(client: OpenSearch, tmp: Path) -> None:
    """Two rebuilds, an upsert, a roll back, stats updates and deletions."""
    builder = DocumentBuilder(
        vocabulary=SkillVocabulary.from_entries(ENTRIES),
        registry=default_registry(),
        policy=BadgePolicy(),
        as_of=AS_OF,
    )
    cache = EmbeddingCache(tmp / "embeddings.sqlite3")
    source = write_jsonl(tmp / "profiles.jsonl", _corpus())
    try:
        for mode in ("rebuild", "rebuild", "upsert"):
            run_index(client, source, io.StringIO(), builder, fake_encode, cache, "fake", mode)
    finally:
        cache.close()
    roll_back(client)
    stats: list[dict[str, Any] | str] = [
        {"id": "go-1", "job_success_score": 99.5, "earnings_12m_usd": 120000},
        {"id": "py-1", "expert_vetted": True, "first_contract_date": "2019-05-01"},
        {"id": "nobody", "total_jobs": 3},
    ]
    stats_file = write_jsonl(tmp / "stats.jsonl", stats)
    update_stats(client, stats_file, io.StringIO(), BadgePolicy(), AS_OF)
    delete_profiles(client, ["go-2", "nobody"])


def exercise_searcher(client: OpenSearch) -> None:
    """Load the indexed skills, then search with and without text, filters, highlight."""
    searcher = TalentSearcher(
        client,
        SEARCH_VOCABULARY,
        SkillMatcher.from_index(client),
        QueryEmbedder(fake_encode),
    )
    searcher.search(q("golang", ["Python"], **EVERY_FILTER), DEFAULT, include_diversity=True)
    searcher.search(q("python developer", min_jss=80), DEFAULT, highlight=True)
    searcher.search(q(None, badges=["expert_vetted"]), RANKING_PROFILES["default+rrf"]())


@pytest.fixture(scope="module")
def recorded(tmp_path_factory: pytest.TempPathFactory) -> list[Recorded]:
    client, server = fake_opensearch()
    exercise_indexer(client, tmp_path_factory.mktemp("indexer"))
    exercise_searcher(client)
    return server.requests


def test_indexer_and_searcher_requests_validate(recorded: list[Recorded]) -> None:
    assert spec_errors(recorded) == []
    assert groups(recorded) == set(VALIDATED) - {"update"}  # `update`: see the partial updates


def bulk_actions(requests: Iterable[Recorded]) -> list[tuple[str, dict[str, Any] | None]]:
    """(action, source line) of every bulk item sent; deletions have no source line."""
    found = []
    for r in requests:
        if r.path == "/_bulk":
            rows = iter(r.parsed())
            for action in rows:
                op = next(iter(action))
                found.append((op, None if op == "delete" else next(rows)))
    return found


def test_bulk_requests_hold_every_kind_of_action(recorded: list[Recorded]) -> None:
    """So the bulk check above saw index, update and delete lines, not just one kind."""
    assert {op for op, _ in bulk_actions(recorded)} == {"index", "update", "delete"}


def partial_updates(recorded: list[Recorded]) -> list[dict[str, Any]]:
    return [line for op, line in bulk_actions(recorded) if op == "update" and line]


def test_partial_updates_are_valid_update_bodies(recorded: list[Recorded]) -> None:
    """A stats refresh's `doc` would also be a valid body for the single-document `_update`."""
    updates = partial_updates(recorded)
    assert len(updates) == 2 and all("badge" in line["doc"] for line in updates)
    for body in updates:
        validate_body("update", body)


# --- the validators catch mistakes -------------------------------------------------------------


def _find(node: Any, key: str) -> dict[str, Any]:
    """The first object (depth first) that has `key`."""
    if isinstance(node, dict):
        if key in node:
            return node
        node = list(node.values())
    if isinstance(node, list):
        for item in node:
            with contextlib.suppress(KeyError):
                return _find(item, key)
    raise KeyError(key)


def rename(key: str, new: str) -> Callable[[Any], None]:
    def edit(body: Any) -> None:
        holder = _find(body, key)
        holder[new] = holder.pop(key)

    return edit


def put(key: str, value: Any) -> Callable[[Any], None]:
    def edit(body: Any) -> None:
        _find(body, key)[key] = value

    return edit


def lexical_leg() -> dict[str, Any]:
    return plan(q("golang", ["Python"], **EVERY_FILTER), highlight=True)[0]


def browse() -> dict[str, Any]:
    return plan(q(None, **EVERY_FILTER))[0]


def msearch_lines() -> list[dict[str, Any]]:
    client, server = fake_opensearch(FakeServer(aliases={PROFILES.alias: "p"}, indices={"p": {}}))
    _searcher(client).search(q("golang", countries=["US"]), DEFAULT)
    lines: list[dict[str, Any]] = server.requests[0].parsed()
    return lines


def bulk_lines(recorded: list[Recorded]) -> list[dict[str, Any]]:
    return [line for r in recorded if r.path == "/_bulk" for line in r.parsed()]


@dataclass(frozen=True)
class Mistake:
    """A plausible mistake, made in a real body of the product."""

    name: str
    group: str
    body: Callable[[list[Recorded]], Any]
    edit: Callable[[Any], None]
    # Whether the spec read literally catches it too; None: it rejects the real body already.
    literal_spec_rejects: bool | None


def _drop_source_line(lines: list[dict[str, Any]]) -> None:
    del lines[1]


def _two_actions_in_one(body: dict[str, Any]) -> None:
    body["actions"][0] |= body["actions"][1]


MISTAKES = [
    Mistake(
        "misspelled query type",
        "search",
        lambda _: lexical_leg(),
        rename("multi_match", "mutli_match"),
        False,
    ),
    Mistake("size as a string", "search", lambda _: lexical_leg(), put("size", "200"), True),
    Mistake(
        "unknown top-level key",
        "search",
        lambda _: lexical_leg(),
        rename("track_total_hits", "track_total_hit"),
        False,
    ),
    Mistake(
        "misspelled bool key",
        "search",
        lambda _: lexical_leg(),
        rename("minimum_should_match", "minimum_should_mach"),
        False,
    ),
    Mistake(
        "misspelled query option",
        "search",
        lambda _: lexical_leg(),
        rename("fields", "field"),
        False,
    ),
    Mistake(
        "unknown multi_match type",
        "search",
        lambda _: lexical_leg(),
        put("type", "best_field"),
        True,
    ),
    Mistake(
        "terms value not a list", "search", lambda _: lexical_leg(), put("skill_ids", "go"), True
    ),
    Mistake("boolean range bound", "search", lambda _: lexical_leg(), put("gte", True), True),
    Mistake(
        "misspelled highlight option",
        "search",
        lambda _: lexical_leg(),
        rename("number_of_fragments", "number_of_fragment"),
        False,
    ),
    Mistake("misspelled sort order", "search", lambda _: browse(), put("order", "dsc"), None),
    Mistake("numeric _source", "search", lambda _: lexical_leg(), put("_source", 1), True),
    Mistake(
        "misspelled msearch header key",
        "msearch",
        lambda _: msearch_lines(),
        rename("index", "indx"),
        None,
    ),
    Mistake(
        "msearch body without its header",
        "msearch",
        lambda _: msearch_lines(),
        lambda lines: lines.pop(0),
        None,
    ),
    Mistake(
        "misspelled mapping type",
        "indices.create",
        lambda _: PROFILES.body(),
        put("type", "keywrd"),
        True,
    ),
    Mistake(
        "misspelled mapping option",
        "indices.create",
        lambda _: PROFILES.body(),
        rename("ignore_above", "ignore_abov"),
        False,
    ),
    Mistake(
        "misspelled top-level create key",
        "indices.create",
        lambda _: PROFILES.body(),
        rename("mappings", "mapping"),
        False,
    ),
    Mistake(
        "misspelled dynamic setting",
        "indices.create",
        lambda _: SKILLS.body(),
        put("dynamic", "strct"),
        True,
    ),
    Mistake(
        "misspelled alias key",
        "indices.update_aliases",
        lambda _: alias_bodies()[1],
        rename("alias", "alais"),
        False,
    ),
    Mistake(
        "unknown alias action",
        "indices.update_aliases",
        lambda _: alias_bodies()[1],
        rename("add", "ad"),
        False,
    ),
    Mistake(
        "two alias actions in one object",
        "indices.update_aliases",
        lambda _: alias_bodies()[1],
        _two_actions_in_one,
        True,
    ),
    Mistake("misspelled bulk action", "bulk", bulk_lines, rename("index", "idnex"), False),
    Mistake("misspelled bulk metadata", "bulk", bulk_lines, rename("_id", "_idd"), False),
    Mistake("misspelled partial update key", "bulk", bulk_lines, rename("doc", "dco"), False),
    Mistake("bulk action without its source line", "bulk", bulk_lines, _drop_source_line, False),
    Mistake(
        "misspelled update key",
        "update",
        lambda r: partial_updates(r)[0],
        rename("doc", "dco"),
        False,
    ),
]


@cache
def literal_spec() -> OpenSearchSpec:
    """The copied spec with no quirk handled: what it accepts read literally."""
    return OpenSearchSpec(quirks=())


@pytest.mark.parametrize("mistake", MISTAKES, ids=lambda m: m.name)
def test_mistakes_in_real_bodies_are_rejected(mistake: Mistake, recorded: list[Recorded]) -> None:
    """Each mistake, made in a body the product builds, is rejected (the body itself is not).

    Beyond these, the spec cannot see our mapping, so a misspelled *field name* or a value of
    the wrong type for a field passes, and so does a misspelled index *setting* (`settings`
    takes any key: settings may be flat, `index.number_of_shards`, and plugins add their own).
    Nor does it bound numbers (`"size": -1` passes). The mapping and integration tests cover
    those. The last column shows what strictness adds: a literal reading misses most of these.
    """
    body = to_wire(mistake.body(recorded))
    assert spec().body_errors(mistake.group, body) == []
    broken = copy.deepcopy(body)
    mistake.edit(broken)
    assert broken != body
    assert spec().body_errors(mistake.group, broken), "the mistake went through"
    literal = literal_spec().schema_errors
    if mistake.literal_spec_rejects is None:
        assert literal(mistake.group, body)
    else:
        assert literal(mistake.group, body) == []
        assert bool(literal(mistake.group, broken)) is mistake.literal_spec_rejects


# --- each quirk handled by the loader is real -------------------------------------------------


def function_score(*functions: dict[str, Any]) -> dict[str, Any]:
    return {"query": {"function_score": {"query": {"match_all": {}}, "functions": list(functions)}}}


NUMERIC_DECAY = {"job_success_score": {"origin": 100, "scale": 10}}


@dataclass(frozen=True)
class Quirk:
    name: str
    group: str
    body: Any
    literal_spec_rejects: bool
    loader_rejects: bool


QUIRKS = [
    Quirk(
        "allOf + maxProperties: a function with its filter and weight",
        "search",
        function_score(
            {"filter": {"term": {"badge": "top_rated"}}, "weight": 2, "gauss": NUMERIC_DECAY}
        ),
        literal_spec_rejects=True,
        loader_rejects=False,
    ),
    Quirk(
        "allOf + maxProperties: still one function per entry",
        "search",
        function_score({"weight": 2, "gauss": NUMERIC_DECAY, "exp": NUMERIC_DECAY}),
        literal_spec_rejects=True,
        loader_rejects=True,
    ),
    Quirk(
        "allOf + additionalProperties: boost is not a geo point",
        "search",
        {"query": {"geo_distance": {"distance": "10km", "boost": 2, "loc": {"lat": 1, "lon": 2}}}},
        literal_spec_rejects=True,
        loader_rejects=False,
    ),
    Quirk(
        "field-type dependent oneOf: a date decay is also a geo decay",
        "search",
        function_score({"gauss": {"updated_at": {"origin": "now", "scale": "10d"}}}),
        literal_spec_rejects=True,
        loader_rejects=False,
    ),
    Quirk(
        "field-type dependent oneOf: string range bounds",
        "search",
        {"query": {"range": {"country": {"from": "A", "to": "M"}}}},
        literal_spec_rejects=True,
        loader_rejects=False,
    ),
    Quirk(
        "oneOf of open objects: a plain field sort",
        "search",
        {"sort": [{"badge_rank": "desc"}]},
        literal_spec_rejects=True,
        loader_rejects=False,
    ),
    Quirk(
        "ambiguous oneOf: _score is no field",
        "search",
        {"sort": [{"_score": {"order": "desc"}}]},
        literal_spec_rejects=True,
        loader_rejects=False,
    ),
    Quirk(
        "oneOf of open objects: a bad sort order",
        "search",
        {"sort": [{"badge_rank": "dsc"}]},
        literal_spec_rejects=False,
        loader_rejects=True,
    ),
    Quirk(
        "open objects: an unknown query type",
        "search",
        {"query": {"mtach": {"title": "go"}}},
        literal_spec_rejects=False,
        loader_rejects=True,
    ),
    Quirk(
        "bulk lines by position: a misspelled action",
        "bulk",
        [{"idnex": {"_index": "talent-profiles", "_id": "1"}}, {"id": "1"}],
        literal_spec_rejects=False,
        loader_rejects=True,
    ),
    Quirk(
        "discriminator: an object field needs no type (x-default)",
        "indices.create",
        {"mappings": {"properties": {"a": {"properties": {"b": {"type": "keyword"}}}}}},
        literal_spec_rejects=False,
        loader_rejects=False,
    ),
    Quirk(
        "discriminator: options of the field's own type only",
        "indices.create",
        {"mappings": {"properties": {"a": {"type": "keyword", "analyzer": "standard"}}}},
        literal_spec_rejects=False,
        loader_rejects=True,
    ),
]


@pytest.mark.parametrize("quirk", QUIRKS, ids=lambda k: k.name)
def test_quirks_are_handled_in_the_loader(quirk: Quirk) -> None:
    """The spec read literally gets these wrong (false positives, or misses); the loader not."""
    assert bool(literal_spec().schema_errors(quirk.group, quirk.body)) is quirk.literal_spec_rejects
    assert bool(spec().body_errors(quirk.group, quirk.body)) is quirk.loader_rejects


def test_msearch_lines_are_checked_by_position() -> None:
    pair = [{"index": PROFILES.alias}, {"query": {"match_all": {}}}]
    assert literal_spec().schema_errors("msearch", pair)  # each line matches both open objects
    assert spec().schema_errors("msearch", pair) == []  # closed alternatives: one match each
    assert spec().schema_errors("msearch", pair[::-1]) == []  # either line may be either...
    assert spec().body_errors("msearch", pair[::-1])  # ...but not in either place
    assert spec().body_errors("msearch", pair) == []


def test_msearch_bodies_take_what_search_bodies_take() -> None:
    """`aggs` is as good as `aggregations` in an `_msearch` body line, and as strictly checked."""
    validate_search_body({"size": 0, "aggs": {"badges": {"terms": {"field": "badge"}}}})
    with pytest.raises(SpecViolation, match=r"msearch line 2/aggs/badges"):
        validate_search_body({"size": 0, "aggs": {"badges": {"trems": {"field": "badge"}}}})


def test_errors_name_the_offending_key() -> None:
    """Dispatching on the discriminator reports the key, not "not valid under any of 47"."""
    body = {"mappings": {"properties": {"a": {"type": "keyword", "analyzer": "standard"}}}}
    (error,) = spec().body_errors("indices.create", body)
    assert "/mappings/properties/a" in error and "'analyzer'" in error
    (error,) = spec().body_errors(
        "indices.create", {"mappings": {"properties": {"a": {"type": "strng"}}}}
    )
    assert "/a/type: 'strng' is not one of" in error
    with pytest.raises(SpecViolation, match=r"query: unexpected key 'mtach'"):
        validate_search_body({"query": {"mtach": {"title": "go"}}})


def test_nullable_from_openapi_3_0_allows_null() -> None:
    """None of the copied files uses `nullable` today; the rewrite is checked on its own."""
    docs = {
        "x.yaml": {
            "components": {
                "schemas": {
                    "X": {
                        "type": "object",
                        "properties": {
                            "a": {"type": "string", "nullable": True},
                            "b": {"type": "string", "enum": ["on", "off"], "nullable": True},
                        },
                    }
                }
            }
        }
    }
    _quirk_nullable(docs)
    schema = docs["x.yaml"]["components"]["schemas"]["X"]
    validator = Draft202012Validator(schema)
    assert validator.is_valid({"a": None, "b": None}) and validator.is_valid({"a": "x", "b": "on"})
    assert not validator.is_valid({"a": 1}) and not validator.is_valid({"b": "maybe"})


# --- the copy of the spec ----------------------------------------------------------------------


def test_the_copy_holds_exactly_what_the_validated_bodies_reach() -> None:
    """Every `$ref` from the validated bodies resolves, and no file is copied for nothing."""
    copied = {p.relative_to(SPEC_DIR).as_posix() for p in SPEC_DIR.rglob("*.yaml")}
    assert reachable_files(literal_spec(), VALIDATED) == copied
    assert {p.name for p in SPEC_ROOT.iterdir()} == {
        "LICENSE.txt",
        "NOTICE.txt",
        "README.md",
        "spec",
    }


def test_every_request_finds_its_operation_in_the_spec() -> None:
    """Routing uses the spec's own paths: literal segments win over `{index}`."""
    route = spec().route
    assert route("POST", "/_msearch").group == "msearch"
    assert route("POST", "/talent-profiles/_search").group == "search"
    assert route("PUT", "/talent-profiles-v2-00000000000000000000").group == "indices.create"
    assert route("POST", "/_aliases").group == "indices.update_aliases"
    assert route("POST", "/talent-profiles/_mget").group == "mget"
    assert route("PUT", "/_bulk").group == "bulk"
    with pytest.raises(KeyError):
        route("POST", "/talent-profiles/_nonsense/x")
