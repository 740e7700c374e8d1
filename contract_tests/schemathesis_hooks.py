"""The contract suite's rules for Schemathesis' own CLI, for a run of its engine and its reports:

    SCHEMATHESIS_HOOKS=contract_tests.schemathesis_hooks \\
      schemathesis --config-file contract_tests/schemathesis.toml run openapi/dcs.yaml --url URL --checks all

As in `make contract`, every request is signed last by the suite's signer, cases get the target's known IDs
(`phases.cases.known_id_hooks`), a state-changing request the target did not offer is re-aimed at an absent task,
and the domain checks that judge a response alone (`checks/`) run with `--checks all`. The target is the one `make
contract` would test: with `BASE_URL` set, that server as the environment configures it (give the same URL
to `--url`); without, the emulator's scenario (SCENARIO, default the default one). Every setting is read as
`make contract` reads it (`settings.reading`).

What stays with `make contract`: the probes, the checks that need the run's target or other operations, the
known-faulty tasks' and instances' documented 500, and the judging of a throttled answer before it is sent again.
Schemathesis' CLI cannot excuse `not_a_server_error` for one task, so a request for one of those is re-aimed at
an absent task (or instance) too, on the operations they fail on.
"""

from __future__ import annotations

import sys
from typing import Any

import schemathesis

from .checks.base import operation_of
from .checks.registry import register_with_schemathesis
from .phases.cases import known_id_hooks
from .record.answers import AnyCase
from .settings.reading import read_settings
from .settings.table import Kind
from .spec.api import load_spec
from .target.emulator import DEFAULT_SCENARIO_PATH, emulator_target, load_scenario
from .target.model import Target
from .target.policy import aim_away, aim_state_change
from .target.remote import remote_target


def cli_target() -> Target:
    """`make contract`'s target, as its settings describe it, without starting anything: Schemathesis' CLI is
    pointed at it with `--url`."""
    settings = read_settings([], prog="SCHEMATHESIS_HOOKS=contract_tests.schemathesis_hooks")
    for note in settings.notes:
        print(f"note: {note}", file=sys.stderr)
    if settings.kind is Kind.REMOTE:
        return remote_target(settings)
    scenario = load_scenario(settings.scenario or DEFAULT_SCENARIO_PATH)
    return emulator_target(
        scenario, base_url="the --url of schemathesis run", method_rejection=settings.method_rejection
    )


def install() -> None:
    """Give Schemathesis' CLI the suite's rules: its signer, the known IDs, the re-aiming of state-changing and
    known-faulty requests, and the checks that judge one answer."""
    target, spec = cli_target(), load_spec()
    schemathesis.auth.set_from_requests(target.auth)  # type: ignore[attr-defined]  # the CLI's global auth
    for name, hook in known_id_hooks(target).items():
        schemathesis.hook(name)(hook)

    def before_call(_context: schemathesis.HookContext, case: AnyCase, _kwargs: dict[str, Any]) -> None:
        aim_state_change(case, target, spec)
        operation = operation_of(case)
        if operation is not None:
            aim_away(case, target.faulty_keys(operation), operation.id_parameters)

    schemathesis.hook(before_call)
    register_with_schemathesis()


# Schemathesis' CLI imports this module by its SCHEMATHESIS_HOOKS name and nothing else: importing it is the run.
install()
