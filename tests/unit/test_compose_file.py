"""docker-compose.yml is checked against the Compose specification (no Docker engine here)."""

from __future__ import annotations

import json
import os
import shutil
import socket
import ssl
import subprocess
import threading
from contextlib import suppress
from pathlib import Path
from typing import Any

import jsonschema
import pytest
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


def test_the_certs_job_makes_a_ca_and_a_node_certificate_clients_can_verify(
    tmp_path: Path,
) -> None:
    if shutil.which("openssl") is None:
        pytest.skip("no openssl CLI")
    env = os.environ | {
        "NODE_DIR": str(tmp_path / "node"),
        "CA_DIR": str(tmp_path / "ca"),
        "NODE_UID": str(os.getuid()),
    }
    script = ROOT / "deploy" / "make-certs.sh"
    subprocess.run(["sh", str(script)], env=env, check=True, capture_output=True)
    node, ca = tmp_path / "node", tmp_path / "ca"
    assert sorted(p.name for p in node.iterdir()) == ["node-key.pem", "node.pem", "root-ca.pem"]
    assert sorted(p.name for p in ca.iterdir()) == ["root-ca.pem"]  # no CA key kept anywhere
    assert (node / "node-key.pem").stat().st_mode & 0o777 == 0o600
    assert "PRIVATE KEY" not in (ca / "root-ca.pem").read_text()
    assert "BEGIN PRIVATE KEY" in (node / "node-key.pem").read_text()  # PKCS#8, as OpenSearch wants

    # A TLS server with the node certificate; a client that trusts only the CA, as the API does.
    server_ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_ctx.load_cert_chain(node / "node.pem", node / "node-key.pem")
    client_ctx = ssl.create_default_context(cafile=str(ca / "root-ca.pem"))
    for name, expect_ok in (("opensearch", True), ("localhost", True), ("elsewhere", False)):
        assert _handshake(server_ctx, client_ctx, name) is expect_ok, name
    assert _handshake(server_ctx, ssl.create_default_context(), "opensearch") is False

    first = (ca / "root-ca.pem").read_bytes()
    again = subprocess.run(["sh", str(script)], env=env, check=True, capture_output=True)
    assert b"kept" in again.stdout and (ca / "root-ca.pem").read_bytes() == first


def _handshake(server_ctx: ssl.SSLContext, client_ctx: ssl.SSLContext, name: str) -> bool:
    """Whether a client verifying `name` accepts the server's certificate."""
    with socket.create_server(("127.0.0.1", 0)) as listener:
        port = listener.getsockname()[1]

        def serve() -> None:
            conn, _ = listener.accept()
            with suppress(OSError), server_ctx.wrap_socket(conn, server_side=True) as tls:
                tls.recv(1)

        thread = threading.Thread(target=serve, daemon=True)
        thread.start()
        try:
            with (
                socket.create_connection(("127.0.0.1", port), timeout=10) as raw,
                client_ctx.wrap_socket(raw, server_hostname=name),
            ):
                return True
        except ssl.SSLCertVerificationError:
            return False
        finally:
            thread.join(timeout=10)
