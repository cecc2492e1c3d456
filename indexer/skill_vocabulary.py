"""Canonical skill vocabulary, shared by the indexer and by query-side expansion.

Why: profiles and queries name the same skill in many ways ("golang" / "Go", "JavaScripts",
"Python (computer programming)"). If the indexer and the query side mapped text to skills
differently, a search for a skill would miss the profiles that list it under another name. This
module is the one mapping both sides use: `SkillVocabulary.canonicalise` for profile skills,
`SkillVocabulary.expansions` for query terms.

Sources (files in ``indexer/taxonomy``; see ATTRIBUTION.md there for versions and licences):

* GitHub Linguist language list (npm ``linguist-languages`` 9.5.0, MIT): names and aliases.
* O*NET 29.2 Technology Skills, U.S. Department of Labor, Employment and Training
  Administration (USDOL/ETA), CC BY 4.0: the distinct ``Example`` values.
* ESCO v1.1.1 skills, European Commission: preferred and alternative labels. "This service uses
  the ESCO classification of the European Commission."

Build rules (all deterministic; see `_build_default`):

* Every label becomes an entry keyed by its normalised form (`normalise_skill`); labels from
  several sources with the same normalised form are one entry. The display label comes from the
  highest-priority source: linguist > onet > esco.
* Linguist: ``programming``, ``markup`` and ``prose`` languages are kept in full; ``data``
  languages are mostly file and config formats ("Git Config", "Checksums"), so only the few that
  people list as skills (`_LINGUIST_DATA_KEPT`: SQL, JSON, YAML, GraphQL, ...) are kept. Aliases
  that are common words or name a different, better-known skill ("node", "make", "emacs") are
  dropped (`_LINGUIST_ALIASES_DROPPED`).
* A label "X (Y)": when Y is an acronym of X ("Search Engine Optimization (SEO)"), X and Y are
  both aliases. Otherwise Y only disambiguates ("Python (computer programming)"): X is an alias
  and Y is never one. An O*NET-style "Long form ACRONYM" label ("Structured query language SQL")
  gets the long form as an alias; the bare acronym is not registered (O*NET reuses many, e.g.
  "CMS", "PMS"), it only serves folding.
* Folding: such a label whose X (or acronym) is itself a plain label of another entry, from any
  source, is folded into that entry, bringing its full label and its aliases as aliases. So ESCO
  "Python (computer programming)" joins the "Python" entry (id ``python``, label "Python",
  sources linguist, onet, esco; "Python (computer programming)" is one of its aliases), and
  O*NET "Structured query language SQL" joins "SQL". Without such a plain label the entry keeps
  its full label: "Unity (digital game creation systems)" stays as is (alias "Unity"), because
  a bare "Unity" would be ambiguous as a display label.
* Conflicts: when one normalised form is claimed by several entries, an entry's own label beats
  any alias; among aliases, source priority linguist > onet > esco > profile decides, then a name
  the entry's labels imply ("Unity" from "Unity (digital game creation systems)") beats a
  source's alternative label (ESCO lists "unity" under "design principles"), then the label
  (casefolded, then as is), then the id. `canonicalise` always returns the winner.
"""

from __future__ import annotations

import csv
import json
import re
import threading
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Final, Literal, NamedTuple

__all__ = [
    "SOURCE_PRIORITY",
    "MatchKind",
    "SkillEntry",
    "SkillVocabulary",
    "Source",
    "normalise_skill",
]

Source = Literal["linguist", "onet", "esco", "profile"]
MatchKind = Literal["exact", "alias", "normalised", "new"]

SOURCE_PRIORITY: Final[tuple[Source, ...]] = ("linguist", "onet", "esco", "profile")
_RANK: Final[dict[str, int]] = {source: rank for rank, source in enumerate(SOURCE_PRIORITY)}

_TAXONOMY_PACKAGE: Final = "indexer"
_ESCO_FILE: Final = "esco_skill_labels.csv"
_ONET_FILE: Final = "Technology_Skills.txt"
_LINGUIST_FILE: Final = "linguist_languages_aliases.json"

_LINGUIST_TYPES_KEPT: Final = frozenset({"programming", "markup", "prose"})
# Linguist "data" languages that are skills in their own right (the rest are file formats).
_LINGUIST_DATA_KEPT: Final = frozenset(
    {
        "ASN.1",
        "Altium Designer",
        "Avro IDL",
        "CSV",
        "EBNF",
        "FlatBuffers",
        "Gradle",
        "Gradle Kotlin DSL",
        "GraphQL",
        "HAProxy",
        "JSON",
        "JSON5",
        "JSONLD",
        "KiCad Layout",
        "KiCad Schematic",
        "Kusto",
        "Maven POM",
        "Nginx",
        "OpenAPI Specification v2",
        "OpenAPI Specification v3",
        "PlantUML",
        "Prisma",
        "Protocol Buffer",
        "Pure Data",
        "Regular Expression",
        "SELinux Policy",
        "SPARQL",
        "SQL",
        "SVG",
        "TOML",
        "Web Ontology Language",
        "XML",
        "YAML",
        "YANG",
    }
)
# Linguist aliases that are common words or name another, better-known skill.
_LINGUIST_ALIASES_DROPPED: Final = frozenset(
    {
        "apples",  # AppleScript
        "autoconf",  # M4Sugar
        "batch",  # Batchfile
        "bazel",  # Starlark
        "be",  # Berry
        "bh",  # Bluespec BH
        "bro",  # Zeek
        "cake",  # C# (Cake is a build tool)
        "console",  # ShellSession
        "django",  # Jinja (Django is a web framework)
        "emacs",  # Emacs Lisp (Emacs is an editor)
        "fb",  # FreeBASIC
        "flex",  # Lex (Adobe Flex is another skill)
        "fundamental",  # Text
        "gas",  # Unix Assembly
        "gf",  # Grammatical Framework
        "help",  # Vim Help File
        "i7",  # Inform 7
        "inc",  # PHP
        "ls",  # LiveScript
        "m2",  # Macaulay2
        "make",  # Makefile (Make is also an automation platform)
        "man",  # Roff
        "mf",  # Makefile
        "node",  # JavaScript (Node.js is its own skill)
        "nvim",  # Vim script (Neovim is an editor)
        "octave",  # MATLAB (GNU Octave is its own skill)
        "opentofu",  # HCL
        "posh",  # PowerShell
        "progress",  # OpenEdge ABL
        "rss",  # XML
        "snippet",  # YASnippet
        "terraform",  # HCL (Terraform is a tool)
        "tl",  # Type Language
        "ur",  # UrWeb
        "vhs",  # Tape
        "vim",  # Vim script (Vim is an editor)
        "wiki",  # Wikitext
        "wl",  # Wolfram Language
    }
)

# --------------------------------------------------------------------------------------------
# Normalisation
# --------------------------------------------------------------------------------------------

_APOSTROPHES: Final = "'`\u2018\u2019\u02bc"
_DOT_RUN: Final = re.compile(r"\.+")


class _CharTable(dict[int, str | None]):
    """`str.translate` table, filled lazily: letters, marks, digits, '+', '#', '.' stay."""

    def __missing__(self, codepoint: int) -> str | None:
        char = chr(codepoint)
        value: str | None
        if char in _APOSTROPHES:
            value = None  # "Ren'Py" -> "renpy", not "ren py"
        elif char == "&":
            value = " and "
        elif char in "+#." or unicodedata.category(char)[0] in "LMN":
            value = char
        else:
            value = " "
        self[codepoint] = value
        return value


_CHAR_TABLE: Final = _CharTable()


def _dot(match: re.Match[str]) -> str:
    """Keep '.' where it carries meaning ("3.11", a leading ".net"); "node.js" -> "nodejs"."""
    text, start, end = match.string, match.start(), match.end()
    before = text[start - 1] if start > 0 else " "
    after = text[end] if end < len(text) else " "
    if end - start == 1 and before.isdigit() and after.isdigit():
        return "."
    if before != " " and after != " ":
        return ""
    if before == " " and after.isalpha():
        return "."
    return " "


def _normalise_once(text: str) -> str:
    if text.isascii():
        folded = text.lower()
    else:
        folded = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).casefold())
    result = folded.translate(_CHAR_TABLE)
    if "." in result:
        result = _DOT_RUN.sub(_dot, result)
    result = " ".join(result.split())
    if not result.isascii():
        # Deleting apostrophes can bring a base letter and a combining mark together.
        result = unicodedata.normalize("NFKC", result)
    return result


def normalise_skill(text: str) -> str:
    """The matching key of a skill name: case, width, punctuation and spacing do not matter.

    NFKC and casefold; '&' -> 'and'; apostrophes dropped; '+' and '#' kept ("c++", "c#" and "c"
    stay apart); '.' kept between digits ("3.11") and at the start of a word (".net"), dropped
    inside a word so "Node.js" and "NodeJS" agree ("nodejs"); other punctuation is a space;
    whitespace collapsed. Text made only of punctuation keeps it ("!!!"), so that distinct
    non-blank names never share the empty key. Idempotent.
    """
    result = _normalise_once(text)
    if not result:
        folded = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).casefold())
        return " ".join(folded.split())
    if not result.isascii():
        # casefold and NFKC can feed each other on exotic text; iterate to the fixed point.
        for _ in range(4):
            again = _normalise_once(result)
            if again == result:
                break
            result = again
    return result


class _Normaliser(dict[str, str]):
    """Memoised `normalise_skill` for one build: the sources repeat many strings."""

    def __missing__(self, text: str) -> str:
        key = self[text] = normalise_skill(text)
        return key


def _compact(key: str) -> str:
    """A normalised key without spaces and dots: "Node JS", "Java Script", "ASP .NET" match."""
    return key.replace(" ", "").replace(".", "")


# --------------------------------------------------------------------------------------------
# Public types
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SkillEntry:
    """One canonical skill. `id` is the normalised canonical label and is stable across builds."""

    id: str
    label: str
    aliases: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()


class _Claim(NamedTuple):
    """One entry's claim on one normalised key. The smallest claim wins the key."""

    tier: int  # 0: the entry's label (or id), 1: an alias
    rank: int  # source priority: linguist, onet, esco, profile
    kind: int  # 0: label or a name derived from one ("X (Y)" -> "X"), 1: an alternative label
    folded_label: str
    label: str
    id: str


_LABEL, _ALIAS = 0, 1
_DERIVED, _ALTERNATIVE = 0, 1


@cache
def _source_rank(sources: tuple[str, ...]) -> int:
    """The best priority among `sources` (cached: there are only a few combinations)."""
    return min((_RANK.get(source, len(_RANK)) for source in sources), default=len(_RANK))


class SkillVocabulary:
    """Maps skill text to canonical entries; learns unknown skills instead of dropping them.

    Lookups are dictionary hits. Learning (step 4 of `canonicalise`) is the only mutation and is
    guarded by a lock, so one instance can serve concurrent requests.
    """

    def __init__(self) -> None:
        self._entries: dict[str, SkillEntry] = {}
        self._by_label: dict[str, str] = {}
        self._by_alias: dict[str, str] = {}
        self._claims: dict[str, list[_Claim]] = {}
        # compact form (no spaces or dots) -> the normalised key that wins it (step 3 fallback)
        self._compact_keys: dict[str, str] = {}
        self._learned: list[str] = []
        self._lock = threading.Lock()

    # -- construction ------------------------------------------------------------------------

    @classmethod
    def load_default(cls) -> SkillVocabulary:
        """The vocabulary built from ``indexer/taxonomy``, built once per process and shared.

        Shared means learned entries are shared too; use `copy` for a private instance.
        """
        return _default_vocabulary()

    @classmethod
    def build_default(cls) -> SkillVocabulary:
        """A fresh, unshared build from ``indexer/taxonomy`` (about a second; not cached)."""
        return _build_default()

    @classmethod
    def from_entries(cls, entries: Iterable[SkillEntry]) -> SkillVocabulary:
        """A vocabulary of the given entries (tests, entries learned from profiles earlier).

        Entries with the same id are merged: the first label, aliases and sources in union.
        """
        return cls._from_entries(entries, _Normaliser())

    @classmethod
    def _from_entries(cls, entries: Iterable[SkillEntry], norm: _Normaliser) -> SkillVocabulary:
        merged: dict[str, SkillEntry] = {}
        for entry in entries:
            previous = merged.get(entry.id)
            if previous is not None:
                entry = SkillEntry(
                    id=entry.id,
                    label=previous.label,
                    aliases=tuple(dict.fromkeys(previous.aliases + entry.aliases)),
                    sources=_ordered_sources((*previous.sources, *entry.sources)),
                )
            merged[entry.id] = entry
        vocabulary = cls()
        vocabulary._index(merged.values(), norm)
        return vocabulary

    def copy(self) -> SkillVocabulary:
        """An independent copy: learning in it does not touch this vocabulary."""
        other = type(self)()
        with self._lock:
            other._entries = dict(self._entries)
            other._by_label = dict(self._by_label)
            other._by_alias = dict(self._by_alias)
            # Claim lists are never changed after indexing (learning adds new keys only).
            other._claims = dict(self._claims)
            other._compact_keys = dict(self._compact_keys)
            other._learned = list(self._learned)
        return other

    def _index(self, entries: Iterable[SkillEntry], norm: _Normaliser) -> None:
        entry_list = list(entries)
        claims_of = self._claims
        for entry in entry_list:
            self._entries[entry.id] = entry
            self._by_label.setdefault(entry.label.strip(), entry.id)
            rank, folded_label = _source_rank(entry.sources), entry.label.casefold()
            derived = {
                norm[name] for text in (entry.label, *entry.aliases) for name in _names(text)[0]
            }
            keys: dict[str, tuple[int, int]] = {entry.id: (_LABEL, _DERIVED)}
            keys.setdefault(norm[entry.label], (_LABEL, _DERIVED))
            for alias in entry.aliases:
                key = norm[alias]
                keys.setdefault(key, (_ALIAS, _DERIVED if key in derived else _ALTERNATIVE))
            for key, (tier, kind) in keys.items():
                claim = _Claim(tier, rank, kind, folded_label, entry.label, entry.id)
                claims = claims_of.get(key)
                if claims is None:
                    claims_of[key] = [claim]
                else:
                    claims.append(claim)
        compact_keys = self._compact_keys
        for key, claims in claims_of.items():
            if len(claims) > 1:
                _rank_claims(claims)
            compact = _compact(key)
            best = compact_keys.get(compact)
            if best is None or claims[0] < claims_of[best][0]:
                compact_keys[compact] = key
        # Step 2 of canonicalise: an alias as given finds the entry that wins its normalised key.
        for entry in entry_list:
            for alias in entry.aliases:
                if claims_of[norm[alias]][0].id == entry.id:
                    self._by_alias.setdefault(alias.strip().casefold(), entry.id)

    # -- lookups -----------------------------------------------------------------------------

    def canonicalise(self, raw: str) -> tuple[SkillEntry, MatchKind]:
        """The canonical entry for `raw`, and how it was found.

        1. exact canonical label (case-sensitive, after strip); 2. alias, case-insensitive;
        3. normalised form of a label or alias (then ignoring spaces and dots); 4. otherwise a
        new entry, id ``normalise_skill(raw)``, source "profile", added here and kept.
        Raises ValueError only for blank text.
        """
        found = self._find(raw)
        if found is not None:
            return found
        label = raw.strip()
        if not label:
            raise ValueError("a skill name must not be blank")
        with self._lock:
            found = self._find(raw)  # another thread may have learned it meanwhile
            if found is not None:
                return found
            entry = SkillEntry(id=normalise_skill(label), label=label, sources=("profile",))
            self._entries[entry.id] = entry
            self._by_label[label] = entry.id
            rank = _RANK["profile"]
            claim = _Claim(_LABEL, rank, _DERIVED, label.casefold(), label, entry.id)
            self._claims[entry.id] = [claim]
            self._compact_keys.setdefault(_compact(entry.id), entry.id)
            self._learned.append(entry.id)
        return entry, "new"

    def _find(self, raw: str) -> tuple[SkillEntry, MatchKind] | None:
        text = raw.strip()
        if not text:
            return None
        skill_id = self._by_label.get(text)
        if skill_id is not None:
            return self._entries[skill_id], "exact"
        skill_id = self._by_alias.get(text.casefold())
        if skill_id is not None:
            return self._entries[skill_id], "alias"
        claims = self._claims_for(normalise_skill(text))
        if claims:
            return self._entries[claims[0].id], "normalised"
        return None

    def _claims_for(self, key: str) -> list[_Claim]:
        """The claims on a normalised key, else on one that differs only in spaces and dots."""
        claims = self._claims.get(key)
        if claims is None:
            compact = self._compact_keys.get(_compact(key))
            claims = self._claims[compact] if compact is not None else []
        return claims

    def expansions(self, text: str) -> list[SkillEntry]:
        """Query side: the entries `text` may mean. Never learns anything.

        The entry `canonicalise` would pick comes first. When `text` is itself a canonical name
        (a label matches), only label matches are returned: "SQL" means SQL, not every skill that
        lists "SQL" as an alias. When it is only an alias, every entry listing it is returned
        ("Digivey software" -> both Digivey entries). Unknown text gives [].
        """
        found = self._find(text)
        if found is None:
            return []
        claims = self._claims_for(normalise_skill(text))
        ids = [found[0].id]
        label_match = found[1] == "exact" or any(claim.tier == _LABEL for claim in claims)
        for claim in claims:
            if (claim.tier == _LABEL or not label_match) and claim.id not in ids:
                ids.append(claim.id)
        return [self._entries[skill_id] for skill_id in ids]

    def get(self, skill_id: str) -> SkillEntry | None:
        return self._entries.get(skill_id)

    def learned(self) -> list[SkillEntry]:
        """Entries added by `canonicalise` (step 4), oldest first, e.g. to persist them."""
        return [self._entries[skill_id] for skill_id in self._learned]

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, skill_id: object) -> bool:
        return skill_id in self._entries

    def __iter__(self) -> Iterator[SkillEntry]:
        return iter(list(self._entries.values()))


def _rank_claims(claims: list[_Claim]) -> None:
    """Sort claims best first, keeping the best claim of each entry."""
    best: dict[str, _Claim] = {}
    for claim in sorted(claims):
        best.setdefault(claim.id, claim)
    claims[:] = best.values()


def _ordered_sources(sources: Iterable[str]) -> tuple[str, ...]:
    return _sorted_sources(frozenset(sources))


@cache
def _sorted_sources(sources: frozenset[str]) -> tuple[str, ...]:
    return tuple(sorted(sources, key=lambda source: (_RANK.get(source, len(_RANK)), source)))


# --------------------------------------------------------------------------------------------
# Building the default vocabulary
# --------------------------------------------------------------------------------------------

_TRAILING_PARENTHESIS: Final = re.compile(r"(?P<head>.*\S)\s*\((?P<inner>[^()]+)\)")
_ACRONYM: Final = re.compile(r"[A-Z][A-Z0-9]{1,7}")
_STOPWORDS: Final = frozenset({"a", "an", "and", "for", "in", "of", "on", "the", "to", "with"})


def _is_acronym_of(short: str, long: str, *, whole: bool) -> bool:
    """Whether `short` abbreviates `long` (after Schwartz & Hearst, PSB 2003).

    Its letters must appear in order in `long`, the first one starting a word (with `whole`, the
    first word, and `long` may not have many more words than `short` has letters).
    """
    if not _ACRONYM.fullmatch(short):
        return False
    letters = [char for char in short.lower() if char.isalpha()]
    text = long.lower()
    if len(letters) < 2 or not text:
        return False
    if whole:
        words = [word for word in re.split(r"[^\w]+", text) if word and word not in _STOPWORDS]
        if text[0] != letters[0] or len(words) > len(letters) + 1:
            return False
        starts = [0]
    else:
        starts = [
            i
            for i, char in enumerate(text)
            if char == letters[0] and (i == 0 or text[i - 1] == " ")
        ]
    for start in starts:
        rest = iter(text[start + 1 :])
        if all(letter in rest for letter in letters[1:]):
            return True
    return False


_NO_NAMES: Final[tuple[tuple[str, ...], tuple[str, ...]]] = ((), ())
_ACRONYM_END: Final = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")


def _names(text: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Names implied by "X (Y)" and "Long form ACRONYM" labels: (aliases, fold targets).

    "Search Engine Optimization (SEO)" -> both parts; "Python (computer programming)" -> only
    "Python" (the parenthesis disambiguates and is never an alias); "Structured query language
    SQL" -> the long form as alias, and the acronym only as a fold target.
    """
    if text[-1:] not in _ACRONYM_END and not text.endswith(")"):
        return _NO_NAMES  # the common case, kept cheap: the sources have 200k names
    if text.endswith(")"):
        match = _TRAILING_PARENTHESIS.fullmatch(text)
        if match is None:
            return _NO_NAMES
        head, inner = match["head"].strip(), match["inner"].strip()
        if _is_acronym_of(inner, head, whole=False):
            return (head, inner), (head, inner)
        return (head,), (head,)
    head, _, last = text.rpartition(" ")
    head = head.strip()
    if last.isupper() and " " in head and _is_acronym_of(last, head, whole=True):
        return (head,), (head, last)
    return _NO_NAMES


@dataclass
class _Record:
    """One label from one source, with the names derived from it."""

    source: Source
    label: str
    aliases: list[str] = field(default_factory=list)
    fold: list[str] = field(default_factory=list)  # normalised keys it may fold into


def _record(
    norm: _Normaliser, source: Source, label: str, alternatives: Iterable[str] = ()
) -> _Record:
    derived, targets = _names(label)
    record = _Record(source, label, list(derived), [norm[target] for target in targets])
    for alternative in alternatives:
        record.aliases += [alternative, *_names(alternative)[0]]
    return record


def _taxonomy_text(name: str) -> str:
    return (resources.files(_TAXONOMY_PACKAGE) / "taxonomy" / name).read_text(encoding="utf-8-sig")


def _linguist_records(norm: _Normaliser) -> list[_Record]:
    records = []
    for language in json.loads(_taxonomy_text(_LINGUIST_FILE)):
        name = str(language["name"])
        if language["type"] in _LINGUIST_TYPES_KEPT or name in _LINGUIST_DATA_KEPT:
            aliases = [str(alias) for alias in language.get("aliases", [])]
            kept = [alias for alias in aliases if alias.casefold() not in _LINGUIST_ALIASES_DROPPED]
            records.append(_record(norm, "linguist", name, kept))
    return records


def _onet_records(norm: _Normaliser) -> list[_Record]:
    rows = csv.reader(_taxonomy_text(_ONET_FILE).splitlines(), delimiter="\t")
    column = next(rows).index("Example")
    examples = dict.fromkeys(row[column].strip() for row in rows if len(row) > column)
    return [_record(norm, "onet", example) for example in examples if example]


def _esco_records(norm: _Normaliser) -> list[_Record]:
    rows = csv.reader(_taxonomy_text(_ESCO_FILE).splitlines())
    header = next(rows)
    concept_col, label_col, type_col = (header.index(c) for c in ("concept_id", "label", "type"))
    preferred: dict[str, str] = {}
    alternatives: dict[str, list[str]] = {}
    for row in rows:
        label = row[label_col].strip()
        if not label:
            continue
        if row[type_col] == "preferredLabel":
            preferred[row[concept_col]] = label
        else:
            alternatives.setdefault(row[concept_col], []).append(label)
    return [
        _record(norm, "esco", label, alternatives.get(concept, ()))
        for concept, label in preferred.items()
    ]


def _build_default() -> SkillVocabulary:
    """Merge the three sources into one vocabulary (rules in the module docstring)."""
    norm = _Normaliser()
    records = _linguist_records(norm) + _onet_records(norm) + _esco_records(norm)  # by priority
    groups: dict[str, list[_Record]] = {}
    for record in records:
        groups.setdefault(norm[record.label], []).append(record)
    # A group is plain when one of its labels is a bare name (no "X (Y)" / "... ACRONYM" form).
    plain = {key for key, members in groups.items() if any(not r.fold for r in members)}
    folded_into: dict[str, list[_Record]] = {}
    for key, members in groups.items():
        if key not in plain:
            target = next((t for r in members for t in r.fold if t in plain and t != key), None)
            if target is not None:
                folded_into.setdefault(target, []).extend(members)
                groups[key] = []
    entries = [
        _merge(norm, key, members, folded_into.get(key, []))
        for key, members in sorted(groups.items())
        if members
    ]
    return SkillVocabulary._from_entries(entries, norm)


def _merge(
    norm: _Normaliser, key: str, members: list[_Record], folded: list[_Record]
) -> SkillEntry:
    """One entry from the records sharing `key` and the records folded into it."""
    ranked = sorted(members, key=lambda r: (_RANK[r.source], r.label))
    names = [r.label for r in ranked[1:]]
    for record in ranked:
        names += record.aliases
    for record in folded:
        names += [record.label, *record.aliases]
    aliases: dict[str, str] = {}
    for name in names:
        aliases.setdefault(norm[name], name.strip())
    aliases.pop(key, None)
    sources = _ordered_sources(r.source for r in (*members, *folded))
    return SkillEntry(
        id=key, label=ranked[0].label, aliases=tuple(aliases.values()), sources=sources
    )


@cache
def _default_vocabulary() -> SkillVocabulary:
    return _build_default()
