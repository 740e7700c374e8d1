"""`make test`'s deterministic slice of the contract suite (a fixed seed and a budget that keeps it to seconds), and
a remote target as `make contract BASE_URL=…` would build it from an environment."""

from __future__ import annotations

from collections.abc import Mapping

from starlette.applications import Starlette

from contract_tests.emulator import Scenario, emulator_of
from contract_tests.record.run_report import SuiteReport
from contract_tests.reporting.summary import format_summary
from contract_tests.settings.reading import read_settings
from contract_tests.settings.table import Settings
from contract_tests.target.emulator import scenario_tasks
from contract_tests.target.model import Target
from contract_tests.target.remote import remote_target

SLICE_OPTIONS = Settings(seed=20240101, max_examples=60)


def remote(environ: Mapping[str, str], base_url: str = "http://x") -> Target:
    """The target at `base_url` that the settings of `environ` describe."""
    return remote_target(read_settings(["--base-url", base_url], environ))


def token_environment(scenario: Scenario) -> dict[str, str]:
    """A remote run's environment with the scenario's IAM token and its first readable task (`make contract
    BASE_URL=…` with a token: the secret a report must redact)."""
    readable = scenario_tasks(scenario).readable[0]
    token = scenario.demo.token
    assert token is not None
    return {
        "DCS_AUTH_TOKEN": token,
        "DCS_PROJECT_ID": readable.project_id,
        "DCS_INSTANCE_ID": readable.instance_id,
        "DCS_TASK_ID": readable.task_id,
    }


def assert_ak_never_locked(app: Starlette, report: SuiteReport, access_key: str) -> None:
    """The run sent failing signatures, never more than two in a row for one AK, and left `access_key` unlocked."""
    lockout = emulator_of(app).lockout
    assert lockout is not None
    assert report.ok, format_summary(report, target="emulator", replay="-")
    assert report.probes[401] > 20  # failing signatures were sent …
    assert max(lockout.peak.values()) <= 2  # … never more than two in a row for one AK
    assert lockout.locks == {}
    assert not lockout.is_locked(access_key)
