"""The signing probes reach every operation, each covered part once per run, and no further: what a run sends, by
rule, for the emulator and for the staging recipe (the lockout budget and the request budget both count them)."""

from __future__ import annotations

import dataclasses
from collections import Counter

from contract_tests.phases.probes.plan import build_probes
from contract_tests.phases.probes.probe import Probe, id_operations
from contract_tests.phases.probes.signing import signing_probes
from contract_tests.spec.api import load_spec
from contract_tests.target.auth_modes import TAMPERED_MODES
from contract_tests.target.emulator import emulator_target
from contract_tests.target.model import Target

from .slice import remote

SPEC = load_spec()
READS = [operation for operation in id_operations(SPEC) if not operation.changes_state]
SEGMENTS = {(index, segment) for op in id_operations(SPEC) for index, segment in enumerate(op.path.split("/")[1:])}
STAGING = {
    "CLOUD_SDK_AK": "AK",
    "CLOUD_SDK_SK": "SK",
    "DCS_PROJECT_ID": "0a1b2c3d4e5f40718293a4b5c6d7e8f9",
    "DCS_TASKS": "5560df16-cebf-4473-95c4-d1b573c16e79/8abf6e1e72c12e7c0172c15b508500aa",
}


def _by_check(probes: list[Probe]) -> Counter[str]:
    return Counter(probe.check for probe in probes)


def _over_http(target: Target) -> Target:
    return dataclasses.replace(target, app=None, base_url="http://127.0.0.1:9")


def test_every_operation_gets_every_tampered_signature_and_the_method() -> None:
    target = emulator_target()
    probes = signing_probes(target, SPEC, failing_ak=True)
    for operation in id_operations(SPEC):
        mine = [probe for probe in probes if probe.operation == operation.operation_id]
        assert {probe.auth for probe in mine if probe.check == "tampered_signature_rejected"} == set(TAMPERED_MODES)
        assert "signed-as-another-method" in {probe.auth for probe in mine}
    assert all(probe.failing_ak for probe in probes)


def test_each_path_segment_query_change_and_signed_header_is_probed_once() -> None:
    target = emulator_target()
    binds = [
        probe for probe in signing_probes(target, SPEC, failing_ak=True) if probe.check == "signature_binds_request"
    ]
    modes = Counter(probe.auth for probe in binds)
    assert modes["signed-as-another-method"] == len(id_operations(SPEC))
    assert sum(count for mode, count in modes.items() if mode.startswith("path-segment-")) == len(SEGMENTS)
    assert all(count == 1 for mode, count in modes.items() if mode != "signed-as-another-method")
    headers = {mode for mode in modes if mode.endswith("-changed") and not mode.startswith("query-")}
    # the emulator's demo credentials send no X-Project-Id; its temporary ones a security token
    assert headers == {
        f"{name}-changed" for name in ("content-type", "host", "user-agent", "x-sdk-date", "x-security-token")
    }
    assert {"query-parameter-added", "query-parameter-removed", "query-value-changed"} <= set(modes)


def test_state_changing_probes_name_only_the_tasks_offered() -> None:
    target = emulator_target()
    offered = {tuple(part.lower() for part in task) for task in target.changeable_tasks}
    changing = [op for op in id_operations(SPEC) if op.changes_state]
    for probe in signing_probes(_over_http(target), SPEC, failing_ak=True):
        operation = next((op for op in changing if op.operation_id == probe.operation), None)
        if operation is not None:
            ids = operation.path_values(probe.path.split("?")[0])
            assert ids is not None
            assert tuple(ids[name].lower() for name in operation.id_parameters) in offered, probe.label


def test_header_names_are_probed_over_http_on_read_operations_only() -> None:
    target = emulator_target()
    assert "header_names_case_insensitive" not in _by_check(signing_probes(target, SPEC, failing_ak=True))
    over_http = signing_probes(_over_http(target), SPEC, failing_ak=False)  # correctly signed: sent either way
    assert {probe.operation for probe in over_http} == {op.operation_id for op in READS}
    assert _by_check(over_http) == {"header_names_case_insensitive": len(READS)}


def test_the_staging_recipe_sends_few_signing_probes() -> None:
    """Read-only, with a project (so `X-Project-Id` is signed): per read operation the seven tampered signatures
    and the method, each path segment once, three query changes, five headers; one header-case probe per read
    operation; each ID once with characters to percent-encode. `AUTH_PROBES=0` keeps only the correctly signed."""
    target = remote(STAGING, "https://dcs.example")
    probes = build_probes(target, SPEC, failing_ak=True)
    counts = _by_check(probes)
    assert counts["tampered_signature_rejected"] == len(TAMPERED_MODES) * len(READS)
    read_segments = {(i, segment) for op in READS for i, segment in enumerate(op.path.split("/")[1:])}
    assert counts["signature_binds_request"] == len(READS) + len(read_segments) + 3 + 5
    assert counts["header_names_case_insensitive"] == len(READS)
    encodable = [probe for probe in probes if "percent" in probe.label or ":@+*" in probe.label]
    assert len(encodable) == len({name for op in READS for name in op.id_parameters})
    quiet = _by_check(build_probes(target, SPEC, failing_ak=False))
    assert quiet["tampered_signature_rejected"] == quiet["signature_binds_request"] == 0
    assert quiet["header_names_case_insensitive"] == len(READS)
