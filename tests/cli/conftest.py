"""Fixtures of the CLI tests: an emulator process whose clock runs fast, and the CLI's environment."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path

import pytest

from contract_tests.target.loopback import HOST, running_server
from scripts.task_scenarios import INSTANCE_ID, TaskSpec, default_document, scenario_document

DCS_TASKS = Path(sys.executable).with_name("dcs-tasks")  # the console script, installed with the SDK
SPEED = 30.0  # emulated seconds per real second

FINISHING = TaskSpec("3d4e5f6a7b8c4d9e8f0a1b2c3d4e5f60", 300, start=15)  # queued 0.5 s, then 10 s of run
FAILING = TaskSpec("4e5f6a7b8c9d4e0f9a1b2c3d4e5f6a70", 300, start=-200, fail_at_shard=1)  # failed already
LONG = TaskSpec("5f6a7b8c9d0e4f1a8b2c3d4e5f6a7b80", 36000)  # 20 minutes at this speed


@dataclass(frozen=True)
class Emulator:
    url: str
    env: dict[str, str]  # the CLI's environment: the demo AK/SK and project, nothing from the host

    def run(self, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
        return run_cli("--endpoint", self.url, *args, env=env or self.env)


def run_cli(*args: str, env: dict[str, str], timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """The installed ``dcs-tasks`` with ``args`` and only ``env`` in its environment."""
    command = [str(DCS_TASKS), *args]
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=timeout, check=False)


def cli_env() -> dict[str, str]:
    demo = default_document()["credentials"][0]
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", "/root"),
        "LANG": "C.UTF-8",
        "HUAWEICLOUD_SDK_AK": demo["access_key"],
        "HUAWEICLOUD_SDK_SK": demo["secret_key"],
        "HUAWEICLOUD_SDK_PROJECT_ID": demo["projects"][0],
        "HUAWEICLOUD_SDK_CREDENTIALS_FILE": os.devnull,  # never the developer's own profile file
    }


def emulator_with(tasks: list[TaskSpec], directory: Path) -> AbstractContextManager[str]:
    """``python -m contract_tests.emulator`` with these tasks, its clock running ``SPEED`` times fast."""
    scenario = directory / "scenario.json"
    scenario.write_text(json.dumps(scenario_document(tasks)), encoding="utf-8")

    def command(port: int) -> list[str]:
        emulator = [sys.executable, "-m", "contract_tests.emulator", "--host", HOST, "--port", str(port)]
        return [*emulator, "--scenario", str(scenario), "--speed", str(SPEED)]

    return running_server(command, "the emulator")


@pytest.fixture
def emulator(tmp_path: Path) -> Iterator[Emulator]:
    with emulator_with([FINISHING, FAILING, LONG], tmp_path) as url:
        yield Emulator(url, cli_env())


@pytest.fixture
def task_args() -> Callable[[TaskSpec], list[str]]:
    return lambda task: [INSTANCE_ID, task.task_id]
