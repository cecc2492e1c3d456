"""The one reader of O*NET titles (domain.occupation_titles): what the demo corpus draws, the
relevance set asks and the index matches are the same titles under the same key."""

from __future__ import annotations

from domain.occupation_titles import (
    OccupationTitles,
    alternate_title_occupations,
    alternate_titles_by_occupation,
    clean_title,
    title_key,
)
from domain.skill_mentions import without_js_suffix
from indexer.demo_corpus.data_files import data_yaml
from indexer.demo_corpus.tables import tables


def test_one_js_rule_reads_react_js_as_react() -> None:
    assert [without_js_suffix(w) for w in ("reactjs", "nodejs", "vuejs")] == [
        "react",
        "node",
        "vue",
    ]
    assert [without_js_suffix(w) for w in ("ejs", "d3js", "js", "react")] == [
        "ejs",
        "d3js",
        "js",
        "react",
    ]
    assert title_key("React.js Developer") == title_key("ReactJS developer") == "react developer"
    assert title_key("EJS") == "ejs"  # a template language of its own, not "E"


def test_titles_are_read_as_people_write_them() -> None:
    assert clean_title("Software Developer (Applications)") == "Software Developer"
    assert clean_title("General Educational Development (GED) Examiner") == (
        "General Educational Development Examiner"
    )
    titles = alternate_titles_by_occupation()
    assert "Information Developer" in titles["27-3042.00"]  # Technical Writers
    for code, names in titles.items():
        assert len(set(names)) == len(names), code
        assert all(name and "(" not in name for name in names), code


def test_the_index_and_the_relevance_set_read_every_o_net_title_of_the_demo_corpus_alike() -> None:
    """A demo profile titled with an O*NET title carries that occupation in the index and in
    the relevance set; only the marketplace titles O*NET lacks ("Shopify Developer") may name
    none."""
    index = OccupationTitles.from_taxonomy()
    extra = {
        str(title)
        for row in data_yaml("occupations.yaml")["occupations"]
        for title in row.get("extra_titles") or ()
    }
    for occupation in tables().occupations:
        onet = set(alternate_titles_by_occupation()[occupation.code])
        for title in occupation.titles:
            assert title in onet or title in extra, title
            if title in onet:
                assert occupation.code in index.occupations_of(title_key(title)), title
                assert occupation.code in alternate_title_occupations()[title_key(title)], title
