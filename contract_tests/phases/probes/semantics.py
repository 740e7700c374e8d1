"""HTTP-semantics probes (RFC 9110), signed but for one HEAD, on every documented path:

- on every read operation, for its first readable task: GET with `Accept: */*` (the documented success) and HEAD
  right after it (`head_answers_like_get`: compared with it), and HEAD unsigned (401, as an unsigned GET);
  `Accept: application/xml` (406 or JSON) and `application/json;q=0.9, */*;q=0.1` (the documented success:
  `accept_negotiated`); an undeclared parameter given twice, and the first declared one given twice
  (`query_parameters_tolerated`: ignored, or the documented 400);
- on every path, with the run's anchor task: OPTIONS (`options_answered`) and TRACE carrying a marker header
  (`trace_not_echoed`). Both are safe methods (RFC 9110 §9.2.1): they go to state-changing paths too."""

from __future__ import annotations

import uuid

from ...checks.negotiation import (
    ACCEPT_NEGOTIATED,
    HEAD_LIKE_GET,
    OPTIONS_ANSWERED,
    QUERY_TOLERATED,
    TRACE_NOT_ECHOED,
    HeadComparison,
    documented_success,
    ignored_or_refused,
    options_judge,
    trace_judge,
    unproducible_accept,
    unsigned_head,
)
from ...checks.probe_rules import Judge
from ...record.recording import TRACE_MARKER
from ...spec.api import ApiSpec, OperationSpec
from ...spec.ids import KnownTask
from ...target.model import Target
from .probe import Probe, id_operations

UNPRODUCIBLE = "application/xml"
WEIGHTED = "application/json;q=0.9, */*;q=0.1"
UNDECLARED = "note"


def repeated(operation: OperationSpec) -> str | None:
    """The operation's first declared query parameter given twice, both values of its schema (its example, and
    the next integer for an integer)."""
    parameter = next((p for p in operation.parameters if p.location == "query"), None)
    if parameter is None:
        return None
    example = parameter.examples[0] if parameter.examples else parameter.schema.get("default", 1)
    second = int(str(example)) + 1 if parameter.schema.get("type") == "integer" else example
    return f"{parameter.name}={example}&{parameter.name}={second}"


def _read_probes(operation: OperationSpec, anchor: KnownTask, heads: HeadComparison, rejection: str) -> list[Probe]:
    path = operation.path_for(anchor.as_path_parameters())
    success = documented_success(operation.success_statuses)
    tolerated = ignored_or_refused(operation.success_statuses)

    def probe(
        check: str,
        label: str,
        judge: Judge,
        *,
        method: str = "GET",
        query: str = "",
        accept: str = "",
        auth: str = "signed",
    ) -> Probe:
        sent = path + (f"?{query}" if query else "")
        headers = (("Accept", accept),) if accept else ()
        where = f"{operation.operation_id}, {label}"
        return Probe(check, where, method, sent, auth, judge, operation=operation.operation_id, headers=headers)

    made = [
        probe(ACCEPT_NEGOTIATED, "Accept: */*", heads.get(path, success), accept="*/*"),
        probe(HEAD_LIKE_GET, "HEAD", heads.head(path, rejection), method="HEAD"),
        probe(HEAD_LIKE_GET, "HEAD unsigned", unsigned_head(rejection), method="HEAD", auth="unsigned"),
        probe(ACCEPT_NEGOTIATED, f"Accept: {UNPRODUCIBLE}", unproducible_accept, accept=UNPRODUCIBLE),
        probe(ACCEPT_NEGOTIATED, f"Accept: {WEIGHTED}", success, accept=WEIGHTED),
        probe(
            QUERY_TOLERATED, f"{UNDECLARED} undeclared, given twice", tolerated, query=f"{UNDECLARED}=1&{UNDECLARED}=2"
        ),
    ]
    twice = repeated(operation)
    if twice is not None:
        made.append(probe(QUERY_TOLERATED, f"{twice} (a declared parameter given twice)", tolerated, query=twice))
    return made


def _path_probes(spec: ApiSpec, anchor: KnownTask) -> list[Probe]:
    """OPTIONS and TRACE on every path of the spec taking the IDs."""
    made: list[Probe] = []
    marker = uuid.uuid4().hex
    for template, declared in spec.declared_methods.items():
        operations = [op for op in id_operations(spec) if op.path == template]
        if not operations:
            continue
        path = operations[0].path_for(anchor.as_path_parameters())
        documented = frozenset().union(*(op.status_codes for op in operations))
        made.append(
            Probe(
                OPTIONS_ANSWERED, f"{template}, OPTIONS", "OPTIONS", path, "signed", options_judge(documented, declared)
            )
        )
        headers = ((TRACE_MARKER, marker),)
        made.append(
            Probe(TRACE_NOT_ECHOED, f"{template}, TRACE", "TRACE", path, "signed", trace_judge(marker), headers=headers)
        )
    return made


def semantics_probes(target: Target, spec: ApiSpec) -> list[Probe]:
    heads = HeadComparison()
    made: list[Probe] = []
    for operation in id_operations(spec):
        if operation.method == "GET":
            for anchor in target.anchors(operation)[:1]:
                made += _read_probes(operation, anchor, heads, target.method_rejection)
    return made + _path_probes(spec, (target.readable_tasks or target.missing_tasks)[0])
