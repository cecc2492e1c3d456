"""No set order leaks into generated data: a fresh interpreter under another PYTHONHASHSEED writes
the same bytes. Integration, not unit: each test starts a Python process (and builds the skill
vocabulary there).
"""

from __future__ import annotations

import json
from pathlib import Path

from domain.skill_vocabulary import SkillVocabulary
from indexer.demo_corpus import generate_profiles, write_demo_corpus
from relevance.relevance_set import build_relevance_set, write_relevance_set
from tests.integration.hash_seed import run_with_another_hash_seed


def test_output_does_not_depend_on_the_hash_seed(tmp_path: Path) -> None:
    """No set or frozenset order leaks into the corpus: another PYTHONHASHSEED, same bytes."""
    script = (
        "import sys\n"
        "from indexer.demo_corpus import write_demo_corpus\n"
        "write_demo_corpus(sys.argv[1], 300, seed=5)\n"
    )
    there = tmp_path / "other.jsonl"
    run_with_another_hash_seed(script, there)
    here = tmp_path / "here.jsonl"
    write_demo_corpus(here, 300, seed=5)
    assert there.read_bytes() == here.read_bytes()


def test_the_relevance_set_does_not_depend_on_the_hash_seed(tmp_path: Path) -> None:
    """Sets are never iterated unsorted: another PYTHONHASHSEED gives the same file."""
    script = (
        "import sys\n"
        "from indexer.demo_corpus import generate_profiles\n"
        "from domain.skill_vocabulary import SkillVocabulary\n"
        "from relevance.relevance_set import build_relevance_set, write_relevance_set\n"
        "rows = build_relevance_set(generate_profiles(400), SkillVocabulary.load_default())\n"
        "write_relevance_set(sys.argv[1], rows)\n"
    )
    out = tmp_path / "other.csv"
    run_with_another_hash_seed(script, out)
    here = tmp_path / "here.csv"
    write_relevance_set(
        here, build_relevance_set(generate_profiles(400), SkillVocabulary.load_default())
    )
    assert out.read_bytes() == here.read_bytes()


TUNE_SCRIPT = """\
import json, sys
from ranking.ranking_profile import RankingProfile
from relevance.tuning.cross_validation import cross_validate
from relevance.tuning.evaluator import CachedEvaluator
from relevance.tuning.space import search_space
from tests.fake_engine import FakeEngine, fake_judgments
engine = FakeEngine()
judgments = fake_judgments(engine)
evaluator = CachedEvaluator(engine.plan, engine.msearch, judgments)
base = RankingProfile(name="base", version=1)
data = cross_validate(search_space(base), base, evaluator, folds=3, trials=15, seed=9).to_dict()
keep = ("cross_validated", "final", "trial_log", "held_out_queries")
open(sys.argv[1], "w").write(json.dumps({k: data[k] for k in keep}, sort_keys=True))
"""


def test_a_seeded_tuning_run_does_not_depend_on_the_hash_seed(tmp_path: Path) -> None:
    """`tune --seed` reproduces across processes, not only within one: the study once drew its
    nudges in a set's order, so CI's interpreter found another profile than ours."""
    first, second = tmp_path / "first.json", tmp_path / "second.json"
    run_with_another_hash_seed(TUNE_SCRIPT, first)
    run_with_another_hash_seed(TUNE_SCRIPT, second, hash_seed=11)
    assert json.loads(first.read_text()) == json.loads(second.read_text())
