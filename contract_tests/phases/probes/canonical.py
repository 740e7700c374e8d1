"""Canonical-query probes (`signed_request_accepted`): correctly signed requests for readable tasks whose query needs
canonical encoding (reserved and non-ASCII characters, repeated and unsorted names, unreserved characters and an
empty value) → never 401 (nor 5xx). They count in the lockout budget: a server that canonicalises differently
refuses them."""

from __future__ import annotations

from urllib.parse import quote

from ...checks.probe_rules import accepted
from ...spec.api import ApiSpec
from ...target.model import Target
from .probe import Probe, ProbeSet, id_operations

# Query strings, as sent, that a signer must canonicalise (percent-encode, sort) exactly as the documented
# algorithm does; every parameter but the listing's own is undeclared, so the service ignores it.
CANONICAL_QUERIES = {
    "reserved characters": "note=" + quote("a b&c=d/e?f#g[h]@!$'()*+,;%", safe=""),
    "non-ASCII characters": "note=" + quote("任务 é ü", safe="") + "&" + quote("名", safe="") + "=1",
    "repeated, unsorted names": "zeta=2&alpha=1&alpha=0",
    "unreserved characters and an empty value": "note=-_.~AZaz09&empty=",
}


def canonical_probes(target: Target, spec: ApiSpec) -> list[Probe]:
    """Readable tasks with queries only an exact canonicalisation signs right: never refused with 401."""
    made: list[Probe] = []
    for operation in id_operations(spec):
        if operation.changes_state:
            continue
        probes = ProbeSet(operation)
        for anchor in target.anchors(operation)[:1]:
            for label, query in CANONICAL_QUERIES.items():
                probes.add(
                    "signed_request_accepted",
                    f"a query with {label}",
                    anchor,
                    "signed",
                    accepted,
                    failing_ak=True,
                    query=query,
                )
        made += probes.made.values()
    return made
