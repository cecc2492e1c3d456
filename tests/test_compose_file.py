"""docker-compose.yml is checked against the Compose specification (no Docker engine here)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import yaml

from talent_search.opensearch_engine import ENGINE_PROJECT, OPENSEARCH_VERSION

ROOT = Path(__file__).resolve().parents[1]
SCHEMA = Path(__file__).parent / "schemas" / "compose-spec" / "compose-spec.json"


def _compose() -> dict[str, Any]:
    doc: dict[str, Any] = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    return doc


def test_compose_file_matches_the_compose_specification() -> None:
    # The schema declares draft-07 under an https URL that jsonschema does not recognise.
    jsonschema.Draft7Validator(json.loads(SCHEMA.read_text())).validate(_compose())


def test_opensearch_is_pinned_secured_and_health_checked() -> None:
    services = _compose()["services"]
    opensearch = services["opensearch"]
    image = opensearch["image"]
    assert image.startswith("opensearchproject/opensearch:")
    assert image == f"opensearchproject/opensearch:{OPENSEARCH_VERSION}"  # what the tests run
    password = opensearch["environment"]["OPENSEARCH_INITIAL_ADMIN_PASSWORD"]
    assert password.startswith("${OPENSEARCH_INITIAL_ADMIN_PASSWORD:?"), "must be required"
    assert "healthcheck" in opensearch
    assert any("opensearch/data" in v for v in opensearch["volumes"])
    for name in ("api", "indexer"):
        assert services[name]["depends_on"]["opensearch"]["condition"] == "service_healthy"
        assert services[name]["build"] == "."


def test_the_maven_engine_pins_the_version_the_product_names() -> None:
    pom = (ENGINE_PROJECT / "pom.xml").read_text()
    assert f"<opensearch.version>{OPENSEARCH_VERSION}</opensearch.version>" in pom
    assert f"<knn.version>{OPENSEARCH_VERSION}.0</knn.version>" in pom
