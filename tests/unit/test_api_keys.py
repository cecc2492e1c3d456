"""API keys: hashed storage, constant-time lookup, the key commands, and serve's start-up checks."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from query_api.api_keys import (
    DEMO_KEYS,
    ApiClient,
    KeyFileError,
    KeyStore,
    StoredKey,
    Tier,
    add_key,
    hash_key,
    read_key_file,
    revoke_key,
)
from query_api.api_settings import ApiSettings
from talent_search import cli

runner = CliRunner()


def test_keys_are_stored_hashed_and_authenticate_to_their_client(tmp_path: Path) -> None:
    path = tmp_path / "keys.json"
    key = add_key(path, "acme", Tier.ENTERPRISE)
    other = add_key(path, "globex", Tier.STANDARD)
    text = path.read_text()
    assert key not in text and other not in text
    assert hash_key(key) in text
    assert path.stat().st_mode & 0o077 == 0  # not readable by others
    store = KeyStore.from_file(path)
    found = store.authenticate(key)
    assert found is not None and (found.name, found.tier) == ("acme", Tier.ENTERPRISE)
    assert store.authenticate(other).tier is Tier.STANDARD  # type: ignore[union-attr]
    assert store.authenticate(key[:-1]) is None
    assert store.authenticate("") is None and store.authenticate(None) is None


def test_demo_keys_exist_only_when_asked_for(tmp_path: Path) -> None:
    assert KeyStore.from_file(tmp_path / "missing.json").authenticate("demo-standard-key") is None
    store = KeyStore.with_demo_keys()
    for key, (_, tier) in DEMO_KEYS.items():
        assert store.authenticate(key).tier is tier  # type: ignore[union-attr]


def test_a_client_has_one_key_until_revoked(tmp_path: Path) -> None:
    path = tmp_path / "keys.json"
    first = add_key(path, "acme", Tier.STANDARD)
    with pytest.raises(KeyFileError, match="already has a key"):
        add_key(path, "acme", Tier.ENTERPRISE)
    assert revoke_key(path, "acme") is True
    assert revoke_key(path, "acme") is False
    assert KeyStore.from_file(path).authenticate(first) is None


@pytest.mark.parametrize(
    "content",
    ["{not json", json.dumps([{"client": "a", "tier": "gold", "key_sha256": "0" * 64}])],
)
def test_a_malformed_key_file_is_refused_with_its_path(tmp_path: Path, content: str) -> None:
    path = tmp_path / "keys.json"
    path.write_text(content)
    with pytest.raises(KeyFileError, match="invalid key file"):
        read_key_file(path)


def test_stored_keys_must_be_hashes() -> None:
    with pytest.raises(ValueError, match="key_sha256"):
        StoredKey(client="a", tier=Tier.STANDARD, key_sha256="demo-standard-key")


def test_keys_commands(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TALENT_SEARCH_API_KEYS_FILE", str(tmp_path / "keys.json"))
    added = runner.invoke(cli.app, ["keys", "add", "acme", "--tier", "enterprise"])
    assert added.exit_code == 0, added.output
    key = added.stdout.strip()
    assert key.startswith("ts_") and len(key) > 40
    assert KeyStore.from_file(tmp_path / "keys.json").authenticate(key) is not None
    listed = runner.invoke(cli.app, ["keys", "list"])
    assert "acme" in listed.stdout and "enterprise" in listed.stdout and key not in listed.stdout
    again = runner.invoke(cli.app, ["keys", "add", "acme"])
    assert again.exit_code == 2
    assert runner.invoke(cli.app, ["keys", "revoke", "acme"]).exit_code == 0
    assert runner.invoke(cli.app, ["keys", "revoke", "acme"]).exit_code == 1
    bad = runner.invoke(cli.app, ["keys", "add", "has space"])
    assert bad.exit_code == 2 and "client" in bad.output


def test_serve_without_a_backend_says_how_to_get_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("OPENSEARCH_URL", raising=False)
    monkeypatch.setenv("TALENT_SEARCH_STATE_DIR", str(tmp_path))
    result = runner.invoke(cli.app, ["serve"])
    assert result.exit_code == 1
    output = " ".join(result.output.split())  # rich wraps long lines
    assert "OPENSEARCH_URL" in output and "backend start" in output


def test_the_keys_file_defaults_to_the_state_dir(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("TALENT_SEARCH_API_KEYS_FILE", raising=False)
    monkeypatch.setenv("TALENT_SEARCH_STATE_DIR", str(tmp_path / "state"))
    assert ApiSettings().keys_file == tmp_path / "state" / "api-keys.json"
    added = runner.invoke(cli.app, ["keys", "add", "acme"])
    assert added.exit_code == 0, added.output
    assert KeyStore.from_file(tmp_path / "state" / "api-keys.json").authenticate(
        added.stdout.strip()
    )


def test_keys_added_in_the_compose_api_container_land_on_the_state_volume() -> None:
    """`docker compose run --rm api talent-search keys add` writes where the volume is."""
    root = Path(__file__).resolve().parents[2]
    env = [line for line in (root / "Dockerfile").read_text().splitlines() if "STATE_DIR=" in line]
    assert len(env) == 1, env
    state_dir = env[0].split("TALENT_SEARCH_STATE_DIR=", 1)[1].split()[0]
    services = yaml.safe_load((root / "docker-compose.yml").read_text())["services"]
    for name in ("api", "indexer"):
        assert f"talent-state:{state_dir}" in services[name]["volumes"], name
        assert "TALENT_SEARCH_API_KEYS_FILE" not in services[name].get("environment", {})
    with pytest.MonkeyPatch.context() as patch:
        patch.delenv("TALENT_SEARCH_API_KEYS_FILE", raising=False)
        patch.setenv("TALENT_SEARCH_STATE_DIR", state_dir)
        assert ApiSettings().keys_file == Path(state_dir) / "api-keys.json"


def test_the_new_keys_file_is_never_readable_by_others(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Checked at the moment the new content is renamed into place, under a lax umask."""
    seen: list[tuple[int, int]] = []
    real_replace = os.replace

    def replace(src: str | os.PathLike[str], dst: str | os.PathLike[str]) -> None:
        source = Path(src)
        seen.append((source.stat().st_mode & 0o777, source.parent.stat().st_mode & 0o777))
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", replace)
    previous = os.umask(0o022)
    try:
        path = tmp_path / "open" / "keys.json"
        path.parent.mkdir(mode=0o755)
        add_key(path, "acme", Tier.STANDARD)
        add_key(path, "globex", Tier.STANDARD)
    finally:
        os.umask(previous)
    assert seen == [(0o600, 0o700), (0o600, 0o700)]  # the file and the directory it is in
    assert path.stat().st_mode & 0o777 == 0o600
    assert sorted(p.name for p in path.parent.iterdir()) == ["keys.json"]  # nothing left over
    assert (tmp_path / "new-dir" / "k.json").parent.exists() is False
    add_key(tmp_path / "new-dir" / "k.json", "acme", Tier.STANDARD)
    assert (tmp_path / "new-dir").stat().st_mode & 0o777 == 0o700


def test_a_watching_store_follows_its_key_file_without_a_restart(tmp_path: Path) -> None:
    """Keys added and revoked count at the next check (every `reload_s`), not at a restart."""
    path = tmp_path / "keys.json"
    now = [0.0]
    store = KeyStore.watching(path, reload_s=2.0, demo_keys=True, clock=lambda: now[0])
    assert store.authenticate("demo-standard-key") == ApiClient("demo-standard", Tier.STANDARD)
    key = add_key(path, "acme", Tier.ENTERPRISE)
    assert store.authenticate(key) is None  # not checked again yet
    now[0] += 2.0
    assert store.authenticate(key) == ApiClient("acme", Tier.ENTERPRISE)
    assert revoke_key(path, "acme")
    now[0] += 2.0
    assert store.authenticate(key) is None
    assert store.authenticate("demo-standard-key") is not None  # the demo keys stay


def test_a_key_file_that_turns_invalid_keeps_the_last_valid_keys(tmp_path: Path) -> None:
    path = tmp_path / "keys.json"
    key = add_key(path, "acme", Tier.STANDARD)
    now = [0.0]
    store = KeyStore.watching(path, reload_s=1.0, clock=lambda: now[0])
    path.write_text("[{not json")
    now[0] += 1.0
    assert store.authenticate(key) == ApiClient("acme", Tier.STANDARD)
    path.unlink()  # no file: no keys, as at start-up
    now[0] += 1.0
    assert store.authenticate(key) is None
