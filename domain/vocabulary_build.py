"""The default skill vocabulary's entries, merged from the taxonomies in ``domain/taxonomy``.

Sources (read by `domain.taxonomy_files`; see ``domain/taxonomy/ATTRIBUTION.md`` for versions
and licences):

* GitHub Linguist language list (npm ``linguist-languages`` 9.5.0, MIT): names and aliases.
* O*NET 29.2 Technology Skills, U.S. Department of Labor, Employment and Training
  Administration (USDOL/ETA), CC BY 4.0: the distinct ``Example`` values.
* ESCO v1.1.1 skills, European Commission: preferred and alternative labels. "This service uses
  the ESCO classification of the European Commission."
* ``curated_skills.yaml``, ours: marketplace names the three miss ("Excel", "AWS", ".NET",
  "machine learning", "Shopify"), as aliases of their labels or as a few new skills.

Build rules (all deterministic; see `default_entries`):

* Every label becomes an entry keyed by its normalised form (`normalise_skill`); labels from
  several sources with the same normalised form are one entry. The display label comes from the
  highest-priority source: linguist > onet > esco > curated.
* Linguist: ``programming``, ``markup`` and ``prose`` languages are kept in full; ``data``
  languages are mostly file and config formats ("Git Config", "Checksums"), so only the few that
  people list as skills (`_LINGUIST_DATA_KEPT`: SQL, JSON, YAML, GraphQL, ...) are kept. Aliases
  that are common words or name a different, better-known skill ("node", "make", "emacs") are
  dropped (`_LINGUIST_ALIASES_DROPPED`).
* A label "X (Y)" or "Long form ACRONYM" implies names (`domain.skill_names.implied_names`).
* Folding: such a label whose X (or acronym) is itself a plain label of another entry, from any
  source, is folded into that entry, bringing its full label and its aliases as aliases. So ESCO
  "Python (computer programming)" joins the "Python" entry (id ``python``, label "Python",
  sources linguist, onet, esco; "Python (computer programming)" is one of its aliases), and
  O*NET "Structured query language SQL" joins "SQL". Without such a plain label the entry keeps
  its full label: "Unity (digital game creation systems)" stays as is (alias "Unity"), because
  a bare "Unity" would be ambiguous as a display label.

Which entry wins a name that several claim is the vocabulary's rule (`domain.skill_vocabulary`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Final

from domain import taxonomy_files
from domain.errors import DomainValueError
from domain.skill_entry import SOURCE_RANK, SkillEntry, Source, ordered_sources
from domain.skill_names import Normaliser, implied_names

__all__ = ["default_entries"]

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


@dataclass
class _Record:
    """One label from one source, with the names derived from it."""

    source: Source
    label: str
    aliases: list[str] = field(default_factory=list)
    fold: list[str] = field(default_factory=list)  # normalised keys it may fold into


def _record(
    norm: Normaliser, source: Source, label: str, alternatives: Iterable[str] = ()
) -> _Record:
    derived, targets = implied_names(label)
    record = _Record(source, label, list(derived), [norm[target] for target in targets])
    for alternative in alternatives:
        record.aliases += [alternative, *implied_names(alternative)[0]]
    return record


def _linguist_records(norm: Normaliser) -> list[_Record]:
    records = []
    for language in taxonomy_files.linguist_languages():
        if language.type in _LINGUIST_TYPES_KEPT or language.name in _LINGUIST_DATA_KEPT:
            aliases = language.aliases
            kept = [alias for alias in aliases if alias.casefold() not in _LINGUIST_ALIASES_DROPPED]
            records.append(_record(norm, "linguist", language.name, kept))
    return records


def _onet_records(norm: Normaliser) -> list[_Record]:
    examples = dict.fromkeys(row.example for row in taxonomy_files.technology_skills())
    return [_record(norm, "onet", example) for example in examples]


def _esco_records(norm: Normaliser) -> list[_Record]:
    return [
        _record(norm, "esco", concept.preferred, concept.alternatives)
        for concept in taxonomy_files.esco_concepts()
    ]


def _curated_records(norm: Normaliser, known: set[str]) -> list[_Record]:
    """The team's additions (`curated_skills.yaml`): aliases for taxonomy labels, a few new skills.

    A curated label must name a taxonomy label, unless it says `new`, and then it must not: a
    typo in the file, or a taxonomy update that adds the skill, fails the build loudly.
    """
    records = []
    for item in taxonomy_files.curated_skills():
        if (norm[item.label] in known) == item.new:
            state = "already in a taxonomy" if item.new else "in no taxonomy"
            raise DomainValueError(f"{taxonomy_files.CURATED_FILE}: {item.label!r} is {state}")
        records.append(_record(norm, "curated", item.label, item.aliases))
    return records


def default_entries(norm: Normaliser) -> list[SkillEntry]:
    """Merge the sources into the vocabulary's entries (rules in the module docstring).

    `norm` memoises the normalised names for the vocabulary that indexes these entries next.
    """
    records = _linguist_records(norm) + _onet_records(norm) + _esco_records(norm)  # by priority
    records += _curated_records(norm, {norm[record.label] for record in records})
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
    return entries


def _merge(norm: Normaliser, key: str, members: list[_Record], folded: list[_Record]) -> SkillEntry:
    """One entry from the records sharing `key` and the records folded into it."""
    ranked = sorted(members, key=lambda r: (SOURCE_RANK[r.source], r.label))
    names = [r.label for r in ranked[1:]]
    for record in ranked:
        names += record.aliases
    for record in folded:
        names += [record.label, *record.aliases]
    aliases: dict[str, str] = {}
    for name in names:
        aliases.setdefault(norm[name], name.strip())
    aliases.pop(key, None)
    sources = ordered_sources(r.source for r in (*members, *folded))
    return SkillEntry(
        id=key, label=ranked[0].label, aliases=tuple(aliases.values()), sources=sources
    )
