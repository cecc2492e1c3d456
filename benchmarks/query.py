"""Query latency per stage, at 100,000 demo profiles, on the embedded or the real engine.

    .venv/bin/python benchmarks/query.py --count 100000 --engine embedded|opensearch
    .venv/bin/python benchmarks/query.py --backend-url URL --reuse [--compare-onnx]
    .venv/bin/python benchmarks/query.py --profile default --baseline default-v2
    .venv/bin/python benchmarks/query.py --job-posts 20000   # with a job-post index to read
    .venv/bin/python benchmarks/query.py --job-search   # job-post searches against q
    .venv/bin/python benchmarks/query.py --representative diversity  # enterprise, with and without

Stages, p50 and p99 over a realistic query mix (skills, skill lists, job titles, client phrasings
like "Shopify store redesign"; half of them with filters):
- query embedding: cold (a model call, empty cache) and cached (an LRU hit), all of a query's
  texts, with the backend from TALENT_SEARCH_QUERY_EMBEDDING_BACKEND;
- `_msearch`: the plan's bodies, through the searcher (the first round);
- fusion and boosts: `rank_responses` on those responses (a 200-candidate window per leg);
- end to end (`TalentSearcher.search`) against bare: the engine requests that very search
  sends (every round: the first `_msearch`, and the second when skill feedback re-plans),
  recorded at the client during one untimed search just before and sent again directly
  (benchmarks/engine_recording.py); the ratio is what the ranking adds on top of the engine.
Bare and ranked runs alternate which goes first, so engine caches favour neither; so do the
two profiles of `--baseline` (a ranking change timed against the one before it, in one run),
with `--job-search`, a job-post search (the query's text as its title, 5 required skills, a
1,000-character description) and `q` with the same text, and the enterprise searches with
and without `--representative` (end to end: the search plus the representative stage for the
first page, `--representative-depth` results).
Figures are printed, never asserted: on a shared machine they move with the load, the ratios
less so.

The engine is started for this run (`--engine embedded|opensearch`, `--heap` for the real one,
see `bench_engines.py`), so --reuse only helps with `--backend-url` (or OPENSEARCH_URL), which
measures a running cluster instead. `--compare-onnx` needs the onnx extra.
"""

from __future__ import annotations

import io
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import torch
import typer
from bench_engines import bench_engine, engine_name, rss_mb
from bench_load import p50_p99, ratio
from engine_recording import EngineCall, Recorder, search_rounds, send_calls
from indexing import index_profiles, write_corpus
from opensearchpy import OpenSearch
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from config.settings import EngineSettings, TalentSettings
from domain.badges import Badge
from domain.encoder import Encoder, model_encoder, model_key, onnx_encoder, query_encoder
from domain.skill_vocabulary import SkillVocabulary
from indexer.demo_corpus import DEFAULT_AS_OF, generate_profiles
from indexer.demo_job_posts import write_demo_job_posts
from indexer.job_post_indexing import JobPostRunSummary, run_job_post_index
from indexer.skill_embeddings import EmbeddingCache
from mappings.aliases import alias_target
from mappings.index_contract import DEFAULT_NAMESPACE, IndexNamespace
from ranking.blas_threads import one_blas_thread
from ranking.job_post_evidence import JobPostSource
from ranking.job_post_query import JobPost
from ranking.query_analysis import embedded_texts as bounded_texts
from ranking.query_embedder import QueryEmbedder
from ranking.ranking_profile import RankingProfile, load_profile
from ranking.representative_stage import DIVERSITY, DiversityAsk, representative_stage
from ranking.search_filters import SearchFilters
from ranking.skill_matcher import SkillMatcher
from ranking.talent_searcher import (
    SearchPlan,
    SearchQuery,
    TalentSearcher,
    msearch_responses,
    rank_responses,
)
from talent_search.engine_process import make_client

console = Console()

# What clients type besides bare skills and titles (the examples and their kind).
PHRASES = [
    "Shopify store redesign",
    "react developer",
    "logo design for a bakery",
    "python, django and postgresql",
    "bookkeeping and payroll",
    "translate a website into Spanish",
    "WordPress site migration",
    "data entry from PDF invoices",
    "video editing for YouTube",
    "AWS cost optimisation",
    "mobile app UI design",
    "SEO audit",
    "golang microservices",
    "Excel dashboards",
    "contract review lawyer",
]
FILTERS = [
    SearchFilters(countries=["US"]),
    SearchFilters(min_jss=90),
    SearchFilters(badges=[Badge.TOP_RATED, Badge.TOP_RATED_PLUS, Badge.EXPERT_VETTED]),
    SearchFilters(max_rate=60, countries=["US", "CA", "GB"]),
    SearchFilters(diversity_certified=True),
]


@cache
def demo_sample() -> tuple[list[dict[str, Any]], list[str]]:
    """The demo profiles the queries are drawn from, and their skills (sorted): generated once
    for the query mix and its job-post twins."""
    sample = list(generate_profiles(3000, seed=42))
    return sample, sorted({s for p in sample for s in p["skills"]})


def query_mix(count: int, seed: int = 7) -> list[SearchQuery]:
    """Deterministic queries from demo profiles: a fifth each of skills, skill lists, titles,
    phrases and explicit-skill searches; every other query carries a filter."""
    rng = random.Random(seed)
    sample, skills = demo_sample()
    titles = sorted({p["title"] for p in sample})
    queries = []
    for i in range(count):
        kind = i % 5
        text: str | None
        explicit: list[str] = []
        if kind == 0:
            text = rng.choice(skills)
        elif kind == 1:
            picked = rng.sample(skills, rng.randint(2, 4))
            text = ", ".join(picked[:-1]) + " and " + picked[-1]
        elif kind == 2:
            text = rng.choice(titles)
        elif kind == 3:
            text = rng.choice(PHRASES)
        else:
            text, explicit = None, rng.sample(skills, rng.randint(1, 3))
        filters = FILTERS[rng.randrange(len(FILTERS))] if i % 2 else SearchFilters()
        queries.append(SearchQuery(text, explicit, filters, DEFAULT_AS_OF))
    return queries


# A job-post search, as `--job-search` times it: 5 required skills and a description this long.
JOB_SKILLS = 5
JOB_DESCRIPTION_CHARS = 1000


def job_post_twins(
    queries: list[SearchQuery], seed: int = 11
) -> list[tuple[SearchQuery, SearchQuery]]:
    """Each query of the mix that has text, beside the same text sent as a job post's title
    with `JOB_SKILLS` required skills and a `JOB_DESCRIPTION_CHARS`-character description (demo
    profiles' overviews: prose that names skills, as a client's post does)."""
    rng = random.Random(seed)
    sample, skills = demo_sample()
    overviews = [p["overview"] for p in sample if p.get("overview")]
    twins = []
    for query in queries:
        if not query.text:
            continue
        description = ""
        while len(description) < JOB_DESCRIPTION_CHARS:
            description += rng.choice(overviews) + " "
        job = JobPost(
            title=query.text,
            description=description[:JOB_DESCRIPTION_CHARS].strip(),
            required=tuple(rng.sample(skills, JOB_SKILLS)),
        )
        as_job = SearchQuery(None, (), query.filters, query.as_of, job=job)
        twins.append((query, as_job))
    return twins


def compare_job_posts(
    searcher: TalentSearcher, queries: list[SearchQuery], profile: RankingProfile
) -> None:
    """End-to-end latency of a job-post search against `q` with its title's text, alternating
    which goes first (the title's embedding cached for both)."""
    times: dict[str, list[float]] = {"q": [], "job": []}
    for i, (plain, as_job) in enumerate(job_post_twins(queries)):
        searcher.embedder.embed(embedded_texts(plain))
        runs = {"q": plain, "job": as_job}
        for name in ("q", "job") if i % 2 else ("job", "q"):
            started = time.perf_counter()
            searcher.search(runs[name], profile)
            times[name].append((time.perf_counter() - started) * 1000)
    table = Table(
        title=f"end to end, a job post ({JOB_SKILLS} required skills, a "
        f"{JOB_DESCRIPTION_CHARS}-character description) against q with its title"
    )
    for column in ("search", "p50 ms", "p99 ms"):
        table.add_column(column, justify="right" if column != "search" else "left")
    for name in times:
        p50, p99 = percentiles(times[name])
        table.add_row(name, f"{p50:.2f}", f"{p99:.2f}")
    console.print(table)
    (j50, j99), (q50, q99) = percentiles(times["job"]), percentiles(times["q"])
    console.print(
        f"job post / q end to end ({len(times['q'])} pairs): "
        f"p50 {j50 / q50:.2f}, p99 {j99 / q99:.2f}"
    )


def embedded_texts(query: SearchQuery) -> list[str]:
    """The texts a search embeds for this query (as `TalentSearcher.plan` does)."""
    texts, skills = bounded_texts((query.text or "").strip(), query.skills)
    return [*texts, *skills]


percentiles = p50_p99


def percentile_table(title: str, label: str, rows: dict[str, list[float]]) -> Table:
    """One row per name: p50 and p99 of its timings in ms."""
    table = Table(title=title)
    table.add_column(label)
    for column in ("p50 ms", "p99 ms"):
        table.add_column(column, justify="right")
    for name, values in rows.items():
        p50, p99 = percentiles(values)
        table.add_row(name, f"{p50:.2f}", f"{p99:.2f}")
    return table


def ensure_indexed(
    client: OpenSearch,
    count: int,
    reuse: bool,
    workdir: Path,
    namespace: IndexNamespace = DEFAULT_NAMESPACE,
) -> None:
    """Index `count` demo profiles, unless --reuse and the live alias already holds them."""
    alias = namespace.profiles.alias
    if reuse and alias_target(client, alias) is not None:
        held = int(client.count(index=alias)["count"])
        if held == count:
            console.print(f"reusing the live index: {held} profiles")
            return
        console.print(f"live index holds {held} profiles, not {count}: rebuilding")
    corpus = workdir / "profiles.jsonl"
    cache = EmbeddingCache(TalentSettings().embedding_cache_path)
    with Progress(console=console) as progress:
        write_corpus(corpus, count, progress)
        started = time.perf_counter()
        summary = index_profiles(client, corpus, cache, namespace, progress, lines=count)
    elapsed = time.perf_counter() - started
    console.print(f"indexed {summary.indexed} profiles in {elapsed:.0f} s")


def ensure_job_posts(
    client: OpenSearch,
    count: int,
    reuse: bool,
    workdir: Path,
    namespace: IndexNamespace,
    cache: EmbeddingCache | None = None,
) -> JobPostRunSummary | None:
    """Index `count` demo job posts (none: no job-post index, as a new marketplace has), unless
    --reuse and the live alias already holds them; the run's summary (None: nothing indexed).
    The title embeddings go through `cache` (default: the settings' embedding cache)."""
    if count <= 0:
        return None
    alias = namespace.job_posts.alias
    held = int(client.count(index=alias)["count"]) if alias_target(client, alias) else 0
    if reuse and held == count:
        console.print(f"reusing {alias} ({count} job posts)")
        return None
    posts = workdir / "job-posts.jsonl"
    with Progress(console=console) as progress:
        task = progress.add_task(f"writing {count} demo job posts", total=count)
        write_demo_job_posts(posts, count, on_progress=lambda n: progress.advance(task, n))
        task = progress.add_task("indexing job posts", total=count)
        summary = run_job_post_index(
            client,
            posts,
            io.StringIO(),
            SkillVocabulary.load_default().copy(),
            model_encoder(),
            cache or EmbeddingCache(TalentSettings().embedding_cache_path),
            model_key(),
            on_line=lambda n: progress.advance(task, n),
            namespace=namespace,
        )
    console.print(f"indexed {summary.indexed} job posts in {summary.seconds:.0f} s")
    return summary


def query_searcher(
    client: OpenSearch, settings: TalentSettings, encoder: Encoder
) -> TalentSearcher:
    """The searcher the stages time: the settings' namespace, reading the job posts, queries
    embedded by `encoder`, numpy's BLAS on one thread as the API serves (ranking.blas_threads)."""
    namespace = settings.index_namespace
    one_blas_thread()
    return TalentSearcher(
        client,
        SkillVocabulary.load_default(),
        SkillMatcher.from_index(client, namespace.skills.alias),
        QueryEmbedder(encoder),
        settings.certification_registry.enabled_countries(),
        index=namespace.profiles.alias,
        request_timeout_s=120,
        job_posts=JobPostSource(client, namespace.job_posts.alias),
    )


def measure(
    searcher: TalentSearcher,
    queries: list[SearchQuery],
    profile: RankingProfile,
    encoder: Encoder,
    fusion_repeat: int,
) -> dict[str, list[float]]:
    """Per query: the embedding cold and cached, then the search end to end (`ranked`) and
    the bare replay of the engine requests that search sends (`bare`: every round, recorded
    from one untimed search of the query just before, which also caches its embedding),
    alternating which goes first; fusion replayed on the first round's responses."""
    stages: dict[str, list[float]] = {
        name: []
        for name in (
            "embed_cold",
            "embed_cached",
            "msearch",
            "fusion",
            "bare_msearch",
            "end_to_end",
            "candidates",
            "fusion_replayed",
            "rounds",
        )
    }
    recorder = Recorder(searcher.client)
    with Progress(console=console) as progress:
        task = progress.add_task("queries", total=len(queries))
        for i, query in enumerate(queries):
            texts = embedded_texts(query)
            cold = QueryEmbedder(encoder)  # empty cache: every text is a model call
            started = time.perf_counter()
            cold.embed(texts)
            stages["embed_cold"].append((time.perf_counter() - started) * 1000)
            recorder.take()
            searcher.search(query, profile)  # untimed: records its rounds, caches the embedding
            rounds = search_rounds(recorder.take())
            stages["rounds"].append(float(len(rounds)))
            started = time.perf_counter()
            searcher.embedder.embed(texts)
            stages["embed_cached"].append((time.perf_counter() - started) * 1000)
            plan = searcher.plan(query, profile)
            fusion_profile = profile.for_query_class(plan.understanding.query_class)

            def bare(
                rounds: list[EngineCall] = rounds,
                plan: SearchPlan = plan,
                ranking: RankingProfile = fusion_profile,
            ) -> None:
                started = time.perf_counter()
                answers = send_calls(searcher.client, rounds)
                stages["bare_msearch"].append((time.perf_counter() - started) * 1000)
                # fusion alone, replayed on the first round's responses: steadier than one run
                for _ in range(fusion_repeat if answers else 0):
                    started = time.perf_counter()
                    rank_responses(plan, msearch_responses(answers[0]), ranking)
                    stages["fusion_replayed"].append((time.perf_counter() - started) * 1000)

            def ranked(query: SearchQuery = query) -> None:
                started = time.perf_counter()
                result = searcher.search(query, profile)
                stages["end_to_end"].append((time.perf_counter() - started) * 1000)
                stages["msearch"].append(result.timings_ms["msearch"])
                stages["fusion"].append(result.timings_ms["fusion"])
                stages["candidates"].append(float(result.total))

            runs: list[Callable[[], None]] = [bare, ranked] if i % 2 else [ranked, bare]
            for run in runs:
                run()
            progress.advance(task)
    return stages


def timed_stages(
    client: OpenSearch,
    settings: TalentSettings,
    profile: RankingProfile,
    mix: list[SearchQuery],
    fusion_repeat: int,
) -> tuple[TalentSearcher, dict[str, list[float]]]:
    """The searcher (`query_searcher`, the settings' query model), warmed up on the first
    queries, and `measure`'s stages over `mix`."""
    encoder = query_encoder(settings.query_embedding_backend, settings.onnx_dir)
    searcher = query_searcher(client, settings, encoder)
    for query in mix[:10]:  # warm-up: model, connections, engine caches
        searcher.search(query, profile)
    return searcher, measure(searcher, mix, profile, encoder, fusion_repeat)


# The stages' rows, in the order the tables show them.
STAGE_LABELS = {
    "embed_cold": "query embedding, cold (model)",
    "embed_cached": "query embedding, cached",
    "msearch": "_msearch (searcher, first round)",
    "fusion": "fusion + boosts (in search)",
    "bare_msearch": "bare (the search's engine requests, every round)",
    "end_to_end": "end to end (search, embedding cached)",
}


def stage_figures(stages: dict[str, list[float]], fusion_repeat: int) -> dict[str, Any]:
    """p50 and p99 of each stage (ms), the ratios end to end / bare, and the rounds."""
    out: dict[str, Any] = {}
    for key in [*STAGE_LABELS, "fusion_replayed"]:
        p50, p99 = percentiles(stages[key])
        out[key] = {"p50_ms": round(p50, 3), "p99_ms": round(p99, 3)}
    (e50, e99), (b50, b99) = percentiles(stages["end_to_end"]), percentiles(stages["bare_msearch"])
    # a first-time query: the cached embedding swapped for a model call
    cold_e2e = [
        e - cached + cold
        for e, cached, cold in zip(
            stages["end_to_end"], stages["embed_cached"], stages["embed_cold"], strict=True
        )
    ]
    return out | {
        "fusion_repeat": fusion_repeat,
        "queries": len(stages["end_to_end"]),
        "end_to_end_over_bare": {
            "p50": round(ratio(e50, b50), 3),
            "p99": round(ratio(e99, b99), 3),
        },
        "cold_end_to_end_over_bare_p50": round(ratio(percentiles(cold_e2e)[0], b50), 3),
        "candidates_mean": statistics.mean(stages["candidates"]),
        "candidates_max": max(stages["candidates"]),
        "searches_with_two_rounds": sum(1 for r in stages["rounds"] if r > 1),
    }


def compare_profiles(
    searcher: TalentSearcher,
    queries: list[SearchQuery],
    profile: RankingProfile,
    baseline: RankingProfile,
) -> None:
    """End-to-end latency of two ranking profiles on the same queries, alternating which goes
    first, so that a change to the ranking is measured against the one before it in one run."""
    times: dict[str, list[float]] = {"profile": [], "baseline": []}
    runs = {"profile": profile, "baseline": baseline}
    for i, query in enumerate(queries):
        searcher.embedder.embed(embedded_texts(query))  # both use the cached embedding
        for name in ("profile", "baseline") if i % 2 else ("baseline", "profile"):
            started = time.perf_counter()
            searcher.search(query, runs[name])
            times[name].append((time.perf_counter() - started) * 1000)
    title = f"end to end, {profile.name} v{profile.version} against {baseline.name}"
    rows = {
        f"{name}: {ranking.name} v{ranking.version}": times[name] for name, ranking in runs.items()
    }
    console.print(percentile_table(title, "profile", rows))
    (p50, p99), (b50, b99) = percentiles(times["profile"]), percentiles(times["baseline"])
    console.print(
        f"{profile.name} / {baseline.name} end to end: p50 {p50 / b50:.2f}, p99 {p99 / b99:.2f}"
    )


def compare_representative(
    searcher: TalentSearcher,
    queries: list[SearchQuery],
    profile: RankingProfile,
    groups: str,
    depth: int,
) -> None:
    """End-to-end latency of enterprise searches with and without the `representative` option
    (`groups`: `diversity` or categories), alternating which goes first."""
    categories = tuple(g for g in groups.split(",") if g and g != DIVERSITY)
    ask = DiversityAsk(categories, DEFAULT_AS_OF, tuple(searcher.enabled_countries))
    times: dict[str, list[float]] = {"without": [], "with": []}
    moved: list[int] = []
    for i, query in enumerate(queries):
        searcher.embedder.embed(embedded_texts(query))  # both use the cached embedding
        for name in ("with", "without") if i % 2 else ("without", "with"):
            started = time.perf_counter()
            result = searcher.search(query, profile, include_diversity=True)
            result, slates = representative_stage(
                result, profile, depth, ask if name == "with" else None
            )
            times[name].append((time.perf_counter() - started) * 1000)
            if slates.diversity is not None:
                moved.append(slates.diversity.hits_moved)
    title = f"end to end, enterprise, {profile.name}: representative {groups}"
    console.print(percentile_table(title, "option", times))
    (w50, w99), (o50, o99) = percentiles(times["with"]), percentiles(times["without"])
    console.print(
        f"with / without representative {groups} (depth {depth}): p50 {w50 / o50:.3f}, "
        f"p99 {w99 / o99:.3f}; re-ordered {sum(m > 0 for m in moved)} of {len(moved)} queries"
    )


def compare_onnx(texts: list[str], matcher: SkillMatcher, top_k: int) -> None:
    """Single-text latency of torch (default and one thread) and ONNX Runtime, interleaved,
    and whether they give the same vectors and the same nearest vocabulary skills."""
    default_threads = torch.get_num_threads()
    torch_encode = model_encoder()
    onnx_encode = onnx_encoder(TalentSettings().onnx_dir)
    runs: dict[str, tuple[Encoder, int]] = {
        f"torch, {default_threads} threads (default)": (torch_encode, default_threads),
        "torch, 1 thread": (torch_encode, 1),
        "onnxruntime, 1 thread": (onnx_encode, default_threads),
    }
    timings: dict[str, list[float]] = {name: [] for name in runs}
    for encode, threads in runs.values():  # warm-up
        torch.set_num_threads(threads)
        encode(texts[:10])
    with Progress(console=console) as progress:
        task = progress.add_task("torch vs onnx", total=len(texts))
        for text in texts:
            for name, (encode, threads) in runs.items():
                torch.set_num_threads(threads)
                started = time.perf_counter()
                encode([text])
                timings[name].append((time.perf_counter() - started) * 1000)
            progress.advance(task)
    torch.set_num_threads(default_threads)
    title = f"single-text embedding, {len(texts)} distinct texts, interleaved"
    console.print(percentile_table(title, "runtime", timings))

    by_torch = torch_encode(texts)
    single = np.stack([onnx_encode([t])[0] for t in texts])
    batched = onnx_encode(texts)  # padded batches
    for label, vectors in (("one at a time", single), ("batched", batched)):
        cosine = (by_torch * vectors).sum(axis=1)
        console.print(
            f"cosine torch vs onnx ({label}): min {cosine.min():.7f}, mean {cosine.mean():.7f}, "
            f"max |difference| {np.abs(by_torch - vectors).max():.1e}"
        )
    same_set = same_order = 0
    for i in range(len(texts)):
        a = [m.id for m in matcher.nearest(by_torch[i : i + 1], top_k, -1.0)]
        b = [m.id for m in matcher.nearest(single[i : i + 1], top_k, -1.0)]
        same_set += set(a) == set(b)
        same_order += a == b
    console.print(
        f"top-{top_k} nearest vocabulary skills ({len(matcher)} skills): same set "
        f"{same_set}/{len(texts)}, same order {same_order}/{len(texts)}"
    )


def main(
    count: int = typer.Option(100_000, help="Demo profiles in the index."),
    queries: int = typer.Option(300, help="Queries in the mix (each run once per stage)."),
    reuse: bool = typer.Option(
        False, help="Skip indexing if the live aliases hold --count (and --job-posts)."
    ),
    engine: str = typer.Option("embedded", help="embedded | opensearch (started for the run)."),
    heap: str = typer.Option("2g", help="JVM heap of the real engine."),
    backend_url: str | None = typer.Option(None, help="Measure a running cluster instead."),
    profile_name: str = typer.Option("default", "--profile", help="Ranking profile."),
    baseline_name: str | None = typer.Option(
        None, "--baseline", help="Also time this profile against --profile, interleaved."
    ),
    fusion_repeat: int = typer.Option(20, help="Fusion replays per query on saved responses."),
    job_posts: int = typer.Option(
        0, help="Demo job posts to index and read (0: no job-post index)."
    ),
    compare: bool = typer.Option(
        False, "--compare-onnx", help="Also compare torch and ONNX query embedding."
    ),
    job_search: bool = typer.Option(
        False, "--job-search", help="Also time job-post searches against q with their title."
    ),
    representative: str | None = typer.Option(
        None, help="Also time enterprise searches with and without this `representative`."
    ),
    representative_depth: int = typer.Option(10, help="The page read (floors up to it)."),
) -> None:
    settings = TalentSettings()
    profile = load_profile(profile_name, user_dir=settings.user_profiles_dir)
    mix = query_mix(queries)
    workdir = Path(tempfile.mkdtemp(prefix="ts-query-bench-"))
    with bench_engine(engine_name(engine), heap, backend_url) as running:
        client = make_client(running.url, EngineSettings(url=running.url, timeout_s=120))
        namespace = settings.index_namespace
        ensure_indexed(client, count, reuse, workdir, namespace)
        ensure_job_posts(client, job_posts, reuse, workdir, namespace)
        searcher, stages = timed_stages(client, settings, profile, mix, fusion_repeat)
        if baseline_name is not None:
            baseline = load_profile(baseline_name, user_dir=settings.user_profiles_dir)
            compare_profiles(searcher, mix, profile, baseline)
        if job_search:
            compare_job_posts(searcher, mix, profile)
        if representative is not None:
            compare_representative(searcher, mix, profile, representative, representative_depth)
        distinct = list(dict.fromkeys(t for q in mix for t in embedded_texts(q)))
        if compare:
            compare_onnx(distinct, searcher.matcher, profile.legs.skill.top_k_skills)
        engine_mb = rss_mb(running.pids)

    title = (
        f"{len(mix)} queries at {count} profiles and {job_posts} job posts, engine "
        f"{running.name} ({running.url}), "
        f"embedding {settings.query_embedding_backend}, torch threads {torch.get_num_threads()}"
    )
    print_stages(stage_figures(stages, fusion_repeat), title, profile.window)
    if running.pids:
        console.print(f"engine RSS after the queries: {engine_mb:.0f} MB")


def print_stages(figures: dict[str, Any], title: str, window: int) -> None:
    table = Table(title=title)
    for column in ("stage", "p50 ms", "p99 ms"):
        table.add_column(column, justify="right" if column != "stage" else "left")
    labels = STAGE_LABELS | {
        "fusion_replayed": f"fusion + boosts (replayed x{figures['fusion_repeat']})"
    }
    for key, label in labels.items():
        table.add_row(label, f"{figures[key]['p50_ms']:.2f}", f"{figures[key]['p99_ms']:.2f}")
    console.print(table)
    ratios = figures["end_to_end_over_bare"]
    console.print(
        f"fused candidates per query: mean {figures['candidates_mean']:.0f}, "
        f"max {figures['candidates_max']:.0f} (window {window} per leg); searches with a "
        f"second round (skill feedback): {figures['searches_with_two_rounds']} of "
        f"{figures['queries']}"
    )
    console.print(
        f"end to end / bare: p50 {ratios['p50']:.2f}, p99 {ratios['p99']:.2f}; "
        f"with a cold embedding (estimated): p50 {figures['cold_end_to_end_over_bare_p50']:.2f}"
    )


if __name__ == "__main__":
    typer.run(main)
