"""How a title names a skill, and the other ways a profile writes a skill's name.

From the spec (``indexer/demo_corpus/__init__.py``):

* Title skill: a title that names one of the occupation's technology skills ("React.js
  Developer", "Android Developer", "Salesforce Developer") is matched to it once at load:
  the skill's name or spellings as whole words, case- and punctuation-insensitive ("React.js"
  and "ReactJS" are "react", ".NET" is "net"), the longest match winning; a technology O*NET
  lists only for other occupations counts too ("HRIS Analyst"), a few false friends do not
  (``not_in_titles`` in ``skills.yaml``: "Front Desk", "Route"). About a third of the
  development profiles have one (a tenth of all profiles). Such a profile always holds the skill
  (listed first, under its own name), its other skills lean to it, and its overview names it.
* About 1 O*NET skill in 10 (never the title skill) is written as an alias or variant spelling
  (``ReactJS``, ``CSS``, ``Photoshop``, ``golang``, lower case...), from a small curated table,
  GitHub Linguist aliases and a few mechanical rules, so that skill canonicalisation has work
  to do. The ".js" rule is the product's (`domain.skill_mentions.without_js_suffix`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Final

from domain.skill_mentions import without_js_suffix

NO_SKILL: Final = -1  # "the title names no skill"
MAX_SKILL_CHARS: Final = 100  # a longer O*NET example or spelling is no skill name
HEADLINE_MAX_CHARS: Final = 20  # a skill name longer than this does not fit a title suffix
_ACRONYM: Final = re.compile(r"^[A-Z][a-z]+(?: [a-z/-]+)+ ([A-Z][A-Z0-9+#.]+)(?: software)?$")
_PARENTHESISED_ACRONYM: Final = re.compile(r"^.+ \(([A-Z][A-Z0-9+#.]+)\)$")
_WORD: Final = re.compile(r"[0-9a-z#+.]+")


def match_words(text: str) -> tuple[str, ...]:
    """Words for matching a skill in a title: case- and punctuation-insensitive.

    "React.js" and "ReactJS" -> ("react",); "Node.js" -> ("node",); ".NET" -> ("net",);
    "ASP.NET" -> ("aspnet",); "C#", "C++" stay as they are; "Ruby on Rails" -> three words.
    """
    words: list[str] = []
    for word in _WORD.findall(text.casefold()):
        word = without_js_suffix(word.strip(".").replace(".", ""))
        if word:
            words.append(word)
    return tuple(words)


@dataclass(frozen=True, slots=True)
class Spelling:
    """A way a title can name a skill; `exact`: only as written ("CALL" is not "Call Center")."""

    skill: str
    exact: str | None = None


def spellings(
    names: Sequence[str],
    weights: Mapping[str, float],
    aliases: Mapping[str, tuple[str, ...]],
    linguist: Mapping[str, tuple[str, ...]],
    skipped: frozenset[str],
    not_in_titles: frozenset[tuple[str, ...]],
) -> dict[tuple[str, ...], Spelling]:
    """Matching words of every title spelling of `names` -> the spelling; a spelling several
    skills share goes to the heavier skill, then to the first."""
    index: dict[tuple[str, ...], Spelling] = {}
    for name in names:
        texts = [name, *aliases.get(name, ())]
        texts += [a for a in linguist.get(name, ()) if a not in skipped]
        found = [(text, Spelling(name)) for text in texts]
        match = _ACRONYM.match(name) or _PARENTHESISED_ACRONYM.match(name)
        if match:  # "Long form ACRONYM" or "Long form (ACRONYM)": the long form, the acronym
            found.append((name[: match.start(1)].rstrip(" ("), Spelling(name)))
            found.append((match.group(1), Spelling(name, match.group(1))))
        for text, spelling in found:
            words = match_words(text)
            if words and words not in not_in_titles:
                held = index.get(words)
                if held is None or weights[name] > weights[held.skill]:
                    index[words] = spelling
    return index


def title_skill(title: str, index: Mapping[tuple[str, ...], Spelling]) -> str | None:
    """The skill the title names: its longest run of words that spells a skill, or None."""
    words = match_words(title)
    for size in range(len(words), 0, -1):
        for start in range(len(words) - size + 1):
            found = index.get(words[start : start + size])
            if found is not None and (
                found.exact is None or re.search(rf"(?<!\w){re.escape(found.exact)}(?!\w)", title)
            ):
                return found.skill
    return None


def skill_variants(
    skill: str,
    aliases: Mapping[str, tuple[str, ...]],
    linguist: Mapping[str, tuple[str, ...]],
    skipped: frozenset[str],
    vendors: tuple[str, ...],
) -> tuple[str, ...]:
    """Alias and variant spellings of a skill name (never the name itself)."""
    found: list[str] = list(aliases.get(skill, ()))
    found += [a for a in linguist.get(skill, ()) if a not in skipped]
    for vendor in vendors:
        prefix = vendor + " "
        if skill.startswith(prefix) and len(skill) - len(prefix) >= 3:
            found.append(skill[len(prefix) :])
    match = _ACRONYM.match(skill)
    if match:
        found.append(match.group(1))
    if skill.endswith(".js"):
        found += [skill[:-3] + "JS", skill[:-3] + "js"]
    if not found and skill.lower() != skill:
        found.append(skill.lower())
    unique = dict.fromkeys(v for v in found if v and v != skill and len(v) <= MAX_SKILL_CHARS)
    return tuple(unique)


def headline(name: str, aliases: Mapping[str, tuple[str, ...]]) -> str | None:
    """A skill name fit for a title suffix ("| AWS Expert"), or None."""
    written = aliases.get(name)
    if written:
        return written[0]
    if len(name) <= HEADLINE_MAX_CHARS and name[:1].isupper() and not name.endswith("software"):
        return name
    return None
