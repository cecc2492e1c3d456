"""One job-post indexing run: read, validate, canonicalise, embed titles, bulk-load, swap.

Job posts live in their own versioned index behind their own alias (`{prefix}-jobposts`), so a
marketplace refreshes them without touching the profiles. A rebuild verifies the count before
the atomic alias swap; an upsert writes into the live index. Every line ends up indexed or
rejected with its reason. Titles are embedded through the shared embedding cache, so a title
already embedded (by any run) never reaches the model again, and a repeated title once per run.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Literal

from opensearchpy import OpenSearch

from domain.encoder import Encoder
from domain.skill_vocabulary import SkillVocabulary
from indexer.bulk_loading import BulkSettings, bulk_load
from indexer.index_aliases import (
    cluster_layout,
    create_index,
    delete_unaliased,
    swap_in,
)
from indexer.indexing_run import InFlightLines, backend_reject, verify_count
from indexer.job_post_input import JobPostInput
from indexer.profile_reader import Reject, read_objects
from indexer.schema_check import check_live_schema
from indexer.skill_embeddings import EmbeddingCache, embed_texts
from mappings.aliases import alias_target
from mappings.index_contract import DEFAULT_NAMESPACE, IndexNamespace, ShardLayout, new_stamp
from mappings.job_post_document import JobPostDocument

Mode = Literal["rebuild", "upsert"]
_EMBED_BATCH = 2048  # posts read before their new titles go to the model together


@dataclass
class JobPostRunSummary:
    mode: Mode
    read: int = 0
    indexed: int = 0
    rejected: int = 0
    duplicate_ids: int = 0
    index: str = ""
    embeddings_computed: int = 0
    skills_learned: int = 0  # tagged skills the vocabulary did not know
    deleted_leftovers: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def exit_code(self) -> int:
        return 3 if self.rejected else 0

    def headline(self) -> str:
        return f"read {self.read}, indexed {self.indexed}, rejected {self.rejected}"


def job_post_id(post: JobPostInput) -> str:
    """The post's own id, or one derived from its title and skills (stable across runs)."""
    if post.id:
        return post.id
    digest = hashlib.sha256("\x1f".join([post.title, *post.skills]).encode()).hexdigest()
    return f"jp-{digest[:20]}"


def canonical_skill_ids(vocabulary: SkillVocabulary, skills: list[str]) -> list[str]:
    """The posts' skills as the profiles' skills are canonicalised (same ids, same learning)."""
    ids: list[str] = []
    for raw in skills:
        entry, _ = vocabulary.canonicalise(raw)
        if entry.id not in ids:
            ids.append(entry.id)
    return ids


def run_job_post_index(
    client: OpenSearch,
    source: Path,
    rejects: IO[str],
    vocabulary: SkillVocabulary,
    encoder: Encoder,
    embedding_cache: EmbeddingCache,
    embedding_model: str,
    mode: Mode = "rebuild",
    bulk: BulkSettings | None = None,
    on_line: Callable[[int], None] | None = None,
    namespace: IndexNamespace = DEFAULT_NAMESPACE,
    layout: ShardLayout | None = None,
) -> JobPostRunSummary:
    """Index `source`'s job posts; raises an IndexerError when nothing may be swapped in (the
    aliases are then as they were)."""
    bulk = bulk or BulkSettings()
    started = time.perf_counter()
    kind = namespace.job_posts
    summary = JobPostRunSummary(mode=mode)
    if mode == "upsert" and alias_target(client, kind.alias) is None:
        summary.mode = mode = "rebuild"  # nothing live yet: the first load is a rebuild
    if mode == "rebuild":
        summary.deleted_leftovers = delete_unaliased(client, [kind])
        target = kind.index_name(new_stamp())
        create_index(client, kind, target, layout or cluster_layout(client))
    else:
        check_live_schema(client, [kind])
        target = kind.alias
    summary.index = target
    learned_before = len(vocabulary.learned())
    line_of = InFlightLines()
    indexed: set[str] = set()
    try:
        actions = _actions(source, rejects, vocabulary, summary, line_of, target)
        embedded = _embedded(actions, embedding_cache, encoder, embedding_model, summary)
        for ok, item in bulk_load(client, embedded, bulk):
            result = item.get("index", item)
            doc_id = str(result.get("_id"))
            line = line_of.answered(doc_id)
            if ok:
                if doc_id in indexed:  # a later line with its id: still one post
                    summary.duplicate_ids += 1
                else:
                    indexed.add(doc_id)
                    summary.indexed += 1
            else:
                summary.rejected += 1
                rejects.write(backend_reject(result, line).to_json() + "\n")
            if on_line:
                on_line(1)
        client.indices.refresh(index=target)
        if mode == "rebuild":
            verify_count(client, target, len(indexed))
            swap_in(client, {kind: target})
            summary.deleted_leftovers += delete_unaliased(client, [kind])
    except Exception:
        if mode == "rebuild":
            client.indices.delete(index=target, ignore_unavailable=True)
        raise
    summary.skills_learned = len(vocabulary.learned()) - learned_before
    summary.seconds = time.perf_counter() - started
    return summary


def _actions(
    source: Path,
    rejects: IO[str],
    vocabulary: SkillVocabulary,
    summary: JobPostRunSummary,
    line_of: InFlightLines,
    index: str,
) -> Iterator[tuple[dict[str, Any], str]]:
    """(bulk action without its embedding, title) per valid line; rejects written as read."""
    with source.open("rb") as fh:
        for line_no, parsed in read_objects(fh, JobPostInput):
            summary.read += 1
            if isinstance(parsed, Reject):
                summary.rejected += 1
                rejects.write(parsed.to_json() + "\n")
                continue
            doc_id = job_post_id(parsed)
            line_of.sent(doc_id, line_no)
            source_doc = {
                "id": doc_id,
                "title": parsed.title,
                "description": parsed.description,
                "skills": list(parsed.skills),
                "skill_ids": canonical_skill_ids(vocabulary, list(parsed.skills)),
                "posted_at": parsed.posted_at,
            }
            yield (
                {"_op_type": "index", "_index": index, "_id": doc_id, "_source": source_doc},
                (parsed.title),
            )


def _embedded(
    actions: Iterator[tuple[dict[str, Any], str]],
    cache: EmbeddingCache,
    encoder: Encoder,
    model: str,
    summary: JobPostRunSummary,
) -> Iterator[dict[str, Any]]:
    """The actions with their title embeddings, a batch of posts at a time (the cache and the
    model see each distinct title of a batch once)."""
    batch: list[tuple[dict[str, Any], str]] = []

    def flush() -> Iterator[dict[str, Any]]:
        vectors, computed = embed_texts((t for _, t in batch), cache, encoder, model)
        summary.embeddings_computed += computed
        for action, title in batch:
            doc = action["_source"] | {
                "embedding_model": model,
                "embedding": [round(float(x), 6) for x in vectors[title]],
            }
            action["_source"] = JobPostDocument.model_validate(doc).model_dump(
                mode="json", exclude_none=True
            )
            yield action
        batch.clear()

    for item in actions:
        batch.append(item)
        if len(batch) >= _EMBED_BATCH:
            yield from flush()
    if batch:
        yield from flush()


def live_job_post_index(
    client: OpenSearch, namespace: IndexNamespace = DEFAULT_NAMESPACE
) -> str | None:
    """The index behind the job-post alias, or None when no job posts were indexed."""
    return alias_target(client, namespace.job_posts.alias)
