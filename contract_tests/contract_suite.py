"""The contract suite: every operation of `openapi/dcs.yaml`, every Schemathesis phase and check.

Run through `contract_tests.runner.run_suite` (`make contract`, the slice in `make test`), which
picks the target; the file is not named `test_*.py` so plain `pytest` does not collect it twice.
"""

from __future__ import annotations

from contract_tests.checks import AnyCase
from contract_tests.session import current_run

RUN = current_run()
schema = RUN.schema


@schema.parametrize()  # type: ignore[untyped-decorator]
def test_operation(case: AnyCase) -> None:
    RUN.execute(case)
