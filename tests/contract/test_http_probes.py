"""The path-variant, HTTP-semantics and format probes (issue 22, items 2-4) are derived from the spec: every read
operation gets its variants, every path its OPTIONS and TRACE, every integer and date-time query parameter its
edges — a parameter added to the spec is probed without a line of code — and the staging recipe's cost stays in
its budget."""

from __future__ import annotations

import copy
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml

from contract_tests import replay
from contract_tests.checks.bounds import refused
from contract_tests.phases.probes.bounds import bounds_probes
from contract_tests.phases.probes.probe import Probe, id_operations
from contract_tests.phases.probes.routing import routing_probes, same_resource_forms
from contract_tests.phases.probes.semantics import semantics_probes
from contract_tests.spec.api import ApiSpec, load_spec
from contract_tests.spec.document import SPEC_PATH
from contract_tests.target.emulator import emulator_target

SPEC = load_spec()
READS = [operation for operation in id_operations(SPEC) if not operation.changes_state]
# issue 22's share for items 2-4 of the staging recipe's 10 % (probes, and the guards between them): 60 requests
# when the spec had two read operations taking the IDs. The probes go to every such read, and a read the spec gains
# adds its share of the recipe's requests too: the budget is per read, never a figure of one spec.
BUDGET_PER_READ = 30


def _item_probes(spec: ApiSpec) -> list[Probe]:
    target = emulator_target()
    return [*routing_probes(target, spec), *semantics_probes(target, spec), *bounds_probes(target, spec)]


def test_every_read_operation_gets_each_variant_and_every_path_options_and_trace() -> None:
    probes = _item_probes(SPEC)
    for operation in READS:
        mine = Counter(probe.check for probe in probes if probe.operation == operation.operation_id)
        assert mine["unsigned_path_variant_refused"] == 2
        assert mine["signed_path_variant_contained"] == 2 + 3  # the same-resource forms, and three escapes
        assert mine["head_answers_like_get"] == 2  # signed, and unsigned
        assert mine["accept_negotiated"] == 3
    paths = {operation.path for operation in id_operations(SPEC)}
    methods = Counter(probe.method for probe in probes if probe.check in ("options_answered", "trace_not_echoed"))
    assert methods == {"OPTIONS": len(paths), "TRACE": len(paths)}
    assert not any(probe.method == "DELETE" for probe in probes)  # read operations only: nothing changes state
    assert all(probe.raw for probe in probes if "path_variant" in probe.check)


def test_the_probes_fit_the_staging_budget() -> None:
    """With the guards a signed variant may need (one after every two: each may fail authentication)."""
    probes = _item_probes(SPEC)
    failing = sum(probe.failing_ak for probe in probes)
    assert len(probes) + failing // 2 <= BUDGET_PER_READ * len(READS), Counter(probe.check for probe in probes)


def _with_new_parameters() -> ApiSpec:
    document: dict[str, Any] = copy.deepcopy(yaml.safe_load(Path(SPEC_PATH).read_text(encoding="utf-8")))
    listing = next(iter(document["paths"].values()))["get"]
    listing["parameters"] += [
        {"name": "page_size", "in": "query", "schema": {"type": "integer", "format": "int64", "maximum": 500}},
        {"name": "since", "in": "query", "schema": {"type": "string", "format": "date-time"}, "example": "x"},
    ]
    return ApiSpec(document)


def test_a_new_parameter_is_probed_at_the_edges_of_its_schema() -> None:
    probes = [probe for probe in bounds_probes(emulator_target(), _with_new_parameters()) if "page_size" in probe.path]
    probes += [probe for probe in bounds_probes(emulator_target(), _with_new_parameters()) if "since" in probe.path]
    sent = {probe.path.split("?", 1)[1]: probe for probe in probes}
    for value in (501, -(2**63) - 1, 2**63):
        assert sent[f"page_size={value}"].judge is refused  # past its maximum, its format, and int64
    assert "since=2023-02-29T12%3A00%3A00Z" in sent  # February 29 of a common year, written as RFC 3339
    assert "since=2020-06-09T24%3A00%3A00Z" in sent
    together = [path for path in sent if "page_size=500" in path]
    assert together, sorted(sent)  # every integer at its highest, together


def test_a_path_variant_is_replayed_as_written(capsys: pytest.CaptureFixture[str]) -> None:
    """The replay command sends the path exactly as the probe did (dot segments, `%2e`, `%61` kept) and its headers."""
    target = emulator_target()
    task = target.readable_tasks[0]
    operation = next(op for op in READS if op.takes_task)
    variant = same_resource_forms(operation, task)["a trailing slash"].replace("/tasks/", "/./tasks/")
    assert replay.main(["--header", "Accept: application/xml", "GET", variant]) == 0
    printed = capsys.readouterr().out
    assert printed.startswith(f"GET {variant} → 404"), printed  # the emulator routes the path as sent: no such path
