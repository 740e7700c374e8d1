"""Every Python block of the README and of the SDK's own README type-checks and runs.

Each block is written to a file, checked with ``mypy --strict`` as a user's script would be, and
run against the emulator (serving its default scenario on loopback) with the demo credentials
and ``DCS_ENDPOINT`` in the environment, which is how the blocks find the service.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from contract_tests.emulator import DEFAULT_SCENARIO_PATH, create_app, load_scenario
from contract_tests.emulator.server import serve_in_thread
from contract_tests.spec_file import REPO_ROOT

pytestmark = pytest.mark.slow  # mypy and a Python process per block

READMES = (REPO_ROOT / "README.md", REPO_ROOT / "generated" / "README.md")
EXAMPLE_TASK = "8abf6e1e72c12e7c0172c15b508500aa"


def python_blocks() -> list[tuple[str, str]]:
    blocks = []
    for readme in READMES:
        text = readme.read_text(encoding="utf-8")
        for number, code in enumerate(re.findall(r"```python\n(.*?)```", text, re.DOTALL), start=1):
            blocks.append((f"{readme.relative_to(REPO_ROOT)}#{number}", code))
    return blocks


BLOCKS = python_blocks()


@pytest.fixture(scope="module")
def emulator_environment() -> Iterator[dict[str, str]]:
    scenario = load_scenario(DEFAULT_SCENARIO_PATH)
    [task] = [task for task in scenario.known_tasks() if task.task_id == EXAMPLE_TASK]
    credential = scenario.credential_for(task.project_id)
    with serve_in_thread(create_app(scenario)) as base_url:
        yield {
            "PATH": os.environ["PATH"],
            "DCS_ENDPOINT": base_url,
            "HUAWEICLOUD_SDK_AK": credential.access_key,
            "HUAWEICLOUD_SDK_SK": credential.secret_key,
            "HUAWEICLOUD_SDK_PROJECT_ID": task.project_id,
            "HUAWEICLOUD_SDK_CREDENTIALS_FILE": os.devnull,  # never the developer's own profile file
        }


def test_both_readmes_have_python_blocks() -> None:
    assert {name.split("#")[0] for name, _ in BLOCKS} == {"README.md", "generated/README.md"}


@pytest.mark.parametrize(("name", "code"), BLOCKS, ids=[name for name, _ in BLOCKS])
def test_the_block_type_checks_and_runs(
    name: str, code: str, tmp_path: Path, emulator_environment: dict[str, str]
) -> None:
    script = tmp_path / "example.py"
    script.write_text(code, encoding="utf-8")
    mypy = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", "--config-file", os.devnull, str(script)],
        capture_output=True,
        text=True,
        check=False,
        cwd=tmp_path,
    )
    assert mypy.returncode == 0, f"{name} fails mypy --strict:\n{mypy.stdout}"
    run = subprocess.run(
        [sys.executable, str(script)],
        capture_output=True,
        text=True,
        check=False,
        cwd=tmp_path,
        env=emulator_environment,
        timeout=60,
    )
    assert run.returncode == 0, f"{name} failed against the emulator:\n{run.stderr}"
    assert run.stdout.strip(), f"{name} printed nothing"
