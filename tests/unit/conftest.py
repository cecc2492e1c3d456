"""Unit tests run with no engine, no model and no browser, and fail if they start one.

While the tests of this directory run (a package-scoped guard, so module fixtures are covered
too), these are refused with an error that names the way in: starting the embedded server
(`OsmemServer.start`), spawning its binary or a JVM (the real OpenSearch, or `backend start`)
as a process, and loading the embedding model (`domain.encoder.load_model`). A unit test that
imports what only the model or the browser needs (`sentence_transformers`, `torch`,
`onnxruntime`, `playwright`) fails too. Such a test belongs in tests/integration/.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, NoReturn

import pytest
from osmem_server import OsmemServer

import domain.encoder

HEAVY_MODULES = ("sentence_transformers", "transformers", "torch", "onnxruntime", "playwright")


def _refused(what: str) -> AssertionError:
    return AssertionError(f"a unit test {what}: move it to tests/integration/")


def _refuse(what: str) -> Callable[..., NoReturn]:
    def refuse(*_: Any, **__: Any) -> NoReturn:
        raise _refused(what)

    return refuse


def _is_server(program: Any) -> bool:
    """The embedded server's binary, or java (an OpenSearch node)."""
    if isinstance(program, (list, tuple)):
        program = program[0] if program else ""
    name = Path(os.fsdecode(program).split(" ", 1)[0]).name
    return name == "java" or name.startswith("osmem")


def _heavy_loaded() -> set[str]:
    return {name for name in HEAVY_MODULES if name in sys.modules}


@pytest.fixture(scope="package", autouse=True)
def no_server_no_model() -> Iterator[None]:
    before = _heavy_loaded()
    posix_spawn = os.posix_spawn
    popen_init = subprocess.Popen.__init__

    def guarded_spawn(path: Any, argv: Any, *args: Any, **kwargs: Any) -> int:
        if _is_server(path):
            raise _refused(f"spawned a server process ({path})")
        return posix_spawn(path, argv, *args, **kwargs)

    def guarded_popen(self: Any, args: Any, *rest: Any, **kwargs: Any) -> None:
        if _is_server(kwargs.get("executable") or args):
            raise _refused(f"started a server process ({args})")
        popen_init(self, args, *rest, **kwargs)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(OsmemServer, "start", _refuse("started the embedded server"))
        patch.setattr(domain.encoder, "load_model", _refuse("loaded the embedding model"))
        patch.setattr(os, "posix_spawn", guarded_spawn)
        patch.setattr(subprocess.Popen, "__init__", guarded_popen)
        yield
    loaded = _heavy_loaded() - before
    assert not loaded, f"the unit tests imported {sorted(loaded)}: that is the model or the browser"


@pytest.fixture(autouse=True)
def imports_nothing_heavy() -> Iterator[None]:
    """Names the test that imported the model's or the browser's packages."""
    before = _heavy_loaded()
    yield
    loaded = _heavy_loaded() - before
    if loaded:
        raise _refused(f"imported {sorted(loaded)}")
