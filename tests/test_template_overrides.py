"""Golden record of the template overrides, in the style of openapi-python-client's own
``test_custom_templates``: the spec is rendered with upstream's templates and with ours, and the
differences must stay inside the files and definitions ``openapi/generator/overrides.yaml`` lists.
An upgrade of the generator fails here loudly (an upstream template's hash moved, or a difference
appears or vanishes) instead of silently dropping or misapplying an override.
"""

from __future__ import annotations

import ast
import fnmatch
import hashlib
import shutil
from collections.abc import Iterator, Sequence
from importlib.resources import files
from pathlib import Path
from typing import Any

import pytest
import yaml

from scripts import generate

pytestmark = pytest.mark.slow  # renders the SDK with openapi-python-client

OVERRIDES = generate.GENERATOR_DIR / "overrides.yaml"
UPSTREAM_TEMPLATES = Path(str(files("openapi_python_client") / "templates"))
MODULE = "<module>"


def overrides() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(OVERRIDES.read_text(encoding="utf-8"))
    return loaded


def definitions(source: str) -> dict[str, str]:
    """Each function, class and method by qualified name, and the module-level rest, as normalised source."""
    found: dict[str, str] = {}
    rest: list[str] = []

    def visit(nodes: Sequence[ast.stmt], prefix: str) -> Iterator[str]:
        for node in nodes:
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                name = f"{prefix}{node.name}"
                if isinstance(node, ast.ClassDef):
                    # A class's declaration (decorators, docstring, attributes) is compared apart from
                    # its methods, which are compared one by one.
                    methods = [item for item in node.body if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef)]
                    rest_of_body = [item for item in node.body if item not in methods]
                    found[f"{name}.<declaration>"] = ast.unparse(
                        ast.ClassDef(**{**node.__dict__, "body": rest_of_body})
                    )
                    yield from visit(methods, f"{name}.")
                else:
                    found[name] = ast.unparse(node)
            elif not prefix:
                yield ast.unparse(node)

    rest.extend(visit(ast.parse(source).body, ""))
    found[MODULE] = "\n".join(rest)
    return found


def changed_definitions(name: str, upstream: bytes, ours: bytes) -> set[str]:
    if not name.endswith(".py"):
        return {"*"}
    before, after = definitions(upstream.decode()), definitions(ours.decode())
    return {key for key in before.keys() | after.keys() if before.get(key) != after.get(key)}


def unexpected_differences(
    upstream: dict[str, bytes], ours: dict[str, bytes], expected: dict[str, list[str]]
) -> list[str]:
    """What differs between the two renders outside the expected differences, one line each."""
    problems = []
    used = set()
    for name in sorted(upstream.keys() | ours.keys()):
        if name == generate.MANIFEST or upstream.get(name) == ours.get(name):
            continue
        patterns = [pattern for pattern in expected if fnmatch.fnmatch(name, pattern)]
        allowed = {allowed for pattern in patterns for allowed in expected[pattern]}
        used.update(patterns)
        if name not in upstream or name not in ours:
            problems.append(f"{name}: rendered by only one of upstream's templates and ours")
            continue
        changed = changed_definitions(name, upstream[name], ours[name])
        if "*" in allowed:
            continue
        outside = sorted(key for key in changed if not any(fnmatch.fnmatch(key, pattern) for pattern in allowed))
        if outside:
            problems.append(f"{name}: unexpected differences in {', '.join(outside)}")
    problems.extend(f"{pattern}: expected to differ from upstream, but does not" for pattern in expected.keys() - used)
    return problems


@pytest.fixture(scope="module")
def upstream_render(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    return generate.render(tmp_path_factory.mktemp("upstream") / "generated", templates=None)


@pytest.fixture(scope="module")
def our_render(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    return generate.render(tmp_path_factory.mktemp("ours") / "generated")


def test_every_override_is_recorded_against_the_upstream_template_it_was_written_for() -> None:
    recorded: dict[str, str | None] = overrides()["overrides"]
    ours = sorted(str(path.relative_to(generate.TEMPLATES)) for path in generate.TEMPLATES.rglob("*.jinja"))
    assert sorted(recorded) == ours, "every template in openapi/generator/templates has an entry, and only those"
    moved = []
    for name, recorded_hash in recorded.items():
        upstream = UPSTREAM_TEMPLATES / name
        actual = hashlib.sha256(upstream.read_bytes()).hexdigest() if upstream.exists() else None
        if actual != recorded_hash:
            moved.append(f"{name}: upstream {actual}, override written against {recorded_hash}")
    assert not moved, "upstream templates changed: re-apply these overrides, then update overrides.yaml:\n" + "\n".join(
        moved
    )


def test_overrides_change_only_what_they_are_meant_to(
    upstream_render: dict[str, bytes], our_render: dict[str, bytes]
) -> None:
    problems = unexpected_differences(upstream_render, our_render, overrides()["expected_differences"])
    assert not problems, "\n".join(problems)


def test_a_broken_override_is_caught(tmp_path: Path, upstream_render: dict[str, bytes]) -> None:
    """The check can fail: an override that strays into ``to_dict`` is reported by name."""
    templates = tmp_path / "templates"
    shutil.copytree(generate.TEMPLATES, templates)
    model = templates / "model.py.jinja"
    text = model.read_text(encoding="utf-8")
    marker = "    def to_dict(self) -> dict[str, Any]:\n"
    assert marker in text
    model.write_text(text.replace(marker, marker + "        _strayed = True\n"), encoding="utf-8")
    broken = generate.render(tmp_path / "generated", templates=templates)
    problems = unexpected_differences(upstream_render, broken, overrides()["expected_differences"])
    assert any("unexpected differences in StepDetail.to_dict" in problem for problem in problems), problems
