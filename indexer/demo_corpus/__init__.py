"""Deterministic demo corpus of freelancer profiles, in the product's input format.

Why: the product demo, the relevance set and the benchmarks all need many profiles that look like
a real freelance marketplace (a title, skills and overview that belong together, stats that earn
or miss a badge, a few diversity certifications in every review state) without touching anyone's
personal data. The generator is deterministic so that a benchmark or a demo can be rebuilt byte
for byte, and a new user's first searches ("react developer", "logo design", "bookkeeping") find
the profiles they expect.

How: every profile ``i`` gets its own ``random.Random`` seeded from ``(seed, i)``, so profile
``i`` does not depend on how many profiles are generated, and the corpus streams in constant
memory. The tables are data files in ``indexer/demo_corpus_data`` (occupations and categories,
families, skills, skill certifications, countries, names, texts, diversity certifications), read
with the taxonomy (``domain/taxonomy_files.py``; O*NET titles as ``domain/occupation_titles.py``
reads them, as the index and the relevance set do) and the certifying-bodies registry
(``domain/certification_registry.py``) once per process (about half a second). Badges come from
the shared badge policy (``domain/badges.py``).

How the distributions were chosen (loosely modelled on public marketplace statistics; the
targets are for a 5,000-profile sample, see ``tests/unit/test_demo_corpus.py``): each part's
module gives its section of the spec, and its numbers as named constants next to the code that
draws with them (shares and weights of whole tables are in the data files):

* Occupation, title and title skill at load time: `occupations`, `skill_spellings`,
  `skill_weights` (the skill weights and leans); all tables: `tables`.
* Country and names: `people`.
* Hourly rate, activity (jobs, job success, first contract, earnings, completeness) and badges:
  `activity`.
* Title, skills and overview as drawn: `profile_text`.
* Skill and diversity certifications: `certifications`.
* The order of the draws, and the remaining fields: `profile`; the file format: `json_lines`.

Determinism: the output is byte-identical for the same ``(count, seed, as_of)`` on the same
CPython minor version (``random`` is stable across versions in practice, but not promised).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any, Final

from indexer.demo_corpus.json_lines import write_json_lines
from indexer.demo_corpus.profile import profile
from indexer.demo_corpus.tables import Tables, tables
from indexer.errors import DemoCorpusError

__all__ = ["DEFAULT_AS_OF", "generate_profiles", "write_demo_corpus", "write_json_lines"]

DEFAULT_AS_OF: Final = date(2026, 11, 1)


def generate_profiles(
    count: int, seed: int = 42, as_of: date | None = None
) -> Iterator[dict[str, Any]]:
    """Yield `count` demo profiles as JSON-ready dicts, lazily.

    Profile ``i`` depends only on ``(seed, i, as_of)``; ``as_of`` (default 2026-11-01) anchors
    every relative date, so the output never depends on today's date.
    """
    if count < 0:
        raise DemoCorpusError(f"count must be >= 0, got {count}")
    return _stream(tables(), count, seed, as_of or DEFAULT_AS_OF)


def _stream(t: Tables, count: int, seed: int, as_of: date) -> Iterator[dict[str, Any]]:
    for index in range(count):
        yield profile(t, seed, index, as_of)


def write_demo_corpus(
    path: Path,
    count: int,
    seed: int = 42,
    as_of: date | None = None,
    on_progress: Callable[[int], None] | None = None,
) -> int:
    """Write `count` profiles to `path` as JSON Lines; return the number written.

    ``on_progress(n)`` is called every 1,000 lines and once at the end.
    """
    return write_json_lines(path, generate_profiles(count, seed=seed, as_of=as_of), on_progress)
