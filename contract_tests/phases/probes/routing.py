"""Path-variant probes (RFC 3986 §5.2.4 dot segments, §6.2.2 normalisation; RFC 9110 §4.2): on every read operation
taking the IDs, for one readable task, the path sent exactly as written (`Probe.raw`: no dot segment removed,
nothing decoded on the way):

- forms that name the same resource once normalised: a trailing slash; a doubled slash, a `.` and a `%2e` segment
  and the last ID's first character percent-encoded (`%38` for `8`), in one path;
- forms that climb out of my project and into another tenant's task (the run's foreign task): `..` segments raw,
  percent-encoded (`%2E%2e`), and inside an ID behind an encoded slash (`{my instance}%2F..%2F..%2F{their
  project}…`), so a server that checks the tenancy on the path as sent and reads the data on another is caught.

Unsigned (the same-resource forms) → never 2xx (`unsigned_path_variant_refused`). Signed → never another tenant's
data, never 5xx (`signed_path_variant_contained`); a server may serve a same-resource form (RFC 3986 §6.2.2.2:
equivalent) or refuse it, 401 included, so the signed ones count in the lockout budget. Never sent to a
state-changing operation: a server that normalises would change the task behind the run's back."""

from __future__ import annotations

from ...checks.routing import (
    SIGNED_PATH_VARIANT,
    UNSIGNED_PATH_VARIANT,
    signed_variant_contained,
    unsigned_variant_refused,
)
from ...spec.api import ApiSpec, OperationSpec
from ...spec.ids import ID_PARAMETERS, KnownTask
from ...target.model import Target
from .probe import Probe, id_operations

ENCODED_DOT = "%2e"
ENCODED_DOTS = "%2E%2e"  # both cases of the hexadecimal digit
ENCODED_SLASH = "%2F"


def same_resource_forms(operation: OperationSpec, mine: KnownTask) -> dict[str, str]:
    """My path in forms a normalising server reads as itself, by what they are."""
    path = operation.path_for(mine.as_path_parameters())
    segments = path.strip("/").split("/")
    last = segments.index(getattr(mine, operation.id_parameters[-1]))
    segments[last] = f"%{ord(segments[last][0]):02X}{segments[last][1:]}"  # RFC 3986 §6.2.2.2: the same ID
    mixed = [*segments[:2], "", ".", *segments[2:-1], ENCODED_DOT, segments[-1]]
    return {
        "a trailing slash": path + "/",
        "a doubled slash, . and %2e segments, and an ID's first character as %XX": "/" + "/".join(mixed),
    }


def _escape_depth(operation: OperationSpec) -> int:
    """How many segments after the first one the escapes keep of my path: up to my second ID (the instance), so
    the path as sent names my project and instance."""
    segments = operation.path.strip("/").split("/")
    ids = [index for index, segment in enumerate(segments) if segment.strip("{}") in ID_PARAMETERS]
    return ids[min(1, len(ids) - 1)]


def escaping_forms(operation: OperationSpec, mine: KnownTask, theirs: KnownTask) -> dict[str, str]:
    """My path climbing, once normalised, into the same operation's path for their task."""
    own = operation.path_for(mine.as_path_parameters()).strip("/").split("/")
    foreign = operation.path_for(theirs.as_path_parameters()).strip("/").split("/")
    depth = _escape_depth(operation)
    kept, there = own[1 : depth + 1], foreign[1:]

    def climb(dots: str) -> str:
        return "/".join([own[0], *kept, *[dots] * len(kept), *there])

    inside = kept[-1] + ENCODED_SLASH.join(["", *[".."] * len(kept), *there[:depth]])
    return {
        "`..` segments into another tenant's task": "/" + climb(".."),
        f"`{ENCODED_DOTS}` segments into another tenant's task": "/" + climb(ENCODED_DOTS),
        f"`..` behind `{ENCODED_SLASH}` in an ID, into another tenant's task": "/"
        + "/".join([own[0], *kept[:-1], inside, *there[depth:]]),
    }


def _probe(operation: OperationSpec, label: str, sent: str, auth: str, foreign: set[str], *, escapes: bool) -> Probe:
    """One path variant, unsigned or signed (then it may fail authentication: a server that canonicalises such a
    path otherwise than the signer refuses it)."""
    unsigned = auth == "unsigned"
    check = UNSIGNED_PATH_VARIANT if unsigned else SIGNED_PATH_VARIANT
    judge = unsigned_variant_refused(foreign) if unsigned else signed_variant_contained(foreign, escapes=escapes)
    where = f"{operation.operation_id}, {label} ({auth})"
    return Probe(
        check, where, operation.method, sent, auth, judge, not unsigned, operation=operation.operation_id, raw=True
    )


def routing_probes(target: Target, spec: ApiSpec) -> list[Probe]:
    """Each read operation's path variants, unsigned and signed, on its first readable task."""
    theirs = target.foreign_tasks[:1]
    foreign = {value for task in theirs for value in (task.project_id, task.instance_id, task.task_id) if value}
    made: list[Probe] = []
    for operation in id_operations(spec):
        anchors = () if operation.changes_state else target.anchors(operation)[:1]
        for mine in anchors:
            for label, sent in same_resource_forms(operation, mine).items():
                made.append(_probe(operation, label, sent, "unsigned", foreign, escapes=False))
                made.append(_probe(operation, label, sent, "signed", foreign, escapes=False))
            for task in theirs:
                for label, sent in escaping_forms(operation, mine, task).items():
                    made.append(_probe(operation, label, sent, "signed", foreign, escapes=True))
    return made
