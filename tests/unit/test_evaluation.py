"""Relevance metrics (OpenSearch _rank_eval definitions), judgments CSV, comparison, reports."""

from __future__ import annotations

import io
import json
import math
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.console import Console
from rich.table import Table

from relevance.eval_report import format_report, plot_deltas
from relevance.evaluation import (
    METRICS,
    Judgment,
    Judgments,
    compare,
    evaluate,
    load_judgments,
    ndcg_at_k,
    precision_at_k,
    recall_at_k,
    reciprocal_rank,
    save_judgments,
    write_report,
)

LOG2_3 = math.log2(3)
LOG2_5 = math.log2(5)

# --------------------------------------------------------------------------------------------
# Hand-computed metrics
# --------------------------------------------------------------------------------------------

RATINGS = {"a": 3, "b": 2, "c": 0, "d": 1}
RANKED = ["x", "a", "c", "b"]  # x is unrated


def test_precision_counts_unrated_hits_as_retrieved() -> None:
    assert precision_at_k(RANKED, RATINGS, k=10) == 2 / 4  # a, b relevant among 4 hits
    assert precision_at_k(RANKED, RATINGS, k=2) == 1 / 2  # x, a
    assert precision_at_k(RANKED, RATINGS, k=1) == 0.0


def test_precision_divides_by_hits_not_k_when_results_are_short() -> None:
    assert precision_at_k(["a"], RATINGS, k=10) == 1.0
    assert precision_at_k([], RATINGS, k=10) == 0.0


def test_recall_over_all_relevant_rated_docs() -> None:
    assert recall_at_k(RANKED, RATINGS, k=50) == 2 / 3  # a, b of a, b, d
    assert recall_at_k(RANKED, RATINGS, k=2) == 1 / 3
    assert recall_at_k(["d", "b", "a"], RATINGS, k=50) == 1.0


def test_reciprocal_rank() -> None:
    assert reciprocal_rank(RANKED, RATINGS, k=10) == 1 / 2
    assert reciprocal_rank(RANKED, RATINGS, k=1) == 0.0
    assert reciprocal_rank(["c", "x", "d"], RATINGS, k=10) == 1 / 3  # rating 0 is not relevant


def test_ndcg_hand_computed() -> None:
    dcg = 7 / LOG2_3 + 0 + 3 / LOG2_5  # a at rank 2, c (0) at 3, b at 4; x adds nothing
    idcg = 7 + 3 / LOG2_3 + 1 / 2 + 0  # ratings 3, 2, 1, 0 over the 4 hits
    assert ndcg_at_k(RANKED, RATINGS, k=10) == pytest.approx(dcg / idcg)
    assert ndcg_at_k(RANKED, RATINGS, k=2) == pytest.approx((7 / LOG2_3) / (7 + 3 / LOG2_3))


def test_ndcg_ideal_dcg_is_cut_to_the_number_of_hits() -> None:
    """As in _rank_eval: a result list shorter than k is compared with as many ideal docs."""
    assert ndcg_at_k(["a"], RATINGS, k=10) == pytest.approx(1.0)
    assert ndcg_at_k(["d"], RATINGS, k=10) == pytest.approx(1 / 7)
    assert ndcg_at_k(["a", "b", "d", "c"], RATINGS, k=10) == pytest.approx(1.0)


def test_no_relevant_documents_scores_zero() -> None:
    ratings = {"a": 0, "b": 0}
    for ranked in (["a", "b"], ["x"], []):
        assert precision_at_k(ranked, ratings) == 0.0
        assert recall_at_k(ranked, ratings) == 0.0
        assert reciprocal_rank(ranked, ratings) == 0.0
        assert ndcg_at_k(ranked, ratings) == 0.0


def test_only_unrated_hits_score_zero() -> None:
    assert precision_at_k(["x", "y"], RATINGS) == 0.0
    assert recall_at_k(["x", "y"], RATINGS) == 0.0
    assert reciprocal_rank(["x", "y"], RATINGS) == 0.0
    assert ndcg_at_k(["x", "y"], RATINGS) == 0.0


def test_duplicate_ids_count_once() -> None:
    assert precision_at_k(["a", "a", "x"], RATINGS) == 1 / 2
    assert recall_at_k(["a", "a", "a", "a"], {"a": 1, "b": 1}) == 1 / 2


def test_k_must_be_positive() -> None:
    with pytest.raises(ValueError, match="k must be >= 1"):
        precision_at_k(RANKED, RATINGS, k=0)


# --------------------------------------------------------------------------------------------
# Properties
# --------------------------------------------------------------------------------------------

DOC_IDS = [f"d{i}" for i in range(12)]
ratings_strategy = st.dictionaries(st.sampled_from(DOC_IDS), st.integers(0, 3), max_size=12)
ranked_strategy = st.lists(st.sampled_from([*DOC_IDS, "u1", "u2"]), unique=True, max_size=14)
k_strategy = st.integers(1, 20)
# hypothesis's default 100 examples: 12 documents, 4 grades and k up to 20 are a small space.


@settings(deadline=None)
@given(ranked=ranked_strategy, ratings=ratings_strategy, k=k_strategy)
def test_metrics_are_between_zero_and_one(
    ranked: list[str], ratings: dict[str, int], k: int
) -> None:
    for metric in (precision_at_k, recall_at_k, reciprocal_rank, ndcg_at_k):
        assert 0.0 <= metric(ranked, ratings, k) <= 1.0 + 1e-12


@settings(deadline=None)
@given(ratings=ratings_strategy, k=k_strategy)
def test_ideal_ordering_has_ndcg_one(ratings: dict[str, int], k: int) -> None:
    ideal = sorted(ratings, key=lambda doc: -ratings[doc])
    expected = 1.0 if any(ratings.values()) else 0.0
    assert ndcg_at_k(ideal, ratings, k) == pytest.approx(expected)


@settings(deadline=None)
@given(ranked=ranked_strategy, ratings=ratings_strategy, k=k_strategy)
def test_reordering_by_rating_never_lowers_ndcg_and_reversing_never_raises_it(
    ranked: list[str], ratings: dict[str, int], k: int
) -> None:
    best = sorted(ranked, key=lambda doc: -ratings.get(doc, -1))  # unrated last
    assert ndcg_at_k(best, ratings, k) >= ndcg_at_k(ranked, ratings, k) - 1e-12
    assert ndcg_at_k(best[::-1], ratings, k) <= ndcg_at_k(best, ratings, k) + 1e-12


# --------------------------------------------------------------------------------------------
# evaluate and compare
# --------------------------------------------------------------------------------------------


def _judgments() -> Judgments:
    return Judgments.from_rows(
        [
            Judgment("react developer", "p1", 3, "skill_name"),
            Judgment("react developer", "p2", 1, "skill_name"),
            Judgment("golang", "p3", 2, "esco_alias"),
            Judgment("golang", "p4", 0, "esco_alias"),
            Judgment("copywriter", "p5", 3, "onet_title"),
        ]
    )


def test_evaluate_per_query_family_and_overall() -> None:
    run = {"react developer": ["p1", "x", "p2"], "golang": ["p4", "p3"], "other": ["p9"]}
    report = evaluate(run, _judgments())
    by_query = report.by_query()
    assert set(by_query) == {"react developer", "golang", "copywriter"}
    react = by_query["react developer"].metrics
    assert react["precision@10"] == pytest.approx(2 / 3)
    assert react["recall@50"] == 1.0
    assert react["mrr@10"] == 1.0
    assert react["ndcg@10"] == pytest.approx((7 + 1 / 2) / (7 + 1 / LOG2_3))
    golang = by_query["golang"].metrics
    assert golang["mrr@10"] == 1 / 2
    assert golang["ndcg@10"] == pytest.approx((3 / LOG2_3) / 3)
    # A judged query missing from the run scores zero everywhere.
    assert all(value == 0.0 for value in by_query["copywriter"].metrics.values())
    assert report.missing_queries == ("copywriter",)
    assert report.unjudged_queries == ("other",)
    for name in METRICS:
        expected = sum(r.metrics[name] for r in report.queries) / 3
        assert report.overall[name] == pytest.approx(expected)
    assert report.families["onet_title"]["ndcg@10"] == 0.0
    assert report.family_sizes == {"esco_alias": 1, "onet_title": 1, "skill_name": 1}


def test_evaluate_accepts_rows_and_refuses_nothing_to_evaluate() -> None:
    report = evaluate({"q": ["a"]}, [Judgment("q", "a", 2)])
    assert report.overall["ndcg@10"] == 1.0
    assert set(report.families) == {"all"}
    with pytest.raises(ValueError, match="no judged queries"):
        evaluate({"q": ["a"]}, [])


def test_compare_wins_losses_ties_and_movers() -> None:
    judgments = _judgments()
    baseline = evaluate({"react developer": ["p2", "p1"], "golang": ["p3"]}, judgments)
    candidate = evaluate(
        {"react developer": ["p1", "p2"], "golang": ["x", "p3"], "copywriter": []}, judgments
    )
    comparison = compare(baseline, candidate)
    assert (comparison.wins, comparison.losses, comparison.ties) == (1, 1, 1)
    deltas = {d.query: d.delta for d in comparison.deltas}
    assert deltas["react developer"] > 0
    assert deltas["golang"] < 0
    assert deltas["copywriter"] == 0.0
    assert [d.delta for d in comparison.deltas] == sorted(deltas.values())
    movers = [d.query for d in comparison.biggest_movers]
    assert set(movers) == {"react developer", "golang"}
    assert abs(comparison.biggest_movers[0].delta) >= abs(comparison.biggest_movers[1].delta)
    assert comparison.mean_delta == pytest.approx(sum(deltas.values()) / 3)
    # A large tie_eps turns every change into a tie.
    assert compare(baseline, candidate, tie_eps=1.0).ties == 3
    assert compare(baseline, candidate, metric="recall@50").ties == 3
    with pytest.raises(ValueError, match="unknown metric"):
        compare(baseline, candidate, metric="ndcg@5")


def test_compare_lists_queries_only_in_one_report() -> None:
    a = evaluate({}, [Judgment("q1", "a", 1), Judgment("q2", "a", 1)])
    b = evaluate({}, [Judgment("q2", "a", 1), Judgment("q3", "a", 1)])
    comparison = compare(a, b)
    assert [d.query for d in comparison.deltas] == ["q2"]
    assert comparison.only_in_baseline == ("q1",)
    assert comparison.only_in_candidate == ("q3",)


def test_biggest_movers_are_the_top_ten_by_absolute_delta() -> None:
    rows = [Judgment(f"q{i:02d}", "a", 3) for i in range(15)]
    baseline = evaluate({}, rows)
    # q_i finds "a" at rank i + 1: reciprocal rank 1 / (i + 1), and 0 beyond rank 10.
    run = {f"q{i:02d}": [*(f"u{j}" for j in range(i)), "a"] for i in range(15)}
    comparison = compare(baseline, evaluate(run, rows), metric="mrr@10")
    assert [d.query for d in comparison.biggest_movers] == [f"q{i:02d}" for i in range(10)]
    assert comparison.wins == 10
    assert comparison.ties == 5


# --------------------------------------------------------------------------------------------
# CSV
# --------------------------------------------------------------------------------------------


def test_csv_round_trip_with_family(tmp_path: Path) -> None:
    judgments = _judgments()
    path = tmp_path / "ratings.csv"
    save_judgments(path, judgments)
    assert path.read_text(encoding="utf-8").splitlines()[0] == "query,docid,rating,family"
    assert load_judgments(path) == judgments


def test_csv_round_trip_quepid_only(tmp_path: Path) -> None:
    rows = [Judgment('say "hi", world', "p1", 2), Judgment("naïve café", "p2", 0)]
    path = tmp_path / "ratings.csv"
    save_judgments(path, rows)
    assert path.read_text(encoding="utf-8").splitlines()[0] == "query,docid,rating"
    loaded = load_judgments(path)
    assert loaded.rows() == rows
    assert loaded.families == {'say "hi", world': "all", "naïve café": "all"}


_cell = st.text(
    st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1, max_size=12
).filter(lambda text: text.strip() == text and text.strip() != "")


@settings(max_examples=60, deadline=None)
@given(
    rows=st.lists(
        st.builds(Judgment, _cell, _cell, st.integers(0, 3), st.sampled_from(["a", "b c"])),
        max_size=8,
        unique_by=lambda row: (row.query, row.docid),
    )
)
def test_csv_round_trip_property(
    tmp_path_factory: pytest.TempPathFactory, rows: list[Judgment]
) -> None:
    families: dict[str, str] = {}
    rows = [r for r in rows if families.setdefault(r.query, r.family) == r.family]
    judgments = Judgments.from_rows(rows)
    path = tmp_path_factory.mktemp("csv") / "ratings.csv"
    save_judgments(path, judgments, with_family=True)
    assert load_judgments(path) == judgments


def test_csv_ignores_extra_columns_and_blank_lines(tmp_path: Path) -> None:
    path = tmp_path / "ratings.csv"
    path.write_text("\ufeffQuery,DocID,Rating,notes\nq,a,3,great\n\nq,b,0,\n", encoding="utf-8")
    loaded = load_judgments(path)
    assert loaded.ratings == {"q": {"a": 3, "b": 0}}


@pytest.mark.parametrize(
    ("body", "line", "column"),
    [
        ("q,a,3\nq,b,high\n", 3, "rating"),
        ("q,a,3\nq,b,4\n", 3, "rating"),
        ("q,a,3\n\nq,,1\n", 4, "docid"),
        ("q,a,3\nq,a,1\n", 3, "docid"),
        ('"multi\nline",a,3\nq,b,-1\n', 4, "rating"),
    ],
)
def test_bad_row_names_line_and_column(tmp_path: Path, body: str, line: int, column: str) -> None:
    path = tmp_path / "ratings.csv"
    path.write_text("query,docid,rating\n" + body, encoding="utf-8")
    with pytest.raises(ValueError, match=rf"line {line}: column '{column}'"):
        load_judgments(path)


def test_bad_header_and_mixed_family(tmp_path: Path) -> None:
    path = tmp_path / "ratings.csv"
    path.write_text("query,doc,rating\nq,a,1\n", encoding="utf-8")
    with pytest.raises(ValueError, match="line 1: missing column 'docid'"):
        load_judgments(path)
    path.write_text("query,docid,rating,family\nq,a,1,x\nq,b,1,y\n", encoding="utf-8")
    with pytest.raises(ValueError, match="line 3: column 'family'"):
        load_judgments(path)
    path.write_text("query,docid,rating\nq,a\n", encoding="utf-8")
    with pytest.raises(ValueError, match="line 2: expected 3 columns"):
        load_judgments(path)


def test_save_refuses_invalid_rows(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="row 1: column 'rating'"):
        save_judgments(tmp_path / "x.csv", [Judgment("q", "a", 5)])
    with pytest.raises(ValueError, match="row 2: column 'docid'"):
        save_judgments(tmp_path / "x.csv", [Judgment("q", "a", 1), Judgment("q", "a", 2)])
    assert not (tmp_path / "x.csv").exists()


# --------------------------------------------------------------------------------------------
# Reports
# --------------------------------------------------------------------------------------------


def test_json_png_and_table(tmp_path: Path) -> None:
    judgments = _judgments()
    baseline = evaluate({"react developer": ["p2", "p1"], "golang": ["p3"]}, judgments)
    candidate = evaluate({"react developer": ["p1", "p2"], "golang": ["x", "p3"]}, judgments)
    comparison = compare(baseline, candidate)

    json_path = tmp_path / "out" / "report.json"
    write_report(json_path, candidate, comparison)
    data = json.loads(json_path.read_text(encoding="utf-8"))
    assert data["query_count"] == 3
    assert set(data["overall"]) == set(METRICS)
    assert data["families"]["skill_name"]["queries"] == 1
    assert data["comparison"]["wins"] == 1
    assert {row["query"] for row in data["queries"]} == {"react developer", "golang", "copywriter"}

    png_path = tmp_path / "out" / "deltas.png"
    plot_deltas(png_path, comparison)
    assert png_path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"

    table = format_report(candidate, comparison)
    assert isinstance(table, Table)
    assert table.row_count == 1 + 3  # overall and one row per family
    console = Console(file=io.StringIO(), width=160, record=True)
    console.print(table)
    text = console.export_text()
    assert "overall" in text
    assert "esco_alias" in text
    assert "1/1/1" in text


def test_plot_without_queries_and_with_many(tmp_path: Path) -> None:
    empty = compare(evaluate({}, [Judgment("q", "a", 1)]), evaluate({}, [Judgment("r", "a", 1)]))
    plot_deltas(tmp_path / "empty.png", empty)
    rows = [Judgment(f"query number {i}", "a", 1) for i in range(60)]
    many = compare(
        evaluate({}, rows), evaluate({f"query number {i}": ["a"] for i in range(30)}, rows)
    )
    plot_deltas(tmp_path / "many.png", many)
    assert (tmp_path / "empty.png").stat().st_size > 0
    assert (tmp_path / "many.png").stat().st_size > 0
    write_report(tmp_path / "plain.json", evaluate({}, rows))
    assert "comparison" not in json.loads((tmp_path / "plain.json").read_text(encoding="utf-8"))
