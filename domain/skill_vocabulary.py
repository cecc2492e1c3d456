"""Canonical skill vocabulary, shared by the indexer and by query-side expansion.

Why: profiles and queries name the same skill in many ways ("golang" / "Go", "JavaScripts",
"Python (computer programming)"). If the indexer and the query side mapped text to skills
differently, a search for a skill would miss the profiles that list it under another name. This
module is the one mapping both sides use: `SkillVocabulary.canonicalise` for profile skills,
`SkillVocabulary.expansions` for query terms. The default vocabulary is built from the
taxonomies by `domain.vocabulary_build`; names are matched by `domain.skill_names`.

Conflicts: when one normalised form is claimed by several entries, an entry's own label beats
any alias; among aliases, source priority linguist > onet > esco > profile decides, then a name
the entry's labels imply ("Unity" from "Unity (digital game creation systems)") beats a
source's alternative label (ESCO lists "unity" under "design principles"), then the label
(casefolded, then as is), then the id. `canonicalise` always returns the winner.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator
from functools import cache
from typing import Literal, NamedTuple

from domain.errors import DomainValueError
from domain.skill_entry import (
    SOURCE_PRIORITY,
    SOURCE_RANK,
    SkillEntry,
    Source,
    ordered_sources,
    source_rank,
)
from domain.skill_names import Normaliser, compact_key, implied_names, normalise_skill
from domain.vocabulary_build import default_entries

__all__ = [
    "SOURCE_PRIORITY",
    "MatchKind",
    "SkillEntry",
    "SkillVocabulary",
    "Source",
    "normalise_skill",
]

MatchKind = Literal["exact", "alias", "normalised", "new"]


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
        """The vocabulary built from ``domain/taxonomy``, built once per process and shared.

        Shared means learned entries are shared too; use `copy` for a private instance.
        """
        return _default_vocabulary()

    @classmethod
    def build_default(cls) -> SkillVocabulary:
        """A fresh, unshared build from ``domain/taxonomy`` (about a second; not cached)."""
        norm = Normaliser()
        return cls._from_entries(default_entries(norm), norm)

    @classmethod
    def from_entries(cls, entries: Iterable[SkillEntry]) -> SkillVocabulary:
        """A vocabulary of the given entries (tests, entries learned from profiles earlier).

        Entries with the same id are merged: the first label, aliases and sources in union.
        """
        return cls._from_entries(entries, Normaliser())

    @classmethod
    def _from_entries(cls, entries: Iterable[SkillEntry], norm: Normaliser) -> SkillVocabulary:
        merged: dict[str, SkillEntry] = {}
        for entry in entries:
            previous = merged.get(entry.id)
            if previous is not None:
                entry = SkillEntry(
                    id=entry.id,
                    label=previous.label,
                    aliases=tuple(dict.fromkeys(previous.aliases + entry.aliases)),
                    sources=ordered_sources((*previous.sources, *entry.sources)),
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

    def _index(self, entries: Iterable[SkillEntry], norm: Normaliser) -> None:
        entry_list = list(entries)
        claims_of = self._claims
        for entry in entry_list:
            self._entries[entry.id] = entry
            self._by_label.setdefault(entry.label.strip(), entry.id)
            rank, folded_label = source_rank(entry.sources), entry.label.casefold()
            derived = {
                norm[name]
                for text in (entry.label, *entry.aliases)
                for name in implied_names(text)[0]
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
            compact = compact_key(key)
            best = compact_keys.get(compact)
            if best is None or claims[0] < claims_of[best][0]:
                compact_keys[compact] = key
        # Step 2 of canonicalise: an alias as given finds the entry that wins its normalised key.
        for entry in entry_list:
            for alias in entry.aliases:
                if claims_of[norm[alias]][0].id == entry.id:
                    self._by_alias.setdefault(alias.strip().casefold(), entry.id)

    def __getstate__(self) -> dict[str, object]:
        """Pickled without its lock (the indexer sends a copy to each worker process)."""
        with self._lock:
            state = dict(self.__dict__)
        del state["_lock"]
        return state

    def __setstate__(self, state: dict[str, object]) -> None:
        self.__dict__.update(state)
        self._lock = threading.Lock()

    # -- lookups -----------------------------------------------------------------------------

    def canonicalise(self, raw: str, learn: bool = True) -> tuple[SkillEntry, MatchKind]:
        """The canonical entry for `raw`, and how it was found.

        1. exact canonical label (case-sensitive, after strip); 2. alias, case-insensitive;
        3. normalised form of a label or alias (then ignoring spaces and dots); 4. otherwise a
        new entry, id ``normalise_skill(raw)``, source "profile", added here and kept.
        With `learn=False`, step 4 returns that new entry without keeping it (nothing changes:
        the indexer's worker processes resolve against a fixed vocabulary and leave learning
        to the process that owns it). Raises DomainValueError (a ValueError) only for blank text.
        """
        found = self._find(raw)
        if found is not None:
            return found
        label = raw.strip()
        if not label:
            raise DomainValueError("a skill name must not be blank")
        if not learn:
            return SkillEntry(id=normalise_skill(label), label=label, sources=("profile",)), "new"
        with self._lock:
            found = self._find(raw)  # another thread may have learned it meanwhile
            if found is not None:
                return found
            entry = SkillEntry(id=normalise_skill(label), label=label, sources=("profile",))
            self._entries[entry.id] = entry
            self._by_label[label] = entry.id
            rank = SOURCE_RANK["profile"]
            claim = _Claim(_LABEL, rank, _DERIVED, label.casefold(), label, entry.id)
            self._claims[entry.id] = [claim]
            self._compact_keys.setdefault(compact_key(entry.id), entry.id)
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
            compact = self._compact_keys.get(compact_key(key))
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


@cache
def _default_vocabulary() -> SkillVocabulary:
    return SkillVocabulary.build_default()
