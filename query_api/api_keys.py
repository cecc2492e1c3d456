"""API keys: each key maps to a client and a tier; keys are stored only as SHA-256 hashes.

Keys are long random tokens, so a plain SHA-256 is enough to make a stolen key file useless (no
salt or slow hash is needed against guessing: there is nothing low-entropy to guess). Lookups
compare the presented key's hash with every stored hash in constant time, so response timing
does not tell an attacker how much of a key was right.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import os
import secrets
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from query_api.errors import QueryApiError

log = logging.getLogger("query_api")


class Tier(StrEnum):
    STANDARD = "standard"
    ENTERPRISE = "enterprise"
    RELEVANCE_ENGINEER = "relevance_engineer"

    @property
    def sees_diversity(self) -> bool:
        """Only Enterprise Suite clients may filter on, or see, diversity certification."""
        return self is Tier.ENTERPRISE

    @property
    def tunes_ranking(self) -> bool:
        """Only relevance engineers may override ranking or ask for explain output."""
        return self is Tier.RELEVANCE_ENGINEER


# The documented demo keys. They exist only in `talent-search demo` and `serve --demo-keys`.
DEMO_KEYS: dict[str, tuple[str, Tier]] = {
    "demo-standard-key": ("demo-standard", Tier.STANDARD),
    "demo-enterprise-key": ("demo-enterprise", Tier.ENTERPRISE),
    "demo-engineer-key": ("demo-engineer", Tier.RELEVANCE_ENGINEER),
}


class KeyFileError(QueryApiError, ValueError):
    """The key file is missing or malformed."""


class StoredKey(BaseModel):
    """One line of the key file: never the key itself, only its hash."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    client: Annotated[str, Field(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9._-]+$")]
    tier: Tier
    key_sha256: Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]


_KEY_LIST = TypeAdapter(list[StoredKey])


@dataclass(frozen=True)
class ApiClient:
    """Who is calling: the client's name (logged) and tier (decides what they may see)."""

    name: str
    tier: Tier


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()


def generate_key() -> str:
    """A new random key: 256 bits, URL-safe, prefixed so it is recognisable in a leak scan."""
    return "ts_" + secrets.token_urlsafe(32)


class KeyStore:
    """The keys the API accepts. A store made by `watching` follows its key file: a key added
    or revoked with `talent-search keys` counts within `reload_s` seconds, without a restart."""

    def __init__(self, keys: list[StoredKey]) -> None:
        self._keys = self._entries(keys)
        self._source: Path | None = None
        self._demo = False
        self._reload_s = 0.0
        self._checked_at = float("-inf")
        self._signature: tuple[int, int, int] | None = None
        self._keys_read = False
        self._clock: Callable[[], float] = time.monotonic

    @staticmethod
    def _entries(keys: list[StoredKey]) -> list[tuple[bytes, ApiClient]]:
        return [(bytes.fromhex(k.key_sha256), ApiClient(k.client, k.tier)) for k in keys]

    def __len__(self) -> int:
        return len(self._keys)

    @classmethod
    def with_demo_keys(cls, keys: list[StoredKey] | None = None) -> KeyStore:
        return cls([*(keys or []), *_demo_keys()])

    @classmethod
    def from_file(cls, path: Path) -> KeyStore:
        return cls(read_key_file(path))

    @classmethod
    def watching(
        cls,
        path: Path,
        reload_s: float,
        demo_keys: bool = False,
        clock: Callable[[], float] = time.monotonic,
    ) -> KeyStore:
        """The keys of `path` (plus the demo keys), re-read when the file changes, checked at
        most every `reload_s` seconds. A file that turns invalid keeps the last valid keys."""
        store = cls([])
        store._source, store._demo, store._reload_s = path, demo_keys, reload_s
        store._clock = clock
        store._refresh()
        return store

    def _refresh(self) -> None:
        if self._source is None:
            return
        now = self._clock()
        if now - self._checked_at < self._reload_s:
            return
        self._checked_at = now
        try:
            stat = self._source.stat()
            signature: tuple[int, int, int] | None = (stat.st_mtime_ns, stat.st_size, stat.st_ino)
        except FileNotFoundError:
            signature = None
        except OSError:
            return
        if signature == self._signature and self._keys_read:
            return
        try:
            keys = read_key_file(self._source)
        except KeyFileError as exc:
            log.warning("key file not reloaded, the previous keys stay: %s", exc)
            return
        self._keys = self._entries([*keys, *(_demo_keys() if self._demo else [])])
        self._signature = signature
        self._keys_read = True

    def authenticate(self, presented: str | None) -> ApiClient | None:
        """The client owning `presented`, checking every stored hash (no early exit)."""
        self._refresh()
        if not presented:
            return None
        digest = bytes.fromhex(hash_key(presented))
        found: ApiClient | None = None
        for stored, client in self._keys:
            if hmac.compare_digest(stored, digest):
                found = client
        return found


def _demo_keys() -> list[StoredKey]:
    return [
        StoredKey(client=client, tier=tier, key_sha256=hash_key(key))
        for key, (client, tier) in DEMO_KEYS.items()
    ]


def read_key_file(path: Path) -> list[StoredKey]:
    """The key file is a JSON list of {client, tier, key_sha256}."""
    try:
        raw = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return []
    except OSError as exc:
        raise KeyFileError(f"cannot read key file {path}: {exc}") from exc
    try:
        return _KEY_LIST.validate_python(json.loads(raw) if raw.strip() else [])
    except (json.JSONDecodeError, ValidationError) as exc:
        raise KeyFileError(f"invalid key file {path}: {exc}") from exc


def add_key(path: Path, client: str, tier: Tier) -> str:
    """Create a key for `client`, store its hash in `path`, and return the key (shown once)."""
    keys = read_key_file(path)
    if any(k.client == client for k in keys):
        raise KeyFileError(f"client {client!r} already has a key in {path}; revoke it first")
    key = generate_key()
    keys.append(StoredKey(client=client, tier=tier, key_sha256=hash_key(key)))
    _write_key_file(path, keys)
    return key


def revoke_key(path: Path, client: str) -> bool:
    keys = read_key_file(path)
    kept = [k for k in keys if k.client != client]
    if len(kept) == len(keys):
        return False
    _write_key_file(path, kept)
    return True


def _write_key_file(path: Path, keys: list[StoredKey]) -> None:
    """Replace the key file atomically; no other user can ever read any version of it.

    The new content is written to a file created 0600 (never wider, whatever the umask) inside
    a fresh 0700 directory next to the key file, then renamed over it: so even while it is
    being written, nobody else can open it or list it, whatever the parent directory allows.
    """
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    payload = json.dumps([k.model_dump(mode="json") for k in keys], indent=2) + "\n"
    private_dir = Path(tempfile.mkdtemp(prefix=f".{path.name}.", dir=path.parent))  # 0700
    tmp = private_dir / (path.name + ".tmp")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
        private_dir.rmdir()
