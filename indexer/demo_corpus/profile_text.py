"""What a profile says: its skills as written, its title and its overview.

From the spec (``indexer/demo_corpus/__init__.py``):

* Title: one of the occupation's titles (`occupations`), sometimes prefixed ("Senior ...") or
  suffixed marketplace-style ("... | React Expert", always a held skill other than the
  title's).
* Skills: 3-15 of the occupation's skills (mean about 7.3), drawn with its weights
  (`skill_weights`); a title skill is always held, listed first under its own name. Plus 0-3
  ESCO preferred labels (mean 1.15) from the family's pool. Mean about 8.5 skills in all. Skills
  are unique per profile, case-insensitively. About 1 O*NET skill in 10 (never the title skill)
  is written as an alias or variant spelling (`skill_spellings`).
* Overview: an introduction naming the title, then up to three sentences: the occupation's
  O*NET description in the first person, a sentence naming three held skills (always present,
  and naming the title skill first, when the title names one), a closing.
"""

from __future__ import annotations

import random
from typing import Final

from indexer.demo_corpus.draws import choice, cumulative, pick
from indexer.demo_corpus.occupations import Occupation
from indexer.demo_corpus.skill_spellings import NO_SKILL
from indexer.demo_corpus.tables import Tables

# Skills: how many (a normal draw, clipped), drawn in a few rounds of twice as many.
SKILL_COUNT_MEAN: Final = 7.3
SKILL_COUNT_SIGMA: Final = 2.6
MIN_SKILLS: Final = 3
MAX_SKILLS: Final = 15
SKILL_DRAW_ROUNDS: Final = 4
VARIANT_SHARE: Final = 0.1  # skills written as an alias or variant spelling
ESCO_COUNT_WEIGHTS: Final = (0.35, 0.3, 0.2, 0.15)  # 0, 1, 2 or 3 ESCO labels
# Title: prefixed below the first share, suffixed below the second, plain otherwise; a suffix
# names one of the first few held skills.
PREFIXED_BELOW: Final = 0.06
SUFFIXED_BELOW: Final = 0.24
SUFFIX_SKILLS: Final = 4
# Overview: how many parts (introduction included), and the chance of a second description
# sentence.
OVERVIEW_PARTS: Final = (1, 2, 3, 4)
OVERVIEW_PART_WEIGHTS: Final = (15, 30, 30, 25)
SECOND_DESCRIPTION_SHARE: Final = 0.3

_ESCO_COUNT_CUM: Final = cumulative(ESCO_COUNT_WEIGHTS)


def skills(
    rng: random.Random, t: Tables, occ: Occupation, named: int
) -> tuple[list[str], list[str], str | None]:
    """(skills as shown, the names they were drawn from, how the title skill is shown)."""
    wanted = round(rng.gauss(SKILL_COUNT_MEAN, SKILL_COUNT_SIGMA))
    wanted = min(len(occ.skills), max(MIN_SKILLS, min(MAX_SKILLS, wanted)))
    cum = occ.skill_cum[named]
    sources: list[str] = [occ.skills[named]] if named != NO_SKILL else []
    for _ in range(SKILL_DRAW_ROUNDS):
        draws = rng.choices(occ.skills, cum_weights=cum, k=2 * wanted)
        sources = list(dict.fromkeys(sources + draws))[:wanted]
        if len(sources) == wanted:
            break
    shown: list[str] = []
    folded: set[str] = set()
    for position, name in enumerate(sources):
        display = name
        variants = t.variants.get(name)
        # The title skill keeps its own name: "WP" would not tell a search it is WordPress.
        if variants and rng.random() < VARIANT_SHARE and (position or named == NO_SKILL):
            display = choice(rng, variants)
        key = display.casefold()
        if key not in folded:
            folded.add(key)
            shown.append(display)
    title_skill = shown[0] if named != NO_SKILL else None
    labels: list[str] = []
    for _ in range(pick(rng, _ESCO_COUNT_CUM)):
        label = choice(rng, occ.esco)
        if label.casefold() not in folded:
            folded.add(label.casefold())
            labels.append(label)
    return shown + labels, sources, title_skill


def title(rng: random.Random, t: Tables, base: str, others: list[str]) -> str:
    """The full title: `base`, sometimes prefixed or suffixed with a held skill from `others`."""
    roll = rng.random()
    if roll < PREFIXED_BELOW:
        prefix = choice(rng, t.texts.prefixes)
        if not base.startswith(prefix.split()[0]):
            return prefix + base
    elif roll < SUFFIXED_BELOW:
        headlines = (t.headlines.get(s) for s in others[:SUFFIX_SKILLS])
        short = list(dict.fromkeys(h for h in headlines if h))
        if short:
            skill = choice(rng, short)
            suffixes = t.texts.suffixes
            template = suffixes[rng.randrange(len(suffixes))]
            if "{other}" in template and len(short) < 2:
                template = suffixes[-1]
            other = short[0] if short[0] != skill else short[-1]
            return template.format(title=base, skill=skill, other=other)
    return base


def overview(
    rng: random.Random,
    t: Tables,
    occ: Occupation,
    title: str,
    first: str,
    country: str,
    years: int,
    since: int,
    shown: list[str],
    title_skill: str | None,
) -> str:
    article = "an" if title[:1] in "AEIOU" else "a"
    intro = choice(rng, t.texts.intros).format(
        title=title, years=years, first=first, article=article, country=country, since=since
    )
    parts = [intro]
    sentences = rng.choices(OVERVIEW_PARTS, weights=OVERVIEW_PART_WEIGHTS)[0]
    if sentences >= 2 and occ.sentences:
        parts.append(occ.sentences[0])
        if len(occ.sentences) > 1 and rng.random() < SECOND_DESCRIPTION_SHARE:
            parts.append(occ.sentences[1 + rng.randrange(len(occ.sentences) - 1)])
    if title_skill is not None:
        others = [s for s in shown if s != title_skill]
        if len(others) >= 2:
            b, c = rng.sample(others, 2)
            sentence = choice(rng, t.texts.skill_sentences)
            parts.append(sentence.format(a=title_skill, b=b, c=c))
        else:
            parts.append(t.texts.single_skill_sentence.format(a=title_skill))
    elif sentences >= 3 and len(shown) >= 3:
        a, b, c = rng.sample(shown, 3)
        parts.append(choice(rng, t.texts.skill_sentences).format(a=a, b=b, c=c))
    if sentences >= 4:
        parts.append(choice(rng, t.texts.closings))
    return " ".join(parts)
