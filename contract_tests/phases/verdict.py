"""The first verdict on a target (`first_verdict`), from a handful of read requests before the generated cases:

- Is it reachable? (If not: `UnreachableError`, and the run stops with exit code 2.)
- Does it answer with the documented JSON error body and `X-Request-Id`?
- Does it refuse an unsigned request (401)?
- Does it answer a correctly signed request for a readable task with a documented success body (when one is
  configured)?

Sent: every read operation of the spec for a task that does not exist (signed), the first of them unsigned,
and, with a readable task, each read operation for it signed and the first unsigned. Each goes through the
run's session and pacing, so a throttling gateway's 429s are waited out, not taken for the answer.

When the answers show the target is not the service — not one JSON answer, a server error to everything, one
identical answer to everything, a 2xx to an unsigned request, 404 to everything (the unsigned request too),
or error answers that are JSON but never the documented error body while no answer is a documented success
body — `Verdict.paragraph` says so with the evidence, and the run stops with exit code 2 unless RUN_ANYWAY=1.
Ours: Schemathesis starts fuzzing whatever answers, and a wrong BASE_URL then reads as a long list of contract
failures led by whichever check ran first.
"""

from __future__ import annotations

import textwrap
import time
from collections import Counter
from dataclasses import dataclass

import requests
from requests.auth import AuthBase

from ..record.answers import is_error_body
from ..record.exchanges import Exchange, capture
from ..record.recording import describe_connection_error
from ..record.transport import THROTTLED
from ..spec.api import ApiSpec, OperationSpec, is_json_media_type, load_spec
from ..spec.ids import KnownTask
from ..target.model import Target

RUN_ANYWAY = "RUN_ANYWAY"  # the setting that runs the suite against a target the verdict rejects
MIN_FOR_IDENTICAL = 3  # answers needed before "one identical answer to everything" means anything


class UnreachableError(Exception):
    """The target does not answer at all: the message says why in words (connection refused, DNS …)."""


@dataclass(frozen=True)
class Look:
    """One request of the first verdict and what came back."""

    label: str  # what was asked, e.g. "signed, IDs that do not exist"
    signed: bool
    readable: bool  # asked about a task the credentials may read
    operation: str  # the operation's ID
    exchange: Exchange
    error_body: bool  # the documented error object (error_code and error_msg strings)
    success_body: bool  # a documented success body of the operation (a documented 2xx, valid against its schema)

    @property
    def status(self) -> int:
        return self.exchange.status or 0

    @property
    def answer(self) -> str:
        ex = self.exchange
        kind = ex.content_type.split(";")[0].strip() or "no Content-Type"
        return f"{ex.status} {kind} ({ex.body_size} bytes)"

    @property
    def evidence(self) -> str:
        return f"{self.exchange.method} {self.operation} ({self.label}) → {self.answer}"


@dataclass(frozen=True)
class Verdict:
    base_url: str
    looks: tuple[Look, ...]
    answers: tuple[str, ...]  # the four questions, answered one line each
    problems: tuple[str, ...]  # why the target does not look like the service; empty when it does
    seconds: float

    @property
    def looks_like_the_service(self) -> bool:
        return not self.problems

    def paragraph(self, *, run_anyway: bool = False) -> str:
        """One paragraph: what is wrong, the evidence, and what to do (empty when nothing is)."""
        if not self.problems:
            return ""
        ending = (
            f"{RUN_ANYWAY}=1 is set: the suite runs anyway, and its failures will mostly say the same."
            if run_anyway
            else f"Is BASE_URL right? Nothing else was sent (exit code 2); set {RUN_ANYWAY}=1 to run the suite anyway."
        )
        return (
            f"NOT THE SERVICE? {self.base_url} does not look like the DCS task API: {'; '.join(self.problems)}. "
            f"Evidence: {self.evidence()}. {ending}"
        )

    def evidence(self) -> str:
        """The requests in one sentence, answers grouped (each request is in the HTML report and the HAR file)."""
        operations = sorted({look.operation for look in self.looks})
        asked = "signed and unsigned" if len({look.signed for look in self.looks}) > 1 else "signed"
        answers: Counter[str] = Counter(look.answer for look in self.looks)
        if len(answers) == 1:
            got = f"{next(iter(answers))} to all {len(self.looks)}"
        else:
            got = ", ".join(f"{answer} to {count}" for answer, count in answers.items())
        return f"{len(self.looks)} requests ({asked}, to {' and '.join(operations)}) got {got}"

    def as_dict(self) -> dict[str, object]:
        return {
            "looks_like_the_service": self.looks_like_the_service,
            "answers": list(self.answers),
            "problems": list(self.problems),
            "paragraph": self.paragraph(),
            "requests": [look.evidence for look in self.looks],
        }


def wrapped(text: str, width: int = 100) -> str:
    return textwrap.fill(text, width=width, break_long_words=False, break_on_hyphens=False)


def verdict_reads(spec: ApiSpec) -> list[OperationSpec]:
    """The spec's GET operations whose path parameters a task's IDs fill: what the verdict may send anywhere."""
    return [op for op in spec.operations if op.method == "GET" and set(op.path_parameters) <= set(KnownTask._fields)]


def first_verdict(target: Target, session: requests.Session, timeout: float, spec: ApiSpec | None = None) -> Verdict:
    """Send the verdict's requests through `session` (open the run's pacing around it) and judge the answers."""
    spec = spec or load_spec()
    reads = verdict_reads(spec)
    absent = target.missing_tasks[0]
    plan: list[tuple[str, OperationSpec, KnownTask, bool]] = [
        ("signed, IDs that do not exist", op, absent, True) for op in reads
    ]
    plan.insert(1, ("unsigned, IDs that do not exist", reads[0], absent, False))
    for task in target.readable_tasks[:1]:
        plan += [("signed, a readable task", op, task, True) for op in reads]
        plan.append(("unsigned, the readable task", reads[-1], task, False))
    started = time.monotonic()
    asker = _Asker(target, session, timeout, spec)
    looks = [asker.look(label, op, task, signed=signed) for label, op, task, signed in plan]
    answered = tuple(look for look in looks if look.status != THROTTLED)
    return Verdict(
        target.base_url,
        tuple(looks),
        _answers(answered, bool(target.readable_tasks), time.monotonic() - started),
        tuple(_problems(answered)),
        time.monotonic() - started,
    )


@dataclass(frozen=True)
class _Asker:
    target: Target
    session: requests.Session
    timeout: float
    spec: ApiSpec

    def look(self, label: str, op: OperationSpec, task: KnownTask, *, signed: bool) -> Look:
        target = self.target
        auth: AuthBase | None = target.auth if signed else None
        try:
            response = self.session.get(
                target.base_url + op.path_for(task.as_path_parameters()), auth=auth, timeout=self.timeout
            )
        except requests.Timeout:
            raise UnreachableError(f"{target.base_url}: no answer within REQUEST_TIMEOUT={self.timeout:g} s") from None
        except requests.ConnectionError as error:
            raise UnreachableError(f"{target.base_url}: {describe_connection_error(error)}") from None
        with response:
            exchange = capture(response.request, response, target.secrets)
            content_type = response.headers.get("Content-Type")
            success = self.spec.documented_success(op, response.status_code, content_type, response.content)
            readable = task in target.readable_tasks
            return Look(label, signed, readable, op.operation_id, exchange, is_error_body(response), success)


def _answers(looks: tuple[Look, ...], readable: bool, seconds: float) -> tuple[str, ...]:
    errors = [look for look in looks if look.status >= 400]
    documented = [look for look in errors if look.error_body and look.exchange.header("X-Request-Id")]
    lacking = [_short(look) for look in errors if look not in documented]
    unsigned = [look for look in looks if not look.signed]
    mine = [look for look in looks if look.signed and look.readable]
    lines = [
        f"reachable: yes ({len(looks)} answers in {seconds:.1f} s)",
        f"documented error body and X-Request-Id: {len(documented)} of {len(errors)} error answers"
        + (f" (not on {', '.join(lacking[:3])}{' …' if len(lacking) > 3 else ''})" if lacking else ""),
        "unsigned requests refused with 401: "
        + ", ".join(f"{look.status}" for look in unsigned)
        + ("" if all(look.status == 401 for look in unsigned) else " (expected 401)"),
    ]
    if not readable:
        lines.append("a correctly signed request for a readable task: not checked (no DCS_TASK_ID or DCS_TASKS)")
    else:
        good = all(look.success_body for look in mine)
        statuses = ", ".join(f"{look.operation} {look.status}" for look in mine)
        lines.append(
            f"a correctly signed request for a readable task: {statuses}"
            + (" with a documented success body" if good else " (expected 200 with a documented success body)")
        )
    return tuple(lines)


def _short(look: Look) -> str:
    return f"{look.operation} {look.status}"


def _excerpt(text: str, limit: int = 60) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[:limit] + "…"


def _problems(looks: tuple[Look, ...]) -> list[str]:
    """Why these answers cannot come from the service (each the shape of a wrong BASE_URL seen in practice)."""
    if not looks:
        return []
    problems = []
    types = sorted({look.exchange.content_type.split(";")[0].strip() or "no Content-Type" for look in looks})
    if not any(is_json_media_type(look.exchange.content_type) for look in looks):
        problems.append(
            f"not one answer was JSON (every answer was {' or '.join(types)}; the API answers application/json)"
        )
    if all(look.status >= 500 for look in looks):
        statuses = sorted({look.status for look in looks})
        problems.append(f"every request got a server error ({', '.join(map(str, statuses))})")
    shapes = {(look.status, look.exchange.content_type, look.exchange.response_body) for look in looks}
    if len(looks) >= MIN_FOR_IDENTICAL and len(shapes) == 1:
        look = looks[0]
        problems.append(
            f"every request, signed or not, whatever it asked for, got the same answer ({look.status}, "
            f"{look.exchange.body_size} bytes: {_excerpt(look.exchange.response_body)})"
        )
    for look in looks:
        if not look.signed and 200 <= look.status < 300:
            problems.append(
                f"an unsigned request ({look.operation}, {look.label.removeprefix('unsigned, ')}) was answered "
                f"{look.status} (the API refuses it with 401)"
            )
            break
    if all(look.status == 404 for look in looks):
        problems.append(
            "every request got 404, the unsigned one too (the API answers an unsigned request 401 before looking "
            "anything up): nothing at this URL serves /v2/{project_id}/…"
        )
    errors = [look for look in looks if 400 <= look.status < 500]
    # The error bodies judge the target only while nothing else does: beside a documented success body they are the
    # service's bugs, for the error-body checks of the run to report (exit 1), not a sign of a wrong BASE_URL.
    service = any(look.success_body for look in looks)
    if (
        errors
        and not service
        and all(is_json_media_type(look.exchange.content_type) and not look.error_body for look in errors)
    ):
        problems.append(
            "its error answers are JSON, but never the documented error body with error_code and error_msg "
            f"(e.g. {errors[0].status} {_excerpt(errors[0].exchange.response_body)})"
        )
    return problems
