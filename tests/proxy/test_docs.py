"""docs/proxy.md's worked example (an indented block: `contract_tests` ships no type information for a user's
mypy, so tests/test_readme.py leaves it out) type-checks with the project's settings and runs against the
emulator, configured as the emulator's exports configure a shell."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.proxy.conftest import Emulated

ROOT = Path(__file__).resolve().parents[2]
PAGE = ROOT / "docs" / "proxy.md"


def worked_example() -> str:
    text = PAGE.read_text(encoding="utf-8")
    section = text.split("A worked example, ", 1)[1].split("\n`python -m contract_tests.proxy` builds", 1)[0]
    block = re.search(r"\n\n((?:    .*\n|\n)+)", section)
    assert block is not None, "the worked example's indented block"
    return "".join(line[4:] + "\n" for line in block[1].rstrip().splitlines())


@pytest.mark.slow
def test_the_worked_example_type_checks_and_runs(upstream: Emulated, tmp_path: Path) -> None:
    script = tmp_path / "observer_example.py"
    script.write_text(worked_example(), encoding="utf-8")
    mypy = [sys.executable, "-m", "mypy", "--strict", "--config-file", str(ROOT / "pyproject.toml"), str(script)]
    checked = subprocess.run(mypy, cwd=ROOT, capture_output=True, text=True, check=False, timeout=300)
    assert checked.returncode == 0, checked.stdout
    environ = {**upstream.environ, "PATH": os.environ["PATH"], "HUAWEICLOUD_SDK_CREDENTIALS_FILE": os.devnull}
    run = subprocess.run(
        [sys.executable, str(script)], env=environ, capture_output=True, text=True, check=False, timeout=60
    )
    assert run.returncode == 0, run.stderr
    assert "8abf6e1e72c12e7c0172c15b508500aa EXECUTING" in run.stdout  # a task of the listing
    assert f"to {upstream.url}: {{('GET', 200): 1}}" in run.stdout
