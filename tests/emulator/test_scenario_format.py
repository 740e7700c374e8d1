"""The scenario format's documentation is rendered from the classes that define it, and stays equal."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import yaml

from contract_tests.emulator import DEFAULT_SCENARIO_PATH
from contract_tests.emulator.scenario_format import scenario_format

README = Path(__file__).parents[2] / "docs" / "emulator.md"


def outline_keys(outline: str) -> set[str]:
    return set(re.findall(r"^\s*(?:- )?(\w+):", outline, re.MULTILINE))


def document_keys(node: object) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            yield str(key)
            if key not in ("details", "detail"):  # maps of the service's own keys (or of statuses)
                yield from document_keys(value)
    elif isinstance(node, list):
        for item in node:
            yield from document_keys(item)


def test_the_readme_shows_the_format_the_classes_define() -> None:
    blocks = re.findall(r"```yaml\n(.*?)```", README.read_text(encoding="utf-8"), re.DOTALL)
    assert scenario_format() in blocks, "run `python -m contract_tests.emulator.scenario_format` into docs/emulator.md"


def test_the_module_prints_the_format() -> None:
    printed = subprocess.run(
        [sys.executable, "-m", "contract_tests.emulator.scenario_format"], capture_output=True, text=True, check=True
    )
    assert printed.stdout == scenario_format()


def test_the_outline_lists_every_key_the_default_scenario_uses() -> None:
    used = set(document_keys(yaml.safe_load(DEFAULT_SCENARIO_PATH.read_text(encoding="utf-8"))))
    documented = outline_keys(scenario_format())
    assert used <= documented
    assert {"credentials", "projects", "instances", "tasks", "steps", "sub_steps", "fail", "after"} <= documented
    assert "source" not in documented  # a loaded scenario's fact, not a key of the file
