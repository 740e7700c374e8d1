"""The import-linter contracts of pyproject.toml hold, and each one catches the import it forbids.

`make lint` runs them (`lint-imports`). Here each contract is checked on the project's import graph
as it is (kept) and with one forbidden import added to a copy of the graph (broken), so a contract
that lost its teeth — a typo in a module name, a wildcard or ignore that swallows too much — fails.
"""

from __future__ import annotations

import copy
from typing import Any

import grimp
import pytest
from importlinter import api
from importlinter.contracts.forbidden import ForbiddenContract
from importlinter.contracts.layers import LayersContract
from importlinter.contracts.protected import ProtectedContract

from contract_tests.spec.document import REPO_ROOT

CONFIG = api.read_configuration(str(REPO_ROOT / "pyproject.toml"))
CONTRACT_TYPES: dict[str, Any] = {
    "layers": LayersContract,
    "forbidden": ForbiddenContract,
    "protected": ProtectedContract,
}
# For each contract: imports that break it, one at a time (importer, imported).
BREAKING_IMPORTS: dict[str, list[tuple[str, str]]] = {
    "suite-layers": [
        ("contract_tests.reporting.summary", "contract_tests.cli"),
        ("contract_tests.run.state", "contract_tests.reporting.coverage"),
        ("contract_tests.phases.verdict", "contract_tests.run.state"),
        ("contract_tests.checks.base", "contract_tests.phases.sending"),
        ("contract_tests.record.recording", "contract_tests.checks.base"),
        ("contract_tests.target.model", "contract_tests.record.answers"),
        ("contract_tests.settings.reading", "contract_tests.target.model"),
        ("contract_tests.spec.api", "contract_tests.settings.errors"),
        ("contract_tests.settings.table", "contract_tests.emulator.scenario"),  # siblings, independent
        ("contract_tests.replay", "contract_tests.cli"),  # the entry points are independent too
        ("contract_tests.merge", "contract_tests.cli"),
        ("contract_tests.reporting.merging", "contract_tests.merge"),
    ],
    "emulator-layers": [
        ("contract_tests.emulator.models", "contract_tests.emulator.responses"),
        ("contract_tests.emulator.state", "contract_tests.emulator.app"),
        ("contract_tests.emulator.clock", "contract_tests.emulator.scenario"),
        ("contract_tests.emulator.reading", "contract_tests.emulator.models"),
        ("contract_tests.emulator.clock", "contract_tests.emulator.reading"),  # siblings, independent
    ],
    "emulator-no-http-below-the-app": [
        ("contract_tests.emulator.models", "starlette"),
        ("contract_tests.emulator.responses", "httpx"),
    ],
    "emulator-modules-skip-their-package": [("contract_tests.emulator.app", "contract_tests.emulator")],
    "emulator-without-suite": [
        ("contract_tests.emulator.scenario", "contract_tests.target"),
        ("contract_tests.emulator.app", "contract_tests.checks"),
        ("contract_tests.emulator.auth", "contract_tests.target.auth"),
        ("contract_tests.emulator.state", "contract_tests.spec.api"),  # the suite's reader, not a shared module
    ],
    "shared-modules-stand-alone": [
        ("contract_tests.spec.ids", "contract_tests.target"),
        ("contract_tests.spec.document", "contract_tests.spec.api"),
    ],
    "suite-starts-emulator-in-one-place": [
        ("contract_tests.checks", "contract_tests.emulator.scenario"),
        ("contract_tests.target", "contract_tests.emulator"),
    ],
    "proxy-layers": [
        ("contract_tests.proxy.signer", "contract_tests.proxy.app"),
        ("contract_tests.proxy.exchange", "contract_tests.proxy.observers"),
        ("contract_tests.proxy.headers", "contract_tests.proxy.config"),
        ("contract_tests.proxy.forward", "contract_tests.proxy.signer"),  # siblings, independent
        ("contract_tests.proxy.observers", "contract_tests.proxy.judging.judge"),
        ("contract_tests.proxy.server", "contract_tests.proxy.judging"),  # siblings, independent
    ],
    "proxy-judging-layers": [
        ("contract_tests.proxy.judging.passing", "contract_tests.proxy.judging.request_rules"),
        ("contract_tests.proxy.judging.traffic_rules", "contract_tests.proxy.judging.judge"),
        ("contract_tests.proxy.judging.report", "contract_tests.proxy.judging.progress"),  # siblings, independent
    ],
    "proxy-core-without-suite": [
        ("contract_tests.proxy.config", "contract_tests.target.model"),  # the settings table only
        ("contract_tests.proxy.app", "contract_tests.checks.base"),
        ("contract_tests.proxy.server", "contract_tests.emulator.server"),
    ],
    "proxy-modules-skip-their-package": [("contract_tests.proxy.app", "contract_tests.proxy")],
    "product-without-tests": [
        ("contract_tests.cli", "tests.emulator.helpers"),
        ("contract_tests.emulator.models", "tests"),
        ("scripts.generate", "tests.test_generate"),
    ],
    "sdk-lib-uses-generated-seams": [
        ("dcs_tasks.lib.waiter", "dcs_tasks.models.step_detail"),  # a model's own module, not the package
        ("dcs_tasks.lib.retry", "dcs_tasks.api"),
        ("dcs_tasks.lib.cli.view", "dcs_tasks.client"),
    ],
    "sdk-generated-uses-lib-seams": [
        ("dcs_tasks.models.step_detail", "dcs_tasks.lib.retry"),
        ("dcs_tasks.api", "dcs_tasks.lib.client"),
        ("dcs_tasks.client", "dcs_tasks.lib.base"),
    ],
}


def contract_options() -> dict[str, dict[str, Any]]:
    return {options["id"]: options for options in CONFIG["contracts_options"]}


@pytest.fixture(scope="module")
def graph() -> grimp.ImportGraph:
    session = CONFIG["session_options"]
    return grimp.build_graph(
        *session["root_packages"],
        include_external_packages=True,
        exclude_type_checking_imports=session["exclude_type_checking_imports"] == "True",  # read as text
        cache_dir=None,
    )


def kept(contract_id: str, graph: grimp.ImportGraph) -> bool:
    options = contract_options()[contract_id]
    contract = CONTRACT_TYPES[options["type"]](
        name=options["name"], session_options=CONFIG["session_options"], contract_options=options
    )
    return bool(contract.check(copy.deepcopy(graph), verbose=False).kept)


def test_every_contract_has_breaking_imports() -> None:
    assert set(contract_options()) == set(BREAKING_IMPORTS)


@pytest.mark.parametrize("contract_id", sorted(BREAKING_IMPORTS))
def test_the_contract_holds_and_catches_what_it_forbids(contract_id: str, graph: grimp.ImportGraph) -> None:
    assert kept(contract_id, graph)
    for importer, imported in BREAKING_IMPORTS[contract_id]:
        broken = copy.deepcopy(graph)
        assert not broken.direct_import_exists(importer=importer, imported=imported)
        broken.add_import(importer=importer, imported=imported, line_number=1, line_contents=f"import {imported}")
        assert not kept(contract_id, broken), f"{contract_id} let {importer} import {imported}"
