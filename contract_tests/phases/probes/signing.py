"""Signing probes: the vendor's SDK-HMAC-SHA256 scheme, rule by rule, with the configured AK (each may fail
authentication, so each counts in the lockout budget).

- `tampered_signature_rejected`: on every operation, one anchor task with the signature altered, shortened,
  lengthened or upper-cased, a wrong secret key, and `X-Sdk-Date` 30 minutes in the past or the future → 401.
- `signature_binds_request`: a request that differs from what its signature covers in one part → 401. The method,
  on every operation (a DELETE signed as a GET, a GET signed as a DELETE); each path segment once, on the first
  operation whose path has it (a literal segment signed in upper case, an ID sent in upper case — the same ID, the
  spec's pattern takes either case — and signed in lower case); the query, on the first read operation that
  declares one (a parameter added, removed, or changed after signing); each header the signer signs
  (`Content-Type`, `Host`, `User-Agent`, `X-Sdk-Date`, `X-Project-Id` when sent, `X-Security-Token` with
  temporary credentials), on the first read operation.
- `header_names_case_insensitive`: on every read operation, a correctly signed request whose header names are in
  another case (`authorization`, `X-SDK-DATE`, `CONTENT-type`, …) → accepted, never 401 (RFC 9110 §5.1). Sent
  over HTTP only: the in-process transport lower-cases every name, as ASGI does, so there it could not fail; and
  never to a state-changing operation, where it would change the task behind the run's back.

Read operations get a readable task (an absent one without), state-changing ones only a task offered to them.
"""

from __future__ import annotations

from ...checks.probe_rules import UNAUTHORIZED, header_case_accepted
from ...spec.api import ApiSpec, OperationSpec
from ...spec.ids import KnownTask
from ...target.altered import EXTRA_PARAMETER, other_method
from ...target.auth import AkSkSigner
from ...target.auth_modes import (
    METHOD_MODE,
    QUERY_MODES,
    RECASED_MODE,
    TAMPERED_MODES,
    header_mode,
    segment_mode,
    signed_headers,
)
from ...target.model import Target
from .probe import Probe, ProbeSet, id_operations

BINDS = "signature_binds_request"


def probed_operations(target: Target, spec: ApiSpec) -> list[tuple[OperationSpec, KnownTask]]:
    """Every operation taking the IDs with its one anchor: read operations first (a readable task, else an absent
    one), then the state-changing ones offered a task."""
    found = []
    for operation in sorted(id_operations(spec), key=lambda op: op.changes_state):
        anchors = target.anchors(operation) or (() if operation.changes_state else target.missing_tasks)
        if anchors:
            found.append((operation, anchors[0]))
    return found


def _segment_probes(probes: ProbeSet, anchor: KnownTask, seen: set[tuple[int, str]]) -> None:
    """Each path segment of the operation not probed before (by position and template): a literal one signed in
    the other case and sent as it is; an ID sent in upper case and signed in lower case."""
    operation = probes.operation
    for index, segment in enumerate(operation.path.strip("/").split("/"), start=1):
        if (index, segment) in seen:
            continue
        seen.add((index, segment))
        name = segment.strip("{}")
        if segment != name:  # an ID: the anchor's own, in upper case
            value = getattr(anchor, name)
            if value.upper() != value.lower():  # an ID without letters cannot differ in case
                task = anchor._replace(**{name: value.upper()})
                label = f"{name} sent in upper case, signed in lower case"
                probes.add(BINDS, label, task, segment_mode(index), UNAUTHORIZED, failing_ak=True)
        else:
            label = f"path segment {segment!r} signed as {segment.upper()!r}"
            probes.add(BINDS, label, anchor, segment_mode(index), UNAUTHORIZED, failing_ak=True)


def _query_probes(probes: ProbeSet, anchor: KnownTask) -> None:
    """A query parameter (the operation's first declared one, else an undeclared one) added, removed and changed
    after signing."""
    name = next(iter(probes.operation.query_parameters), "note")
    sent = {  # the query sent, and what the report calls it
        "query-parameter-added": (f"{name}=1", f"{name}=1 added after signing"),
        "query-parameter-removed": (f"{name}=1", f"{EXTRA_PARAMETER} removed after signing"),
        "query-value-changed": (f"{name}=01", f"{name} changed after signing (1 signed, 01 sent)"),
    }
    for mode in QUERY_MODES:
        query, label = sent[mode]
        probes.add(BINDS, label, anchor, mode, UNAUTHORIZED, failing_ak=True, query=query)


def _header_probes(target: Target, probes: ProbeSet, anchor: KnownTask) -> None:
    """Each header the signer signs, changed after signing (with temporary credentials, the security token)."""
    assert isinstance(target.auth, AkSkSigner)
    names = signed_headers(target.auth)
    if target.temporary_auth is not None and "x-security-token" not in names:
        names.append("x-security-token")  # sent with the temporary credentials (`auth_modes`)
    for name in names:
        probes.add(BINDS, f"{name} changed after signing", anchor, header_mode(name), UNAUTHORIZED, failing_ak=True)


def signing_probes(target: Target, spec: ApiSpec, *, failing_ak: bool) -> list[Probe]:
    """Every signing probe (none without AK/SK credentials); the failing signatures only when `failing_ak`
    (AUTH_PROBES=1), the correctly signed ones either way."""
    if not isinstance(target.auth, AkSkSigner):
        return []
    made: list[Probe] = []
    segments: set[tuple[int, str]] = set()
    operations = probed_operations(target, spec)
    reads = [operation for operation, _ in operations if not operation.changes_state]
    # The query where one is declared (the first read operation otherwise), the headers on the first read operation.
    query_on = next((operation for operation in reads if operation.query_parameters), reads[0] if reads else None)
    for operation, anchor in operations:
        probes = ProbeSet(operation)
        if failing_ak:
            for mode in TAMPERED_MODES:
                label = mode.replace("-", " ").replace("x sdk date", "X-Sdk-Date")
                probes.add("tampered_signature_rejected", label, anchor, mode, UNAUTHORIZED, failing_ak=True)
            label = f"signed as {other_method(operation.method)}"
            probes.add(BINDS, label, anchor, METHOD_MODE, UNAUTHORIZED, failing_ak=True)
            _segment_probes(probes, anchor, segments)
            if operation is query_on:
                _query_probes(probes, anchor)
            if reads and operation is reads[0]:
                _header_probes(target, probes, anchor)
        # Over HTTP, where names go as written; read operations only: a correctly signed request changes state.
        if target.app is None and not operation.changes_state:
            label = "header names in another case"
            check = "header_names_case_insensitive"
            probes.add(check, label, anchor, RECASED_MODE, header_case_accepted, failing_ak=True)
        made += probes.made.values()
    return made
