"""Exposure in `talent-search eval`: the groups an evaluation may see, and how it shows them.

Why a module of its own: `relevance.exposure` computes the measures from plain data; this reads
each ranked or judged profile's groups from the index and draws the tables. Badges are public,
so every evaluation reports them. Certification is reported only in an enterprise-context
evaluation (`--enterprise`, or `--representative`), by the rule of the enterprise badge
(`ranking.search_filters.counting_categories`), as "certified" / "not_certified".
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Final

from opensearchpy import OpenSearch
from rich.table import Table

from ranking.search_filters import GRANTS_FIELD, counting_categories
from relevance.evaluation import Judgments
from relevance.exposure import NO_VALUE, SKEW_TOLERANCE, TOP_K, ExposureReport, exposure_report

BADGE: Final = "badge"
CERTIFICATION: Final = "certification"
_ID_CHUNK: Final = 1000


def group_attributes(
    client: OpenSearch,
    index: str,
    ids: Iterable[str],
    enterprise: bool,
    as_of: date,
    enabled_countries: list[str],
) -> dict[str, dict[str, str]]:
    """Attribute -> profile id -> value, for the attributes the evaluation's context may see."""
    wanted = sorted(set(ids))
    fields = ["badge", *([GRANTS_FIELD] if enterprise else [])]
    badges: dict[str, str] = {}
    certified: dict[str, str] = {}
    for start in range(0, len(wanted), _ID_CHUNK):
        chunk = wanted[start : start + _ID_CHUNK]
        body = {"query": {"ids": {"values": chunk}}, "size": len(chunk), "_source": fields}
        for hit in client.search(index=index, body=body)["hits"]["hits"]:
            src = hit.get("_source") or {}
            badges[hit["_id"]] = src.get("badge") or NO_VALUE
            if enterprise:
                held = counting_categories(src.get(GRANTS_FIELD) or [], as_of, enabled_countries)
                certified[hit["_id"]] = "certified" if held else "not_certified"
    for doc in wanted:  # a judged profile the index lacks holds neither
        badges.setdefault(doc, NO_VALUE)
        certified.setdefault(doc, "not_certified")
    attributes = {BADGE: badges}
    if enterprise:
        attributes[CERTIFICATION] = certified
    return attributes


def exposure_reports(
    run: Mapping[str, list[str]],
    attributes: Mapping[str, Mapping[str, str]],
    judgments: Judgments,
) -> dict[str, ExposureReport]:
    return {
        name: exposure_report(name, run, values, judgments.ratings)
        for name, values in attributes.items()
    }


def exposure_table(reports: Mapping[str, ExposureReport], title: str) -> Table:
    """Per attribute: representative share, within-tolerance share, NDKL; and per value its
    share of the top-k slots against its share among the relevant profiles."""
    table = Table(title=f"{title}: exposure (pool = the first 50 of each ranking)")
    table.add_column("group")
    table.add_column(f"top-{TOP_K} slots", justify="right")
    table.add_column("relevant", justify="right")
    table.add_column("at its floor", justify="right")
    table.add_column(f"representative@{TOP_K}", justify="right")
    table.add_column(f"min skew@{TOP_K} >= {SKEW_TOLERANCE}", justify="right")
    table.add_column("NDKL", justify="right")
    for name, report in reports.items():
        table.add_row(
            f"[b]{name}[/]",
            "",
            "",
            "",
            f"{report.representative_share:.1%}",
            f"{report.within_tolerance_share:.1%}",
            f"{report.mean_ndkl:.4f}",
        )
        slots, relevant = report.slot_shares(), report.relevant_shares()
        held = report.at_floor_shares()
        for value in sorted(set(slots) | set(relevant)):
            table.add_row(
                f"  {value}",
                f"{slots.get(value, 0):.1%}",
                f"{relevant.get(value, 0):.1%}",
                f"{held[value]:.1%}" if value in held else "",
            )
    return table


def exposure_changes(
    baseline: Mapping[str, ExposureReport], candidate: Mapping[str, ExposureReport]
) -> dict[str, dict[str, dict[str, float]]]:
    """Per attribute and measure: baseline, candidate and delta (for `--compare`)."""
    changes: dict[str, dict[str, dict[str, float]]] = {}
    for name, report in candidate.items():
        before = baseline.get(name)
        if before is None:
            continue
        measures = {
            f"representative@{TOP_K}": (before.representative_share, report.representative_share),
            f"min_skew@{TOP_K}>={SKEW_TOLERANCE}": (
                before.within_tolerance_share,
                report.within_tolerance_share,
            ),
            "ndkl": (before.mean_ndkl, report.mean_ndkl),
        }
        for value, share in report.slot_shares().items():
            measures[f"slot_share@{TOP_K}[{value}]"] = (before.slot_shares().get(value, 0.0), share)
        changes[name] = {
            measure: {"baseline": a, "candidate": b, "delta": b - a}
            for measure, (a, b) in measures.items()
        }
    return changes


def changes_table(
    changes: Mapping[str, Mapping[str, Mapping[str, float]]],
    ndcg: Mapping[str, float],
    baseline: str,
    candidate: str,
) -> Table:
    """The exposure change beside the nDCG@10 change."""
    table = Table(title=f"{candidate} against {baseline}: exposure beside relevance")
    table.add_column("measure")
    table.add_column(baseline, justify="right")
    table.add_column(candidate, justify="right")
    table.add_column("\N{GREEK CAPITAL LETTER DELTA}", justify="right")
    table.add_row(
        "ndcg@10",
        f"{ndcg['baseline_mean']:.4f}",
        f"{ndcg['candidate_mean']:.4f}",
        f"{ndcg['mean_delta']:+.4f}",
    )
    for name, measures in changes.items():
        for measure, row in measures.items():
            table.add_row(
                f"{name} {measure}",
                f"{row['baseline']:.4f}",
                f"{row['candidate']:.4f}",
                f"{row['delta']:+.4f}",
            )
    return table
