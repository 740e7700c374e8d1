"""What a test expects of a run, taken from the spec the suite runs on and the scenario the emulator serves, never
written as a literal: how many operations there are, which a read-only run may send, which statuses a run against
the emulator can reach."""

from __future__ import annotations

from contract_tests.emulator import Scenario
from contract_tests.spec.api import load_spec

SPEC = load_spec()
# What a run without ALLOW_CHANGES (or the proxy read-only) may answer: every operation that changes no state.
READS = tuple(operation for operation in SPEC.operations if not operation.changes_state)


def operations_covered(covered: int) -> str:
    """The start of the coverage line when `covered` of the spec's operations were answered."""
    return f"coverage:    operations {covered}/{len(SPEC.operations)}"


def reachable_statuses(scenario: Scenario) -> set[tuple[str, str]]:
    """(operation ID, status) for each status each operation documents that a run against the emulator serving
    `scenario` can provoke: every one, but a 429 only of the operations the scenario throttles once
    (`throttled_once`) and a 500 only of those some task or instance of it fails on (`internal_error`)."""
    throttled = {name for _, names in scenario.throttling_instances() for name in names}
    failing = {name for _, names in (*scenario.internal_errors(), *scenario.failing_instances()) for name in names}
    fixture = {"429": throttled, "500": failing}
    return {
        (operation.operation_id, status)
        for operation in SPEC.operations
        for status in operation.statuses
        if operation.operation_id in fixture.get(status, {operation.operation_id})
    }
