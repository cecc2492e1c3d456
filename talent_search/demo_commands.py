"""`talent-search generate-demo`, `generate-demo-job-posts` and `demo`: the demo corpora
(profiles and past job posts), indexed and served.

Why: `./scripts/demo.sh` runs `demo`, the one command that shows the whole product: it indexes
the profiles and the job posts the ranking learns from into a background engine that other
shells' commands find, and serves the API with the public demo keys.
"""

from __future__ import annotations

import signal
import socket
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from config.settings import EngineSettings, TalentSettings
from domain.encoder import model_encoder, model_key
from domain.skill_vocabulary import SkillVocabulary
from indexer.demo_corpus import write_demo_corpus
from indexer.demo_job_posts import write_demo_job_posts
from indexer.document_builder import DocumentBuilder
from indexer.indexing_run import run_index
from indexer.job_post_indexing import run_job_post_index
from indexer.skill_embeddings import EmbeddingCache
from query_api.api_keys import KeyStore
from query_api.api_settings import ApiSettings
from query_api.app import create_app
from ranking.ranking_profile import load_profile
from ranking.talent_searcher import SearchQuery
from talent_search.api_commands import print_demo_keys, run_api
from talent_search.cli_support import _fail, _progress, _searcher, console, out
from talent_search.engine_process import (
    EngineConnection,
    EngineProcessError,
    background_status,
    open_engine,
    start_background,
    stop_background,
)
from talent_search.index_commands import (
    _count_lines,
    _layout,
    _policy,
    _print_job_post_summary,
    _print_summary,
)
from talent_search.opensearch_engine import engine_status
from talent_search.search_commands import _print_ranked


def generate_demo(
    out_file: Annotated[Path, typer.Option("--out", help="Where to write the JSONL corpus.")],
    count: Annotated[int, typer.Option(min=1, max=10_000_000)] = 5000,
    seed: Annotated[int, typer.Option()] = 42,
) -> None:
    """Write a deterministic, realistic demo corpus built from O*NET and ESCO."""
    _generate("profiles", write_demo_corpus, out_file, count, seed)


def generate_demo_job_posts(
    out_file: Annotated[Path, typer.Option("--out", help="Where to write the JSONL job posts.")],
    count: Annotated[int, typer.Option(min=1, max=10_000_000)] = 5000,
    seed: Annotated[int, typer.Option()] = 42,
) -> None:
    """Write deterministic past job posts (titles and tagged skills) from the demo occupations."""
    _generate("job posts", write_demo_job_posts, out_file, count, seed)


def _generate(what: str, write: Callable[..., int], out_file: Path, count: int, seed: int) -> None:
    """Write `count` generated `what` with a progress bar, and say where."""
    out_file.parent.mkdir(parents=True, exist_ok=True)
    with _progress() as progress:
        task = progress.add_task(f"generating {what}", total=count)
        written = write(
            out_file, count, seed=seed, on_progress=lambda n: progress.update(task, completed=n)
        )
    out.print(f"wrote {written} {what} to {out_file}")


def demo(
    profiles: Annotated[
        Path | None, typer.Option(help="Profiles to index (default: the generated demo corpus).")
    ] = None,
    job_posts: Annotated[
        Path | None,
        typer.Option(
            "--job-posts", help="Past job posts to index (default: the generated demo job posts)."
        ),
    ] = None,
    count: Annotated[
        int, typer.Option(min=1, help="Size of the generated corpora (profiles and job posts).")
    ] = 5000,
    query: Annotated[
        list[str] | None, typer.Option(help="Queries to print before serving.")
    ] = None,
    serve_api: Annotated[
        bool, typer.Option("--serve/--no-serve", help="Serve the query API after indexing.")
    ] = True,
    host: Annotated[str, typer.Option(help="Interface the API listens on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port the API listens on.")] = 8000,
) -> None:
    """Start the embedded backend, index the demo profiles and job posts, and serve the API
    with demo keys."""
    settings = TalentSettings()
    if profiles is None:
        profiles = settings.state_dir / f"demo-profiles-{count}.jsonl"
        if not profiles.exists():
            generate_demo(out_file=profiles, count=count, seed=42)
    if job_posts is None:
        job_posts = settings.state_dir / f"demo-job-posts-{count}.jsonl"
        if not job_posts.exists():
            generate_demo_job_posts(out_file=job_posts, count=count, seed=42)
    with _exit_on_sigterm(), _demo_backend(settings) as backend:
        console.print(
            f"using {backend.description} at {backend.url}: while the demo runs, `talent-search` "
            "commands in other shells of this checkout find it by themselves"
        )
        builder = DocumentBuilder(
            vocabulary=SkillVocabulary.load_default().copy(),
            registry=settings.certification_registry,
            policy=_policy(None, settings),
            as_of=date.today(),
        )
        encoder = model_encoder(settings.embedding_batch_size)
        embedding_cache = EmbeddingCache(settings.embedding_cache_path)
        layout = _layout(backend.client, settings)
        rejects_path = profiles.with_name(profiles.name + ".rejects.jsonl")
        with _progress() as progress, rejects_path.open("w") as rej:
            task = progress.add_task("indexing profiles", total=_count_lines(profiles))
            summary = run_index(
                backend.client,
                profiles,
                rej,
                builder,
                encoder,
                embedding_cache,
                model_key(),
                mode="rebuild",
                on_line=lambda n: progress.advance(task, n),
                namespace=settings.index_namespace,
                layout=layout,
                workers=settings.index_workers,
            )
        _print_summary(summary, rejects_path)
        # The same vocabulary as the profiles: a tag means the skill a profile of that name holds.
        posts_rejects = job_posts.with_name(job_posts.name + ".rejects.jsonl")
        with _progress() as progress, posts_rejects.open("w") as rej:
            task = progress.add_task("indexing job posts", total=_count_lines(job_posts))
            posts_summary = run_job_post_index(
                backend.client,
                job_posts,
                rej,
                builder.vocabulary,
                encoder,
                embedding_cache,
                model_key(),
                mode="rebuild",
                on_line=lambda n: progress.advance(task, n),
                namespace=settings.index_namespace,
                layout=layout,
            )
        _print_job_post_summary(posts_summary, posts_rejects)
        if query or not serve_api:
            searcher = _searcher(backend.client, settings)
            ranking = load_profile("default", user_dir=settings.user_profiles_dir)
            for text in query or DEMO_QUERIES:
                _print_ranked(text, searcher.search(SearchQuery(text), ranking), 5, explain=False)
        if serve_api:
            app_ = create_app(
                ApiSettings(index_prefix=settings.index_prefix),
                talent_settings=settings,
                client_factory=lambda: backend.client,
                key_store=KeyStore.with_demo_keys(),
                show_demo_keys=True,
            )
            print_demo_keys(f"http://{host}:{port}")
            console.print(f"serving the API on http://{host}:{port} (Ctrl-C to stop)")
            run_api(app_, host, port)


@contextmanager
def _exit_on_sigterm() -> Iterator[None]:
    """SIGTERM (docker stop, systemd, CI) ends the demo as Ctrl-C does: its cleanup runs.

    Without this, uvicorn re-raises the SIGTERM it caught once it has shut down, and the default
    action kills the process before the demo stops the backend it started.
    """

    def exit_(signum: int, _frame: object) -> None:
        raise SystemExit(128 + signum)

    previous = signal.signal(signal.SIGTERM, exit_)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


@contextmanager
def _demo_backend(settings: TalentSettings) -> Iterator[EngineConnection]:
    """The demo's backend, in the background so other shells' commands find it while it runs.

    The embedded server the demo starts is stopped when the demo ends (its data goes with it);
    a backend that was already running, or the real engine, is left running. Only this
    checkout's backends of the kind asked for are used (`open_engine`).
    """
    try:
        if (
            settings.engine == "opensearch"
            or background_status(settings) is not None
            or engine_status(settings) is not None
        ):
            with open_engine(EngineSettings(url=None), settings) as backend:
                yield backend
            return
        state = start_background(settings, port=_free_port(9200))
    except EngineProcessError as exc:
        raise _fail(str(exc)) from exc
    try:
        with open_engine(EngineSettings(url=None), settings) as backend:
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
