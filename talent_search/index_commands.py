"""`talent-search index ...`: load a profiles file, roll back, delete, update stats, status.

Exit codes: 0 success; 3 some input lines were rejected and the rest indexed; 1 a fatal error
(nothing was swapped in); 2 a usage error.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer
from opensearchpy import OpenSearch
from rich.table import Table
from typer.core import TyperGroup

from config.settings import TalentSettings
from domain.badges import BadgePolicy
from domain.encoder import EmbeddingError, model_encoder, model_key
from domain.skill_vocabulary import SkillVocabulary
from indexer.bulk_loading import BulkSettings
from indexer.document_builder import DocumentBuilder
from indexer.errors import IndexerError
from indexer.index_aliases import cluster_layout, concrete_indices, roll_back
from indexer.indexing_run import RunSummary, run_index
from indexer.job_post_indexing import JobPostRunSummary, run_job_post_index
from indexer.profile_updates import delete_profiles, update_stats
from indexer.skill_embeddings import EmbeddingCache
from mappings.aliases import alias_target
from mappings.errors import AmbiguousAlias
from mappings.index_contract import ShardLayout
from ranking.job_post_evidence import JOB_POST_REFRESH_S
from talent_search.cli_support import _backend_or_exit, _fail, _progress, console, out


class _IndexGroup(TyperGroup):
    """`talent-search index FILE` loads a file; `index rollback|delete|...` are subcommands."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ("--help", "-h"):
            args = ["load", *args]
        return super().parse_args(ctx, args)

    def collect_usage_pieces(self, ctx: Any) -> list[str]:
        return ["FILE [OPTIONS] | COMMAND [ARGS]..."]


index_app = typer.Typer(
    cls=_IndexGroup,
    help="`index FILE [OPTIONS]` loads a profiles file (the same as `index load FILE`; "
    "see `index load --help` for its options). The commands below roll back, delete, "
    "update stats and show the status.",
)


def _as_of(value: str | None) -> date:
    if value is None:
        return date.today()
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise typer.BadParameter(f"--as-of must be YYYY-MM-DD, got {value!r}") from exc


def _policy(path: Path | None, settings: TalentSettings) -> BadgePolicy:
    chosen = path or settings.badge_policy_file
    return BadgePolicy.from_yaml(chosen) if chosen else BadgePolicy()


def _bulk_settings(settings: TalentSettings) -> BulkSettings:
    return BulkSettings(chunk_size=settings.bulk_chunk_size, max_retries=settings.bulk_max_retries)


def _layout(client: OpenSearch, settings: TalentSettings) -> ShardLayout:
    """The shards and replicas of a new index: the settings', else the cluster's contract."""
    return cluster_layout(client, settings.index_shards, settings.index_replicas)


def _count_lines(path: Path) -> int:
    with path.open("rb") as fh:
        return sum(1 for line in fh if line.strip())


@index_app.command("load")
def index_load(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="Profiles (JSONL).")],
    rebuild: Annotated[
        bool, typer.Option(help="Build new indices and swap the aliases (else upsert live).")
    ] = False,
    rejects: Annotated[
        Path | None, typer.Option(help="Where rejected lines go (default: FILE.rejects.jsonl).")
    ] = None,
    as_of: Annotated[str | None, typer.Option(help="Derive badges as of YYYY-MM-DD.")] = None,
    badge_policy: Annotated[Path | None, typer.Option(help="Badge policy YAML.")] = None,
    workers: Annotated[
        int | None,
        typer.Option(
            min=0,
            max=64,
            help="Processes that build the documents while this one bulk-loads; 0: build them "
            "here. Default: TALENT_SEARCH_INDEX_WORKERS.",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Index a profiles file: validate, derive badges, canonicalise skills, bulk-load."""
    settings = TalentSettings()
    rejects_path = rejects or file.with_name(file.name + ".rejects.jsonl")
    builder = DocumentBuilder(
        vocabulary=SkillVocabulary.load_default().copy(),
        registry=settings.certification_registry,
        policy=_policy(badge_policy, settings),
        as_of=_as_of(as_of),
    )
    cache = EmbeddingCache(settings.embedding_cache_path)
    total = _count_lines(file)
    with _backend_or_exit() as backend, _progress() as progress, rejects_path.open("w") as rej:
        task = progress.add_task("indexing profiles", total=total)
        try:
            summary = run_index(
                backend.client,
                file,
                rej,
                builder,
                model_encoder(settings.embedding_batch_size),
                cache,
                model_key(),
                mode="rebuild" if rebuild else "upsert",
                bulk=_bulk_settings(settings),
                on_line=lambda n: progress.advance(task, n),
                namespace=settings.index_namespace,
                layout=_layout(backend.client, settings),
                profile_vectors=settings.profile_vectors_choice,
                workers=settings.index_workers if workers is None else workers,
            )
        except (IndexerError, AmbiguousAlias, EmbeddingError) as exc:
            raise _fail(f"{exc}; the aliases were not changed") from exc
    _print_summary(summary, rejects_path)
    raise typer.Exit(summary.exit_code)


def _counter_table(title: str, counts: dict[str, int]) -> Table:
    table = Table(title=title, show_header=False)
    for key, value in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
        table.add_row(str(key), str(value))
    return table


def _print_summary(summary: RunSummary, rejects_path: Path) -> None:
    report = summary.report
    console.print(_counter_table("badges shown", dict(report.badges)))
    if report.badge_disagreements:
        console.print(
            _counter_table(
                "upstream badge disagrees with policy (upstream kept)",
                dict(report.badge_disagreements),
            )
        )
    console.print(_counter_table("diversity certifications", dict(report.certifications)))
    console.print(_counter_table("skill matches", dict(report.skill_matches)))
    if report.certificate_numbers_removed:
        console.print(
            _counter_table(
                "certificate numbers removed from free text (profiles, by field)",
                dict(report.certificate_numbers_removed),
            )
        )
    rate = summary.indexed / summary.seconds if summary.seconds else 0.0
    console.print(
        f"mode {summary.mode}; profiles -> {summary.profiles_index}; skills -> "
        f"{summary.skills_index} ({summary.skills_indexed} skills, {summary.skills_learned} "
        f"learned, {summary.embeddings_computed} embeddings computed); duplicate ids "
        f"{summary.duplicate_ids}; {summary.seconds:.1f} s, {rate:.0f} profiles/s"
    )
    if summary.profile_vectors:
        console.print("profile vectors: on (the engine has the k-NN plugin)")
    if summary.deleted_leftovers:
        console.print(f"deleted old or partial indices: {', '.join(summary.deleted_leftovers)}")
    if summary.rejected:
        console.print(f"rejected lines are in {rejects_path}")
    out.print(summary.headline())


@index_app.command("job-posts")
def index_job_posts(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="Job posts (JSONL).")],
    rebuild: Annotated[
        bool, typer.Option(help="Build a new job-post index and swap its alias (else upsert).")
    ] = False,
    rejects: Annotated[
        Path | None, typer.Option(help="Where rejected lines go (default: FILE.rejects.jsonl).")
    ] = None,
) -> None:
    """Index past job posts (`{"id"?, "title", "skills", "description"?, "posted_at"?}` per
    line): the ranking reads the skills of the posts nearest a query. Profiles are untouched."""
    settings = TalentSettings()
    rejects_path = rejects or file.with_name(file.name + ".rejects.jsonl")
    total = _count_lines(file)
    with _backend_or_exit() as backend, _progress() as progress, rejects_path.open("w") as rej:
        task = progress.add_task("indexing job posts", total=total)
        try:
            summary = run_job_post_index(
                backend.client,
                file,
                rej,
                SkillVocabulary.load_default().copy(),
                model_encoder(settings.embedding_batch_size),
                EmbeddingCache(settings.embedding_cache_path),
                model_key(),
                mode="rebuild" if rebuild else "upsert",
                bulk=_bulk_settings(settings),
                on_line=lambda n: progress.advance(task, n),
                namespace=settings.index_namespace,
                layout=_layout(backend.client, settings),
            )
        except (IndexerError, AmbiguousAlias, EmbeddingError) as exc:
            raise _fail(f"{exc}; the aliases were not changed") from exc
    _print_job_post_summary(summary, rejects_path)
    raise typer.Exit(summary.exit_code)


def _print_job_post_summary(summary: JobPostRunSummary, rejects_path: Path) -> None:
    rate = summary.indexed / summary.seconds if summary.seconds else 0.0
    console.print(
        f"mode {summary.mode}; job posts -> {summary.index} ({summary.embeddings_computed} "
        f"title embeddings computed, {summary.skills_learned} tagged skills new to the "
        f"vocabulary); duplicate ids {summary.duplicate_ids}; {summary.seconds:.1f} s, "
        f"{rate:.0f} posts/s; searches read them within {JOB_POST_REFRESH_S:.0f} s"
    )
    if summary.deleted_leftovers:
        console.print(f"deleted old or partial indices: {', '.join(summary.deleted_leftovers)}")
    if summary.rejected:
        console.print(f"rejected lines are in {rejects_path}")
    out.print(summary.headline())


@index_app.command("rollback")
def index_rollback(
    job_posts: Annotated[
        bool, typer.Option("--job-posts", help="Roll back the job-post index (not the profiles).")
    ] = False,
) -> None:
    """Point the aliases back at the previous complete indices."""
    namespace = TalentSettings().index_namespace
    kinds = (namespace.job_posts,) if job_posts else namespace.kinds
    with _backend_or_exit() as backend:
        try:
            now_live = roll_back(backend.client, kinds)
        except (IndexerError, AmbiguousAlias) as exc:
            raise _fail(str(exc)) from exc
    for alias, index in now_live.items():
        out.print(f"{alias} -> {index}")


@index_app.command("delete")
def index_delete(
    ids: Annotated[list[str], typer.Argument(help="Profile ids to remove.")],
) -> None:
    """Remove profiles from the live index."""
    namespace = TalentSettings().index_namespace
    with _backend_or_exit() as backend:
        summary = delete_profiles(backend.client, ids, namespace=namespace)
    out.print(f"deleted {len(summary.deleted)}, not found {len(summary.not_found)}")
    if summary.not_found:
        console.print(f"not found: {', '.join(summary.not_found)}")
        raise typer.Exit(3)


@index_app.command("update-stats")
def index_update_stats(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="Stats (JSONL).")],
    rejects: Annotated[Path | None, typer.Option(help="Where rejected lines go.")] = None,
    as_of: Annotated[str | None, typer.Option(help="Derive badges as of YYYY-MM-DD.")] = None,
    badge_policy: Annotated[Path | None, typer.Option(help="Badge policy YAML.")] = None,
) -> None:
    """Apply JSS/earnings refreshes to live profiles and re-derive badges, without a rebuild."""
    settings = TalentSettings()
    rejects_path = rejects or file.with_name(file.name + ".rejects.jsonl")
    with _backend_or_exit() as backend, rejects_path.open("w") as rej:
        summary = update_stats(
            backend.client,
            file,
            rej,
            _policy(badge_policy, settings),
            _as_of(as_of),
            namespace=settings.index_namespace,
        )
    if summary.badge_changes:
        console.print(_counter_table("badge changes", summary.badge_changes))
    out.print(summary.headline())
    raise typer.Exit(summary.exit_code)


@index_app.command("status")
def index_status() -> None:
    """Show the live and previous index of each kind, and their document counts."""
    namespace = TalentSettings().index_namespace
    with _backend_or_exit() as backend:
        client = backend.client
        table = Table("alias", "index", "documents")
        for kind in (*namespace.kinds, namespace.job_posts):
            for alias in (kind.alias, kind.previous_alias):
                index = alias_target(client, alias)
                count = client.count(index=index)["count"] if index else "-"
                table.add_row(alias, index or "(none)", str(count))
            others = set(concrete_indices(client, kind)) - {
                alias_target(client, kind.alias),
                alias_target(client, kind.previous_alias),
            }
            for index in sorted(others):
                table.add_row("(unaliased)", index, "")
        out.print(table)
