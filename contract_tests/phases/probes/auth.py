"""Authentication probes: unsigned (and, with a token, altered-token) requests for unknown, foreign and readable
resources on every operation (`auth_before_lookup`: 401 before any lookup); with the configured AK, an altered
signature for unknown and foreign resources, and a dropped or altered security token (`security_token_enforced`):
401. The other ways to get a signature wrong are the signing probes (`signing.py`)."""

from __future__ import annotations

from ...checks.probe_rules import UNAUTHORIZED
from ...spec.api import ApiSpec, OperationSpec
from ...target.auth import AkSkSigner, IamTokenAuth
from ...target.model import Target
from .probe import Probe, ProbeSet, id_operations


def first_task_operation(spec: ApiSpec) -> OperationSpec | None:
    """The read operation the failing-signature probes use: the first one taking all three IDs."""
    return next((op for op in id_operations(spec) if op.takes_task and not op.changes_state), None)


def auth_probes(target: Target, spec: ApiSpec, *, failing_ak: bool) -> list[Probe]:
    """Unsigned everywhere; failing signatures with a configured AK only when `failing_ak`."""
    unknown = (*target.missing_tasks, *target.foreign_tasks)
    made: list[Probe] = []
    for operation in id_operations(spec):
        probes = ProbeSet(operation)
        tasks = target.anchors(operation) if operation.changes_state else (*unknown, *target.readable_tasks)
        for task in tasks:
            probes.add("auth_before_lookup", "unsigned", task, "unsigned", UNAUTHORIZED)
            if isinstance(target.auth, IamTokenAuth):
                probes.add("auth_before_lookup", "token altered", task, "token-altered", UNAUTHORIZED)
        made += probes.made.values()
    signing = first_task_operation(spec)
    if signing is None or not failing_ak:
        return made
    probes = ProbeSet(signing)
    if isinstance(target.auth, AkSkSigner):
        for task in unknown:
            probes.add(
                "auth_before_lookup", "signature altered", task, "signature-altered", UNAUTHORIZED, failing_ak=True
            )
    if target.temporary_auth is not None:
        for task in (*target.readable_tasks[:2], *target.missing_tasks[:1]):
            for mode in ("security-token-dropped", "security-token-altered"):
                check = "security_token_enforced"
                probes.add(check, mode.replace("-", " "), task, mode, UNAUTHORIZED, failing_ak=True)
    return made + list(probes.made.values())
