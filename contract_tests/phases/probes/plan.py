"""Every probe of a run, in sending order (`build_probes`): one line per family of probes; a new family is one module
in this folder and one line here."""

from __future__ import annotations

from ...spec.api import ApiSpec
from ...target.model import Target
from .auth import auth_probes
from .bounds import bounds_probes
from .canonical import canonical_probes
from .hierarchy import hierarchy_probes
from .ids import id_probes
from .methods import method_probes
from .probe import Probe
from .routing import routing_probes
from .semantics import semantics_probes
from .signing import signing_probes
from .tenancy import tenancy_probes


def build_probes(target: Target, spec: ApiSpec, *, failing_ak: bool) -> list[Probe]:
    """Every probe for `target`, in sending order; failing-AK probes only when `failing_ak` (AUTH_PROBES)."""
    anchor = (target.readable_tasks or target.missing_tasks)[0]
    return [
        *tenancy_probes(target, spec),
        *hierarchy_probes(target, spec),
        *auth_probes(target, spec, failing_ak=failing_ak),
        *signing_probes(target, spec, failing_ak=failing_ak),
        *method_probes(target, spec, anchor),
        *id_probes(target, spec),
        *canonical_probes(target, spec),
        *routing_probes(target, spec),
        *semantics_probes(target, spec),
        *bounds_probes(target, spec),
    ]
