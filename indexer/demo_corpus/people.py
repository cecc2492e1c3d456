"""Where a freelancer lives and what they are called.

From the spec (``indexer/demo_corpus/__init__.py``):

* Country: United States 55%, then IN, PH, GB, CA, UA, PK and 20 smaller ones
  (``countries.tsv``: weight, rate factor, name region). Names come from small first/last name
  lists per region (``names.yaml``), mostly matching the country: a US name is drawn from the US
  mix of regions, any other from the country's region except for `OTHER_REGION_SHARE`.
* Display name: the full name, or the first name and an initial for `INITIAL_ONLY_SHARE`.
"""

from __future__ import annotations

import random
from typing import Final

from indexer.demo_corpus.draws import choice, pick
from indexer.demo_corpus.tables import Country, Tables

OTHER_REGION_SHARE: Final = 0.12  # outside the US: names from any region, not the country's
INITIAL_ONLY_SHARE: Final = 0.3  # "Maria G." rather than "Maria Garcia"


def country(rng: random.Random, t: Tables) -> Country:
    return t.countries[pick(rng, t.country_cum)]


def name(rng: random.Random, t: Tables, region: str) -> tuple[str, str]:
    """(first name, last name) for a freelancer of `region` ("us": the US mix)."""
    if region == "us":
        region = t.us_name_regions[pick(rng, t.us_name_cum)]
    elif rng.random() < OTHER_REGION_SHARE:
        region = choice(rng, t.regions)
    firsts, lasts = t.names[region]
    return choice(rng, firsts), choice(rng, lasts)


def display_name(rng: random.Random, first: str, last: str) -> str:
    return f"{first} {last[0]}." if rng.random() < INITIAL_ONLY_SHARE else f"{first} {last}"
