"""CONTRIBUTING.md stays true: every module, test and folder it names exists, every scenario key its "Adding an
operation" names is a key of the scenario format, and every operation ID it quotes is the spec's."""

from __future__ import annotations

import re

from contract_tests.emulator.scenario_format import scenario_format
from contract_tests.spec.api import load_spec
from contract_tests.spec.document import REPO_ROOT

PAGE = (REPO_ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
ADDING = PAGE.split("## Adding an operation", 1)[1].split("\n## ", 1)[0]


def test_every_path_it_names_exists() -> None:
    named = set(re.findall(r"`((?:contract_tests|tests|scripts|openapi|generated)/[\w./-]*\w/?)`", PAGE))
    named |= {"contract_tests/" + found for found in re.findall(r"`(checks/[\w.]+\.py)`", PAGE)}
    assert "contract_tests/emulator/responses.py" in named
    missing = sorted(path for path in named if "<" not in path and not (REPO_ROOT / path).exists())
    assert missing == []


def test_the_scenario_keys_it_names_are_the_formats() -> None:
    keys = set(re.findall(r"`(\w+): \[", ADDING))
    assert {"internal_error", "changeable"} <= keys
    documented = set(re.findall(r"^\s*(\w+):", scenario_format(), re.MULTILINE))
    assert keys <= documented, keys - documented


def test_the_operation_ids_it_quotes_are_the_specs() -> None:
    quoted = set(re.findall(r"\[(\w+)\]`", ADDING))
    assert quoted
    assert quoted <= set(load_spec().by_id)
