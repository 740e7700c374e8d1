"""What a test expects of a run, taken from the spec the suite runs on, never written as a literal: how many
operations there are and which a read-only run may send."""

from __future__ import annotations

from contract_tests.spec.api import load_spec

SPEC = load_spec()
# What a run without ALLOW_CHANGES (or the proxy read-only) may answer: every operation that changes no state.
READS = tuple(operation for operation in SPEC.operations if not operation.changes_state)


def operations_covered(covered: int) -> str:
    """The start of the coverage line when `covered` of the spec's operations were answered."""
    return f"coverage:    operations {covered}/{len(SPEC.operations)}"
