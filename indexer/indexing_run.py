"""One indexing run: read, validate, build, bulk-load, verify and (on rebuild) swap.

A rebuild writes new indices and swaps the aliases only after the document counts check out, so
the live alias never points at a partial index. An upsert writes into the live aliases. Either
way, every line ends up either indexed, in the rejects file, or replaced by a later line with
the same id (the last wins): `indexed` counts distinct profiles, `duplicate_ids` the lines
written over an earlier line's profile (`duplicates` lists the ids given more than once), so
read = indexed + rejected + duplicate_ids. Whatever one line
raises while its document is built is that line's reject: a run never stops for one line.

Documents are built in `workers` worker processes (indexer.profile_lines) while this process
streams bulk requests, or in this process when `workers` is 0; either way their outcomes are
taken in input order, so all of the above holds the same.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Literal

from opensearchpy import OpenSearch

from domain.encoder import EMBEDDING_DIM, Encoder
from indexer.bulk_loading import BulkSettings, bulk_load
from indexer.document_builder import BuildReport, DocumentBuilder
from indexer.errors import IndexerError, IndexerUsageError, VerificationError
from indexer.index_aliases import (
    cluster_layout,
    create_index,
    delete_unaliased,
    engine_has_knn,
    swap_in,
)
from indexer.indexed_ids import IndexedIds
from indexer.profile_lines import Built, Outcome, Refused, built_lines
from indexer.profile_reader import Reject
from indexer.profile_vectors import ProfileVectoriser
from indexer.schema_check import check_live_schema
from indexer.skill_embeddings import EmbeddingCache, embed_texts
from mappings.aliases import alias_target
from mappings.index_contract import (
    DEFAULT_NAMESPACE,
    IndexKind,
    IndexNamespace,
    ShardLayout,
    new_stamp,
)
from mappings.profile_vectors import has_profile_vectors, with_profile_vectors
from mappings.skill_document import SkillDocument

Mode = Literal["rebuild", "upsert"]


@dataclass
class RunSummary:
    mode: Mode
    read: int = 0
    indexed: int = 0
    rejected: int = 0
    duplicate_ids: int = 0  # lines written over an earlier line's profile (the last one wins)
    duplicates: dict[str, list[int]] = field(default_factory=dict)  # id -> its lines
    profiles_index: str = ""
    skills_index: str = ""
    skills_indexed: int = 0
    skills_learned: int = 0
    embeddings_computed: int = 0
    profile_vectors: bool = False  # the profiles index holds vectors for the k-NN leg
    deleted_leftovers: list[str] = field(default_factory=list)
    report: BuildReport = field(default_factory=BuildReport)
    seconds: float = 0.0

    @property
    def exit_code(self) -> int:
        return 3 if self.rejected else 0

    def headline(self) -> str:
        line = f"read {self.read}, indexed {self.indexed}, rejected {self.rejected}"
        if not self.duplicates:
            return line
        shown = "; ".join(
            f"{doc_id} (lines {', '.join(map(str, lines))})"
            for doc_id, lines in list(self.duplicates.items())[:MAX_DUPLICATES_SHOWN]
        )
        more = len(self.duplicates) - MAX_DUPLICATES_SHOWN
        extra = f"; and {more} more" if more > 0 else ""
        return (
            f"{line}; {len(self.duplicates)} ids given on more than one line, the last line "
            f"of each indexed: {shown}{extra}"
        )


MAX_DUPLICATES_SHOWN = 10


class InFlightLines:
    """The input lines of documents sent and not answered yet, per id, in the order sent: the
    engine answers a bulk request's items in order, so two lines with one id in one request each
    get their own line number back (for the reject of the one the engine refuses)."""

    def __init__(self) -> None:
        self._lines: dict[str, deque[int]] = {}

    def __contains__(self, doc_id: str) -> bool:
        return doc_id in self._lines

    def first(self, doc_id: str) -> int | None:
        lines = self._lines.get(doc_id)
        return lines[0] if lines else None

    def sent(self, doc_id: str, line: int) -> None:
        self._lines.setdefault(doc_id, deque()).append(line)

    def answered(self, doc_id: str) -> int:
        """The line of the earliest unanswered document with this id (0 if none)."""
        lines = self._lines.get(doc_id)
        if not lines:
            return 0
        line = lines.popleft()
        if not lines:
            del self._lines[doc_id]
        return line


@dataclass
class _Tracker:
    """Maps in-flight document ids back to their input lines, for bulk failures.

    Documents are sent from the bulk loader's read-ahead thread and answered in the calling
    thread: `lock` makes "sent" (with its duplicate check) and "answered" (moving an id from
    `line_of` to `indexed_ids`) atomic, so a check never falls between the two steps.
    """

    line_of: InFlightLines = field(default_factory=InFlightLines)
    indexed_ids: IndexedIds = field(default_factory=IndexedIds)  # id -> its first indexed line
    skill_ids: set[str] = field(default_factory=set)
    lock: threading.Lock = field(default_factory=threading.Lock)


ProgressFn = Callable[[int], None]


def run_index(
    client: OpenSearch,
    source: Path,
    rejects: IO[str],
    builder: DocumentBuilder,
    encoder: Encoder,
    embedding_cache: EmbeddingCache,
    embedding_model: str,
    mode: Mode = "rebuild",
    bulk: BulkSettings | None = None,
    on_line: ProgressFn | None = None,
    namespace: IndexNamespace = DEFAULT_NAMESPACE,
    layout: ShardLayout | None = None,
    profile_vectors: bool | None = False,
    workers: int = 0,
) -> RunSummary:
    """Index `source` into the backend; raises IndexerError when nothing may be swapped in
    (and mappings.errors.AmbiguousAlias when the live alias points at several indices).

    Only the indices and aliases of `namespace` are read, written or deleted. A rebuild's new
    indices get `layout`, by default the contract's for the cluster's number of data nodes.
    A rebuild's profiles index holds profile vectors (mappings.profile_vectors) when
    `profile_vectors` is True, or None and the engine has the k-NN plugin; an upsert writes
    them when the live index has the field. Documents are built by `workers` worker processes,
    or in this process when 0 (the embedding model and its cache stay in this process).
    """
    if workers < 0:
        raise IndexerUsageError(f"workers must be 0 or more, got {workers}")
    bulk = bulk or BulkSettings()
    started = time.perf_counter()
    summary = RunSummary(mode=mode)
    profiles, skills = namespace.profiles, namespace.skills
    live = alias_target(client, profiles.alias)
    if mode == "upsert" and live is None:
        summary.mode = mode = "rebuild"  # nothing live yet: the first load is a rebuild
    if mode == "rebuild":
        summary.deleted_leftovers = delete_unaliased(client, namespace.kinds)
        stamp = new_stamp()
        targets = {kind: kind.index_name(stamp) for kind in namespace.kinds}
        layout = layout or cluster_layout(client)
        vectors = engine_has_knn(client) if profile_vectors is None else profile_vectors
        for kind, name in targets.items():
            body = kind.body()
            if kind == profiles and vectors:
                body = with_profile_vectors(body, EMBEDDING_DIM)
            create_index(client, kind, name, layout, body)
    else:
        check_live_schema(client, list(namespace.kinds))
        targets = {kind: kind.alias for kind in namespace.kinds}
        live_mapping = client.indices.get_mapping(index=targets[profiles])
        vectors = any(has_profile_vectors(m) for m in live_mapping.values())
    summary.profiles_index, summary.skills_index = targets[profiles], targets[skills]
    summary.profile_vectors = vectors

    try:
        tracker = _Tracker()
        lines = built_lines(source, builder, summary.report, workers)
        vectoriser = ProfileVectoriser(embedding_cache, encoder, embedding_model)
        outcomes = vectoriser(lines) if vectors else lines
        actions = _profile_actions(outcomes, rejects, summary, tracker, targets[profiles])
        # Closed explicitly, whatever ends the loop: the bulk loader's read-ahead thread stops,
        # then the worker processes (an exception's traceback must not keep them alive).
        try:
            with closing(bulk_load(client, actions, bulk)) as results:
                for ok, item in results:
                    _record_result(ok, item, summary, tracker, rejects)
                    if on_line:
                        on_line(1)
        finally:
            lines.close()
        client.indices.refresh(index=targets[profiles])
        if mode == "rebuild":
            verify_count(client, targets[profiles], len(tracker.indexed_ids))

        _write_skills(
            client,
            builder,
            tracker.skill_ids,
            encoder,
            embedding_cache,
            embedding_model,
            targets[skills],
            bulk,
            summary,
        )
        summary.embeddings_computed += vectoriser.computed
        summary.skills_learned = len(builder.vocabulary.learned())
        if mode == "rebuild":
            swap_in(client, targets)
            summary.deleted_leftovers += delete_unaliased(client, namespace.kinds)
    except Exception:
        if mode == "rebuild":
            for name in targets.values():
                client.indices.delete(index=name, ignore_unavailable=True)
        raise
    summary.seconds = time.perf_counter() - started
    return summary


def _profile_actions(
    outcomes: Iterable[Outcome],
    rejects: IO[str],
    summary: RunSummary,
    tracker: _Tracker,
    index: str,
) -> Iterator[dict[str, Any]]:
    for outcome in outcomes:
        summary.read += 1
        if isinstance(outcome, Refused):
            _reject(outcome.reject, summary, rejects)
            continue
        yield _profile_action(outcome, summary, tracker, index)


def _profile_action(
    built: Built, summary: RunSummary, tracker: _Tracker, index: str
) -> dict[str, Any]:
    doc_id = built.id
    with tracker.lock:
        if doc_id in tracker.line_of or doc_id in tracker.indexed_ids:
            earlier = tracker.line_of.first(doc_id) or tracker.indexed_ids.get(doc_id)
            summary.duplicates.setdefault(doc_id, [earlier] if earlier else []).append(built.line)
        tracker.line_of.sent(doc_id, built.line)
    tracker.skill_ids.update(built.skill_ids)
    # `_source` a str: the bulk loader's serializer sends it as it is
    return {"_op_type": "index", "_index": index, "_id": doc_id, "_source": built.source}


def _record_result(
    ok: bool, item: dict[str, Any], summary: RunSummary, tracker: _Tracker, rejects: IO[str]
) -> None:
    result = item.get("index", item)
    doc_id = str(result.get("_id"))
    with tracker.lock:
        line = tracker.line_of.answered(doc_id)
        if ok:
            if doc_id in tracker.indexed_ids:  # a later line replaced it: still one profile
                summary.duplicate_ids += 1  # counted once written: a refused line is a reject only
            else:
                tracker.indexed_ids.add(doc_id, line)
                summary.indexed += 1
            return
    _reject(backend_reject(result, line), summary, rejects)


def backend_reject(result: dict[str, Any], line: int) -> Reject:
    """The reject for a document the engine refused in a bulk request (its result item)."""
    error = result.get("error") or result.get("exception") or "unknown bulk failure"
    if isinstance(error, dict):
        error = f"{error.get('type')}: {error.get('reason')}"
    return Reject(line, str(result.get("_id")), "(backend)", f"backend refused it: {error}")


def _reject(reject: Reject, summary: RunSummary, rejects: IO[str]) -> None:
    summary.rejected += 1
    rejects.write(reject.to_json() + "\n")


def verify_count(client: OpenSearch, index: str, expected: int) -> None:
    """Refuse to swap in `index` unless it holds exactly the documents the run indexed."""
    actual = int(client.count(index=index)["count"])
    if actual != expected:
        raise VerificationError(f"{index} holds {actual} documents, expected {expected}")


def _write_skills(
    client: OpenSearch,
    builder: DocumentBuilder,
    skill_ids: set[str],
    encoder: Encoder,
    embedding_cache: EmbeddingCache,
    embedding_model: str,
    index: str,
    bulk: BulkSettings,
    summary: RunSummary,
) -> None:
    """One document per distinct skill the profiles use, with its (cached) embedding."""
    entries = []
    for skill_id in sorted(skill_ids):
        entry = builder.vocabulary.get(skill_id)
        if entry is None:
            raise IndexerError(f"skill {skill_id!r} is used by a profile but not in the vocabulary")
        entries.append(entry)
    vectors, summary.embeddings_computed = embed_texts(
        (e.label for e in entries), embedding_cache, encoder, embedding_model
    )
    actions = (
        {
            "_op_type": "index",
            "_index": index,
            "_id": e.id,
            "_source": SkillDocument(
                id=e.id,
                label=e.label,
                aliases=list(e.aliases),
                sources=list(e.sources),
                embedding_model=embedding_model,
                embedding=[round(float(x), 6) for x in vectors[e.label]],
            ).model_dump(mode="json"),
        }
        for e in entries
    )
    failures = []
    for ok, item in bulk_load(client, actions, bulk):
        if ok:
            summary.skills_indexed += 1
        else:
            failures.append(item)
    if failures:
        raise IndexerError(f"{len(failures)} skill documents were refused, e.g. {failures[0]}")
    client.indices.refresh(index=index)


def live_indices(
    client: OpenSearch, namespace: IndexNamespace = DEFAULT_NAMESPACE
) -> dict[IndexKind, str | None]:
    return {kind: alias_target(client, kind.alias) for kind in namespace.kinds}
