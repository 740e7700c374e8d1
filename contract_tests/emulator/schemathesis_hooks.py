"""Schemathesis CLI hooks for a run against the emulator: sign every request, reach real tasks.

    SCHEMATHESIS_HOOKS=contract_tests.emulator.schemathesis_hooks \\
      schemathesis --config-file contract_tests/emulator/schemathesis.toml \\
      run openapi/dcs.yaml --url http://127.0.0.1:8080 --checks all -n 2000 --seed 1

(``schemathesis.toml`` beside this file tells it that undeclared parameters are ignored;
``tests/emulator/test_schemathesis_cli.py`` runs this, stateful phase included)

* every request is signed (SDK-HMAC-SHA256, the suite's ``AkSkSigner``) with the demo credentials,
  except 5 % sent without credentials, so 401 shows up among the generated cases and not only
  in Schemathesis' own auth probes;
* generated path IDs that are valid ``ResourceId`` values are often swapped for the scenario's
  known IDs (whole triples → 200/403, a known project with unknown children → 404), so the run
  reaches real tasks; negative (invalid) IDs are left as generated; ``internal_error`` tasks
  (500 by design) are not fed;
* in the stateful phase, a task ID a link chose (from a listing or a deletion) is kept;
* a DELETE is sent only for the scenario's ``disposable`` tasks: any other well-formed one is
  aimed at an absent task (404), as the suite's own runs do, and an ``internal_error`` task a
  listing shows is not followed into its progress (its 500 is by design);
* the statuses received are tallied and printed on exit.

Env: ``DCS_EMULATOR_SCENARIO`` (scenario file, default: the default one), ``DCS_HOOKS_SEED``.
"""

from __future__ import annotations

import atexit
import os
import random
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import schemathesis
from schemathesis.core.parameters import ParameterLocation

from contract_tests.auth import AkSkSigner
from contract_tests.spec_file import spec_document

from .scenario import DEFAULT_SCENARIO_PATH, load_scenario
from .spec import compile_routes

SCENARIO = load_scenario(Path(os.environ.get("DCS_EMULATOR_SCENARIO", DEFAULT_SCENARIO_PATH)))
# Tasks that answer 500 by design would fail `not_a_server_error` in a CLI run: not fed.
KNOWN = [task for task in SCENARIO.known_tasks() if task not in SCENARIO.internal_error_tasks()]
FAULTY = {task.task_id.lower() for task in SCENARIO.internal_error_tasks()}
DISPOSABLE = {task.task_id.lower() for task in SCENARIO.disposable_tasks()}
ABSENT_TASK = "ffffffffffffffffffffffffffffffff"
PARAMETERS = {p.name: p for route in compile_routes(spec_document()) for p in route.parameters()}
SIGNER = AkSkSigner(access_key=SCENARIO.demo.access_key, secret_key=SCENARIO.demo.secret_key)
RANDOM = random.Random(int(os.environ.get("DCS_HOOKS_SEED", "0")))
STATUSES: Counter[int] = Counter()
SIGNED_CASES: set[str] = set()


@schemathesis.auth()
class SignedByTheSuite:
    """Tells Schemathesis the case carries real credentials; ``before_call`` attaches the signer, which
    signs the prepared request (the final URL is only known then). Probes Schemathesis sends itself
    (ST401's "without auth" / "invalid auth") do not pass ``before_call`` and so stay unsigned."""

    def get(self, case: Any, context: Any) -> str:  # noqa: ANN401 - Schemathesis caches this value
        return "signed in before_call"

    def set(self, case: Any, data: str, context: Any) -> None:  # noqa: ANN401
        if RANDOM.random() >= 0.05:
            SIGNED_CASES.add(case.id)


def _well_formed(path_parameters: dict[str, Any]) -> bool:
    return all(
        isinstance(value, str) and name in PARAMETERS and PARAMETERS[name].is_valid(value)
        for name, value in path_parameters.items()
    )


def _negative_path(case: Any) -> bool:  # noqa: ANN401
    # A path made invalid on purpose (a value missing, say) must stay invalid: known IDs would fix it.
    meta = case.meta
    return meta is not None and meta.is_negative_at(ParameterLocation.PATH)


def _linked(case: Any) -> bool:  # noqa: ANN401
    meta = case.meta
    return meta is not None and meta.phase.name.value == "stateful" and "task_id" in case.path_parameters


@schemathesis.hook
def before_call(context: Any, case: Any, kwargs: dict[str, Any]) -> None:  # noqa: ANN401
    parameters = case.path_parameters
    if parameters and _well_formed(parameters) and not _linked(case) and not _negative_path(case):
        task, roll = RANDOM.choice(KNOWN), RANDOM.random()
        if roll < 0.45:
            # Only the operation's own parameters: a listing has no task ID.
            parameters.update({name: value for name, value in task.as_path_parameters().items() if name in parameters})
        elif roll < 0.6:
            parameters["project_id"] = task.project_id
        elif roll < 0.7:
            parameters.update(project_id=task.project_id, instance_id=task.instance_id)
    task_id = str(parameters.get("task_id", "")).lower() if parameters else ""
    deleting = case.operation.method.upper() == "DELETE"
    if task_id and _well_formed(parameters) and (task_id in FAULTY or (deleting and task_id not in DISPOSABLE)):
        parameters["task_id"] = ABSENT_TASK
    if case.id in SIGNED_CASES:
        kwargs["auth"] = SIGNER


@schemathesis.hook
def after_call(context: Any, case: Any, response: Any) -> None:  # noqa: ANN401
    STATUSES[response.status_code] += 1


@atexit.register
def _report() -> None:
    summary = ", ".join(f"{status}: {count}" for status, count in sorted(STATUSES.items()))
    print(f"emulator responses by status: {summary} (total {sum(STATUSES.values())})", file=sys.stderr)
