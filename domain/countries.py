"""Countries: ISO 3166-1 alpha-2 codes, checked against pycountry and upper-cased.

One validator for every place a country comes in: a profile, its certifications, a search filter.
"""

from __future__ import annotations

from typing import Annotated

import pycountry
from pydantic import AfterValidator


def _iso_country(value: str) -> str:
    code = value.strip().upper()
    if len(code) != 2 or pycountry.countries.get(alpha_2=code) is None:
        raise ValueError(f"{value!r} is not an ISO 3166-1 alpha-2 country code")
    return code


CountryCode = Annotated[str, AfterValidator(_iso_country)]
