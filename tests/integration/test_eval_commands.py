"""`talent-search eval` and `build-judgments` end to end against a clone of the embedded server.

The fake encoder stands in for the model on both sides (skill index and query), so no model loads.
"""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path
from typing import Any

import pytest
from opensearchpy import OpenSearch
from typer.testing import CliRunner

from domain.skill_vocabulary import SkillVocabulary
from indexer.demo_corpus import generate_profiles
from ranking.query_embedder import QueryEmbedder
from ranking.ranking_profile import load_profile
from ranking.skill_matcher import SkillMatcher
from ranking.talent_searcher import SearchQuery, TalentSearcher
from relevance.evaluation import METRICS, load_judgments
from relevance.relevance_set import FAMILIES
from talent_search import cli, index_commands
from tests.factories import certification, fake_encode, profile, write_jsonl

pytestmark = pytest.mark.integration
runner = CliRunner()

CORPUS: list[dict[str, Any] | str] = [
    profile(id="py-1", title="Senior Python Developer", skills=["Python", "Django"]),
    profile(id="py-2", title="Data Engineer", skills=["Python", "PostgreSQL"], badge=None),
    # Holds Python too, unjudged, with the highest badge and JSS.
    profile(
        id="py-3",
        title="Analyst",
        skills=["Python", "Pandas"],
        badge="expert_vetted",
        job_success_score=100,
    ),
    profile(id="go-1", title="Backend Engineer", skills=["Go", "Docker"]),
    profile(
        id="acc-1",
        title="Bookkeeper",
        overview="Monthly books for small firms.",
        skills=["QuickBooks", "Microsoft Excel"],
    ),
    profile(id="des-1", title="Graphic Designer", skills=["Adobe Photoshop", "Adobe Illustrator"]),
]
JUDGMENTS = """query,docid,rating,family
python,py-1,3,skill_name
python,py-2,2,skill_name
quickbooks,acc-1,3,skill_name
golang,go-1,3,esco_alias
bookkeeping,ghost-9,3,onet_title
"""


@pytest.fixture
def env(osmem_clone: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("OPENSEARCH_URL", osmem_clone.url)
    monkeypatch.setenv("TALENT_SEARCH_STATE_DIR", str(tmp_path / "state"))
    monkeypatch.setattr(index_commands, "model_encoder", lambda batch_size=128: fake_encode)
    monkeypatch.setattr("talent_search.cli_support.query_encoder", lambda *_: fake_encode)
    return tmp_path


def invoke(*args: str) -> Any:
    return runner.invoke(cli.app, list(args), catch_exceptions=False)


def flat(text: str) -> str:
    """Output with rich's line wrapping undone."""
    return " ".join(text.split())


def printed_path(stdout: str, kind: str) -> Path:
    match = re.search(rf"^{kind}: (.+)$", stdout, re.MULTILINE)
    assert match, stdout
    return Path(match.group(1))


def index(env: Path, rows: list[dict[str, Any] | str]) -> None:
    result = invoke("index", str(write_jsonl(env / "profiles.jsonl", rows)), "--rebuild")
    assert result.exit_code == 0, result.output


def test_eval_compare_writes_report_and_plot(env: Path) -> None:
    index(env, CORPUS)
    judgments = env / "judgments.csv"
    judgments.write_text(JUDGMENTS)
    out_dir = env / "reports"

    result = invoke(
        "eval", "--judgments", str(judgments), "--compare", "bm25", "--out", str(out_dir)
    )
    assert result.exit_code == 0, result.output
    assert "W/L/T" in result.stdout
    assert re.search(
        r"ndcg@10: default against bm25: \d+ wins, \d+ losses, \d+ ties", result.stdout
    )
    assert "1 of 5 judged profiles are not in the live index" in flat(result.output)
    report_path, plot_path = (
        printed_path(result.stdout, "report"),
        printed_path(result.stdout, "plot"),
    )
    assert report_path.parent == out_dir and report_path.name.startswith("eval-default-vs-bm25-")
    assert plot_path.read_bytes().startswith(b"\x89PNG")

    data = json.loads(report_path.read_text())
    assert data["ranking_profile"] == {
        "name": "default",
        "version": load_profile("default").version,
    }
    assert data["baseline"]["ranking_profile"] == {"name": "bm25", "version": 1}
    assert data["judged_profiles_not_indexed"] == 1
    assert set(data["overall"]) == set(METRICS)
    assert set(data["families"]) == {"skill_name", "esco_alias", "onet_title"}
    for report in (data, data["baseline"]):
        per_query = {q["query"]: q for q in report["queries"]}
        # One holder each, found lexically (quickbooks) or by alias expansion (golang -> Go).
        assert per_query["quickbooks"]["mrr@10"] == 1.0
        assert per_query["golang"]["mrr@10"] == 1.0
        assert per_query["python"]["recall@50"] == 1.0
        assert per_query["bookkeeping"]["ndcg@10"] == 0.0  # its only judged profile is absent
        assert report["families"]["onet_title"]["ndcg@10"] == 0.0
    for name in METRICS:
        summary = data["comparisons"][name]
        assert summary["wins"] + summary["losses"] + summary["ties"] == 4
    assert data["comparison"]["metric"] == "ndcg@10"
    # "python": bm25 ranks the judged py-1, py-2 first; a delta is candidate minus baseline
    # (which side wins is relevance/evaluation.py's unit tests' business, not this corpus's)
    python = next(d for d in data["comparison"]["deltas"] if d["query"] == "python")
    assert python["baseline"] == 1.0
    assert python["delta"] == pytest.approx(python["candidate"] - python["baseline"])
    # --profile is the candidate, --compare the baseline.
    assert data["comparison"]["candidate_mean"] == pytest.approx(data["overall"]["ndcg@10"])
    assert data["comparison"]["baseline_mean"] == pytest.approx(
        data["baseline"]["overall"]["ndcg@10"]
    )

    again = invoke("eval", "--judgments", str(judgments), "--out", str(out_dir))
    assert again.exit_code == 0, again.output
    assert "W/L/T" not in again.stdout and "plot:" not in again.stdout
    alone = json.loads(printed_path(again.stdout, "report").read_text())
    assert "comparison" not in alone and "baseline" not in alone
    assert alone["overall"] == data["overall"]  # same profile, same index: same numbers


def test_eval_sends_judged_queries_as_their_job_posts(env: Path) -> None:
    index(env, CORPUS)
    judgments = env / "judgments.csv"
    # a vague title: only its post's tagged skills say that py-2 is the one
    judgments.write_text(
        "query,docid,rating,family\nhelp with our reports,py-2,3,job\ngolang,go-1,3,skill\n"
    )
    posts = env / "posts.jsonl"
    post = {"title": "help with our reports", "skills": ["Python", "PostgreSQL"]}
    posts.write_text(json.dumps(post) + "\n" + json.dumps({"title": "not judged"}) + "\n")
    out_dir = env / "reports"

    def run(*extra: str) -> dict[str, Any]:
        result = invoke("eval", "--judgments", str(judgments), "--out", str(out_dir), *extra)
        assert result.exit_code == 0, result.output
        report: dict[str, Any] = json.loads(printed_path(result.stdout, "report").read_text())
        return report

    as_q = run()
    as_posts = run("--job-queries", str(posts))
    title_only = run("--job-queries", str(posts), "--job-queries-title-only")
    assert (as_q["searched_as_job_posts"], as_posts["searched_as_job_posts"]) == (0, 1)
    assert title_only["job_posts_title_only"] is True
    ndcg = {r["query"]: r["ndcg@10"] for r in as_posts["queries"]}
    assert ndcg["help with our reports"] == 1.0  # py-2 holds both tagged skills
    assert {r["query"]: r["ndcg@10"] for r in as_q["queries"]}["help with our reports"] < 1.0
    assert title_only["queries"] == as_q["queries"]  # the title alone ranks as q

    posts.write_text(json.dumps({"title": "help with our reports", "skills": "Python"}) + "\n")
    bad = invoke("eval", "--judgments", str(judgments), "--job-queries", str(posts))
    assert bad.exit_code == 2 and "line 1: skills" in flat(bad.output)
    posts.write_text(json.dumps({"title": "elsewhere"}) + "\n")
    unmatched = invoke("eval", "--judgments", str(judgments), "--job-queries", str(posts))
    assert unmatched.exit_code == 2 and "no post's title is a judged query" in flat(
        unmatched.output
    )


def test_eval_piped_prints_whole_tables_times_runs_alike_and_names_badge_policy_breaks(
    env: Path,
) -> None:
    """Off a terminal (CliRunner's stdout is a pipe) no cell is cut at 80 columns; the
    one-time warm-up is timed apart from the profiles' runs; a profile that demotes a badge or
    inverts their order is evaluated, with a warning naming the setting."""
    index(env, CORPUS)
    judgments = env / "judgments.csv"
    judgments.write_text(JUDGMENTS)
    profiles = env / "state" / "ranking-profiles"
    profiles.mkdir(parents=True)
    promoting = load_profile("default").with_overrides(
        {"name": "promote-new", "badges": {"expert_vetted": 0.62, "rising_talent": 1.3}}
    )
    (profiles / "promote-new.yaml").write_text(promoting.to_yaml())
    result = invoke(
        "eval", "--judgments", str(judgments), "--profile", "promote-new", "--compare", "default",
        "--out", str(env / "reports"),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "\N{HORIZONTAL ELLIPSIS}" not in result.stdout, result.stdout
    assert re.search(
        r"│ overall\s+│\s+4 │(\s+[\d.]+ │){4}\s+[+-][\d.]+ │ \d+/\d+/\d+ │", result.stdout
    ), result.stdout
    assert any(len(line) > 80 for line in result.stdout.splitlines())  # sized for the content
    assert re.search(
        r"promote-new searched them in [\d.]+ s, default in [\d.]+ s \(after [\d.]+ s, once, "
        r"loading the query model and embedding the queries\)",
        flat(result.stdout),
    )
    warning = flat(result.output)
    assert f"promote-new v{promoting.version} breaks the badge policy" in warning
    assert "badges.expert_vetted is 0.62, below 1" in warning
    assert "badges.rising_talent (1.3) is above badges.top_rated (1.06)" in warning


def test_eval_refuses_bad_input_with_exit_2(env: Path) -> None:
    good = env / "good.csv"
    good.write_text(JUDGMENTS)
    cases = {
        "does not exist": ["--judgments", str(env / "nope.csv")],
        "line 2: column 'rating': expected an integer 0..3, got 'high'": [
            "--judgments",
            str(_write(env / "rating.csv", "query,docid,rating\npython,py-1,high\n")),
        ],
        "line 1: missing column 'docid'": [
            "--judgments",
            str(_write(env / "header.csv", "query,doc,rating\npython,py-1,3\n")),
        ],
        "has a header but no ratings": [
            "--judgments",
            str(_write(env / "empty.csv", "query,docid,rating\n")),
        ],
        "--profile: no ranking profile 'nope'": ["--judgments", str(good), "--profile", "nope"],
        "--compare: no ranking profile 'nope'": ["--judgments", str(good), "--compare", "nope"],
        "unknown metric 'map'": ["--judgments", str(good), "--metric", "map"],
    }
    for message, args in cases.items():
        result = invoke("eval", *args, "--out", str(env / "reports"))
        assert result.exit_code == 2, (message, result.output)
        assert message in flat(result.output), result.output
    assert not (env / "reports").exists()
    a_file = _write(env / "a-file", "")
    result = runner.invoke(cli.app, ["eval", "--judgments", str(good), "--out", str(a_file)])
    assert result.exit_code == 2 and re.search(r"is a\W+file", result.output), result.output

    nothing = invoke("eval", "--judgments", str(good), "--out", str(env / "reports"))
    assert nothing.exit_code == 1
    assert "no profiles are indexed yet" in flat(nothing.output)


def _write(path: Path, text: str) -> Path:
    path.write_text(text)
    return path


def test_build_judgments_then_eval_on_a_generated_corpus(env: Path) -> None:
    rows: list[dict[str, Any] | str] = list(generate_profiles(150, seed=42))
    rows += ["{", dict(rows[0], title="Reupload")]  # a reject and a duplicate id (last wins)
    corpus = write_jsonl(env / "corpus.jsonl", rows)
    out_csv = env / "dev.csv"

    built = invoke(
        "build-judgments",
        "--profiles",
        str(corpus),
        "--out",
        str(out_csv),
        "--max-queries-per-family",
        "3",
    )
    assert built.exit_code == 0, built.output
    assert "skipped 1 invalid lines and 1 earlier duplicates" in flat(built.output)
    judgments = load_judgments(out_csv)
    assert 3 <= len(judgments) <= 3 * len(FAMILIES)
    assert set(judgments.families.values()) <= set(FAMILIES)
    with out_csv.open() as fh:
        assert next(csv.reader(fh)) == ["query", "docid", "rating", "family"]
    lines = sum(len(docs) for docs in judgments.ratings.values())
    assert f"wrote {lines} judgments for {len(judgments)} queries" in flat(built.stdout)

    result = invoke("index", str(corpus), "--rebuild")
    assert result.exit_code == 3, result.output  # the reject
    evaluated = invoke(
        "eval",
        "--judgments",
        str(out_csv),
        "--profile",
        "bm25",
        "--compare",
        "default",
        "--out",
        str(env / "reports"),
    )
    assert evaluated.exit_code == 0, evaluated.output
    assert "not in the live index" not in evaluated.output
    data = json.loads(printed_path(evaluated.stdout, "report").read_text())
    assert data["judged_profiles_not_indexed"] == 0
    assert data["query_count"] == len(judgments)
    assert data["overall"]["recall@50"] > 0


def test_build_judgments_defaults_to_the_demos_corpus_and_says_where_it_is(env: Path) -> None:
    state = env / "state"
    lost = invoke("build-judgments", "--out", str(env / "dev.csv"))
    assert lost.exit_code == 2
    assert f"thedemo'scorpusis{state}/demo-profiles-N.jsonl" in "".join(lost.output.split())
    state.mkdir(parents=True, exist_ok=True)
    corpus = write_jsonl(state / "demo-profiles-150.jsonl", list(generate_profiles(150, seed=42)))
    dev = str(env / "dev.csv")
    built = invoke("build-judgments", "--out", dev, "--max-queries-per-family", "3")
    assert built.exit_code == 0, built.output
    assert f"--profilesnotgiven:usingthedemo'scorpus{corpus}" in "".join(built.output.split())
    assert load_judgments(env / "dev.csv").queries
    write_jsonl(state / "demo-profiles-300.jsonl", [])
    two = invoke("build-judgments", "--out", str(env / "dev.csv"))
    assert two.exit_code == 2
    assert "demo-profiles-150.jsonl,demo-profiles-300.jsonl" in "".join(two.output.split())


def test_build_judgments_refuses_a_missing_file(env: Path) -> None:
    result = invoke("build-judgments", "--profiles", str(env / "no.jsonl"), "--out", "x.csv")
    assert result.exit_code == 2
    assert "does not exist" in flat(result.output)


def test_zero_weight_legs_are_not_sent_and_bm25_has_no_boosts(env: Path, osmem_clone: Any) -> None:
    index(env, CORPUS)
    client = OpenSearch(hosts=[osmem_clone.url], timeout=30)
    searcher = TalentSearcher(
        client,
        SkillVocabulary.load_default(),
        SkillMatcher.from_index(client),
        QueryEmbedder(fake_encode),
    )
    query = SearchQuery("python")  # an exact skill: the skill leg has a match
    legs = {name: searcher.plan(query, load_profile(name)).legs for name in ("bm25", "default")}
    assert legs == {"bm25": ["lexical"], "default": ["lexical", "skill"]}
    assert searcher.plan(query, load_profile("skill-only")).legs == ["skill"]
    hits = searcher.search(query, load_profile("bm25")).hits
    assert hits and hits[0].id == "py-1"
    for hit in hits:
        assert set(hit.legs) == {"lexical"}
        assert hit.badge_multiplier == 1.0 and hit.prior_multiplier == 1.0
        assert hit.score == hit.relevance


def test_eval_reports_exposure_and_evaluates_the_representative_option(env: Path) -> None:
    """Badges in every evaluation; certification only as an enterprise client; the option
    applies to --profile's run, and --compare sets the exposure change beside nDCG's."""
    certified = [
        profile(
            id=f"py-cert-{i}",
            title="Analyst",
            skills=["Python", "Microsoft Excel"],
            diversity_certifications=[certification(certificate_number=f"N-{i}")],
        )
        for i in range(3)
    ]
    index(env, [*CORPUS, *certified])
    judgments = env / "judgments.csv"
    judgments.write_text(JUDGMENTS)
    out_dir = env / "reports"
    plain = invoke("eval", "--judgments", str(judgments), "--out", str(out_dir))
    assert plain.exit_code == 0, plain.output
    standard = json.loads(printed_path(plain.stdout, "report").read_text())
    assert standard["context"] == "standard" and set(standard["exposure"]) == {"badge"}
    assert "certif" not in plain.stdout and "certified" not in json.dumps(standard)
    badge = standard["exposure"]["badge"]
    assert {"representative@10", "ndkl", "slot_share@10", "relevant_share"} <= set(badge)
    assert {q["query"] for q in badge["queries"]} == {
        "python",
        "quickbooks",
        "golang",
        "bookkeeping",
    }

    result = invoke(
        "eval",
        "--judgments",
        str(judgments),
        "--compare",
        "default",
        "--representative",
        "diversity",
        "--out",
        str(out_dir),
    )
    assert result.exit_code == 0, result.output
    assert "exposure beside relevance" in flat(result.stdout)
    data = json.loads(printed_path(result.stdout, "report").read_text())
    assert data["context"] == "enterprise" and data["representative"] == "diversity"
    assert set(data["exposure"]) == set(data["baseline"]["exposure"]) == {"badge", "certification"}
    python = {q["query"]: q for q in data["exposure"]["certification"]["queries"]}["python"]
    assert python["representative@10"] is True
    change = data["exposure_comparison"]["certification"]["representative@10"]
    assert change["delta"] == pytest.approx(change["candidate"] - change["baseline"])
    assert data["exposure"]["certification"]["representative@10"] == 1.0
    # the option never adds or removes a profile: the same top 50 per query
    for query in data["queries"]:
        baseline = next(q for q in data["baseline"]["queries"] if q["query"] == query["query"])
        assert query["retrieved"] == baseline["retrieved"]

    bad = invoke("eval", "--judgments", str(judgments), "--representative", "diversity,woman_owned")
    assert bad.exit_code == 2 and "--representative" in bad.output
