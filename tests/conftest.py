"""The whole suite's settings: offline model hub, and no cluster the user configured.

It imports neither the embedded server nor the model: unit tests (`tests/unit/`) run without
either. The engine fixtures are in `tests/integration/conftest.py`, the data builders in
`tests/factories.py`.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
# No test may reach a cluster the user configured for real work.
os.environ.pop("OPENSEARCH_URL", None)


def pytest_configure(config: pytest.Config) -> None:
    """A test module directly under tests/ would run in neither part (`scripts/test.sh`)."""
    stray = sorted(p.name for p in Path(__file__).parent.glob("test_*.py"))
    if stray:
        raise pytest.UsageError(
            f"test modules directly under tests/: {', '.join(stray)}; each belongs in "
            "tests/unit/ (no engine, no model) or tests/integration/"
        )
