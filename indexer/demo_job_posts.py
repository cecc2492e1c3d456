"""Deterministic demo corpus of past job posts: what clients asked for and the skills they tagged.

Why: the ranking reads which skills a query needs from the past job posts nearest to it, so the
demo needs job posts whose titles read like a marketplace's ("Fix my WordPress site", "Logo
design for a bakery") and whose tags belong to them. They are built from the data the repo ships,
like the demo profiles, never from the relevance set.

How: post ``i`` gets its own ``random.Random`` seeded from ``(seed, i)``, so it does not depend
on the count, and the corpus streams in constant memory. It draws an occupation with the profile
generator's weights (``indexer/demo_corpus``: same occupations, titles, skills and lean), then
uses its family's entry of ``demo_corpus_data/job_posts.yaml``:

* Title (about half): one of the family's asks ("{skill} store redesign": Shopify or
  WooCommerce; "Logo design for {business}": Logo Design); about three in ten: a role template
  with one of the occupation's titles ("{role} needed for {task}"), which names the title's
  technology skill and the ``role_skills`` its words match ("Bookkeeper": Bookkeeping); the
  rest: a skill template with one of the family's tags ("{skill} expert needed for {task}").
  Skills are written as clients write them (``title_names``: "QuickBooks", "SEO"; now and then
  a marketplace spelling: "Golang").
* Skills: 2-8 tags (mean about 4.6). The skills the title names come first, always; then the
  named skill's companions (``skills.yaml`` and ``job_posts.yaml``), the family's usual tags,
  and the occupation's own skills drawn with the profile generator's weights (leaning to the
  named skill when the occupation has that lean). Every tag is one of the occupation's skills or
  its family's ESCO labels, unique case-insensitively.
* Description on about two posts in three; ``posted_at`` from 2025-01-01 to 2026-10-31.

Determinism: byte-identical output for the same ``(count, seed)`` on the same CPython minor
version, as for the profiles.
"""

from __future__ import annotations

import random
import re
import string
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any, Final

from indexer.demo_corpus.data_files import data_yaml
from indexer.demo_corpus.draws import choice, pick
from indexer.demo_corpus.json_lines import write_json_lines
from indexer.demo_corpus.occupations import Occupation
from indexer.demo_corpus.skill_spellings import NO_SKILL
from indexer.demo_corpus.tables import tables
from indexer.errors import DemoCorpusError

__all__ = ["demo_job_posts", "write_demo_job_posts"]

_FIRST_DAY: Final = date(2025, 1, 1).toordinal()
_DAYS: Final = date(2026, 10, 31).toordinal() - _FIRST_DAY + 1
_COUNT_WEIGHTS: Final = (12, 20, 22, 18, 12, 9, 7)  # 2..8 tags
_COUNT_CUM: Final = tuple(sum(_COUNT_WEIGHTS[: i + 1]) for i in range(len(_COUNT_WEIGHTS)))
_MIN_TAGS: Final = 2
_TAG_DRAWS: Final = 40  # at most this many draws to fill the tags
_MAX_ROLE_CHARS: Final = 40
_ROLE_DRAWS: Final = 3  # draws for a title short enough to be a role
_MAX_TITLE_NAME_CHARS: Final = 24  # a longer skill name reads badly in a title
# Title: a family's ask below the first bound, a role template below the second, else a skill
# template; now and then the skill in a marketplace spelling.
_ASK_BELOW: Final = 0.5
_ROLE_BELOW: Final = 0.8
_MARKETPLACE_SPELLING_SHARE: Final = 0.2
# Tags after the named skills: a companion below the first bound (when there are some), a
# family's usual tag below the second, else one of the occupation's skills.
_COMPANION_BELOW: Final = 0.5
_FAMILY_TAG_BELOW: Final = 0.88
_DESCRIPTION_SHARE: Final = 0.65
_CLOSING_SHARE: Final = 0.5
_ASK_FIELDS: Final = frozenset({"skill", "a_skill", "task", "business"})
_ROLE_FIELDS: Final = frozenset({"role", "a_role", "task", "business"})


@dataclass(frozen=True, slots=True)
class _Ask:
    """A family's title; with {skill} it names one of `skills`, else it names all of them."""

    template: str
    skills: tuple[str, ...]
    names_one: bool


@dataclass(frozen=True, slots=True)
class _Plan:
    """What the posts of one occupation are built from."""

    occupation: Occupation
    asks: tuple[_Ask, ...]
    tasks: tuple[str, ...]
    tags: tuple[str, ...]
    nameable: tuple[str, ...]  # tags a title can name
    role_skills: tuple[tuple[str, ...], ...]  # per occupation title: the skills it names
    held: frozenset[str]  # the occupation's skills and ESCO labels
    lean: Mapping[str, int]  # skill -> its index, for skills the occupation has a lean for


@dataclass(frozen=True, slots=True)
class _Plans:
    plans: tuple[_Plan, ...]  # one per occupation of the profile generator, in its order
    occupation_cum: tuple[float, ...]
    businesses: tuple[str, ...]
    role_titles: tuple[str, ...]
    skill_titles: tuple[str, ...]
    title_names: Mapping[str, str]
    headlines: Mapping[str, str]  # skill -> its first marketplace spelling (demo_corpus)
    companions: Mapping[str, tuple[str, ...]]
    intros: tuple[str, ...]
    plain_intros: tuple[str, ...]
    skill_sentences: tuple[str, ...]
    closings: tuple[str, ...]
    problems: tuple[str, ...]  # data naming what no occupation has (tests: none)


def _strings(value: Any) -> tuple[str, ...]:
    return tuple(str(item) for item in value or ())


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}


def _title_name(name: str, title_names: Mapping[str, str]) -> str | None:
    """How a client writes the skill in a title; None when its name would read badly there."""
    written = title_names.get(name)
    if written is not None:
        return written
    short = len(name) <= _MAX_TITLE_NAME_CHARS
    plain = short and name[:1].isupper() and not name.endswith(" software")
    return name if plain else None


def _with_article(text: str) -> str:
    first = text.split(" ", 1)[0]
    if first[:2].isupper():  # an acronym, read letter by letter: "an SEO", "a UX"
        vowel = first[0] in "AEFHILMNORSX"
    else:
        vowel = first[:1].lower() in "aeiou" and not first.lower().startswith(("uni", "use", "eu"))
    return ("an " if vowel else "a ") + text


def _asks(spec: Mapping[str, Any], where: str, problems: list[str]) -> list[_Ask]:
    asks = []
    for template, skills in spec.items():
        fields = _fields(str(template))
        problems += [f"{where}: {template!r} uses {{{f}}}" for f in sorted(fields - _ASK_FIELDS)]
        names_one = bool(fields & {"skill", "a_skill"})
        if names_one and not skills:
            problems.append(f"{where}: {template!r} names a skill but lists none")
        asks.append(_Ask(str(template), _strings(skills), names_one))
    return asks


def _family_asks(
    families: Mapping[str, Any],
    held_by_family: Mapping[str, set[str]],
    title_names: Mapping[str, str],
    problems: list[str],
) -> dict[str, list[_Ask]]:
    """Every family's asks; reports skills no occupation of the family has, and skills a title
    would name that have no way to be written there."""
    asks_by_family: dict[str, list[_Ask]] = {}
    for name, held in sorted(held_by_family.items()):
        if name not in families:
            raise DemoCorpusError(f"job_posts.yaml: no entry for family {name!r}")
        where = f"job_posts.yaml {name}"
        asks = asks_by_family[name] = _asks(families[name]["asks"], where, problems)
        named = [s for ask in asks for s in ask.skills] + list(_strings(families[name]["tags"]))
        problems += [f"{where}: no occupation has {s!r}" for s in named if s not in held]
        problems += [
            f"{where}: {ask.template!r} cannot write {s!r} in a title"
            for ask in asks
            if ask.names_one
            for s in ask.skills
            if _title_name(s, title_names) is None
        ]
    problems += [
        f"job_posts.yaml: unknown family {n!r}" for n in families if n not in asks_by_family
    ]
    return asks_by_family


def _texts(spec: Mapping[str, Any], problems: list[str]) -> dict[str, tuple[str, ...]]:
    """The title and description templates, by key; reports placeholders they may not use."""
    allowed = {
        "role_titles": _ROLE_FIELDS,
        "skill_titles": _ASK_FIELDS,
        "intros": {"business", "task"},
        "plain_intros": {"business"},
        "skills": {"a", "b", "skills"},
        "closings": set(),
    }
    descriptions = spec["descriptions"]
    texts = {key: _strings(spec[key] if key in spec else descriptions[key]) for key in allowed}
    problems += [
        f"{key}: {template!r} uses {{{field}}}"
        for key, templates in texts.items()
        for template in templates
        for field in sorted(_fields(template) - allowed[key])
    ]
    return texts


def _role_patterns(spec: Mapping[str, Any]) -> list[tuple[re.Pattern[str], tuple[str, ...]]]:
    return [
        (re.compile(rf"(?<!\w){re.escape(str(words))}(?!\w)", re.IGNORECASE), _strings(skills))
        for words, skills in spec.items()
    ]


def _role_skills(
    occupation: Occupation,
    held: frozenset[str],
    patterns: Sequence[tuple[re.Pattern[str], tuple[str, ...]]],
) -> tuple[tuple[str, ...], ...]:
    """Per title of the occupation, the skills it names: its technology skill, then the
    role_skills its words match, those the occupation has."""
    out = []
    for title, index in zip(occupation.titles, occupation.title_skills, strict=True):
        named = [occupation.skills[index]] if index != NO_SKILL else []
        named += [s for pattern, skills in patterns if pattern.search(title) for s in skills]
        out.append(tuple(dict.fromkeys(s for s in named if s in held)))
    return tuple(out)


def _plan(
    occupation: Occupation,
    family: Mapping[str, Any],
    asks: Sequence[_Ask],
    title_names: Mapping[str, str],
    patterns: Sequence[tuple[re.Pattern[str], tuple[str, ...]]],
) -> _Plan:
    """The family's data, kept to what this occupation has."""
    held = frozenset(occupation.skills) | frozenset(occupation.esco)
    kept: list[_Ask] = []
    for ask in asks:  # a {skill} ask keeps the skills held; another, only if all are held
        skills = tuple(s for s in ask.skills if s in held)
        if (skills and ask.names_one) or skills == ask.skills:
            kept.append(_Ask(ask.template, skills, ask.names_one))
    tags = tuple(s for s in _strings(family["tags"]) if s in held)
    lean = {occupation.skills[i]: i for i in occupation.skill_cum if i != NO_SKILL}
    return _Plan(
        occupation=occupation,
        asks=tuple(kept),
        tasks=_strings(family["tasks"]),
        tags=tags,
        nameable=tuple(s for s in tags if _title_name(s, title_names) is not None),
        role_skills=_role_skills(occupation, held, patterns),
        held=held,
        lean=lean,
    )


@cache
def _plans() -> _Plans:
    """Read job_posts.yaml against the profile generator's tables, once per process."""
    t = tables()
    spec = data_yaml("job_posts.yaml")
    problems: list[str] = []
    held_by_family: dict[str, set[str]] = {}
    for occupation in t.occupations:
        held_by_family.setdefault(occupation.family, set()).update(
            occupation.skills, occupation.esco
        )
    everything = set().union(*held_by_family.values())

    title_names = {str(k): str(v) for k, v in spec["title_names"].items()}
    companions = {str(k): _strings(v) for k, v in data_yaml("skills.yaml")["companions"].items()}
    for name, partners in spec["companions"].items():
        companions[str(name)] = tuple(dict.fromkeys((*companions.get(str(name), ()), *partners)))
        named = (str(name), *_strings(partners))
        problems += [f"companions: no occupation has {n!r}" for n in named if n not in everything]
    problems += [
        f"title_names: no occupation has {n!r}" for n in title_names if n not in everything
    ]
    patterns = _role_patterns(spec["role_skills"])
    for pattern, skills in patterns:
        if not any(pattern.search(title) for o in t.occupations for title in o.titles):
            problems.append(f"role_skills: no occupation title has {pattern.pattern!r}")
        problems += [f"role_skills: no occupation has {s!r}" for s in skills if s not in everything]
    families = spec["families"]
    asks = _family_asks(families, held_by_family, title_names, problems)
    texts = _texts(spec, problems)
    plans = tuple(
        _plan(o, families[o.family], asks[o.family], title_names, patterns) for o in t.occupations
    )
    problems += [
        f"{p.occupation.code} ({p.occupation.family}): no tags" for p in plans if not p.tags
    ]
    return _Plans(
        plans=plans,
        occupation_cum=t.occupation_cum,
        businesses=_strings(spec["businesses"]),
        role_titles=texts["role_titles"],
        skill_titles=texts["skill_titles"],
        title_names=title_names,
        headlines=t.headlines,
        companions=companions,
        intros=texts["intros"],
        plain_intros=texts["plain_intros"],
        skill_sentences=texts["skills"],
        closings=texts["closings"],
        problems=tuple(problems),
    )


# --------------------------------------------------------------------------------------------
# One post
# --------------------------------------------------------------------------------------------


def _role(rng: random.Random, plan: _Plan) -> tuple[str, tuple[str, ...]]:
    """One of the occupation's titles (short ones: a client writes a role, not a rank), and the
    skills it names."""
    occupation = plan.occupation
    chosen = pick(rng, occupation.title_cum)
    for _ in range(_ROLE_DRAWS):
        if len(occupation.titles[chosen]) <= _MAX_ROLE_CHARS:
            break
        chosen = pick(rng, occupation.title_cum)
    return occupation.titles[chosen], plan.role_skills[chosen]


def _title(
    rng: random.Random, p: _Plans, plan: _Plan, task: str, business: str
) -> tuple[str, tuple[str, ...], bool]:
    """The title, the skills it names (first: the one the tags lean to), whether it tells the
    task."""
    role, skill = "", ""
    named: tuple[str, ...] = ()
    roll = rng.random()
    if roll < _ASK_BELOW and plan.asks:
        ask = plan.asks[rng.randrange(len(plan.asks))]
        template = ask.template
        named = (choice(rng, ask.skills),) if ask.names_one else ask.skills
    elif roll < _ROLE_BELOW or not plan.nameable:
        template = choice(rng, p.role_titles)
        role, named = _role(rng, plan)
    else:
        template = choice(rng, p.skill_titles)
        named = (choice(rng, plan.nameable),)
    if named:
        skill = _title_name(named[0], p.title_names) or named[0]
        spelling = p.headlines.get(named[0], skill)
        # now and then "Golang", "ReactJS"
        if spelling != named[0] and rng.random() < _MARKETPLACE_SPELLING_SHARE:
            skill = spelling
    title = template.format(
        role=role,
        a_role=_with_article(role) if role else "",
        skill=skill,
        a_skill=_with_article(skill) if skill else "",
        task=task,
        business=business,
    )
    first = title.split(" ", 1)[0]
    if first.islower():  # "proofreading expert..." starts a title in upper case
        title = title[0].upper() + title[1:]
    return title, named, "{task}" in template


def _tags(rng: random.Random, p: _Plans, plan: _Plan, named: tuple[str, ...]) -> list[str]:
    """2-8 tags: the named skills, then companions, the family's usual tags, the occupation's."""
    wanted = max(len(named), _MIN_TAGS + pick(rng, _COUNT_CUM))
    tags = list(named)
    seen = {tag.casefold() for tag in tags}
    lead = named[0] if named else None
    partners = [s for s in p.companions.get(lead, ()) if s in plan.held] if lead else []
    occupation = plan.occupation
    cum = occupation.skill_cum[plan.lean.get(lead, NO_SKILL) if lead else NO_SKILL]
    for _ in range(_TAG_DRAWS):
        if len(tags) >= wanted:
            break
        roll = rng.random()
        if partners and roll < _COMPANION_BELOW:
            tag = choice(rng, partners)
        elif roll < _FAMILY_TAG_BELOW:
            tag = choice(rng, plan.tags)
        else:
            tag = occupation.skills[pick(rng, cum)]
        if tag.casefold() not in seen:
            seen.add(tag.casefold())
            tags.append(tag)
    return tags


def _description(
    rng: random.Random, p: _Plans, task: str | None, business: str, tags: Sequence[str]
) -> str | None:
    """A short brief about the title's task (if it names one), naming tags as a client writes
    them."""
    if rng.random() >= _DESCRIPTION_SHARE:
        return None
    intros = p.intros if task is not None else p.plain_intros
    parts = [choice(rng, intros).format(task=task, business=business)]
    written = list(dict.fromkeys(w for w in (_title_name(t, p.title_names) for t in tags) if w))
    if len(written) >= 2:  # the title's skill first, when it has one
        a, b = written[0], choice(rng, written[1:])
        parts.append(choice(rng, p.skill_sentences).format(a=a, b=b, skills=", ".join(written)))
    if rng.random() < _CLOSING_SHARE:
        parts.append(choice(rng, p.closings))
    return " ".join(parts)


def _start(p: _Plans, seed: int, index: int) -> tuple[random.Random, _Plan]:
    """The generator of post `index` for `seed`, and the occupation's plan it draws first."""
    rng = random.Random(f"demo-job-posts:{seed}:{index}")
    return rng, p.plans[pick(rng, p.occupation_cum)]


def _post(p: _Plans, seed: int, index: int) -> tuple[dict[str, Any], tuple[str, ...]]:
    """Post number `index` (0-based) for `seed`, and the skills its title names (tests)."""
    rng, plan = _start(p, seed, index)
    task, business = choice(rng, plan.tasks), choice(rng, p.businesses)
    title, named, told = _title(rng, p, plan, task, business)
    tags = _tags(rng, p, plan, named)
    post: dict[str, Any] = {"id": f"jp-{index + 1:07d}", "title": title, "skills": tags}
    description = _description(rng, p, task if told else None, business, tags)
    if description is not None:
        post["description"] = description
    post["posted_at"] = date.fromordinal(_FIRST_DAY + rng.randrange(_DAYS)).isoformat()
    return post, named


# --------------------------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------------------------


def demo_job_posts(count: int, seed: int = 42) -> Iterator[dict[str, Any]]:
    """Yield `count` demo job posts as JSON-ready dicts, lazily; post ``i`` depends only on
    ``(seed, i)``."""
    if count < 0:
        raise DemoCorpusError(f"count must be >= 0, got {count}")
    return _stream(_plans(), count, seed)


def _stream(p: _Plans, count: int, seed: int) -> Iterator[dict[str, Any]]:
    for index in range(count):
        yield _post(p, seed, index)[0]


def write_demo_job_posts(
    out_file: Path,
    count: int,
    seed: int = 42,
    on_progress: Callable[[int], None] | None = None,
) -> int:
    """Write `count` job posts to `out_file` as JSON Lines; return the number written.

    ``on_progress(n)`` is called every 1,000 lines and once at the end.
    """
    return write_json_lines(Path(out_file), demo_job_posts(count, seed=seed), on_progress)
