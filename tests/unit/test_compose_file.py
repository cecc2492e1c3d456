"""docker-compose.yml is checked against the Compose specification (no Docker engine here)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import yaml

from talent_search.opensearch_engine import ENGINE_PROJECT, OPENSEARCH_VERSION

ROOT = Path(__file__).resolve().parents[2]
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


def test_every_client_verifies_the_clusters_certificate() -> None:
    compose = _compose()
    services = compose["services"]
    certs_job = services["certs"]
    assert certs_job["restart"] == "no"
    assert "./deploy/make-certs.sh:/deploy/make-certs.sh:ro" in certs_job["volumes"]
    opensearch = services["opensearch"]
    assert opensearch["depends_on"]["certs"]["condition"] == "service_completed_successfully"
    assert "opensearch-tls:/usr/share/opensearch/config/certs:ro" in opensearch["volumes"]
    env = opensearch["environment"]
    assert env["plugins.security.ssl.http.pemcert_filepath"] == "certs/node.pem"
    assert env["plugins.security.ssl.http.pemkey_filepath"] == "certs/node-key.pem"
    health = " ".join(opensearch["healthcheck"]["test"])
    assert "--cacert /usr/share/opensearch/config/certs/root-ca.pem" in health
    assert "-k" not in health.split() and "-sk" not in health and "--insecure" not in health
    for name in ("api", "indexer"):
        client_env = services[name]["environment"]
        assert client_env["OPENSEARCH_URL"].startswith("https://opensearch:")
        assert client_env["OPENSEARCH_VERIFY_CERTS"] == "true"
        assert client_env["OPENSEARCH_CA_CERTS"] == "/certs/ca/root-ca.pem"
        assert "talent-ca:/certs/ca:ro" in services[name]["volumes"]
        # The clients get the CA certificate only, never the node's private key.
        assert not any(v.startswith("opensearch-tls:") for v in services[name]["volumes"])
    assert {"opensearch-tls", "talent-ca"} <= set(compose["volumes"])
    assert 'VERIFY_CERTS: "false"' not in (ROOT / "docker-compose.yml").read_text()
