"""A probe (`Probe`): one request the suite sends itself, outside Schemathesis' phases, and the check that judges
its answer; `ProbeSet` makes one operation's probes, one per request on the wire; `id_operations`, the operations
whose path takes the task IDs (the ones most probes go to)."""

from __future__ import annotations

import dataclasses

from ...checks.probe_rules import Judge
from ...spec.api import ApiSpec, OperationSpec
from ...spec.ids import ID_PARAMETERS, KnownTask

BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})  # sent with a JSON body ({}), as a client would


@dataclasses.dataclass(frozen=True)
class Probe:
    check: str
    label: str  # what was sent, for the report
    method: str
    path: str  # with its query, if any
    auth: str  # a key of `auth_modes`
    judge: Judge
    failing_ak: bool = False  # signed with a configured AK, and may fail authentication
    body: bytes | None = None
    operation: str = ""  # the operation ID the request is one of (its statuses count toward that operation's)
    headers: tuple[tuple[str, str], ...] = ()  # sent besides the usual ones (e.g. `Accept`)
    raw: bool = False  # the path goes on the wire exactly as written (no dot segments removed, nothing decoded)


def progress_path(task: KnownTask) -> str:
    return f"/v2/{task.project_id}/instances/{task.instance_id}/tasks/{task.task_id}/progress"


def id_operations(spec: ApiSpec) -> list[OperationSpec]:
    """The operations whose path takes the project ID (and perhaps the instance and task IDs), and no other."""
    return [
        op
        for op in spec.operations
        if "project_id" in op.path_parameters and set(op.path_parameters) <= set(ID_PARAMETERS)
    ]


class ProbeSet:
    """Probes for one operation, deduplicated by what goes on the wire."""

    def __init__(self, operation: OperationSpec) -> None:
        self.operation = operation
        self.made: dict[tuple[str, str, str], Probe] = {}

    def add(
        self,
        check: str,
        label: str,
        task: KnownTask,
        auth: str,
        judge: Judge,
        *,
        failing_ak: bool = False,
        query: str = "",
    ) -> None:
        op = self.operation
        path = op.path_for(task.as_path_parameters()) + (f"?{query}" if query else "")
        body = b"{}" if op.method in BODY_METHODS else None
        probe = Probe(
            check, f"{op.operation_id}, {label}", op.method, path, auth, judge, failing_ak, body, op.operation_id
        )
        self.made.setdefault((check, path, auth), probe)
