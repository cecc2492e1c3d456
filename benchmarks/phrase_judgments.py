"""Phrase and typo variants of a dev set's skill queries: how clients really type them.

    .venv/bin/python benchmarks/phrase_judgments.py dev-judgments.csv phrase-judgments.csv

The dev set (`talent-search build-judgments`) asks for skills by name ("ActionScript") or alias
("Postgres"). Clients type "ActionScript developer", "need a Postgres expert", "pyhton". This
writes, for every `skill_name` and `esco_alias` query, a `phrase` query (the skill inside one of
three client phrasings) and, for one-word queries of at least five letters, a `typo` query (two
inner letters swapped), each with the original query's judgments. Deterministic. Evaluate with
`talent-search eval --judgments phrase-judgments.csv --profile default --compare no-phrases`.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from pathlib import Path

import typer

PHRASINGS = ("{} developer", "need a {} expert", "looking for {} help")
SOURCE_FAMILIES = ("skill_name", "esco_alias")


def typo(query: str) -> str | None:
    """Swap the two letters in the middle of a one-word query ("python" -> "pyhton")."""
    if " " in query or len(query) < 5 or not query.isalpha():
        return None
    i = len(query) // 2
    if query[i - 1] == query[i]:
        return None
    return query[: i - 1] + query[i] + query[i - 1] + query[i + 1 :]


def main(judgments: Path, out: Path) -> None:
    by_query: dict[str, list[dict[str, str]]] = defaultdict(list)
    with judgments.open(newline="") as handle:
        for row in csv.DictReader(handle):
            if row.get("family") in SOURCE_FAMILIES:
                by_query[row["query"]].append(row)
    counts: dict[str, int] = defaultdict(int)
    with out.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["query", "docid", "rating", "family"])
        for n, (query, rows) in enumerate(sorted(by_query.items())):
            variants = [(PHRASINGS[n % len(PHRASINGS)].format(query), "phrase")]
            misspelt = typo(query)
            if misspelt is not None:
                variants.append((misspelt, "typo"))
            for text, family in variants:
                counts[family] += 1
                for row in rows:
                    writer.writerow([text, row["docid"], row["rating"], family])
    print(f"wrote {out}: " + ", ".join(f"{f} {c} queries" for f, c in sorted(counts.items())))


if __name__ == "__main__":
    typer.run(main)
