"""The compose `certs` job (deploy/make-certs.sh) run for real: openssl, files, a TLS handshake.

Integration, not unit: it runs a shell script and openssl and serves TLS on a local socket.
"""

from __future__ import annotations

import os
import shutil
import socket
import ssl
import subprocess
import threading
from contextlib import suppress
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


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
