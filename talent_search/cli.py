"""The `talent-search` command line: backend, indexing, demo corpus and search.

Exit codes: 0 success; 3 some input lines were rejected and the rest indexed; 1 a fatal error
(nothing was swapped in); 2 a usage error.
"""

from __future__ import annotations

import re
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Annotated, Any, Literal

import typer
from opensearchpy.exceptions import OpenSearchException
from rich.table import Table
from typer.core import TyperGroup

from indexer.badge_policy import BadgePolicy
from indexer.bulk_loading import BulkSettings
from indexer.certification_registry import default_registry
from indexer.demo_corpus import write_demo_corpus
from indexer.document_builder import DocumentBuilder
from indexer.errors import IndexerError
from indexer.index_aliases import alias_target, cluster_layout, concrete_indices, roll_back
from indexer.indexing_run import RunSummary, run_index
from indexer.profile_updates import delete_profiles, update_stats
from indexer.skill_embeddings import EmbeddingCache, model_encoder, model_key
from indexer.skill_vocabulary import SkillVocabulary
from query_api.api_keys import KeyStore
from query_api.api_settings import ApiSettings
from query_api.app import create_app
from ranking.ranking_profile import RankingProfileError, load_profile
from ranking.talent_searcher import SearchQuery, SearchResult, TalentSearcher
from talent_search.api_commands import keys_app, print_demo_keys, run_api, serve
from talent_search.backend import (
    Backend,
    BackendError,
    make_client,
    open_backend,
    start_background,
    stop_background,
)
from talent_search.backend import (
    background_status as backend_background_status,
)
from talent_search.cli_support import _backend_or_exit, _fail, _progress, console, out
from talent_search.eval_commands import build_judgments, eval_command
from talent_search.opensearch_engine import (
    OPENSEARCH_VERSION,
    EngineError,
    engine_status,
    start_engine,
    stop_engine,
)
from talent_search.settings import BackendSettings, TalentSettings

app = typer.Typer(help="Talent search: indexer, ranking and query API.", no_args_is_help=True)
app.command("eval")(eval_command)
app.command("build-judgments")(build_judgments)
app.command("serve")(serve)
app.add_typer(keys_app, name="keys")
backend_app = typer.Typer(
    help="Run a backend in the background: the embedded server or a real OpenSearch."
)
app.add_typer(backend_app, name="backend")


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
app.add_typer(index_app, name="index")


@backend_app.command("start")
def backend_start(
    engine: Annotated[
        Literal["embedded", "opensearch"],
        typer.Option(help="embedded: osmem-server, no JVM. opensearch: OpenSearch 2.19.1."),
    ] = "embedded",
    nodes: Annotated[
        int, typer.Option(min=1, max=3, help="OpenSearch nodes, one JVM each: 1 or 3.")
    ] = 1,
    heap: Annotated[
        str | None, typer.Option(help="OpenSearch heap per node, e.g. 512m or 1g.")
    ] = None,
    port: Annotated[int, typer.Option(help="HTTP port on 127.0.0.1 (of the first node).")] = 9200,
) -> None:
    """Start a backend in the background and print the OPENSEARCH_URL to export."""
    settings = TalentSettings()
    if engine == "embedded":
        try:
            state = start_background(settings, port=port)
        except BackendError as exc:
            raise _fail(str(exc)) from exc
        console.print(f"embedded backend running (pid {state.pid}, log {state.log_file})")
        out.print(f"export OPENSEARCH_URL={state.url}")
        return
    if nodes not in (1, 3):
        raise _fail(f"--nodes must be 1 or 3, got {nodes}", code=2)
    if heap is not None and not re.fullmatch(r"[1-9][0-9]*[mg]", heap):
        raise _fail(f"--heap must look like 512m or 2g, got {heap!r}", code=2)
    console.print(
        f"starting OpenSearch {OPENSEARCH_VERSION} ({nodes} node(s)); the first start builds "
        "its classpath with Maven"
    )
    try:
        engine_state = start_engine(
            settings, nodes=nodes, heap=heap or settings.engine_heap, port=port
        )
    except EngineError as exc:
        raise _fail(str(exc)) from exc
    for spec in engine_state.nodes:
        console.print(
            f"{spec.name}: pid {engine_state.pids[spec.name]}, {spec.url}, log {spec.log_file}"
        )
    out.print(f"export OPENSEARCH_URL={engine_state.url}")


@backend_app.command("stop")
def backend_stop() -> None:
    """Stop the background backends (embedded data is discarded; OpenSearch data is kept)."""
    settings = TalentSettings()
    stopped = []
    if stop_engine(settings):
        stopped.append("OpenSearch")
    if stop_background(settings):
        stopped.append("embedded backend")
    if stopped:
        console.print(f"stopped {' and '.join(stopped)}")
    else:
        console.print("no background backend was running")


@backend_app.command("status")
def backend_status() -> None:
    """Say which background backends run, and where (exit 1 when none does)."""
    settings = TalentSettings()
    found = False
    engine_state = engine_status(settings)
    if engine_state is not None:
        found = True
        health = _cluster_health(engine_state.url)
        out.print(
            f"opensearch running nodes={len(engine_state.nodes)} health={health} "
            f"url={engine_state.url}"
        )
    state = backend_background_status(settings)
    if state is not None:
        found = True
        out.print(f"embedded running pid={state.pid} url={state.url}")
    if not found:
        out.print("not running")
        raise typer.Exit(1)


def _cluster_health(url: str) -> str:
    try:
        health = make_client(url, BackendSettings(timeout_s=5)).cluster.health()
    except OpenSearchException as exc:
        return f"unknown ({type(exc).__name__})"
    return str(health["status"])


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
) -> None:
    """Index a profiles file: validate, derive badges, canonicalise skills, bulk-load."""
    settings = TalentSettings()
    rejects_path = rejects or file.with_name(file.name + ".rejects.jsonl")
    registry = default_registry().with_enabled(settings.certification_countries)
    builder = DocumentBuilder(
        vocabulary=SkillVocabulary.load_default().copy(),
        registry=registry,
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
                bulk=BulkSettings(
                    chunk_size=settings.bulk_chunk_size, max_retries=settings.bulk_max_retries
                ),
                on_line=lambda n: progress.advance(task, n),
                namespace=settings.index_namespace,
                layout=cluster_layout(
                    backend.client, settings.index_shards, settings.index_replicas
                ),
            )
        except IndexerError as exc:
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
    rate = summary.indexed / summary.seconds if summary.seconds else 0.0
    console.print(
        f"mode {summary.mode}; profiles -> {summary.profiles_index}; skills -> "
        f"{summary.skills_index} ({summary.skills_indexed} skills, {summary.skills_learned} "
        f"learned, {summary.embeddings_computed} embeddings computed); duplicate ids "
        f"{summary.duplicate_ids}; {summary.seconds:.1f} s, {rate:.0f} profiles/s"
    )
    if summary.deleted_leftovers:
        console.print(f"deleted old or partial indices: {', '.join(summary.deleted_leftovers)}")
    if summary.rejected:
        console.print(f"rejected lines are in {rejects_path}")
    out.print(summary.headline())


@index_app.command("rollback")
def index_rollback() -> None:
    """Point the aliases back at the previous complete indices."""
    namespace = TalentSettings().index_namespace
    with _backend_or_exit() as backend:
        try:
            now_live = roll_back(backend.client, namespace.kinds)
        except IndexerError as exc:
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
        for kind in namespace.kinds:
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


@app.command("generate-demo")
def generate_demo(
    out_file: Annotated[Path, typer.Option("--out", help="Where to write the JSONL corpus.")],
    count: Annotated[int, typer.Option(min=1, max=10_000_000)] = 5000,
    seed: Annotated[int, typer.Option()] = 42,
) -> None:
    """Write a deterministic, realistic demo corpus built from O*NET and ESCO."""
    out_file.parent.mkdir(parents=True, exist_ok=True)
    with _progress() as progress:
        task = progress.add_task("generating profiles", total=count)
        written = write_demo_corpus(
            out_file, count, seed=seed, on_progress=lambda n: progress.update(task, completed=n)
        )
    out.print(f"wrote {written} profiles to {out_file}")


@app.command("search")
def search(
    query: Annotated[str, typer.Argument(help="Free text: skills or a job title.")],
    size: Annotated[int, typer.Option(min=1, max=100)] = 10,
    profile: Annotated[str, typer.Option(help="Ranking profile name.")] = "default",
    explain: Annotated[bool, typer.Option(help="Print the score breakdown of each hit.")] = False,
) -> None:
    """Ranked search of the live profiles from the command line (no API needed)."""
    try:
        ranking = load_profile(profile)
    except RankingProfileError as exc:
        raise _fail(str(exc), code=2) from exc
    settings = TalentSettings()
    with _backend_or_exit() as backend:
        namespace = settings.index_namespace
        if alias_target(backend.client, namespace.profiles.alias) is None:
            raise _fail("no profiles are indexed yet: run `talent-search index FILE --rebuild`")
        enabled = default_registry().with_enabled(settings.certification_countries)
        searcher = TalentSearcher.from_backend(
            backend.client, enabled.enabled_countries(), namespace=namespace
        )
        result = searcher.search(SearchQuery(query), ranking)
    _print_ranked(query, result, size, explain)


def _print_ranked(query: str, result: SearchResult, size: int, explain: bool) -> None:
    table = Table("score", "id", "title", "badge", "JSS", "matched skills", title=f"“{query}”")
    for hit in result.hits[:size]:
        src = result.sources[hit.id]
        jss = src.get("job_success_score")
        table.add_row(
            f"{hit.score:.3f}",
            hit.id,
            src["title"],
            src.get("badge") or "",
            "" if jss is None else f"{jss:.0f}",
            ", ".join(m["label"] for m in result.matched_skills(hit.id)[:4]),
        )
    out.print(table)
    out.print(
        f"{result.total} candidates; ranked by {result.profile.name} v{result.profile.version}; "
        f"alias expansions: {', '.join(result.expansions) or 'none'}"
    )
    if explain:
        for hit in result.hits[:size]:
            out.print_json(data={"id": hit.id, **result.explain(hit)})


@app.command("demo")
def demo(
    profiles: Annotated[
        Path | None, typer.Option(help="Profiles to index (default: the generated demo corpus).")
    ] = None,
    count: Annotated[int, typer.Option(min=1, help="Size of the generated corpus.")] = 5000,
    query: Annotated[
        list[str] | None, typer.Option(help="Queries to print before serving.")
    ] = None,
    serve_api: Annotated[
        bool, typer.Option("--serve/--no-serve", help="Serve the query API after indexing.")
    ] = True,
    host: Annotated[str, typer.Option(help="Interface the API listens on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port the API listens on.")] = 8000,
) -> None:
    """Start the embedded backend, index the demo corpus, and serve the API with demo keys."""
    settings = TalentSettings()
    if profiles is None:
        profiles = settings.state_dir / f"demo-profiles-{count}.jsonl"
        if not profiles.exists():
            generate_demo(out_file=profiles, count=count, seed=42)
    with _demo_backend(settings) as backend:
        console.print(
            f"{backend.kind} backend at {backend.url}: while the demo runs, `talent-search` "
            "commands in other shells find it by themselves"
        )
        builder = DocumentBuilder(
            vocabulary=SkillVocabulary.load_default().copy(),
            registry=default_registry().with_enabled(settings.certification_countries),
            policy=_policy(None, settings),
            as_of=date.today(),
        )
        rejects_path = profiles.with_name(profiles.name + ".rejects.jsonl")
        with _progress() as progress, rejects_path.open("w") as rej:
            task = progress.add_task("indexing profiles", total=_count_lines(profiles))
            summary = run_index(
                backend.client,
                profiles,
                rej,
                builder,
                model_encoder(settings.embedding_batch_size),
                EmbeddingCache(settings.embedding_cache_path),
                model_key(),
                mode="rebuild",
                on_line=lambda n: progress.advance(task, n),
                namespace=settings.index_namespace,
                layout=cluster_layout(
                    backend.client, settings.index_shards, settings.index_replicas
                ),
            )
        _print_summary(summary, rejects_path)
        if query or not serve_api:
            searcher = TalentSearcher.from_backend(
                backend.client,
                builder.registry.enabled_countries(),
                namespace=settings.index_namespace,
            )
            ranking = load_profile("default")
            for text in query or DEMO_QUERIES:
                _print_ranked(text, searcher.search(SearchQuery(text), ranking), 5, explain=False)
        if serve_api:
            app_ = create_app(
                ApiSettings(index_prefix=settings.index_prefix),
                client_factory=lambda: backend.client,
                key_store=KeyStore.with_demo_keys(),
                show_demo_keys=True,
            )
            print_demo_keys(f"http://{host}:{port}")
            console.print(f"serving the API on http://{host}:{port} (Ctrl-C to stop)")
            run_api(app_, host, port)


@contextmanager
def _demo_backend(settings: TalentSettings) -> Iterator[Backend]:
    """The demo's backend, in the background so other shells' commands find it while it runs.

    The embedded server the demo starts is stopped when the demo ends (its data goes with it);
    a backend that was already running, or the real engine, is left running.
    """
    if settings.engine == "opensearch" or backend_background_status(settings) is not None:
        with open_backend(BackendSettings(url=None), settings) as backend:
            yield backend
        return
    try:
        state = start_background(settings, port=_free_port(9200))
    except BackendError as exc:
        raise _fail(str(exc)) from exc
    try:
        with open_backend(BackendSettings(url=None), settings) as backend:
            yield backend
    finally:
        stop_background(settings)
        console.print(f"stopped the demo's embedded backend ({state.url})")


def _free_port(preferred: int) -> int:
    """`preferred` if nothing listens there, else any free port."""
    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", preferred))
            return preferred
        except OSError:
            sock.bind(("127.0.0.1", 0))
            port: int = sock.getsockname()[1]
            return port


DEMO_QUERIES = ["react developer", "Shopify store redesign", "golang", "bookkeeping"]


if __name__ == "__main__":  # pragma: no cover
    app()
