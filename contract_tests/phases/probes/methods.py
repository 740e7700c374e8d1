"""Undeclared-method probes (`undeclared_method_rejected`): POST/PUT/PATCH/DELETE where a path does not declare
them (read-only paths only, unless state-changing requests are allowed), signed, on an existing task → 405 with
`Allow`, or the gateway's 404 `APIG.0101`, as `Target.method_rejection` says; error body and `X-Request-Id`."""

from __future__ import annotations

from ...checks.probe_rules import method_judge
from ...spec.api import STATE_CHANGING_METHODS, ApiSpec, changes_state
from ...spec.ids import KnownTask
from ...target.model import Target
from .probe import BODY_METHODS, Probe

PROBED_METHODS = tuple(sorted(STATE_CHANGING_METHODS))  # tried where a path does not declare them


def method_probes(target: Target, spec: ApiSpec, anchor: KnownTask) -> list[Probe]:
    """Undeclared methods on read-only paths (the only state-changing methods a read-only run sends)."""
    probes = []
    for template, declared in spec.declared_methods.items():
        if target.read_only and any(map(changes_state, declared)):
            continue
        path = template.format(**anchor.as_path_parameters())
        judge = method_judge(target.method_rejection, declared)
        for method in (m for m in PROBED_METHODS if m not in declared):
            body = b"{}" if method in BODY_METHODS else None
            label = f"{method} not declared"
            probes.append(Probe("undeclared_method_rejected", label, method, path, "signed", judge, body=body))
    return probes
