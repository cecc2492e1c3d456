"""`talent-search serve` and `talent-search keys`: running the query API and managing its keys."""

from __future__ import annotations

import logging
from typing import Annotated

import typer
import uvicorn
from fastapi import FastAPI
from rich.table import Table

from query_api.api_keys import DEMO_KEYS, KeyFileError, Tier, add_key, read_key_file, revoke_key
from query_api.api_settings import ApiSettings
from query_api.app import create_app
from talent_search.cli_support import _fail, console, out
from talent_search.engine_process import EngineProcessError, configured_client

keys_app = typer.Typer(help="API keys: each maps to a client and a tier; stored hashed.")


def run_api(app: FastAPI, host: str, port: int) -> None:
    """Serve with uvicorn; our middleware writes the access log, so uvicorn's is off."""
    uvicorn.run(app, host=host, port=port, access_log=False, log_level=logging.WARNING)


def print_demo_keys(base_url: str) -> None:
    table = Table("API key (X-API-Key)", "tier", title="Demo keys: for trying the API only")
    for key, (_, tier) in DEMO_KEYS.items():
        table.add_row(key, tier.value)
    out.print(table)
    out.print(
        f"search page: {base_url}/   relevance workbench: {base_url}/workbench\n"
        f"API docs: {base_url}/docs\n"
        f"try: curl -H 'X-API-Key: demo-standard-key' '{base_url}/v1/search?q=react+developer'"
    )


def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    demo_keys: Annotated[
        bool,
        typer.Option("--demo-keys", help="Also accept the documented demo keys. For testing only."),
    ] = False,
) -> None:
    """Serve the query API against the configured backend (OPENSEARCH_URL or `backend start`)."""
    try:
        configured_client().close()
    except EngineProcessError as exc:
        raise _fail(str(exc)) from exc
    settings = ApiSettings()
    if demo_keys:
        console.print(
            "[bold red]WARNING: --demo-keys accepts the PUBLIC demo keys "
            f"({', '.join(DEMO_KEYS)}). Never use it in production.[/]"
        )
        print_demo_keys(f"http://{host}:{port}")
    elif not read_key_file(settings.keys_file):
        console.print(
            f"[yellow]no API keys in {settings.keys_file}: create one with "
            "`talent-search keys add CLIENT --tier standard`[/]"
        )
    app = create_app(settings, client_factory=configured_client, demo_keys=demo_keys)
    run_api(app, host, port)


@keys_app.command("add")
def keys_add(
    client: Annotated[str, typer.Argument(help="The client's name (letters, digits, . _ -).")],
    tier: Annotated[Tier, typer.Option(help="What the key may use.")] = Tier.STANDARD,
) -> None:
    """Create a key for a client. The key is printed once; only its hash is stored."""
    path = ApiSettings().keys_file
    try:
        key = add_key(path, client, tier)
    except (KeyFileError, ValueError) as exc:
        raise _fail(str(exc), code=2) from exc
    console.print(f"stored the hash of a new {tier.value} key for {client} in {path}")
    out.print(key)


@keys_app.command("revoke")
def keys_revoke(
    client: Annotated[str, typer.Argument(help="The client whose key to revoke.")],
) -> None:
    """Remove a client's key. A running API picks the change up on restart."""
    path = ApiSettings().keys_file
    try:
        removed = revoke_key(path, client)
    except KeyFileError as exc:
        raise _fail(str(exc), code=2) from exc
    if not removed:
        raise _fail(f"no key for client {client!r} in {path}")
    console.print(f"revoked the key of {client}")


@keys_app.command("list")
def keys_list() -> None:
    """Clients and tiers (never keys: they are not stored)."""
    path = ApiSettings().keys_file
    try:
        keys = read_key_file(path)
    except KeyFileError as exc:
        raise _fail(str(exc), code=2) from exc
    table = Table("client", "tier", title=str(path))
    for stored in keys:
        table.add_row(stored.client, stored.tier.value)
    out.print(table)
