"""What each line of a profiles file becomes, in input order: its document, as JSON, or its reject.

`built_lines` reads, validates and builds in this process (`workers=0`), or in worker processes
while this one streams bulk requests (indexer.ordered_pool: bounded, in order, always shut
down). Either way each non-blank line gives one outcome, in input order, and whatever building
one line raises is that line's reject. A document leaves the builder serialised
(`model_dump_json`), so the bulk loader sends the string as it is.

Workers and the skill vocabulary. The vocabulary learns unknown skills, and what a skill is
learned as depends on the lines before it (the first spelling becomes the label; a later
spelling that normalises alike maps to it); titles are read against the vocabulary as it is
when a title is first read, learned skills included ("Microsoft Project & SharePoint" names
SharePoint once a profile's skills taught it). So a worker never learns: it reads skills and
titles against a copy of the vocabulary as it was when the run started (`learn=False`: an
unknown skill gets the entry it would be learned as, provisionally), and says which of a line's
skills it did not know (`PendingSkills`) and which of its title's word groups it found nothing
for (`TitleReading.unmatched`). This process then takes the outcomes in input order
(`OutcomeSettler`): it reads the unknown skills again with its own vocabulary, learning them as
a run without workers does, and reads a title again when a skill learned in this run could be
named in it, with the same keep-the-first-reading cache. A name the starting vocabulary
matches is matched the same way whatever is learned later (learning only adds names nothing
matched), so no other line needs a second look. The learned entries and their labels, each
document's `skill_ids`, `skill_labels`, `title_skill_ids` and `title_occupations`, and every
count are then those of a run without workers; the table that says whether one alias word in
a title counts (domain.skill_mentions, GENERIC_WORD_NAMES) is counted once before the run
(`DocumentBuilder.count_title_words`) and sent to the workers.

Where a run with workers can still differ from one without, both for lines that fail while
being built (none does for a validated profile with the shipped code):
- a line whose skill reading itself fails part-way (only a blank skill name fails, and
  validation refuses those first) teaches, without workers, the unknown skills listed before the
  failing one; with workers it teaches none. A line that fails after its skills were read
  teaches them either way;
- a line that fails after its title was read leaves that reading in the cache without workers
  (a later line with the same title then gets it), not with them.
`indexed_at` is the time each document was built, as ever.
"""

from __future__ import annotations

import json
import pickle
from collections import Counter
from collections.abc import Generator, Iterator
from contextlib import closing
from dataclasses import dataclass, replace
from itertools import islice
from pathlib import Path
from typing import Final, NamedTuple

from domain.skill_names import compact_key
from indexer.certificate_numbers import CertificateNumberInText, without_certificate_numbers
from indexer.document_builder import (
    BuildReport,
    DocumentBuilder,
    SkillReading,
    TitleReading,
    unmatched_key,
)
from indexer.errors import IndexerUsageError
from indexer.ordered_pool import ordered_map
from indexer.profile_input import ProfileInput
from indexer.profile_reader import ReadProfile, Reject, parse_bytes, read_profiles

BATCH_LINES: Final = 250  # input lines per batch sent to a worker
BATCHES_PER_WORKER: Final = 2  # in flight per worker: one being built, one waiting


@dataclass(frozen=True)
class PendingSkills:
    """A line's skills as read (certificate numbers removed), and the positions of those the
    worker's vocabulary did not know: read again, in input order, by the owning process."""

    skills: tuple[str, ...]
    unknown: tuple[int, ...]


class Built(NamedTuple):
    """A line's document, serialised, with what the indexing run needs to know about it (a
    tuple: a worker sends one per line, and a tuple unpickles in a third of a dataclass's time)."""

    line: int
    id: str
    source: str  # the document as JSON (the bulk loader sends a str as it is)
    skill_ids: list[str]
    skill_labels: list[str]
    title: str
    title_reading: TitleReading
    pending: PendingSkills | None = None


@dataclass(frozen=True)
class Refused:
    reject: Reject
    pending: PendingSkills | None = None  # a line that failed after its skills were read


Outcome = Built | Refused


def built_lines(
    source: Path, builder: DocumentBuilder, report: BuildReport, workers: int = 0
) -> Generator[Outcome, None, None]:
    """Every non-blank line of `source`, in order: built by `workers` processes, or in this
    one when 0. Counts go to `report`; the skills learned, to `builder.vocabulary`."""
    builder.count_title_words()
    if workers == 0:
        return built_in_process(source, builder, report)
    return built_in_workers(source, builder, report, workers)


def built_in_process(
    source: Path, builder: DocumentBuilder, report: BuildReport
) -> Generator[Outcome, None, None]:
    for item in read_profiles(source):
        yield Refused(item) if isinstance(item, Reject) else build_line(builder, item, report)


def built_in_workers(
    source: Path,
    builder: DocumentBuilder,
    report: BuildReport,
    workers: int,
    batch_lines: int = BATCH_LINES,
) -> Generator[Outcome, None, None]:
    batches = ordered_map(
        build_batch,
        line_batches(source, batch_lines),
        workers,
        max_in_flight=BATCHES_PER_WORKER * workers,
        initializer=start_worker,
        # pickled once here, not once per worker process started (the vocabulary is ~20 MB)
        initargs=(pickle.dumps(builder.unused_copy(), pickle.HIGHEST_PROTOCOL),),
    )
    settle = OutcomeSettler(builder, report)
    with closing(batches):
        for batch in batches:
            report.add(batch.report)
            for outcome in batch.outcomes:
                yield settle(outcome)


def build_line(
    builder: DocumentBuilder, item: ReadProfile, report: BuildReport, learn: bool = True
) -> Outcome:
    """One validated line's document, or its reject: whatever building it raises."""
    profile = item.profile
    skills: SkillReading | None = None
    try:
        profile = without_certificate_numbers(profile, report.certificate_numbers_removed)
        skills = builder.read_skills(profile.skills, report.skill_matches, learn)
        doc = builder.document(profile, skills, report)
        source = doc.model_dump_json(exclude_none=True)
    except CertificateNumberInText as exc:
        reject = Reject(item.line, item.profile.id, exc.field, str(exc))
        return Refused(reject, _pending(profile, skills, report, learn))
    except Exception as exc:  # whatever one line raises is that line's reject
        reason = f"could not be built: {type(exc).__name__}: {str(exc)[:200]}"
        reject = Reject(item.line, item.profile.id, "(line)", reason)
        return Refused(reject, _pending(profile, skills, report, learn))
    pending = _pending(profile, skills, report, learn)
    reading = builder.read_title(doc.title)  # kept from `document`: a dictionary hit
    return Built(
        item.line, doc.id, source, doc.skill_ids, doc.skill_labels, doc.title, reading, pending
    )


def _pending(
    profile: ProfileInput, skills: SkillReading | None, report: BuildReport, learn: bool
) -> PendingSkills | None:
    """The skills to read again in the owning process; their counts are taken back from
    `report` (the owning process counts them as it finds them)."""
    if learn or skills is None or "new" not in skills.kinds:
        return None
    unknown = tuple(i for i, kind in enumerate(skills.kinds) if kind == "new")
    report.skill_matches["new"] -= len(unknown)
    return PendingSkills(tuple(profile.skills), unknown)


class OutcomeSettler:
    """Takes workers' outcomes in input order and makes them what a run without workers gives
    (see the module's docstring): learns their unknown skills in `builder.vocabulary`, reads
    again a title a skill learned in this run could be named in, corrects the document and
    the "how found" counts in `report`."""

    def __init__(self, builder: DocumentBuilder, report: BuildReport) -> None:
        self.builder = builder
        self.report = report
        self.learned_keys: set[int] = set()  # unmatched_key of each skill learned in this run

    def __call__(self, outcome: Outcome) -> Outcome:
        try:
            skills = self._learn(outcome.pending)
            if isinstance(outcome, Refused):
                return replace(outcome, pending=None) if outcome.pending else outcome
            title = outcome.title_reading
            if title.may_name(self.learned_keys):
                reading = self.builder.read_title(outcome.title)
            else:
                reading = self.builder.read_title(outcome.title, title)
        except Exception as exc:  # as in build_line: that line's reject
            if isinstance(outcome, Refused):
                return replace(outcome, pending=None)
            reason = f"could not be built: {type(exc).__name__}: {str(exc)[:200]}"
            return Refused(Reject(outcome.line, outcome.id, "(line)", reason))
        return _corrected(outcome, skills, reading)

    def _learn(self, pending: PendingSkills | None) -> SkillReading | None:
        if pending is None:
            return None
        vocabulary = self.builder.vocabulary
        skills = self.builder.read_skills(pending.skills, Counter())
        for position in pending.unknown:
            kind = skills.kinds[position]
            self.report.skill_matches[kind] += 1
            if kind == "new":
                entry, _ = vocabulary.canonicalise(pending.skills[position])
                self.learned_keys.add(unmatched_key(compact_key(entry.id)))
        return skills


def _corrected(built: Built, skills: SkillReading | None, title: TitleReading) -> Built:
    changes: dict[str, list[str]] = {}
    if skills is not None and (skills.ids, skills.labels) != (built.skill_ids, built.skill_labels):
        changes["skill_ids"], changes["skill_labels"] = skills.ids, skills.labels
    read = built.title_reading
    if (title.skill_ids, title.occupations) != (read.skill_ids, read.occupations):
        changes["title_skill_ids"], changes["title_occupations"] = (
            title.skill_ids,
            title.occupations,
        )
    if not changes:
        return built._replace(pending=None) if built.pending else built
    document = json.loads(built.source)
    document.update(changes)
    return built._replace(
        source=json.dumps(document, ensure_ascii=False, separators=(",", ":")),
        skill_ids=changes.get("skill_ids", built.skill_ids),
        skill_labels=changes.get("skill_labels", built.skill_labels),
        title_reading=title,
        pending=None,
    )


# -- in a worker process -------------------------------------------------------------------


@dataclass(frozen=True)
class LineBatch:
    first_line: int  # the number of lines[0] in the file (from 1)
    lines: list[bytes]


@dataclass(frozen=True)
class BuiltBatch:
    outcomes: list[Outcome]
    report: BuildReport


def line_batches(source: Path, size: int) -> Iterator[LineBatch]:
    """The file's lines as read (blank ones too, so that line numbers stay right)."""
    with source.open("rb") as fh:
        first = 1
        while lines := list(islice(fh, size)):
            yield LineBatch(first, lines)
            first += len(lines)


_worker_builder: DocumentBuilder | None = None


def start_worker(builder: bytes) -> None:
    """A worker's one builder (pickled), for every batch it builds (its caches fill as it
    goes)."""
    global _worker_builder
    _worker_builder = pickle.loads(builder)  # this process pickled it


def build_batch(batch: LineBatch) -> BuiltBatch:
    """In a worker: each non-blank line's outcome, skills read without learning."""
    builder = _worker_builder
    if builder is None:
        raise IndexerUsageError("build_batch runs in a worker started by start_worker")
    return build_batch_with(builder, batch)


def build_batch_with(builder: DocumentBuilder, batch: LineBatch) -> BuiltBatch:
    report = BuildReport()
    outcomes: list[Outcome] = []
    for offset, data in enumerate(batch.lines):
        line = batch.first_line + offset
        parsed = parse_bytes(line, data, ProfileInput)
        if parsed is None:
            continue
        if isinstance(parsed, Reject):
            outcomes.append(Refused(parsed))
        else:
            outcomes.append(build_line(builder, ReadProfile(line, parsed), report, learn=False))
    return BuiltBatch(outcomes, report)
