"""ID probes: each path ID of each operation replaced by one of the right length that is not hexadecimal, signed
(`malformed_id_rejected`: exactly 400 with the error body, the documented answer to a malformed ID), and 37, 64 and
256 characters long (`overlong_id_rejected`: 400, 403 or 404 with the error body, never 2xx, 401 or 5xx)."""

from __future__ import annotations

from ...checks.probe_rules import MALFORMED, OVERLONG
from ...spec.api import ApiSpec
from ...target.model import Target
from .probe import Probe, ProbeSet, id_operations

OVERLONG_LENGTHS = (37, 64, 256)


def _malformed(value: str) -> str:
    """`value` at its own length, but not an ID: its first character is no hexadecimal digit."""
    return "z" + value[1:]


def _overlong(length: int) -> str:
    return ("0123456789abcdef" * 17)[:length]


def id_probes(target: Target, spec: ApiSpec) -> list[Probe]:
    """Each path ID of each operation malformed (400) and over-long (never 2xx or 5xx)."""
    made: list[Probe] = []
    for operation in id_operations(spec):
        probes = ProbeSet(operation)
        for anchor in target.anchors(operation)[:1]:
            for name in operation.id_parameters:
                value = getattr(anchor, name)
                probes.add(
                    "malformed_id_rejected",
                    f"{name} malformed",
                    anchor._replace(**{name: _malformed(value)}),
                    "signed",
                    MALFORMED,
                )
                for length in OVERLONG_LENGTHS:
                    probes.add(
                        "overlong_id_rejected",
                        f"{name} {length} characters",
                        anchor._replace(**{name: _overlong(length)}),
                        "signed",
                        OVERLONG,
                    )
        made += probes.made.values()
    return made
