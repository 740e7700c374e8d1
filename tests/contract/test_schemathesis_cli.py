"""Schemathesis' own CLI with the suite's rules (``contract_tests/schemathesis_hooks.py``) against the emulator:
every phase, stateful included, passes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from contract_tests.emulator import DEFAULT_SCENARIO_PATH
from contract_tests.spec.document import REPO_ROOT, SPEC_PATH
from contract_tests.target.loopback import running_emulator

pytestmark = pytest.mark.slow  # a Schemathesis CLI run against a loopback emulator

CONFIG = REPO_ROOT / "contract_tests" / "schemathesis.toml"


def test_the_cli_run_passes_with_the_stateful_phase(tmp_path: Path) -> None:
    schemathesis = Path(sys.executable).parent / "schemathesis"
    environ = {name: value for name, value in os.environ.items() if name != "BASE_URL"}  # the emulator's scenario
    with running_emulator(DEFAULT_SCENARIO_PATH) as url:
        command = [str(schemathesis), "--config-file", str(CONFIG), "--no-color", "run", str(SPEC_PATH)]
        run = subprocess.run(
            [*command, "--url", url, "--checks", "all", "--max-examples", "40", "--seed", "1"],
            capture_output=True,
            text=True,
            check=False,
            cwd=tmp_path,
            env={**environ, "SCHEMATHESIS_HOOKS": "contract_tests.schemathesis_hooks"},
            timeout=600,
        )
    output = run.stdout + run.stderr
    assert run.returncode == 0, output[-4000:]
    assert "Stateful" in output, output[-4000:]
    assert "No issues found" in output, output[-4000:]
