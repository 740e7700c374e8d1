"""The contract suite's rules for Schemathesis' own CLI, for a run of its engine and its reports:

    SCHEMATHESIS_HOOKS=contract_tests.schemathesis_hooks \\
      schemathesis --config-file contract_tests/schemathesis.toml run openapi/dcs.yaml --url URL --checks all

As in `make contract`, every request is signed last by the suite's signer, cases get the target's known IDs
(`schema.known_id_hooks`), a state-changing request the target did not offer is re-aimed at an absent task,
and the domain checks that judge a response alone (`checks.py`) run with `--checks all`. The target is the one `make
contract` would test: with `BASE_URL` set, that server as the environment configures it (give the same URL
to `--url`); without, the emulator's scenario (`DCS_EMULATOR_SCENARIO`, default the default one).

What stays with `make contract`: the probes, the checks that need the run's target or other operations, the
known-faulty tasks' and instances' documented 500, and the judging of a throttled answer before it is sent again.
Schemathesis' CLI cannot excuse `not_a_server_error` for one task, so a request for one of those is re-aimed at
an absent task (or instance) too, on the operations they fail on.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import schemathesis

from .api_spec import load_spec
from .checks import AnyCase, operation_of
from .destructive import aim_away, aim_state_change
from .emulator_target import DEFAULT_SCENARIO_PATH, emulator_target, load_scenario
from .schema import known_id_hooks
from .staging_config import RunKnobs, staging_target
from .target import Target


def cli_target() -> Target:
    """`make contract`'s target, without starting anything: Schemathesis' CLI is pointed at it with `--url`."""
    base_url = os.environ.get("BASE_URL")
    if base_url:
        return staging_target(base_url, RunKnobs.from_env())
    scenario = load_scenario(Path(os.environ.get("DCS_EMULATOR_SCENARIO") or DEFAULT_SCENARIO_PATH))
    return emulator_target(scenario, base_url="the --url of schemathesis run")


TARGET = cli_target()
SPEC = load_spec()
schemathesis.auth.set_from_requests(TARGET.auth)  # type: ignore[attr-defined]  # set on `auth` at import
for _name, _hook in known_id_hooks(TARGET).items():
    schemathesis.hook(_name)(_hook)


@schemathesis.hook
def before_call(_context: schemathesis.HookContext, case: AnyCase, _kwargs: dict[str, Any]) -> None:
    aim_state_change(case, TARGET, SPEC)
    operation = operation_of(case)
    if operation is not None:
        aim_away(case, TARGET.failing_keys(operation), operation.id_parameters)
