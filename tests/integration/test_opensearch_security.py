"""The product's client against a real node with the security plugin: TLS and basic auth.

One secured OpenSearch 2.19.1 node (`tests/integration/secure_engine.py`) for the module, with
certificates and a bcrypt-hashed user made at test time. Every call goes through `make_client`
and `EngineSettings`, exactly as `OPENSEARCH_URL=https://...`, `OPENSEARCH_USER`,
`OPENSEARCH_PASSWORD`, `OPENSEARCH_CA_CERTS` and `OPENSEARCH_VERIFY_CERTS` would configure it.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from opensearchpy import AuthenticationException
from opensearchpy import SSLError as ClientSSLError
from pydantic import SecretStr

from config.settings import EngineSettings, TalentSettings
from talent_search.engine_process import make_client
from talent_search.opensearch_engine import free_port_block
from tests.integration.conftest import require_real_engine
from tests.integration.secure_engine import (
    SecuredNode,
    security_missing_tools,
    start_secured_node,
    stop_secured_node,
)

USER = "talent-service"


@dataclass(frozen=True)
class Secured:
    node: SecuredNode
    password: str

    def settings(self, **overrides: object) -> EngineSettings:
        values: dict[str, object] = {
            "url": self.node.url,
            "user": USER,
            "password": SecretStr(self.password),
            "verify_certs": True,
            "ca_certs": self.node.ca_certs,
            "timeout_s": 30.0,
        }
        values.update(overrides)
        return EngineSettings.model_validate(values)


@pytest.fixture(scope="module")
def secured(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Secured]:
    require_real_engine()
    missing = security_missing_tools()
    if missing:
        pytest.skip("a secured OpenSearch node needs " + ", ".join(missing))
    settings = TalentSettings(state_dir=tmp_path_factory.mktemp("secured-opensearch"))
    password = secrets.token_urlsafe(18)
    node = start_secured_node(
        settings, user=USER, password=password, heap="384m", port=free_port_block()
    )
    try:
        yield Secured(node, password)
    finally:
        stop_secured_node(node)


@pytest.mark.integration
def test_https_with_the_ca_file_and_the_password_indexes_and_searches(secured: Secured) -> None:
    client = make_client(secured.node.url, secured.settings())
    assert client.info()["version"]["number"] == "2.19.1"
    client.indices.create(
        index="secured-profiles",
        body={
            "settings": {"number_of_replicas": 0},
            "mappings": {"properties": {"title": {"type": "text"}}},
        },
    )
    client.index(index="secured-profiles", id="p1", body={"title": "rust engineer"}, refresh=True)
    hits = client.search(index="secured-profiles", body={"query": {"match": {"title": "rust"}}})
    assert [h["_id"] for h in hits["hits"]["hits"]] == ["p1"]


@pytest.mark.integration
def test_a_wrong_password_or_none_is_refused_with_401(secured: Secured) -> None:
    wrong = make_client(
        secured.node.url, secured.settings(password=SecretStr("not-" + secured.password))
    )
    with pytest.raises(AuthenticationException) as refused:
        wrong.info()
    assert refused.value.status_code == 401
    anonymous = make_client(secured.node.url, secured.settings(user=None, password=None))
    with pytest.raises(AuthenticationException):
        anonymous.info()


@pytest.mark.integration
def test_verifying_certificates_without_the_ca_file_fails_with_an_ssl_error(
    secured: Secured,
) -> None:
    client = make_client(secured.node.url, secured.settings(ca_certs=None))
    with pytest.raises(ClientSSLError, match="CERTIFICATE_VERIFY_FAILED"):
        client.info()


@pytest.mark.integration
def test_verify_certs_false_connects_without_the_ca_file(secured: Secured) -> None:
    client = make_client(secured.node.url, secured.settings(ca_certs=None, verify_certs=False))
    assert client.info()["cluster_name"] == "talent-search"
