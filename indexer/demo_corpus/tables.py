"""Every table a profile is drawn from, loaded and indexed once per process.

The data files (``indexer/demo_corpus_data``), the taxonomy (``domain/taxonomy_files.py``) and
the certifying-bodies registry (``domain/certification_registry.py``) are read here, about half a
second; `tables().problems` lists data that names something the taxonomy lacks (the tests want
none). Badges come from the shared badge policy (``domain/badges.py``).
"""

from __future__ import annotations

import csv
import functools
from collections.abc import Mapping
from dataclasses import dataclass

from domain.badges import BadgePolicy
from domain.certification_registry import CertificationRegistry, CertifyingBody, default_registry
from indexer.demo_corpus.data_files import data_text, data_yaml, string_map, strings, weights
from indexer.demo_corpus.draws import cumulative
from indexer.demo_corpus.occupations import Occupation, load_occupations
from indexer.demo_corpus.skill_spellings import headline


@dataclass(frozen=True, slots=True)
class Body:
    code: str
    name: str
    categories: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Country:
    code: str
    rate_factor: float
    region: str
    name: str


@dataclass(frozen=True, slots=True)
class Certification:
    name: str
    issuer: str


@dataclass(frozen=True, slots=True)
class UnrecognisedBody:
    name: str
    prefix: str
    categories: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Texts:
    prefixes: tuple[str, ...]
    suffixes: tuple[str, ...]
    intros: tuple[str, ...]
    skill_sentences: tuple[str, ...]
    single_skill_sentence: str
    closings: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Tables:
    occupations: tuple[Occupation, ...]
    occupation_cum: tuple[float, ...]
    categories: Mapping[str, str]  # key -> display name
    countries: tuple[Country, ...]
    country_cum: tuple[float, ...]
    names: Mapping[str, tuple[tuple[str, ...], tuple[str, ...]]]  # region -> (firsts, lasts)
    regions: tuple[str, ...]
    us_name_regions: tuple[str, ...]
    us_name_cum: tuple[float, ...]
    texts: Texts
    variants: Mapping[str, tuple[str, ...]]
    headlines: Mapping[str, str]
    certifications: tuple[Certification, ...]
    certs_by_skill: Mapping[str, tuple[int, ...]]
    certs_by_family: Mapping[str, tuple[int, ...]]
    us_bodies: tuple[Body, ...]
    ca_bodies: tuple[Body, ...]
    us_outcomes: tuple[str, ...]
    us_outcome_cum: tuple[float, ...]
    ca_outcomes: tuple[str, ...]
    ca_outcome_cum: tuple[float, ...]
    types_by_body: Mapping[str, tuple[str, ...]]
    types_by_category: Mapping[str, tuple[str, ...]]
    number_prefixes: Mapping[str, str]
    unrecognised: tuple[UnrecognisedBody, ...]
    business_words: Mapping[str, tuple[str, ...]]
    business_adjectives: tuple[str, ...]
    entity_suffixes: Mapping[str, tuple[str, ...]]
    policy: BadgePolicy
    problems: tuple[str, ...]  # data that names something the taxonomy lacks (tests: none)


def _body(body: CertifyingBody) -> Body:
    return Body(body.code, body.name, tuple(sorted(str(c) for c in body.categories)))


def _load_countries() -> tuple[tuple[Country, ...], tuple[float, ...]]:
    rows = list(csv.DictReader(data_text("countries.tsv").splitlines(), delimiter="\t"))
    countries = tuple(
        Country(r["code"], float(r["rate_factor"]), r["name_region"], r["display_name"])
        for r in rows
    )
    return countries, cumulative([float(r["weight_percent"]) for r in rows])


@functools.cache
def tables() -> Tables:
    """Load and index the data files, the taxonomy and the registry once."""
    problems: list[str] = []
    aliases = string_map(data_yaml("skills.yaml")["aliases"])
    variants: dict[str, tuple[str, ...]] = {}
    occupations, occupation_cum, categories, business_words = load_occupations(problems, variants)
    headlines = {
        name: spelling
        for occupation in occupations
        for name in occupation.skills
        if (spelling := headline(name, aliases))
    }

    certs = data_yaml("skill_certifications.yaml")["certifications"]
    certifications = tuple(Certification(str(c["name"]), str(c["issuer"])) for c in certs)
    certs_by_skill: dict[str, list[int]] = {}
    certs_by_family: dict[str, list[int]] = {}
    known = {name for occupation in occupations for name in occupation.skills}
    for number, cert in enumerate(certs):
        for skill in strings(cert.get("skills")):
            certs_by_skill.setdefault(skill, []).append(number)
        for family in strings(cert.get("families")):
            certs_by_family.setdefault(family, []).append(number)
    problems += [
        f"skill_certifications.yaml: no occupation has {skill!r}"
        for skill in sorted(set(certs_by_skill) - known)
    ]
    problems += [
        f"skill_certifications.yaml: unknown family {family!r}"
        for family in sorted(set(certs_by_family) - set(business_words))
    ]

    names_spec = data_yaml("names.yaml")
    names = {
        str(region): (strings(lists["first"]), strings(lists["last"]))
        for region, lists in names_spec["regions"].items()
    }
    us_mix = weights(names_spec["us_mix"])
    countries, country_cum = _load_countries()

    texts_spec = data_yaml("texts.yaml")
    texts = Texts(
        prefixes=tuple(p + " " for p in strings(texts_spec["title_prefixes"])),
        suffixes=strings(texts_spec["title_suffixes"]),
        intros=strings(texts_spec["intros"]),
        skill_sentences=strings(texts_spec["skill_sentences"]),
        single_skill_sentence=str(texts_spec["single_skill_sentence"]),
        closings=strings(texts_spec["closings"]),
    )

    diversity = data_yaml("diversity.yaml")
    types_by_category = string_map(diversity["types_by_category"])
    unrecognised = tuple(
        UnrecognisedBody(
            str(b["name"]),
            str(b["prefix"]),
            tuple(types_by_category) if b["categories"] == "all" else strings(b["categories"]),
        )
        for b in diversity["unrecognised_bodies"]
    )
    registry: CertificationRegistry = default_registry()
    us_outcomes, ca_outcomes = (
        weights(diversity["us_outcomes"]),
        weights(diversity["ca_outcomes"]),
    )
    return Tables(
        occupations=occupations,
        occupation_cum=occupation_cum,
        categories=categories,
        countries=countries,
        country_cum=country_cum,
        names=names,
        regions=tuple(names),
        us_name_regions=tuple(us_mix),
        us_name_cum=cumulative(list(us_mix.values())),
        texts=texts,
        variants={name: spellings for name, spellings in variants.items() if spellings},
        headlines=headlines,
        certifications=certifications,
        certs_by_skill={k: tuple(v) for k, v in certs_by_skill.items()},
        certs_by_family={k: tuple(v) for k, v in certs_by_family.items()},
        us_bodies=tuple(_body(b) for b in registry.countries["US"].bodies),
        ca_bodies=tuple(_body(b) for b in registry.countries["CA"].bodies),
        us_outcomes=tuple(us_outcomes),
        us_outcome_cum=cumulative(list(us_outcomes.values())),
        ca_outcomes=tuple(ca_outcomes),
        ca_outcome_cum=cumulative(list(ca_outcomes.values())),
        types_by_body=string_map(diversity["types_by_body"]),
        types_by_category=types_by_category,
        number_prefixes={str(k): str(v) for k, v in diversity["number_prefixes"].items()},
        unrecognised=unrecognised,
        business_words=business_words,
        business_adjectives=strings(diversity["business_adjectives"]),
        entity_suffixes=string_map(diversity["entity_suffixes"]),
        policy=BadgePolicy(),
        problems=tuple(problems),
    )
