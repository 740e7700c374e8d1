"""`contract_tests/` holds only what runs against a target, and the emulator: no module in it that only the tests use.

Every module of the package must be reached from the product without the tests: from an entry point (a
`__main__` block or module), from `scripts/`, or from a module that names it, as an import (read with `ast`,
so a function-level or type-only import counts too) or as the module name or file name the product runs it by
(`python -m contract_tests.replay`, pytest on `run/suite_tests.py`). The few modules only a tool outside Python
names are listed in `RUN_BY_NAME`, with who runs them.
"""

from __future__ import annotations

import ast
from pathlib import Path

from contract_tests.spec.document import REPO_ROOT

RUN_BY_NAME = {
    "contract_tests.schemathesis_hooks": "Schemathesis' CLI, SCHEMATHESIS_HOOKS=contract_tests.schemathesis_hooks",
}


def module_names(root: Path, package: str) -> dict[str, Path]:
    """Every module of `package` under `root` by dotted name (a package by its own name)."""
    modules = {}
    for path in sorted((root / package.replace(".", "/")).rglob("*.py")):
        parts = path.relative_to(root).with_suffix("").parts
        modules[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return modules


def named_by(path: Path, name: str, known: dict[str, Path]) -> set[str]:
    """The known modules `path` (module `name`) imports or names by module or file name."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{anchor}.{base}" if base else anchor
            found |= {base} | {f"{base}.{alias.name}" for alias in node.names}
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            found.add(node.value)  # `python -m contract_tests.replay`
            if node.value.endswith(".py"):
                found.add(f"{package}.{node.value.removesuffix('.py')}")  # pytest on `run/suite_tests.py`
    # importing a module runs the `__init__` of every package above it
    return {parent for module in found & set(known) for parent in _with_parents(module)} & set(known)


def _with_parents(module: str) -> list[str]:
    parts = module.split(".")
    return [".".join(parts[:end]) for end in range(1, len(parts) + 1)]


def unreached(root: Path, package: str, product_roots: list[Path], by_name: set[str]) -> set[str]:
    """The modules of `package` that nothing outside the tests reaches from `product_roots` and `by_name`."""
    known = module_names(root, package)
    entry = {
        name
        for name, path in known.items()
        if path.name == "__main__.py" or "if __name__ ==" in path.read_text(encoding="utf-8")
    }
    pending = [*entry, *(by_name & set(known))]
    for path in product_roots:
        pending += named_by(path, ".".join(path.relative_to(root).with_suffix("").parts), known)
    reached: set[str] = set()
    while pending:
        name = pending.pop()
        if name not in reached:
            reached |= set(_with_parents(name)) & set(known)
            pending += named_by(known[name], name, known)
    return set(known) - reached


def test_every_module_of_the_product_runs_without_the_tests() -> None:
    scripts = sorted((REPO_ROOT / "scripts").rglob("*.py"))
    assert not unreached(REPO_ROOT, "contract_tests", scripts, set(RUN_BY_NAME)), "modules only the tests use"


def test_the_walk_finds_a_module_only_tests_import(tmp_path: Path) -> None:
    package = tmp_path / "kit"
    (package / "inner").mkdir(parents=True)
    files = {
        "__init__.py": "",
        "cli.py": "from . import target\nimport subprocess\nsubprocess.run(['python', '-m', 'kit.replay'])\n"
        "if __name__ == '__main__':\n    pass\n",
        "target.py": "def f() -> None:\n    from .inner import deep\n",
        "replay.py": "",
        "broken.py": "from .target import f\n",  # imported by tests only: must be found
        "by_path.py": "",
        "runner.py": "SUITE = 'by_path.py'\n",
        "inner/__init__.py": "",
        "inner/deep.py": "",
        "hooks.py": "",
    }
    for name, text in files.items():
        (package / name).write_text(text, encoding="utf-8")
    (tmp_path / "tool.py").write_text("import kit.runner\n", encoding="utf-8")
    assert unreached(tmp_path, "kit", [tmp_path / "tool.py"], {"kit.hooks"}) == {"kit.broken"}
    assert unreached(tmp_path, "kit", [], set()) == {"kit.broken", "kit.runner", "kit.by_path", "kit.hooks"}
