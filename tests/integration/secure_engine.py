"""A real OpenSearch 2.19.1 node with the security plugin: TLS on HTTP and transport, basic auth.

2.19.1, not the default 3.5.0: Maven Central serves `opensearch-security` 3.4.0.0 as its newest
3.x zip, and a plugin loads only into the engine version it was built for.

The plugin comes from Maven Central like the engine (`engines/opensearch-security/` unpacks its
zip; the default engine build does not include it) and is loaded as a classpath plugin through
the launcher's `-Dengine.extra.plugins`. What it needs, found by starting it this way:

- its jars on the classpath next to the engine's; where the zip bundles another version of a
  library the engine also has (guava, failureaccess, asm, commons-codec), the zip's wins;
- no `http.type`/`transport.type` of our own: the plugin's `additionalSettings` names its TLS
  transports, and the explicit `netty4` that `node_specs` sets wins over them (HTTP then stays
  plain, though authenticated);
- its config YAMLs in `<path.home>/config/opensearch-security/` (the zip's defaults, with our own
  `internal_users.yml`), loaded into the security index at first start because of
  `plugins.security.allow_default_init_securityindex`;
- PEM files (PKCS#8 keys) in `<path.home>/config/`: the CA and node certificate that
  `deploy/make-certs.sh` makes for the compose file, so one openssl recipe serves both. Its node
  certificate (`CN=opensearch`, for localhost and 127.0.0.1, server and client use) serves
  HTTP and transport alike.

It needs neither the Java security manager nor a `plugins/opensearch-security` directory.
Certificate subjects carry a single CN, so no DN needs a comma: the launcher passes each setting
as one string, and list settings such as `plugins.security.nodes_dn` read a string as a
comma-separated list.

Starting, waiting and stopping are the engine's own (`talent_search.opensearch_engine`); this
module only configures the node and asks for its health over HTTPS with a password. The node is
owned by whoever starts it (a test): `start_secured_node` returns it and `stop_secured_node`
stops it; it is not recorded in the engine's state file.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import shutil
import ssl
import subprocess
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from config.settings import TalentSettings
from talent_search.opensearch_engine import (
    ENGINE_PROJECT,
    LAUNCHER_CLASS,
    LOG_TAIL_LINES,
    EngineError,
    EngineState,
    EngineUnavailable,
    NodeGetter,
    NodeSpec,
    engine_classpath,
    engine_java,
    missing_tools,
    node_specs,
    spawn_nodes,
    stop_nodes,
    wait_for_health,
)

SECURITY_PROJECT = ENGINE_PROJECT.parent / "opensearch-security"
SECURITY_ENGINE_VERSION = "2.19.1"  # the engine version engines/opensearch-security/ matches
SECURITY_PLUGIN_CLASS = "org.opensearch.security.OpenSearchSecurityPlugin"
HASHER_CLASS = "org.opensearch.security.tools.Hasher"
MAKE_CERTS = Path(__file__).resolve().parents[2] / "deploy" / "make-certs.sh"
NODE_DN = "CN=opensearch"  # the node certificate's subject, as deploy/make-certs.sh makes it
# No certificate carries it: the tests never run the plugin's admin tool (securityadmin).
ADMIN_DN = "CN=talent-search-admin"
CA_FILE = "root-ca.pem"
SECURITY_CONFIG_DIR = "opensearch-security"
CERT_DAYS = 7
# The node's own settings the plugin must choose: it names its TLS transports itself.
_PLUGIN_OWNED = ("http.type=", "transport.type=")


def security_missing_tools() -> list[str]:
    """What this machine lacks to run a secured node (empty when it can)."""
    missing = missing_tools(SECURITY_ENGINE_VERSION)
    if shutil.which("openssl") is None:
        missing.append("openssl")
    if not (SECURITY_PROJECT / "pom.xml").is_file():
        missing.append(f"the Maven project {SECURITY_PROJECT} (a source checkout)")
    return missing


def security_build(settings: TalentSettings) -> Path:
    """The unpacked security plugin zip (its jars and `config/`), built once per pom version."""
    missing = security_missing_tools()
    if missing:
        raise EngineUnavailable("a secured node needs " + ", ".join(missing))
    pom = SECURITY_PROJECT / "pom.xml"
    build_dir = (
        settings.state_dir
        / "opensearch"
        / f"security-build-{hashlib.sha256(pom.read_bytes()).hexdigest()[:16]}"
    )
    plugin_dir = build_dir / "security"
    if not (plugin_dir / "plugin-descriptor.properties").is_file():
        command = ["mvn", "-B", "-q", "-f", str(pom), f"-Dengine.build.dir={build_dir}", "package"]
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        if done.returncode != 0 or not (plugin_dir / "plugin-descriptor.properties").is_file():
            tail = "\n".join((done.stdout + done.stderr).splitlines()[-LOG_TAIL_LINES:])
            raise EngineError(f"building the security plugin with Maven failed:\n{tail}")
    return plugin_dir


def _artifact(jar: str) -> str:
    """`guava-33.4.0-jre.jar` -> `guava`: the name before the first `-<digit>`."""
    name = Path(jar).name.removesuffix(".jar")
    parts = name.split("-")
    for i, part in enumerate(parts[1:], start=1):
        if part[:1].isdigit():
            return "-".join(parts[:i])
    return name


def merge_classpaths(engine: list[str], plugin: list[str]) -> list[str]:
    """One flat classpath: the plugin's jar replaces the engine's of the same artifact, in place."""
    by_artifact = {_artifact(jar): jar for jar in plugin}
    merged: list[str] = []
    used: set[str] = set()
    for jar in engine:
        artifact = _artifact(jar)
        if artifact in by_artifact:
            if artifact not in used:
                merged.append(by_artifact[artifact])
                used.add(artifact)
        else:
            merged.append(jar)
    merged += [jar for artifact, jar in by_artifact.items() if artifact not in used]
    return merged


def secured_classpath(settings: TalentSettings) -> list[str]:
    """The engine's classpath with the security plugin's jars merged in."""
    plugin_jars = sorted(str(p) for p in security_build(settings).glob("*.jar"))
    engine_jars = engine_classpath(settings, version=SECURITY_ENGINE_VERSION)
    return merge_classpaths(engine_jars, plugin_jars)


def _run(command: list[str], *, cwd: Path | None = None, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(command, capture_output=True, text=True, check=False, cwd=cwd, env=env)
    if done.returncode != 0:
        raise EngineError(f"{command[0]} failed ({done.returncode}): {done.stderr.strip()[-2000:]}")
    return done.stdout


def write_certificates(config_dir: Path) -> Path:
    """deploy/make-certs.sh's CA and node certificate, all in `config_dir`; the CA's path.

    The script keeps certificates it finds, so a later start on the same state dir reuses them.
    """
    env = os.environ | {
        "NODE_DIR": str(config_dir),
        "CA_DIR": str(config_dir),
        "NODE_UID": str(os.getuid()),
        "CERT_DAYS": str(CERT_DAYS),
    }
    _run(["sh", str(MAKE_CERTS)], env=env)
    return config_dir / CA_FILE


def hash_password(classpath: list[str], password: str) -> str:
    """The plugin's own bcrypt hash of `password` (its `hash.sh` tool; the password goes by env)."""
    variable = "TALENT_SEARCH_PASSWORD_TO_HASH"
    java = str(engine_java(SECURITY_ENGINE_VERSION))
    out = _run(
        [java, "-Xmx64m", "-cp", os.pathsep.join(classpath), HASHER_CLASS, "-env", variable],
        env={**os.environ, variable: password},
    )
    hashed = out.strip().splitlines()[-1] if out.strip() else ""
    if not hashed.startswith("$2"):
        raise EngineError(f"the security plugin's hasher printed no bcrypt hash: {out!r}")
    return hashed


def write_security_config(config_dir: Path, defaults: Path, user: str, password_hash: str) -> None:
    """The plugin's default YAMLs, with one internal user in the `admin` backend role."""
    target = config_dir / SECURITY_CONFIG_DIR
    target.mkdir(parents=True, exist_ok=True)
    for yml in sorted(defaults.glob("*.yml")):
        shutil.copyfile(yml, target / yml.name)
    # JSON is YAML: the hash's `$` and the user name need no escaping rules of their own.
    users = {
        "_meta": {"type": "internalusers", "config_version": 2},
        user: {
            "hash": password_hash,
            "reserved": False,
            # The default roles_mapping.yml maps this backend role to all_access.
            "backend_roles": ["admin"],
            "description": "talent-search service user",
        },
    }
    (target / "internal_users.yml").write_text(json.dumps(users, indent=2) + "\n")


def _security_settings() -> dict[str, str]:
    pem = {"pemcert_filepath": "node.pem", "pemkey_filepath": "node-key.pem"}
    pem["pemtrustedcas_filepath"] = CA_FILE
    out = {f"plugins.security.ssl.transport.{k}": v for k, v in pem.items()}
    out["plugins.security.ssl.http.enabled"] = "true"
    out |= {f"plugins.security.ssl.http.{k}": v for k, v in pem.items()}
    out["plugins.security.allow_default_init_securityindex"] = "true"
    out["plugins.security.authcz.admin_dn"] = ADMIN_DN
    out["plugins.security.nodes_dn"] = NODE_DN
    # No audit trail: without a sink type the plugin logs an error at every start.
    out["plugins.security.audit.type"] = "noop"
    return out


def secured_node_spec(
    settings: TalentSettings, classpath: list[str], heap: str, port: int
) -> NodeSpec:
    """`node_specs`' single node, under `<state>/secured/`, with the security plugin and TLS."""
    secured = settings.model_copy(update={"state_dir": settings.state_dir / "secured"})
    base = node_specs(secured, classpath, 1, heap, port, version=SECURITY_ENGINE_VERSION)[0]
    at = base.argv.index(LAUNCHER_CLASS)
    jvm, node_args = base.argv[:at], base.argv[at + 1 :]
    cp_at = jvm.index("-cp")
    argv = [
        *jvm[:cp_at],
        f"-Dengine.extra.plugins={SECURITY_PLUGIN_CLASS}",
        *jvm[cp_at:],
        LAUNCHER_CLASS,
        *(arg for arg in node_args if not arg.startswith(_PLUGIN_OWNED)),
        *(f"{k}={v}" for k, v in _security_settings().items()),
    ]
    return NodeSpec(base.name, base.http_port, base.transport_port, base.home, argv)


@dataclass(frozen=True)
class SecuredNode:
    """A running secured node: where it is, who may log in, and the CA that signed it."""

    state: EngineState
    user: str
    ca_certs: Path

    @property
    def spec(self) -> NodeSpec:
        return self.state.nodes[0]

    @property
    def url(self) -> str:
        return f"https://127.0.0.1:{self.spec.http_port}"


def secured_getter(node: SecuredNode, password: str) -> NodeGetter:
    """`wait_for_health`'s GET over HTTPS, trusting only the node's CA, as `node.user`.

    A 401 stops the wait at once; other errors (503 until the plugin has written its config
    into the security index) mean "not yet".
    """
    context = ssl.create_default_context(cafile=str(node.ca_certs))
    token = base64.b64encode(f"{node.user}:{password}".encode()).decode()

    def get(path: str) -> dict[str, object] | None:
        request = urllib.request.Request(
            node.url + path, headers={"Authorization": f"Basic {token}"}
        )
        try:
            with urllib.request.urlopen(request, timeout=3, context=context) as resp:
                body: dict[str, object] = json.loads(resp.read())
                return body
        except urllib.error.HTTPError as e:
            e.close()
            if e.code == 401:
                raise EngineError(f"the secured node refuses user {node.user!r} (HTTP 401)") from e
            return None
        except (urllib.error.URLError, OSError, ValueError):
            return None

    return get


def start_secured_node(
    settings: TalentSettings,
    *,
    user: str,
    password: str,
    heap: str = "512m",
    port: int = 9200,
    timeout_s: float = 180.0,
) -> SecuredNode:
    """Start one node with TLS and basic auth and wait for yellow.

    Its data, certificates and security config live under `<state>/secured/`. A later start on
    the same state dir finds the certificates and the security index already made, so the user
    and password of the first start stay in force.
    """
    classpath = secured_classpath(settings)
    spec = secured_node_spec(settings, classpath, heap, port)
    config_dir = Path(spec.home) / "config"
    ca_certs = write_certificates(config_dir)
    defaults = security_build(settings) / "config"
    write_security_config(config_dir, defaults, user, hash_password(classpath, password))
    state = spawn_nodes(
        [spec], heap=heap, version=SECURITY_ENGINE_VERSION, port_hint="choose another port"
    )
    node = SecuredNode(state=state, user=user, ca_certs=ca_certs)
    try:
        wait_for_health(state, "yellow", timeout_s, get_json=secured_getter(node, password))
    except EngineError:
        stop_secured_node(node)
        raise
    return node


def stop_secured_node(node: SecuredNode, grace_s: float = 20.0) -> None:
    """SIGTERM the node, SIGKILL it after `grace_s`; its files stay under the state dir."""
    stop_nodes(node.state, grace_s)
