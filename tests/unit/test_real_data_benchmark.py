"""benchmarks/real_data.py's pure part: the table from `talent-search eval` report dicts, its
Markdown and JSON, and the usage errors raised before any engine starts. No engine, no model: the
reports here are made up, in the layout `eval` writes (`relevance.evaluation.EvalReport.to_dict`
plus `search_seconds`)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest
import typer

# benchmarks/ is no package: its scripts import each other by name (bench_engines), as `python
# benchmarks/real_data.py` does
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))

import real_data


def report(overall: float, families: dict[str, tuple[int, float]], seconds: float) -> Any:
    def means(value: float) -> dict[str, float]:
        return {"ndcg@10": value, "mrr@10": value / 2}

    return {
        "query_count": sum(size for size, _ in families.values()),
        "overall": means(overall),
        "families": {f: {"queries": size, **means(v)} for f, (size, v) in families.items()},
        "search_seconds": seconds,
    }


# families sorted by name, as `eval` writes them
FAMILIES = {"exact": (62, 0.9), "job": (148, 0.4)}


def reports() -> dict[real_data.Key, Any]:
    return {
        ("embedded", "default", "without"): report(0.5, FAMILIES, 10.0),
        ("embedded", "bm25", "without"): report(0.45, FAMILIES, 8.0),
        ("opensearch", "default", "without"): report(0.52, FAMILIES, 4.0),
        ("opensearch", "bm25", "without"): report(0.4, FAMILIES, 3.0),
        ("embedded", "default", "with"): report(0.6, FAMILIES, 12.0),
        ("embedded", "bm25", "with"): report(0.46, FAMILIES, 8.5),
        ("opensearch", "default", "with"): report(0.61, FAMILIES, 5.0),
        ("opensearch", "bm25", "with"): report(0.41, FAMILIES, 3.5),
    }


def test_families_overall_first_then_largest() -> None:
    data = {("e", "p", "without"): report(0.5, {"b": (5, 0.1), "a": (5, 0.2), "z": (9, 0.3)}, 1)}
    sizes, order = real_data.family_order(data)
    assert order == ["overall", "z", "a", "b"]
    assert sizes == {"overall": 19, "a": 5, "b": 5, "z": 9}


def test_rows_are_profiles_without_then_with_job_posts() -> None:
    results = real_data.build_results(
        reports(), ["embedded", "opensearch"], ["default", "bm25"], "ndcg@10"
    )
    assert results.families == ("overall", "job", "exact")
    assert [(r.ranking_profile, r.job_posts) for r in results.rows] == [
        ("default", False),
        ("bm25", False),
        ("default", True),
        ("bm25", True),
    ]
    first = results.rows[0]
    assert first.values["embedded"] == {"overall": 0.5, "job": 0.4, "exact": 0.9}
    assert first.values["opensearch"]["overall"] == 0.52
    assert first.seconds == {"embedded": 10.0, "opensearch": 4.0}
    assert results.rows[2].label == "default, with job posts"


def test_metric_is_selectable() -> None:
    results = real_data.build_results(reports(), ["embedded"], ["default"], "mrr@10")
    assert results.rows[0].values["embedded"]["overall"] == 0.25
    assert results.metric == "mrr@10"


def test_no_job_posts_means_no_with_rows_and_missing_cells_are_none() -> None:
    only = {k: v for k, v in reports().items() if k[2] == "without" and k[0] == "embedded"}
    del only["embedded", "bm25", "without"]["families"]["exact"]
    results = real_data.build_results(
        only, ["embedded", "opensearch"], ["default", "bm25"], "ndcg@10"
    )
    assert [r.job_posts for r in results.rows] == [False, False]
    assert results.rows[1].values["embedded"]["exact"] is None
    assert results.rows[0].values["opensearch"] == {"overall": None, "job": None, "exact": None}
    assert results.rows[0].seconds["opensearch"] is None
    assert "n/a" in real_data.body_cells(results)[1]


def test_markdown_has_the_command_on_top_and_one_line_per_row() -> None:
    results = real_data.build_results(
        reports(), ["embedded", "opensearch"], ["default", "bm25"], "ndcg@10"
    )
    command = ".venv/bin/python benchmarks/real_data.py --profiles p.jsonl --judgments j.csv"
    text = real_data.markdown(results, command, ["embedded: embedded osmem-server"])
    lines = text.splitlines()
    assert lines[:3] == ["```bash", command, "```"]
    header = next(line for line in lines if line.startswith("| ranking profile"))
    assert header == (
        "| ranking profile | job posts | embedded overall (210) | embedded job (148) "
        "| embedded exact (62) | embedded search s | opensearch overall (210) "
        "| opensearch job (148) | opensearch exact (62) | opensearch search s |"
    )
    rows = [line for line in lines if line.startswith("| default") or line.startswith("| bm25")]
    assert rows[0] == (
        "| default | without | 0.5000 | 0.4000 | 0.9000 | 10.0 | 0.5200 | 0.4000 | 0.9000 | 4.0 |"
    )
    assert len(rows) == 4
    assert lines[-1] == "- embedded: embedded osmem-server"
    # every row has as many cells as the header and its alignment line
    widths = {line.count("|") for line in lines if line.startswith("|")}
    assert widths == {header.count("|")}


def test_json_keeps_every_cell_and_the_context() -> None:
    results = real_data.build_results(reports(), ["embedded"], ["default"], "ndcg@10")
    data = real_data.results_json(results, command="cmd")
    assert data["command"] == "cmd"
    assert data["families"] == {"overall": 210, "job": 148, "exact": 62}
    assert data["rows"][1] == {
        "ranking_profile": "default",
        "job_posts": True,
        "engines": {"embedded": {"overall": 0.6, "job": 0.4, "exact": 0.9, "search_seconds": 12.0}},
    }


def test_rich_table_has_a_column_per_engine_and_family() -> None:
    results = real_data.build_results(
        reports(), ["embedded", "opensearch"], ["default", "bm25"], "ndcg@10"
    )
    table = real_data.rich_table(results, "t")
    assert len(table.columns) == 2 + 2 * 4
    assert table.row_count == 4


def test_headline_is_the_last_indexing_summary() -> None:
    text = "x\nread 10, indexed 9, rejected 1\n"
    assert real_data.headline(text) == "read 10, indexed 9, rejected 1"
    assert "no `read N" in real_data.headline("")


@pytest.mark.parametrize(
    ("option", "kwargs"),
    [
        ("--profiles", {"profiles": "missing.jsonl"}),
        ("--judgments", {"judgments": "missing.csv"}),
        ("--job-posts", {"job_posts": "missing-posts.jsonl"}),
        ("--profile-dir", {"profile_dir": "missing-dir"}),
    ],
)
def test_a_missing_path_exits_2_naming_its_option(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    option: str,
    kwargs: dict[str, str],
) -> None:
    (tmp_path / "p.jsonl").write_text("")
    (tmp_path / "j.csv").write_text("")

    def given(key: str, default: Path | None) -> Path | None:
        return tmp_path / kwargs[key] if key in kwargs else default

    profiles = given("profiles", tmp_path / "p.jsonl")
    judgments = given("judgments", tmp_path / "j.csv")
    assert profiles is not None and judgments is not None
    with pytest.raises(typer.Exit) as caught:
        real_data.check_inputs(
            profiles, judgments, given("job_posts", None), given("profile_dir", None)
        )
    assert caught.value.exit_code == 2
    assert option in capsys.readouterr().out


def test_split_drops_blanks() -> None:
    assert real_data.split(" default, ,bm25,") == ["default", "bm25"]


def test_job_queries_add_a_row_per_mode_after_each_profile(tmp_path: Path) -> None:
    posts = tmp_path / "posts.jsonl"
    assert real_data.job_query_variants(None, ()) == []
    variants = real_data.job_query_variants(posts, ("--enterprise",))
    assert variants == [
        (" as job posts", ("--enterprise", "--job-queries", str(posts))),
        (
            " as job.title",
            ("--enterprise", "--job-queries", str(posts), "--job-queries-title-only"),
        ),
    ]
    run = real_data.Run(
        tmp_path,
        posts,
        posts,
        None,
        ["default", "bm25"],
        "ndcg@10",
        None,
        "",
        (("", ()), *variants),
    )
    assert run.row_names() == [
        "default",
        "default as job posts",
        "default as job.title",
        "bm25",
        "bm25 as job posts",
        "bm25 as job.title",
    ]
