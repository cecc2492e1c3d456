"""Tests for the canonical skill vocabulary (domain/skill_vocabulary.py and its build).

Tests that learn skills use `copy()` or `from_entries`, never the shared default instance.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.skill_vocabulary import SkillEntry, SkillVocabulary, normalise_skill

# Text that exercises the normalisation rules: case, width, marks, the kept '+', '#', '.'.
_TRICKY = st.text(
    alphabet=st.sampled_from(
        [
            *"aAbBcC1234 .+#&'`-_/()!?,\t\n",
            *"\u2019\u0301\u00e9\u00c9\u00df\ufb01\uff23\uff0b\u0130\u01c5\u00a0\u0661",
            *"\u00b2\u03c2\u03a3",
        ]
    ),
    max_size=30,
)


@pytest.fixture(scope="module")
def vocab() -> Iterator[SkillVocabulary]:
    shared = SkillVocabulary.load_default()
    yield shared
    assert shared.learned() == [], "a test taught the shared default vocabulary"


def _small() -> SkillVocabulary:
    return SkillVocabulary.from_entries(
        [
            SkillEntry("go", "Go", ("golang",), ("linguist",)),
            SkillEntry("python", "Python", ("py", "Python (computer programming)"), ("linguist",)),
            SkillEntry("c++", "C++", ("cpp",), ("linguist",)),
            SkillEntry("c", "C", (), ("linguist",)),
        ]
    )


# -- normalise_skill ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Python", "python"),
        ("  Machine   Learning\t", "machine learning"),
        ("C++", "c++"),
        ("C#", "c#"),
        ("C", "c"),
        (".NET", ".net"),
        ("Microsoft .NET Framework", "microsoft .net framework"),
        ("Node.js", "nodejs"),
        ("NodeJS", "nodejs"),
        ("Python 3.11", "python 3.11"),
        ("R&D", "r and d"),
        ("Ren'Py", "renpy"),
        ("Client-side JavaScript", "client side javascript"),
        ("PL/SQL", "pl sql"),
        ("\uff23\uff0b\uff0b", "c++"),  # full-width C++, folded by NFKC
        ("Straße", "strasse"),
        ("!!!", "!!!"),  # nothing but punctuation: kept, so the key is never empty
    ],
)
def test_normalise_examples(text: str, expected: str) -> None:
    assert normalise_skill(text) == expected


def test_normalise_keeps_c_family_apart() -> None:
    keys = {normalise_skill(name) for name in ("C", "C++", "C#", ".NET", "F#")}
    assert len(keys) == 5


@given(st.text())
def test_normalise_is_idempotent(text: str) -> None:
    once = normalise_skill(text)
    assert normalise_skill(once) == once


@given(_TRICKY)
def test_normalise_is_idempotent_on_tricky_text(text: str) -> None:
    once = normalise_skill(text)
    assert normalise_skill(once) == once
    assert once == once.strip()
    assert "  " not in once


@given(st.text().filter(str.strip))
def test_normalise_never_empties_non_blank_text(text: str) -> None:
    assert normalise_skill(text)


# -- the default vocabulary -----------------------------------------------------------------


def test_load_default_is_cached(vocab: SkillVocabulary) -> None:
    assert SkillVocabulary.load_default() is vocab


def test_size_is_tens_of_thousands(vocab: SkillVocabulary) -> None:
    assert 10_000 <= len(vocab) < 100_000


def test_python_merges_all_three_sources(vocab: SkillVocabulary) -> None:
    entry = vocab.get("python")
    assert entry is not None
    assert entry.label == "Python"
    assert entry.sources == ("linguist", "onet", "esco")
    assert "Python (computer programming)" in entry.aliases
    assert vocab.canonicalise("Python (computer programming)") == (entry, "alias")
    assert "python computer programming" not in vocab


def test_disambiguating_parenthesis_is_not_an_alias(vocab: SkillVocabulary) -> None:
    python = vocab.get("python")
    assert python is not None
    assert not any(normalise_skill(a) == "computer programming" for a in python.aliases)
    assert python not in vocab.expansions("computer programming")


def test_kinds_on_default(vocab: SkillVocabulary) -> None:
    assert vocab.canonicalise("Python")[1] == "exact"
    assert vocab.canonicalise("golang") == (vocab.get("go"), "alias")
    assert vocab.canonicalise("python")[1] == "normalised"
    assert vocab.canonicalise("  PYTHON ")[0].id == "python"


@pytest.mark.parametrize("raw", ["JavaScripts", "Client-side JavaScript", "client side javascript"])
def test_javascript_via_esco_alternative_labels(vocab: SkillVocabulary, raw: str) -> None:
    entry, kind = vocab.canonicalise(raw)
    assert entry.id == "javascript"
    assert entry.label == "JavaScript"
    assert "esco" in entry.sources
    assert kind in ("alias", "normalised")


def test_microsoft_excel_from_onet(vocab: SkillVocabulary) -> None:
    entry, kind = vocab.canonicalise("Microsoft Excel")
    assert (entry.id, entry.label, kind) == ("microsoft excel", "Microsoft Excel", "exact")
    assert "onet" in entry.sources


def test_c_family_and_node(vocab: SkillVocabulary) -> None:
    ids = {raw: vocab.canonicalise(raw)[0].id for raw in ("C", "c", "C++", "c++", "C#", "c#")}
    assert ids == {"C": "c", "c": "c", "C++": "c++", "c++": "c++", "C#": "c#", "c#": "c#"}
    node = vocab.canonicalise("Node.js")[0]
    assert vocab.canonicalise("NodeJS")[0] == node
    assert vocab.canonicalise("node js")[0] == node


def test_acronym_labels(vocab: SkillVocabulary) -> None:
    gce = vocab.get("google compute engine gce")
    assert gce is not None
    assert vocab.canonicalise("GCE") == (gce, "alias")
    assert vocab.canonicalise("Google Compute Engine") == (gce, "alias")
    # O*NET's "Structured query language SQL" is folded into SQL.
    sql = vocab.get("sql")
    assert sql is not None
    assert "structured query language sql" not in vocab
    assert vocab.canonicalise("Structured query language SQL")[0] == sql
    assert vocab.canonicalise("structured query language")[0] == sql


def test_label_implied_alias_beats_alternative_label(vocab: SkillVocabulary) -> None:
    # ESCO lists "unity" under "design principles"; the game engine's own label wins.
    assert vocab.canonicalise("Unity")[0].label == "Unity (digital game creation systems)"


def test_linguist_filtering(vocab: SkillVocabulary) -> None:
    assert "yaml" in vocab  # a kept "data" language
    assert "git config" not in vocab  # a dropped one
    assert "javascript" not in [e.id for e in vocab.expansions("node")]  # a dropped alias
    assert vocab.canonicalise("Golang")[0].id == "go"


def test_expansions(vocab: SkillVocabulary) -> None:
    assert [e.id for e in vocab.expansions("golang")] == ["go"]
    assert [e.id for e in vocab.expansions("SQL")] == ["sql"]  # not "database management systems"
    digivey = [e.label for e in vocab.expansions("Digivey software")]
    assert digivey == [
        "Digivey software (expert system feature)",
        "Digivey software (point of sale feature)",
    ]
    size = len(vocab)
    assert vocab.expansions("zzkq unheard-of skill") == []
    assert len(vocab) == size


def test_every_label_and_alias_resolves_without_learning(vocab: SkillVocabulary) -> None:
    private = vocab.copy()
    names: dict[str, set[str]] = {}  # entry id -> its normalised names, each set made once

    def names_of(found: SkillEntry) -> set[str]:
        if found.id not in names:
            names[found.id] = {normalise_skill(a) for a in (found.label, *found.aliases)}
        return names[found.id]

    for entry in list(private):
        assert private.canonicalise(entry.label) == (entry, "exact")
        for alias in entry.aliases:
            found, kind = private.canonicalise(alias)  # "exact" when another entry's label
            assert kind != "new", (entry.id, alias)
            assert normalise_skill(alias) in names_of(found)
    assert private.learned() == []


def test_ids_are_normalised_labels(vocab: SkillVocabulary) -> None:
    for entry in vocab:
        assert entry.id == normalise_skill(entry.label)
        assert entry.id not in {normalise_skill(alias) for alias in entry.aliases}
        assert set(entry.sources) <= {"linguist", "onet", "esco", "curated"}


def test_two_builds_are_identical(vocab: SkillVocabulary) -> None:
    """A fresh build equals the shared one (built earlier in this process), learned skills aside."""
    fresh = SkillVocabulary.build_default()
    assert fresh is not SkillVocabulary.load_default()
    built = [e for e in SkillVocabulary.load_default().copy() if e.sources != ("profile",)]
    assert list(fresh) == built
    assert [e.id for e in fresh] == sorted(e.id for e in vocab.copy() if e.sources != ("profile",))


# -- learning ---------------------------------------------------------------------------------


def test_unknown_skill_is_learned_and_found_again(vocab: SkillVocabulary) -> None:
    private = vocab.copy()
    size = len(private)
    entry, kind = private.canonicalise("  Underwater Basket Weaving 3.0 ")
    assert kind == "new"
    assert entry == SkillEntry(
        "underwater basket weaving 3.0", "Underwater Basket Weaving 3.0", (), ("profile",)
    )
    assert private.canonicalise("Underwater Basket Weaving 3.0") == (entry, "exact")
    assert private.canonicalise("underwater basket-weaving 3.0") == (entry, "normalised")
    assert private.learned() == [entry]
    assert len(private) == size + 1
    assert entry.id in private
    assert private.get(entry.id) == entry
    assert entry.id not in vocab  # the copy is independent


def test_learned_in_insertion_order() -> None:
    small = _small()
    names = ["Zig", "Elm", "Ada"]
    for name in names:
        assert small.canonicalise(name)[1] == "new"
    assert [e.label for e in small.learned()] == names
    assert small.canonicalise("golang")[1] == "alias"
    assert [e.label for e in small.learned()] == names


@given(st.text().filter(str.strip))
def test_canonicalise_never_raises_and_is_stable(raw: str) -> None:
    small = _small()
    entry, kind = small.canonicalise(raw)
    assert entry.id in small
    again, kind_again = small.canonicalise(raw)
    assert again == entry
    assert kind_again != "new"
    if kind == "new":
        assert kind_again == "exact"
        assert small.learned() == [entry]


@pytest.mark.parametrize("blank", ["", "   ", "\t\n"])
def test_blank_is_rejected(blank: str) -> None:
    with pytest.raises(ValueError, match="blank"):
        _small().canonicalise(blank)


# -- from_entries and conflict resolution -----------------------------------------------------


def test_from_entries_kinds() -> None:
    small = _small()
    assert small.canonicalise("Go") == (small.get("go"), "exact")
    assert small.canonicalise("GOLANG") == (small.get("go"), "alias")
    assert small.canonicalise("go") == (small.get("go"), "normalised")
    assert small.canonicalise("CPP")[0].id == "c++"
    assert len(small) == 4
    assert "python" in small
    assert 42 not in small


def test_alias_conflict_follows_source_priority_then_label() -> None:
    entries = [
        SkillEntry("esco thing", "Esco Thing", ("shared",), ("esco",)),
        SkillEntry("onet thing", "Onet Thing", ("shared",), ("onet",)),
        SkillEntry("b linguist", "B Linguist", ("Other",), ("linguist",)),
        SkillEntry("a linguist", "A Linguist", ("other",), ("linguist",)),
    ]
    for order in (entries, entries[::-1]):
        small = SkillVocabulary.from_entries(order)
        assert small.canonicalise("shared")[0].id == "onet thing"
        assert small.canonicalise("other")[0].id == "a linguist"
        assert small.canonicalise("OTHER")[0].id == "a linguist"
        assert [e.id for e in small.expansions("shared")] == ["onet thing", "esco thing"]


def test_label_beats_alias() -> None:
    small = SkillVocabulary.from_entries(
        [
            SkillEntry("dbms", "DBMS", ("SQL",), ("linguist",)),
            SkillEntry("sql", "SQL", (), ("esco",)),
        ]
    )
    assert small.canonicalise("sql")[0].id == "sql"
    assert small.canonicalise("Sql")[0].id == "sql"
    assert [e.id for e in small.expansions("sql")] == ["sql"]


def test_from_entries_merges_duplicate_ids() -> None:
    small = SkillVocabulary.from_entries(
        [
            SkillEntry("go", "Go", ("golang",), ("onet",)),
            SkillEntry("go", "GO", ("go lang",), ("linguist",)),
        ]
    )
    assert len(small) == 1
    assert small.get("go") == SkillEntry("go", "Go", ("golang", "go lang"), ("linguist", "onet"))


@pytest.mark.parametrize(
    ("typed", "skill_id"),
    [
        (".NET", "microsoft .net framework"),
        ("machine learning", "utilise machine learning"),
        ("AWS", "amazon web services aws software"),
        ("Excel", "microsoft excel"),
        ("React.js", "react"),
        ("Shopify", "shopify"),
    ],
)
def test_curated_marketplace_names_find_their_skill(
    vocab: SkillVocabulary, typed: str, skill_id: str
) -> None:
    assert [entry.id for entry in vocab.expansions(typed)] == [skill_id]


def test_a_curated_label_that_no_taxonomy_has_fails_the_build(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from domain import taxonomy_files

    real = taxonomy_files._text

    def text(name: str) -> str:
        if name == taxonomy_files.CURATED_FILE:
            return "- label: Microsoft Exel\n  aliases: [Exel]\n"
        return real(name)

    monkeypatch.setattr(taxonomy_files, "_text", text)
    with pytest.raises(ValueError, match="'Microsoft Exel' is in no taxonomy"):
        SkillVocabulary.build_default()
