"""How text names a skill: the matching key of a name, and the names a label implies.

Why a module of its own: the vocabulary's lookups, its build from the taxonomies and the query
side's skill finder (`domain.skill_mentions`) must agree on when two texts name the same skill
("Node.js" = "NodeJS", "C#" is not "C"), and on which names a label such as "Search Engine
Optimization (SEO)" or "Python (computer programming)" implies. Pure text rules, no data.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Final

__all__ = ["Normaliser", "compact_key", "implied_names", "normalise_skill"]

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


class Normaliser(dict[str, str]):
    """Memoised `normalise_skill` for one build: the sources repeat many strings."""

    def __missing__(self, text: str) -> str:
        key = self[text] = normalise_skill(text)
        return key


def compact_key(key: str) -> str:
    """A normalised key without spaces and dots: "Node JS", "Java Script", "ASP .NET" match."""
    return key.replace(" ", "").replace(".", "")


# --------------------------------------------------------------------------------------------
# Names implied by a label
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


def implied_names(text: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
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
