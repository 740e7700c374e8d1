"""The contract suite: every operation of `openapi/dcs.yaml`, every Schemathesis phase and check.

Run through `contract_tests.runner.run_suite` (`make contract`, the slice in `make test`), which
picks the target; the file is not named `test_*.py` so plain `pytest` does not collect it twice.
"""

from __future__ import annotations

from typing import Any

from contract_tests.checks import AnyCase
from contract_tests.session import current_run

RUN = current_run()
schema = RUN.schema


@schema.parametrize()  # type: ignore[untyped-decorator]
def test_operation(case: AnyCase) -> None:
    """Phases examples, coverage and fuzzing; every built-in and domain check on each response."""
    RUN.execute(case)


def _has_links(raw: dict[str, Any]) -> bool:
    operations = [op for item in raw.get("paths", {}).values() for op in item.values() if isinstance(op, dict)]
    responses = [r for op in operations for r in (op.get("responses") or {}).values() if isinstance(r, dict)]
    return any(r.get("links") for r in responses)


# The stateful phase chains operations along the spec's OpenAPI links. The spec has one operation
# and no links yet, so there is nothing to chain; this test appears as soon as links do.
if "stateful" in RUN.options.phases and _has_links(schema.raw_schema):
    TestWorkflows = schema.as_state_machine().TestCase
