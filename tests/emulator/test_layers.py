"""The emulator's modules read top-down: model (state, no HTTP) → responses → app → server.

Imports are read with ``ast``, not by importing, so a type-only or function-level import counts too.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import contract_tests.emulator

PACKAGE = Path(contract_tests.emulator.__file__).parent
PACKAGE_NAME = "contract_tests.emulator"
# Bottom to top; a module may import only modules listed before it.
LAYERS: tuple[tuple[str, ...], ...] = (
    ("clock", "models", "scenario"),  # model: state and time, no HTTP
    ("errors", "spec", "lockout", "auth", "faults"),  # what a request is checked against, still no HTTP
    ("responses",),  # requests → model calls → JSON bodies
    ("state", "control", "app"),  # the ASGI app: its state, the control API, the dispatcher
    ("server",),  # uvicorn
    ("__main__", "__init__", "schemathesis_hooks"),  # entry points
)
ORDER = [module for layer in LAYERS for module in layer]
HTTP_LIBRARIES = {"starlette", "httpx", "uvicorn"}
HTTP_FREE = ORDER[: ORDER.index("state")]


def package_imports(tree: ast.Module) -> set[str]:
    """The sibling modules ``tree`` imports (``"__init__"`` for the package itself)."""
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level == 1:
            # `from . import errors` names modules; `from .errors import X` names one.
            found |= {alias.name for alias in node.names} if node.module is None else {node.module.split(".")[0]}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found |= _sibling(node.module)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                found |= _sibling(alias.name)
    return found


def _sibling(dotted: str) -> set[str]:
    if dotted == PACKAGE_NAME:
        return {"__init__"}
    if dotted.startswith(PACKAGE_NAME + "."):
        return {dotted.removeprefix(PACKAGE_NAME + ".").split(".")[0]}
    return set()


def third_party_roots(tree: ast.Module) -> set[str]:
    """Top-level names of the absolute imports in ``tree`` (``starlette`` for ``starlette.types``)."""
    roots: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            roots.add(node.module.split(".")[0])
    return roots


def nested_imports(tree: ast.Module) -> list[int]:
    """Line numbers of imports that are not plain module-level statements (in a function, an ``if``…)."""
    top_level = {id(node) for node in tree.body}
    return [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, (ast.Import, ast.ImportFrom)) and id(node) not in top_level
    ]


def upward_imports(module: str, tree: ast.Module) -> set[str]:
    allowed = set(ORDER[: ORDER.index(module)])
    return package_imports(tree) - allowed


def _tree(module: str) -> ast.Module:
    return ast.parse((PACKAGE / f"{module}.py").read_text(encoding="utf-8"))


def test_every_module_has_a_layer() -> None:
    assert sorted(path.stem for path in PACKAGE.glob("*.py")) == sorted(ORDER)


@pytest.mark.parametrize("module", ORDER)
def test_modules_import_only_lower_layers(module: str) -> None:
    tree = _tree(module)
    assert not upward_imports(module, tree), f"{module} imports a module at or above its own layer"
    assert not nested_imports(tree), f"{module} hides an import below module level (lines {nested_imports(tree)})"


@pytest.mark.parametrize("module", HTTP_FREE)
def test_the_lower_layers_know_nothing_of_http(module: str) -> None:
    assert not third_party_roots(_tree(module)) & HTTP_LIBRARIES


def test_the_checks_catch_what_they_forbid() -> None:
    cycle = ast.parse("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from .app import Emulator\n")
    assert upward_imports("control", cycle) == {"app"}
    assert nested_imports(cycle) == [3]
    dodge = ast.parse("def f() -> None:\n    from contract_tests.emulator import control\n")
    assert upward_imports("app", dodge) == {"__init__"}
    assert nested_imports(dodge) == [2]
    assert upward_imports("models", ast.parse("from . import errors, clock\n")) == {"errors"}
    assert third_party_roots(ast.parse("import httpx\nfrom starlette.types import Scope\n")) == {"httpx", "starlette"}
