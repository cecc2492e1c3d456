"""One error root per package, every root from the project's base, every raise under its root.

The raise check reads each module's source: a `raise X(...)` (or `raise X`) whose `X` is an
exception class must name one that derives from the package's root. Also allowed: re-raising
what was caught (`raise`, `raise exc`), the control flow of the libraries the CLI and the API
run on (typer's exits, `SystemExit`, FastAPI's `RequestValidationError`), protocol stubs
(`NotImplementedError`), and the ValueErrors that pydantic validators must raise to report an
invalid value.
"""

from __future__ import annotations

import ast
import builtins
import importlib
import inspect
import pkgutil
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import typer
from fastapi.exceptions import RequestValidationError
from opensearchpy.exceptions import SerializationError
from pydantic_core import PydanticCustomError

from domain.errors import DomainError, TalentSearchError
from indexer.errors import IndexerError
from mappings.errors import IndexContractError
from query_api.errors import QueryApiError
from ranking.errors import RankingError
from relevance.errors import RelevanceError
from talent_search.errors import CliError

ROOTS: dict[str, type[Exception]] = {
    "domain": DomainError,
    "mappings": IndexContractError,
    "indexer": IndexerError,
    "ranking": RankingError,
    "relevance": RelevanceError,
    "query_api": QueryApiError,
    "talent_search": CliError,
}

# Raised as the libraries expect them, never as the project's errors.
LIBRARY_CONTROL_FLOW: tuple[type[BaseException], ...] = (
    typer.Exit,
    typer.BadParameter,
    SystemExit,
    RequestValidationError,
    PydanticCustomError,
    NotImplementedError,
    SerializationError,  # opensearch-py's serializer contract (mappings.engine_json)
)


VALIDATOR_DECORATORS = {"field_validator", "model_validator"}
VALIDATOR_WRAPPERS = {"AfterValidator", "BeforeValidator", "PlainValidator", "WrapValidator"}


def _modules(package: str) -> Iterator[ModuleType]:
    root = importlib.import_module(package)
    yield root
    for info in pkgutil.walk_packages(root.__path__, prefix=f"{package}."):
        yield importlib.import_module(info.name)


def _resolve(node: ast.expr, module: ModuleType) -> Any:
    """What a raised name refers to in the module, or None (a local variable, a call's result)."""
    if isinstance(node, ast.Name):
        return vars(module).get(node.id, getattr(builtins, node.id, None))
    if isinstance(node, ast.Attribute):
        base = _resolve(node.value, module)
        return getattr(base, node.attr, None) if base is not None else None
    return None


def _validator_names(tree: ast.Module) -> set[str]:
    """Functions pydantic calls as validators: decorated as one, or wrapped in AfterValidator &c."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef):
            for decorator in node.decorator_list:
                target = decorator.func if isinstance(decorator, ast.Call) else decorator
                if getattr(target, "id", getattr(target, "attr", None)) in VALIDATOR_DECORATORS:
                    names.add(node.name)
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) in VALIDATOR_WRAPPERS:
            names.update(arg.id for arg in node.args if isinstance(arg, ast.Name))
    return names


def _raises(tree: ast.Module) -> Iterator[tuple[ast.Raise, str | None]]:
    """Every raise with a value, and the function it is in."""

    def visit(node: ast.AST, function: str | None) -> Iterator[tuple[ast.Raise, str | None]]:
        for child in ast.iter_child_nodes(node):
            inner = child.name if isinstance(child, ast.FunctionDef) else function
            if isinstance(child, ast.Raise) and child.exc is not None:
                yield child, function
            yield from visit(child, inner)

    yield from visit(tree, None)


@pytest.mark.parametrize("root", ROOTS.values(), ids=ROOTS.keys())
def test_every_package_root_derives_from_the_project_base(root: type[Exception]) -> None:
    assert issubclass(root, TalentSearchError)


@pytest.mark.parametrize("package", ROOTS)
def test_every_exception_a_package_defines_derives_from_its_root(package: str) -> None:
    outside = [
        f"{module.__name__}.{name}"
        for module in _modules(package)
        for name, value in vars(module).items()
        if inspect.isclass(value)
        and issubclass(value, BaseException)
        and value.__module__ == module.__name__
        and not issubclass(value, ROOTS[package])
        and value is not TalentSearchError
    ]
    assert outside == []


@pytest.mark.parametrize("package", ROOTS)
def test_every_raise_in_a_package_uses_its_root(package: str) -> None:
    outside = []
    for module in _modules(package):
        path = Path(inspect.getfile(module))
        tree = ast.parse(path.read_text(), str(path))
        validators = _validator_names(tree)
        for node, function in _raises(tree):
            assert node.exc is not None
            target = node.exc.func if isinstance(node.exc, ast.Call) else node.exc
            raised = _resolve(target, module)
            if not (inspect.isclass(raised) and issubclass(raised, BaseException)):
                continue  # re-raising what was caught, or a helper that builds the exit
            if issubclass(raised, (ROOTS[package], *LIBRARY_CONTROL_FLOW)):
                continue
            if raised is ValueError and function in validators:
                continue
            outside.append(f"{module.__name__}:{node.lineno} raises {raised.__name__}")
    assert outside == []
