"""indexer.profile_lines: worker processes build what one process builds, line for line (no
engine, no model; real worker processes)."""

from __future__ import annotations

import json
import pickle
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from domain.skill_vocabulary import SkillVocabulary
from indexer.demo_corpus import write_demo_corpus
from indexer.document_builder import BuildReport, DocumentBuilder
from indexer.profile_lines import Built, Outcome, Refused, built_in_process, built_in_workers
from indexer.profile_vectors import with_field
from tests.factories import certification, document_builder, profile

CERT = "NMSDC-2024-118233"


def _line(row: dict[str, Any]) -> bytes:
    return (json.dumps(row) + "\n").encode()


def _corpus(path: Path) -> Path:
    """A demo corpus with what makes lines differ from one another planted in it: bad lines,
    blank lines, certificate-number rejects, an id given twice, and an unknown skill spelled
    three ways (first as "zorbl.crafting") in lines that land in different batches, with a
    title naming it before and after it is learned."""
    demo = path.with_suffix(".demo")
    write_demo_corpus(demo, 300)
    lines = demo.read_bytes().splitlines(keepends=True)
    first = json.loads(lines[0])
    planted: dict[int, list[bytes]] = {
        1: [_line(profile(id="t-before", title="Zorbl Crafting Lead", skills=["Python"]))],
        4: [_line(profile(id="z-1", skills=["zorbl.crafting", "Python"]))],
        9: [b"not json\n", b"\n", b"   \n", b'{"id": "x", "name": "\xff\xfe"}\n'],
        20: [_line(profile(id="no-skills", skills=[]))],
        33: [_line(profile(id="z-2", title="Zorbl Crafting Lead", skills=["Zorbl Crafting"]))],
        47: [
            _line(
                profile(
                    id="cert-title",
                    title=CERT,
                    diversity_certifications=[certification(certificate_number=CERT)],
                )
            )
        ],
        58: [_line(first | {"skills": ["ZORBL crafting", "Kubernetes", "Quux Wrangling"]})],
        71: [_line(profile(id="z-3", title="Quux Wrangling and Zorbl Crafting", skills=["Go"]))],
        90: [_line(profile(id="t-new", title="Zorbl Crafting Lead Dev", skills=["Rust"]))],
    }
    with path.open("wb") as out:
        for number, line in enumerate(lines):
            out.writelines(planted.get(number, []))
            out.write(line)
    return path


def _run(path: Path, workers: int) -> tuple[list[Any], BuildReport, list[tuple[str, str]]]:
    builder = document_builder()
    builder.count_title_words()  # as built_lines does, before either way of building
    report = BuildReport()
    if workers:
        outcomes = list(built_in_workers(path, builder, report, workers, batch_lines=16))
    else:
        outcomes = list(built_in_process(path, builder, report))
    learned = [(entry.id, entry.label) for entry in builder.vocabulary.learned()]
    return [_comparable(o) for o in outcomes], report, learned


def _comparable(outcome: Outcome) -> Any:
    if isinstance(outcome, Refused):
        assert outcome.pending is None  # settled
        return ("refused", outcome.reject)
    assert isinstance(outcome, Built) and outcome.pending is None
    document = json.loads(outcome.source)
    assert document["skill_ids"] == outcome.skill_ids
    assert document["skill_labels"] == outcome.skill_labels
    del document["indexed_at"]  # the time it was built
    return ("built", outcome.line, outcome.id, document)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _corpus(tmp_path_factory.mktemp("lines") / "profiles.jsonl")


@pytest.fixture(scope="module")
def serial(corpus: Path) -> tuple[list[Any], BuildReport, list[tuple[str, str]]]:
    return _run(corpus, workers=0)


def test_the_planted_lines_do_what_they_are_for(
    serial: tuple[list[Any], BuildReport, list[tuple[str, str]]],
) -> None:
    outcomes, report, learned = serial
    refused = {o[1].id: o[1] for o in outcomes if o[0] == "refused"}
    built = {o[2]: o[3] for o in outcomes if o[0] == "built"}
    assert refused["cert-title"].field == "title" and refused["no-skills"].field == "skills"
    assert sum(1 for o in outcomes if o[0] == "refused" and o[1].id is None) == 2
    assert ("zorblcrafting", "zorbl.crafting") in learned  # the first spelling in the input
    assert built["z-2"]["skill_ids"] == ["zorblcrafting"]
    assert built["z-2"]["skill_labels"] == ["zorbl.crafting"]
    # a title is read once: before the skill was learned, after, and a new title after
    assert "zorblcrafting" not in built["t-before"]["title_skill_ids"]
    assert "zorblcrafting" not in built["z-2"]["title_skill_ids"]  # the same title: kept
    assert "zorblcrafting" in built["t-new"]["title_skill_ids"]
    assert {"zorblcrafting", "quux wrangling"} <= set(built["z-3"]["title_skill_ids"])
    assert [o[2] for o in outcomes if o[0] == "built"].count(built["z-1"]["id"]) == 1
    ids = [o[2] for o in outcomes if o[0] == "built"]
    assert len(ids) - len(set(ids)) == 1  # the first demo profile, given twice
    assert report.skill_matches["new"] == len(learned)


@pytest.mark.parametrize("workers", [2])
def test_workers_build_what_one_process_builds(
    corpus: Path, serial: tuple[list[Any], BuildReport, list[tuple[str, str]]], workers: int
) -> None:
    outcomes, report, learned = _run(corpus, workers)
    assert outcomes == serial[0]
    assert report == serial[1]
    assert learned == serial[2]


def test_a_vocabulary_that_does_not_learn_gives_the_entry_it_would_learn() -> None:
    vocabulary = SkillVocabulary.load_default().copy()
    size = len(vocabulary)
    provisional, kind = vocabulary.canonicalise("Quux Wrangling", learn=False)
    assert kind == "new" and len(vocabulary) == size and vocabulary.learned() == []
    learned, kind = vocabulary.canonicalise("Quux Wrangling")
    assert (learned, kind) == (provisional, "new")
    copy: SkillVocabulary = pickle.loads(pickle.dumps(vocabulary))
    assert copy.learned() == [learned]
    assert copy.canonicalise("quux wrangling") == (learned, "normalised")


def test_a_worker_builder_is_sent_without_caches_and_with_the_title_word_table() -> None:
    builder = document_builder()
    builder.read_title("React.js Developer")
    sent = builder.unused_copy()
    received: DocumentBuilder = pickle.loads(pickle.dumps(sent))
    assert "_titles_read" not in received.__dict__
    assert received.title_word_names == builder.count_title_words()
    assert received.read_title("React.js Developer").skill_ids == ["react"]


def test_reports_add_up_without_zero_counts() -> None:
    total = BuildReport(skill_matches=Counter({"exact": 2}))
    total.add(BuildReport(skill_matches=Counter({"exact": 1, "new": 0}), badges=Counter(a=1)))
    assert total.skill_matches == Counter({"exact": 3}) and "new" not in total.skill_matches
    assert total.badges == Counter(a=1)


def test_a_field_is_appended_to_a_serialised_document() -> None:
    assert json.loads(with_field('{"id":"a"}', "v", [0.5, 1.0])) == {"id": "a", "v": [0.5, 1.0]}
    assert json.loads(with_field("{}", "v", [])) == {"v": []}
    with pytest.raises(ValueError):
        with_field("[1]", "v", 1)
