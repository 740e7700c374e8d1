"""The settings of a run against staging (or any server at BASE_URL) beyond `target.target_from_env`:
several known tasks, another tenant's resources and credentials, and the run's safety knobs.

Environment variables (the Makefile passes the knobs as variables of the same name):

- `DCS_TASKS`: more tasks the credentials may read, `instance/task,…` (or `project/instance/task,…`).
- `DCS_FOREIGN_PROJECT_ID`, `DCS_FOREIGN_INSTANCE_ID`, `DCS_FOREIGN_TASK_ID`: another project's task
  the credentials must not read.
- `DCS_FOREIGN_AK`, `DCS_FOREIGN_SK`: optional, that project's credentials (must not read your tasks).
- `DCS_DESTRUCTIVE_TASKS`: with `ALLOW_DESTRUCTIVE=1`, the only tasks state-changing requests may touch
  (any state-changing operation of the spec).
- `DCS_FAULTY_TASKS`: tasks whose backend is known to fail, `instance/task@Operation+Operation,…` (or
  `project/instance/task@…`), and instances whose operations on the instance itself fail, `instance/*@Operation`
  (a listing: `instance/*@ListBackgroundTask`); without `@…`, every read operation whose path takes exactly those
  IDs (a task's progress, an instance's listing). The documented 500 is expected there, and any other 500 fails.

`staging_target` builds the `Target`; `RunKnobs` holds REQUEST_TIMEOUT, RATE_LIMIT, MAX_TIME,
AUTH_PROBES, METHOD_REJECTION and ALLOW_DESTRUCTIVE.
"""

from __future__ import annotations

import dataclasses
import os
import re
from collections.abc import Callable, Mapping

from .api_spec import ApiSpec, changes_state
from .auth import AkSkSigner
from .destructive import Aim
from .target import (
    KnownTask,
    Target,
    TargetConfigError,
    TaskOperations,
    absent_tasks,
    remote_configuration,
    target_from_env,
)

METHOD_REJECTIONS = ("405", "404", "any")  # 405 + Allow (RFC 9110), the gateway's 404 APIG.0101, or either
_RATE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(?:/\s*(s|sec|second|m|min|minute|h|hour))?\s*$")
_PER = {None: 1.0, "s": 1.0, "sec": 1.0, "second": 1.0, "m": 60.0, "min": 60.0, "minute": 60.0}
_PER |= {"h": 3600.0, "hour": 3600.0}
_TRUE, _FALSE = ("1", "true", "yes", "on"), ("0", "false", "no", "off", "")


def parse_rate(text: str) -> float:
    """`10/s`, `600/m`, `10` → requests per second."""
    found = _RATE.match(text)
    if found is None or float(found[1]) <= 0:
        raise TargetConfigError(f"RATE_LIMIT must look like 10/s or 600/m, got {text!r}")
    return float(found[1]) / _PER[found[2]]


def parse_flag(name: str, text: str) -> bool:
    value = text.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise TargetConfigError(f"{name} must be 1 or 0, got {text!r}")


def parse_seconds(name: str, text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise TargetConfigError(f"{name} must be a number of seconds, got {text!r}") from None
    if value <= 0:
        raise TargetConfigError(f"{name} must be positive, got {text!r}")
    return value


def parse_tasks(name: str, text: str, project_id: str) -> tuple[KnownTask, ...]:
    """`instance/task,…` (or `project/instance/task,…`) → tasks, in the given project unless named."""
    tasks = []
    for item in (part.strip() for part in text.split(",")):
        if not item:
            continue
        parts = [part.strip() for part in item.split("/")]
        if len(parts) == 2 and all(parts):
            tasks.append(KnownTask(project_id, parts[0], parts[1]))
        elif len(parts) == 3 and all(parts):
            tasks.append(KnownTask(parts[0], parts[1], parts[2]))
        else:
            raise TargetConfigError(f"{name}: {item!r} is not instance/task or project/instance/task")
    return tuple(tasks)


WHOLE_INSTANCE = "*"  # in DCS_FAULTY_TASKS, in a task's place: the instance itself (`instance/*@ListBackgroundTask`)


def parse_faulty(text: str, project_id: str) -> tuple[TaskOperations, ...]:
    """`instance/task@Operation+Operation,…` and `instance/*@Operation` (an instance: its task ID left empty; the
    `@…` optional, see `TaskOperations.fails_on`) → tasks and instances, with their operations."""
    faulty = []
    for item in (part.strip() for part in text.split(",") if part.strip()):
        where, _, named = item.partition("@")
        operations = frozenset(name.strip() for name in named.split("+") if name.strip()) or None
        for task in parse_tasks("DCS_FAULTY_TASKS", where, project_id):
            whole = task.task_id == WHOLE_INSTANCE
            faulty.append(TaskOperations(task._replace(task_id="") if whole else task, operations))
    return tuple(faulty)


@dataclasses.dataclass(frozen=True)
class RunKnobs:
    """The run's safety and pacing settings (CLI flags, or environment variables of the same names)."""

    request_timeout: float = 30.0  # seconds per request; longer → a named `request_timeout` failure
    rate_limit: float | None = None  # requests per second; None = as fast as the target answers
    max_time: float | None = None  # seconds of wall clock for the run; then it stops and says so
    auth_probes: bool = True  # send failing signatures with the configured AK (never more than 2 in a row)
    method_rejection: str | None = None  # None: the target's default (emulator 405, BASE_URL any)
    allow_destructive: bool = False

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> RunKnobs:
        env = os.environ if environ is None else environ
        parsers: dict[str, Callable[[str], object]] = {
            "REQUEST_TIMEOUT": lambda text: parse_seconds("REQUEST_TIMEOUT", text),
            "RATE_LIMIT": parse_rate,
            "MAX_TIME": lambda text: parse_seconds("MAX_TIME", text),
            "AUTH_PROBES": lambda text: parse_flag("AUTH_PROBES", text),
            "METHOD_REJECTION": check_method_rejection,
            "ALLOW_DESTRUCTIVE": lambda text: parse_flag("ALLOW_DESTRUCTIVE", text),
        }
        values = {name.lower(): parse(env[name]) for name, parse in parsers.items() if env.get(name)}
        return cls(**values)  # type: ignore[arg-type] # each parser returns its field's type


KNOB_VARIABLES = ("REQUEST_TIMEOUT", "RATE_LIMIT", "MAX_TIME", "AUTH_PROBES", "METHOD_REJECTION", "ALLOW_DESTRUCTIVE")


def check_method_rejection(text: str) -> str:
    if text not in METHOD_REJECTIONS:
        raise TargetConfigError(f"METHOD_REJECTION must be one of {', '.join(METHOD_REJECTIONS)}, got {text!r}")
    return text


def _foreign(env: Mapping[str, str]) -> tuple[KnownTask, ...]:
    names = ("DCS_FOREIGN_PROJECT_ID", "DCS_FOREIGN_INSTANCE_ID", "DCS_FOREIGN_TASK_ID")
    values = [env.get(name, "") for name in names]
    if not any(values):
        return ()
    if not all(values):
        raise TargetConfigError(f"set all of {', '.join(names)}, or none")
    return (KnownTask(*values),)


def staging_target(base_url: str, knobs: RunKnobs, environ: Mapping[str, str] | None = None) -> Target:
    """`target_from_env` plus DCS_TASKS, another tenant (DCS_FOREIGN_*) and the safety knobs."""
    env = os.environ if environ is None else environ
    target = target_from_env(base_url, env)
    project_id = remote_configuration(base_url, env)[1]
    readable = tuple(
        dict.fromkeys((*target.readable_tasks, *parse_tasks("DCS_TASKS", env.get("DCS_TASKS", ""), project_id)))
    )
    foreign = _foreign(env)
    foreign_auth = None
    if env.get("DCS_FOREIGN_AK") or env.get("DCS_FOREIGN_SK"):
        if not (env.get("DCS_FOREIGN_AK") and env.get("DCS_FOREIGN_SK")):
            raise TargetConfigError("set both DCS_FOREIGN_AK and DCS_FOREIGN_SK, or neither")
        foreign_project = foreign[0].project_id if foreign else None
        foreign_auth = AkSkSigner(env["DCS_FOREIGN_AK"], env["DCS_FOREIGN_SK"], project_id=foreign_project)
    destructive = parse_tasks("DCS_DESTRUCTIVE_TASKS", env.get("DCS_DESTRUCTIVE_TASKS", ""), project_id)
    faulty = parse_faulty(env.get("DCS_FAULTY_TASKS", ""), project_id)
    if knobs.allow_destructive and not destructive:
        raise TargetConfigError("ALLOW_DESTRUCTIVE=1 needs DCS_DESTRUCTIVE_TASKS: the tasks it may change or delete")
    auth = target.auth
    secrets = (*target.secrets, *(value for value in (env.get("DCS_FOREIGN_SK"),) if value))
    extra = f", {len(readable)} known tasks" + (", another tenant" if foreign else "")
    extra += f", {len(faulty)} known to fail" if faulty else ""
    return dataclasses.replace(
        target,
        description=target.description.removesuffix(")") + extra + ")",
        readable_tasks=tuple(task for task in readable if task not in {entry.task for entry in faulty}),
        faulty=faulty,
        foreign_tasks=foreign,
        foreign_auth=foreign_auth,
        foreign_readable=foreign if foreign_auth is not None else (),
        temporary_auth=auth if isinstance(auth, AkSkSigner) and auth.security_token else None,
        method_rejection=knobs.method_rejection or "any",
        read_only=not knobs.allow_destructive,
        changeable=tuple(TaskOperations(task) for task in destructive) if knobs.allow_destructive else (),
        missing_tasks=absent_tasks(project_id, readable),
        remote=True,
        secrets=secrets,
    )


def withheld_because(target: Target, spec: ApiSpec, method: str, path_template: str, aim: Aim) -> str | None:
    """Why a generated request may not go out (`aim`: what `destructive.aim_state_change` made of its IDs); None
    when it may. Reads always go, and so does a state-changing method on a path that declares none (what the
    undeclared-method probes send). Otherwise: never to a read-only target; to the emulator, always (its own
    state, reset with every run); to any other server, only to a task offered for its operation, re-aimed at an
    absent task, or with a malformed ID (refused before any lookup), whether the method is declared or not."""
    declared = spec.declared_methods.get(path_template, frozenset())
    if not changes_state(method) or not any(map(changes_state, declared)):
        return None
    if target.read_only:
        return "read-only: ALLOW_DESTRUCTIVE is off"
    if target.remote and aim not in (Aim.CHANGEABLE, Aim.REAIMED, Aim.MALFORMED):
        return "no task ID to aim at an absent task"
    return None


def may_send(target: Target, spec: ApiSpec, method: str, path_template: str, aim: Aim) -> bool:
    """Whether a generated request may go out (see `withheld_because`)."""
    return withheld_because(target, spec, method, path_template, aim) is None
