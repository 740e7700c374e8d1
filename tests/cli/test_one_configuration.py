"""docs/contract-suite.md's staging recipe (and the vendor SDK's names instead) configures the CLI and the SDK alike.

Only the recipe's variables and ``DCS_ENDPOINT`` are in the environment of ``dcs-tasks list`` and
of a script calling ``DcsClient()``, against the emulator with its temporary credentials: the
emulator answers 401 unless ``X-Security-Token`` is sent and signed, so a 200 proves both. The
contract suite's side is ``tests/contract/test_targets.py``.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator

import pytest

from contract_tests.emulator import DEFAULT_SCENARIO_PATH, load_scenario
from contract_tests.target.loopback import running_emulator

from .conftest import run_cli

pytestmark = pytest.mark.slow  # runs the installed dcs-tasks and Python against an emulator process

SCENARIO = load_scenario(DEFAULT_SCENARIO_PATH)
TEMPORARY = next(credential for credential in SCENARIO.credentials if credential.security_token)
PROJECT, INSTANCE = next(
    (task.project_id, task.instance_id) for task in SCENARIO.known_tasks() if TEMPORARY.may_access(task.project_id)
)
NAMES = {
    "staging recipe": ("CLOUD_SDK_AK", "CLOUD_SDK_SK", "CLOUD_SDK_SECURITY_TOKEN", "DCS_PROJECT_ID"),
    "vendor SDK": (
        "HUAWEICLOUD_SDK_AK",
        "HUAWEICLOUD_SDK_SK",
        "HUAWEICLOUD_SDK_SECURITY_TOKEN",
        "HUAWEICLOUD_SDK_PROJECT_ID",
    ),
}
SCRIPT = """
from dcs_tasks import DcsClient

with DcsClient() as client:
    print(client.configuration.credentials.source)
    print(sum(1 for task in client.list_background_task("{instance}")))
"""


@pytest.fixture(scope="module")
def emulator_url() -> Iterator[str]:
    with running_emulator(DEFAULT_SCENARIO_PATH) as url:
        yield url


def exported(names: str, url: str, *, token: bool = True) -> dict[str, str]:
    ak, sk, security_token, project = NAMES[names]
    assert TEMPORARY.security_token is not None
    values = {ak: TEMPORARY.access_key, sk: TEMPORARY.secret_key, security_token: TEMPORARY.security_token}
    if not token:
        del values[security_token]
    base = {"PATH": os.environ["PATH"], "HUAWEICLOUD_SDK_CREDENTIALS_FILE": os.devnull}
    return {**base, **values, project: PROJECT, "DCS_ENDPOINT": url}


@pytest.mark.parametrize("names", NAMES)
def test_dcs_tasks_list_works_with_only_the_exported_variables(names: str, emulator_url: str) -> None:
    done = run_cli("list", INSTANCE, "--output", "json", env=exported(names, emulator_url))
    assert done.returncode == 0, done.stderr
    assert done.stdout.count('"id"') >= 3
    refused = run_cli("list", INSTANCE, env=exported(names, emulator_url, token=False))
    assert refused.returncode == 2, "without the security token the emulator answers 401"
    assert "HTTP 401" in refused.stderr


@pytest.mark.parametrize("names", NAMES)
def test_a_script_using_dcs_client_works_with_only_the_exported_variables(names: str, emulator_url: str) -> None:
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT.format(instance=INSTANCE)],
        env=exported(names, emulator_url),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    source, count = done.stdout.split("\n")[:2]
    ak, sk, security_token, _ = NAMES[names]
    assert source == f"{ak}/{sk} + {security_token}"
    assert int(count) >= 3
