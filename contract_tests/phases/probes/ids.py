"""ID probes: each path ID of each operation replaced by one of the right length that is not hexadecimal, signed
(`malformed_id_rejected`: exactly 400 with the error body, the documented answer to a malformed ID), and 37, 64 and
256 characters long (`overlong_id_rejected`: 400, 403 or 404 with the error body, never 2xx, 401 or 5xx). Each ID
also once (on the first operation taking it, read operations first) with characters the canonical URI must
percent-encode: a server that canonicalises the path otherwise than the signer answers 401 to it, so it counts in
the lockout budget (`malformed_id_rejected` still: exactly 400)."""

from __future__ import annotations

from urllib.parse import quote

from ...checks.probe_rules import MALFORMED, MALFORMED_SIGNED, OVERLONG
from ...spec.api import ApiSpec
from ...target.model import Target
from .probe import Probe, ProbeSet, id_operations

OVERLONG_LENGTHS = (37, 64, 256)


def _malformed(value: str) -> str:
    """`value` at its own length, but not an ID: its first character is no hexadecimal digit."""
    return "z" + value[1:]


# Sent as they are (RFC 3986 allows them in a segment; the canonical URI encodes them) and percent-encoded (a
# space, a `%` before two hexadecimal digits, a non-ASCII letter), in place of the ID's last characters.
RAW_CHARACTERS = ":@+*"
ENCODED_CHARACTERS = " %41é"


def percent_encodable(value: str) -> str:
    """`value` as sent, its last characters replaced by ones the canonical URI must percent-encode (the decoded
    length unchanged)."""
    kept = value[: max(0, len(value) - len(RAW_CHARACTERS) - len(ENCODED_CHARACTERS))]
    return kept + RAW_CHARACTERS + quote(ENCODED_CHARACTERS, safe="")


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
    return made + _encodable_probes(target, spec)


def _encodable_probes(target: Target, spec: ApiSpec) -> list[Probe]:
    """Each ID once, with characters the canonical URI must percent-encode, signed: exactly 400, never 401."""
    made: list[Probe] = []
    done: set[str] = set()
    for operation in sorted(id_operations(spec), key=lambda op: op.changes_state):
        probes = ProbeSet(operation)
        for anchor in target.anchors(operation)[:1]:
            for name in (name for name in operation.id_parameters if name not in done):
                done.add(name)
                task = anchor._replace(**{name: percent_encodable(getattr(anchor, name))})
                label = f"{name} with {RAW_CHARACTERS}, a space, %41 and é in it"
                probes.add("malformed_id_rejected", label, task, "signed", MALFORMED_SIGNED, failing_ak=True)
        made += probes.made.values()
    return made
