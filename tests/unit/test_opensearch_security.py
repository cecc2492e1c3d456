"""The secured node's set-up without starting it: its classpath and its settings."""

from __future__ import annotations

from pathlib import Path

from config.settings import TalentSettings
from talent_search.opensearch_engine import LAUNCHER_CLASS
from tests.integration.secure_engine import (
    ADMIN_DN,
    NODE_DN,
    SECURITY_PLUGIN_CLASS,
    merge_classpaths,
    secured_node_spec,
)


def test_plugin_jars_replace_the_engines_versions_in_place() -> None:
    engine = [
        "/e/opensearch-2.19.1.jar",
        "/e/guava-32.1.3-jre.jar",
        "/e/netty-buffer-4.1.118.Final.jar",
    ]
    plugin = ["/p/guava-33.4.0-jre.jar", "/p/opensearch-security-2.19.1.0.jar"]
    assert merge_classpaths(engine, plugin) == [
        "/e/opensearch-2.19.1.jar",
        "/p/guava-33.4.0-jre.jar",
        "/e/netty-buffer-4.1.118.Final.jar",
        "/p/opensearch-security-2.19.1.0.jar",
    ]


def test_the_secured_node_leaves_the_transports_to_the_plugin(tmp_path: Path) -> None:
    spec = secured_node_spec(TalentSettings(state_dir=tmp_path), ["/x.jar"], "256m", 9500)
    argv = spec.argv
    assert argv.index(f"-Dengine.extra.plugins={SECURITY_PLUGIN_CLASS}") < argv.index(
        LAUNCHER_CLASS
    )
    assert not [a for a in argv if a.startswith(("http.type=", "transport.type="))]
    assert "plugins.security.ssl.http.enabled=true" in argv
    assert f"plugins.security.nodes_dn={NODE_DN}" in argv
    assert f"plugins.security.authcz.admin_dn={ADMIN_DN}" in argv
    assert Path(spec.home).is_relative_to(tmp_path / "secured")
