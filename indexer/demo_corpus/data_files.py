"""The data files of ``indexer/demo_corpus_data``, each parsed once per process.

Why: the tables (occupations, families, skills, certifications, countries, names, texts,
diversity certifications, job posts) are data, not code, so that a reviewer reads a
distribution's shares where they are written down; the profile and job-post generators share
one parse of each file.
"""

from __future__ import annotations

import functools
from importlib import resources
from typing import Any, Final

import yaml

_PACKAGE: Final = "indexer"
_DATA: Final = "demo_corpus_data"
_YAML_LOADER: Final[Any] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml if built


def data_text(name: str) -> str:
    """A data file's text, from the installed package (so it also works from a wheel)."""
    return (resources.files(_PACKAGE) / _DATA / name).read_text(encoding="utf-8")


@functools.cache
def data_yaml(name: str) -> Any:
    """A data file, parsed once (a safe loader: plain data only)."""
    return yaml.load(data_text(name), Loader=_YAML_LOADER)


def strings(value: Any) -> tuple[str, ...]:
    return tuple(str(item) for item in value or ())


def string_map(value: Any) -> dict[str, tuple[str, ...]]:
    return {str(key): strings(items) for key, items in (value or {}).items()}


def weights(value: Any) -> dict[str, float]:
    return {str(key): float(weight) for key, weight in (value or {}).items()}
