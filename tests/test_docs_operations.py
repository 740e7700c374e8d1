"""The pages list exactly the spec's operations: README.md's table is the one `make generate` renders from the
spec, and every other list of operations in README.md, CONTRIBUTING.md and docs/ (consecutive lines each led by an
operation's name: a table's rows, a status matrix) names them all and no other. Proved able to fail on a copy of
the spec with one more operation."""

from __future__ import annotations

import copy
import subprocess
import sys
from pathlib import Path

import pytest

from contract_tests.spec.api import ApiSpec, load_spec
from contract_tests.spec.docs import BEGIN, END, operation_lists, operations_table, stale_lists, with_operations_table
from contract_tests.spec.document import REPO_ROOT
from scripts.generate import readme_operations

README = REPO_ROOT / "README.md"
PAGES = (README, REPO_ROOT / "CONTRIBUTING.md", *sorted((REPO_ROOT / "docs").glob("*.md")))


def spec_with_one_more_operation() -> ApiSpec:
    """The project's spec and a read operation it does not have, named as the vendor names operations."""
    document = copy.deepcopy(dict(load_spec().document))
    paths = document["paths"]
    template = next(iter(paths.values()))["get"]
    paths["/v2/{project_id}/instances/{instance_id}/tasks/summary"] = {
        "parameters": next(iter(paths.values()))["parameters"],
        "get": {**template, "operationId": "ShowBackgroundTaskSummary", "summary": "Show a summary"},
    }
    return ApiSpec(document)


def test_the_readme_shows_the_table_the_spec_renders() -> None:
    text = README.read_text(encoding="utf-8")
    assert operations_table() in text, "run `make generate`"
    assert with_operations_table(text) == text
    for operation in load_spec().operations:
        assert f"| *{operation.operation_id}* | `{operation.method} {operation.path}` |" in text


def test_the_module_prints_the_table() -> None:
    printed = subprocess.run(
        [sys.executable, "-m", "contract_tests.spec.docs"], capture_output=True, text=True, check=True, cwd=REPO_ROOT
    )
    assert printed.stdout == operations_table()


@pytest.mark.parametrize("page", PAGES, ids=[str(page.relative_to(REPO_ROOT)) for page in PAGES])
def test_every_list_of_operations_names_exactly_the_specs(page: Path) -> None:
    assert stale_lists(page.read_text(encoding="utf-8")) == []


def test_the_readme_table_is_found_and_an_operation_more_makes_it_stale(tmp_path: Path) -> None:
    text = README.read_text(encoding="utf-8")
    spec, bigger = load_spec(), spec_with_one_more_operation()
    [table] = [found for found in operation_lists(text) if found.line > text[: text.index(BEGIN)].count("\n")]
    assert sorted(table.names) == sorted(spec.by_id)
    assert stale_lists(text, bigger) == [table]  # a list that misses the new operation is stale
    rendered = with_operations_table(text, bigger)
    assert stale_lists(rendered, bigger) == []
    assert "| *ShowBackgroundTaskSummary* | `GET /v2/{project_id}/instances/{instance_id}/tasks/summary` |" in rendered
    assert rendered.count(BEGIN) == rendered.count(END) == 1
    # make generate renders it into the page, make check-generated fails on the stale one
    copied = tmp_path / "README.md"
    copied.write_text(rendered, encoding="utf-8")
    assert readme_operations(check_only=True, readme=copied) == 1
    assert readme_operations(readme=copied) == 0
    assert copied.read_text(encoding="utf-8") == text


def test_a_status_matrix_naming_an_operation_the_spec_lacks_is_stale() -> None:
    matrix = "\n".join(f"  {name:<30} 200 ✓  400 ·" for name in (*load_spec().by_id, "ShowBackgroundTaskSummary"))
    [found] = stale_lists(f"statuses:\n{matrix}\nchecks (3):\n")
    assert found.line == 2
    assert "ShowBackgroundTaskSummary" in found.names
