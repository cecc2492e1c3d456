"""Grants for the page modules only some tiers load (the enterprise Diversity-Certified filter).

A browser's `import()` cannot send the `X-API-Key` header, so `GET /v1/me` hands an enterprise
key the module's URL with a grant: an HMAC of the module's name and an expiry, under a secret
that lives as long as the process. Without a valid grant the module's URL answers 404, as any
unknown file does, so a standard client cannot download the code, nor learn that it exists.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from pathlib import Path

from query_api.api_keys import Tier

MODULES_DIR = Path(__file__).parent / "enterprise_pages"
MODULES_PATH = "/pages/enterprise"
# The page modules (and their stylesheets) each tier loads.
TIER_MODULES: dict[Tier, tuple[str, ...]] = {Tier.ENTERPRISE: ("diversity",)}
GRANT_TTL_S = 12 * 3600


class PageGrants:
    def __init__(self, ttl_s: int = GRANT_TTL_S) -> None:
        self._secret = secrets.token_bytes(32)
        self._ttl_s = ttl_s

    def _sign(self, module: str, expires: int) -> str:
        message = f"{module}:{expires}".encode()
        return hmac.new(self._secret, message, hashlib.sha256).hexdigest()

    def module_urls(self, tier: Tier) -> list[str]:
        """The URLs (with their grants) of the page modules `tier` loads."""
        expires = int(time.time()) + self._ttl_s
        return [
            f"{MODULES_PATH}/{module}.js?grant={expires}.{self._sign(module, expires)}"
            for module in TIER_MODULES.get(tier, ())
        ]

    def file(self, name: str, grant: str | None) -> Path | None:
        """The module file `name` (`diversity.js`, `diversity.css`) when `grant` opens it."""
        module, _, kind = name.partition(".")
        if kind not in {"js", "css"} or not grant or "." not in grant:
            return None
        expires, _, signature = grant.partition(".")
        if not expires.isdigit() or int(expires) < time.time():
            return None
        if not hmac.compare_digest(signature, self._sign(module, int(expires))):
            return None
        path = MODULES_DIR / f"{module}.{kind}"
        return path if path.is_file() else None
