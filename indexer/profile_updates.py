"""Partial updates of live profiles: stats refreshes that re-derive badges, and deletions.

The marketplace recomputes JSS and earnings every two weeks. Those refreshes must not need a
rebuild: each line names a profile and the stats that changed; the badge is derived again from
the merged stats and written with a partial update. An upstream-asserted badge still wins.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import IO, Annotated, Any

from opensearchpy import OpenSearch
from pydantic import BaseModel, ConfigDict, Field

from domain.badges import Badge, BadgePolicy, BadgeStats, derive_badge
from domain.identifiers import ProfileId
from indexer.bulk_loading import BulkSettings, bulk_load
from indexer.document_builder import badge_source
from indexer.profile_reader import Reject, read_objects
from mappings.index_contract import DEFAULT_NAMESPACE, IndexNamespace

_STATS_FIELDS = (
    "job_success_score",
    "earnings_12m_usd",
    "total_jobs",
    "first_contract_date",
    "profile_complete",
    "expert_vetted",
)


class StatsUpdate(BaseModel):
    """One line of a stats file: the id and only the stats that changed."""

    model_config = ConfigDict(extra="forbid")

    id: ProfileId
    job_success_score: Annotated[float, Field(ge=0, le=100, allow_inf_nan=False)] | None = None
    earnings_12m_usd: Annotated[float, Field(ge=0, allow_inf_nan=False)] | None = None
    total_jobs: Annotated[int, Field(ge=0)] | None = None
    first_contract_date: date | None = None
    profile_complete: bool | None = None
    expert_vetted: bool | None = None


@dataclass
class UpdateSummary:
    read: int = 0
    updated: int = 0
    rejected: int = 0
    badge_changes: dict[str, int] = field(default_factory=dict)

    @property
    def exit_code(self) -> int:
        return 3 if self.rejected else 0

    def headline(self) -> str:
        return f"read {self.read}, updated {self.updated}, rejected {self.rejected}"


def _read_updates(path: Path) -> Iterator[tuple[int, StatsUpdate | Reject]]:
    with path.open("rb") as fh:
        yield from read_objects(fh, StatsUpdate)


def _batches(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    batch: list[Any] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def update_stats(
    client: OpenSearch,
    path: Path,
    rejects: IO[str],
    policy: BadgePolicy,
    as_of: date,
    batch_size: int = 500,
    bulk: BulkSettings | None = None,
    namespace: IndexNamespace = DEFAULT_NAMESPACE,
) -> UpdateSummary:
    """Apply stats updates to live profiles and re-derive their badges as of `as_of`."""
    summary = UpdateSummary()
    alias = namespace.profiles.alias

    def reject(r: Reject) -> None:
        summary.rejected += 1
        rejects.write(r.to_json() + "\n")

    for batch in _batches(_read_updates(path), batch_size):
        summary.read += len(batch)
        updates: list[tuple[int, StatsUpdate]] = []
        for line_no, item in batch:
            if isinstance(item, Reject):
                reject(item)
            else:
                updates.append((line_no, item))
        if not updates:
            continue
        found = client.mget(
            index=alias,
            body={"ids": [u.id for _, u in updates]},
            _source_includes=[*_STATS_FIELDS, "badge", "badge_asserted"],
        )
        current = {d["_id"]: d["_source"] for d in found["docs"] if d.get("found")}
        actions = []
        lines: dict[str, int] = {}
        for line_no, update in updates:
            if update.id not in current:
                reject(Reject(line_no, update.id, "id", "no live profile has this id"))
                continue
            doc = _updated_fields(current[update.id], update, policy, as_of, summary)
            lines[update.id] = line_no
            actions.append({"_op_type": "update", "_index": alias, "_id": update.id, "doc": doc})
        for ok, item in bulk_load(client, actions, bulk or BulkSettings()):
            result = item.get("update", item)
            if ok:
                summary.updated += 1
            else:
                doc_id = str(result.get("_id"))
                reject(Reject(lines.get(doc_id, 0), doc_id, "(backend)", str(result.get("error"))))
    client.indices.refresh(index=alias)
    return summary


def _updated_fields(
    source: dict[str, Any],
    update: StatsUpdate,
    policy: BadgePolicy,
    as_of: date,
    summary: UpdateSummary,
) -> dict[str, Any]:
    changed = update.model_dump(mode="json", exclude={"id"}, exclude_unset=True)
    merged = {k: source.get(k) for k in _STATS_FIELDS} | changed
    stats = BadgeStats.model_validate({k: v for k, v in merged.items() if v is not None})
    derived = derive_badge(stats, as_of, policy)
    asserted = Badge(source["badge_asserted"]) if source.get("badge_asserted") else None
    badge = asserted or derived
    old = source.get("badge")
    if old != (badge.value if badge else None):
        key = f"{old or 'none'}->{badge or 'none'}"
        summary.badge_changes[key] = summary.badge_changes.get(key, 0) + 1
    return changed | {
        "badge": badge,
        "badge_rank": badge.rank if badge else 0,
        "badge_derived": derived,
        "badge_source": badge_source(asserted, derived),
        "badge_as_of": as_of.isoformat(),
    }


@dataclass
class DeleteSummary:
    deleted: list[str] = field(default_factory=list)
    not_found: list[str] = field(default_factory=list)


def delete_profiles(
    client: OpenSearch,
    ids: Iterable[str],
    bulk: BulkSettings | None = None,
    namespace: IndexNamespace = DEFAULT_NAMESPACE,
) -> DeleteSummary:
    """Remove profiles from the live index; unknown ids are reported, not fatal."""
    summary = DeleteSummary()
    alias = namespace.profiles.alias
    actions = ({"_op_type": "delete", "_index": alias, "_id": i} for i in ids)
    for ok, item in bulk_load(client, actions, bulk or BulkSettings()):
        result = item.get("delete", item)
        (summary.deleted if ok else summary.not_found).append(str(result.get("_id")))
    client.indices.refresh(index=alias)
    return summary
