"""The demo job posts: valid, deterministic, count-independent, and titles that match their tags."""

from __future__ import annotations

import itertools
import json
import re
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from indexer.demo_job_posts import (
    _plans,
    _post,
    _start,
    _title_name,
    demo_job_posts,
    write_demo_job_posts,
)
from indexer.job_post_input import JobPostInput

SEED = 42
Post = dict[str, Any]


@pytest.fixture(scope="module")
def sample() -> list[tuple[Post, tuple[str, ...]]]:
    """Posts with the skills their titles name (generation is cheap)."""
    plans = _plans()
    return [_post(plans, SEED, index) for index in range(3000)]


@pytest.fixture(scope="module")
def posts(sample: list[tuple[Post, tuple[str, ...]]]) -> list[Post]:
    return [post for post, _ in sample]


def test_data_names_only_what_the_occupations_have() -> None:
    assert _plans().problems == ()


def test_same_seed_gives_identical_bytes(tmp_path: Path) -> None:
    first, again, other = tmp_path / "a.jsonl", tmp_path / "b.jsonl", tmp_path / "c.jsonl"
    assert write_demo_job_posts(first, 500, seed=SEED) == 500
    write_demo_job_posts(again, 500, seed=SEED)
    write_demo_job_posts(other, 500, seed=SEED + 1)
    assert first.read_bytes() == again.read_bytes()
    assert first.read_bytes() != other.read_bytes()


def test_post_i_does_not_depend_on_count(tmp_path: Path) -> None:
    short, long = tmp_path / "short.jsonl", tmp_path / "long.jsonl"
    write_demo_job_posts(short, 200, seed=SEED)
    write_demo_job_posts(long, 1200, seed=SEED)
    assert long.read_bytes().startswith(short.read_bytes())


def test_generation_is_lazy() -> None:
    stream = demo_job_posts(10**9, seed=SEED)
    assert [post["id"] for post in itertools.islice(stream, 3)] == [
        "jp-0000001",
        "jp-0000002",
        "jp-0000003",
    ]


def test_progress_is_reported(tmp_path: Path) -> None:
    seen: list[int] = []
    write_demo_job_posts(tmp_path / "p.jsonl", 2500, on_progress=seen.append)
    assert seen == [1000, 2000, 2500]


def test_every_post_is_valid_input(posts: list[Post]) -> None:
    for post in posts:
        parsed = JobPostInput.model_validate(post)
        assert parsed.model_dump(mode="json", exclude_none=True) == post
        assert 0 < len(post["title"]) <= 200 and post["title"] == post["title"].strip()
        assert 2 <= len(post["skills"]) <= 8
        assert len({s.casefold() for s in post["skills"]}) == len(post["skills"])
        assert post["posted_at"][:4] in ("2025", "2026")
        assert date.fromisoformat(post["posted_at"]) < date(2026, 11, 1)
    ids = [post["id"] for post in posts]
    assert ids == [f"jp-{i:07d}" for i in range(1, len(posts) + 1)]


def test_the_skills_a_title_names_are_tagged_first(
    sample: list[tuple[Post, tuple[str, ...]]],
) -> None:
    for post, named in sample:
        assert post["skills"][: len(named)] == list(named), post
    assert sum(1 for _, named in sample if named) > 0.6 * len(sample)  # most titles name one


@pytest.mark.parametrize(
    ("pattern", "skill"),
    [
        (r"\bWord[Pp]ress\b", "WordPress"),
        (r"\bShopify\b", "Shopify"),
        (r"\bQuickBooks\b", "Intuit QuickBooks"),
        (r"(?i)\bbookkeep", "Bookkeeping"),
        (r"\bReact(JS|\.js)?\b(?! ?Native)", "React"),
        (r"^Logo\b", "Logo Design"),
        (r"\bFigma\b", "Figma"),
    ],
)
def test_marketplace_classics_are_tagged(posts: list[Post], pattern: str, skill: str) -> None:
    titled = [post for post in posts if re.search(pattern, post["title"])]
    assert len(titled) >= 5, pattern
    assert [p["title"] for p in titled if skill not in p["skills"]] == []


def test_tags_are_the_occupations_own(posts: list[Post]) -> None:
    plans = _plans()
    for index, post in enumerate(posts):
        plan = _start(plans, SEED, index)[1]
        assert set(post["skills"]) <= plan.held, post


def test_a_named_skill_is_written_in_the_title() -> None:
    """Titles that write a skill write it as a client does ("QuickBooks", not "Intuit ...")."""
    plans = _plans()
    posts = [_post(plans, SEED, index)[0] for index in range(3000)]
    titles = " ".join(post["title"] for post in posts)
    assert "Intuit QuickBooks" not in titles and "QuickBooks" in titles
    assert "Structured query language" not in titles
    assert _title_name("Amazon Web Services AWS software", plans.title_names) == "AWS"
    assert _title_name("conduct search engine optimisation", plans.title_names) == "SEO"


def test_titles_are_varied(posts: list[Post]) -> None:
    titles = Counter(post["title"] for post in posts)
    assert len(titles) > 0.5 * len(posts)
    assert titles.most_common(1)[0][1] < 0.01 * len(posts)
    families = Counter(
        _start(_plans(), SEED, index)[1].occupation.family for index in range(len(posts))
    )
    assert len(families) >= 25  # every family of the profile generator posts


def test_first_demo_queries_have_posts(posts: list[Post]) -> None:
    """The demo's first searches find past posts to learn from."""
    text = "\n".join(post["title"].lower() for post in posts)
    for needle in ("react", "shopify", "bookkeep", "logo design", "virtual assistant", "golang"):
        assert needle in text, needle


def test_tags_average_four_to_five(posts: list[Post]) -> None:
    mean = sum(len(post["skills"]) for post in posts) / len(posts)
    assert 4.0 <= mean <= 5.2
    described = sum("description" in post for post in posts) / len(posts)
    assert 0.55 <= described <= 0.75


def test_the_file_is_json_lines(tmp_path: Path) -> None:
    path = tmp_path / "posts.jsonl"
    write_demo_job_posts(path, 50, seed=7)
    lines = path.read_text(encoding="utf-8").splitlines()
    assert [json.loads(line) for line in lines] == list(demo_job_posts(50, seed=7))


def test_negative_count_is_rejected() -> None:
    with pytest.raises(ValueError, match="count"):
        demo_job_posts(-1)
