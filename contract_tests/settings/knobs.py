"""The run's knobs (`RunKnobs`: REQUEST_TIMEOUT, RATE_LIMIT, MAX_TIME, AUTH_PROBES, METHOD_REJECTION,
ALLOW_DESTRUCTIVE) and the parsers of every setting's text: rates, flags, seconds, task lists.

Task lists: `DCS_TASKS`, `DCS_DESTRUCTIVE_TASKS` (`instance/task,…` or `project/instance/task,…`) and
`DCS_FAULTY_TASKS` (`instance/task@Operation+Operation,…`, `instance/*@Operation` for an instance itself;
without `@…`, every read operation whose path takes exactly those IDs).
"""

from __future__ import annotations

import dataclasses
import os
import re
from collections.abc import Callable, Mapping

from ..spec.ids import KnownTask
from .errors import SettingsError

# A task (or an instance: empty task ID) and the operations (by ID) an expectation about it applies to (None: all).
TaskEntry = tuple[KnownTask, frozenset[str] | None]

METHOD_REJECTIONS = ("405", "404", "any")  # 405 + Allow (RFC 9110), the gateway's 404 APIG.0101, or either
_RATE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(?:/\s*(s|sec|second|m|min|minute|h|hour))?\s*$")
_PER = {None: 1.0, "s": 1.0, "sec": 1.0, "second": 1.0, "m": 60.0, "min": 60.0, "minute": 60.0}
_PER |= {"h": 3600.0, "hour": 3600.0}
_TRUE, _FALSE = ("1", "true", "yes", "on"), ("0", "false", "no", "off", "")


def parse_rate(text: str) -> float:
    """`10/s`, `600/m`, `10` → requests per second."""
    found = _RATE.match(text)
    if found is None or float(found[1]) <= 0:
        raise SettingsError(f"RATE_LIMIT must look like 10/s or 600/m, got {text!r}")
    return float(found[1]) / _PER[found[2]]


def parse_flag(name: str, text: str) -> bool:
    value = text.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise SettingsError(f"{name} must be 1 or 0, got {text!r}")


def parse_seconds(name: str, text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise SettingsError(f"{name} must be a number of seconds, got {text!r}") from None
    if value <= 0:
        raise SettingsError(f"{name} must be positive, got {text!r}")
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
            raise SettingsError(f"{name}: {item!r} is not instance/task or project/instance/task")
    return tuple(tasks)


WHOLE_INSTANCE = "*"  # in DCS_FAULTY_TASKS, in a task's place: the instance itself (`instance/*@ListBackgroundTask`)


def parse_faulty(text: str, project_id: str) -> tuple[TaskEntry, ...]:
    """`instance/task@Operation+Operation,…` and `instance/*@Operation` (an instance: its task ID left empty; the
    `@…` optional, see `target.model.TaskOperations.fails_on`) → tasks and instances, with their operations."""
    faulty: list[TaskEntry] = []
    for item in (part.strip() for part in text.split(",") if part.strip()):
        where, _, named = item.partition("@")
        operations = frozenset(name.strip() for name in named.split("+") if name.strip()) or None
        for task in parse_tasks("DCS_FAULTY_TASKS", where, project_id):
            whole = task.task_id == WHOLE_INSTANCE
            faulty.append((task._replace(task_id="") if whole else task, operations))
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
        raise SettingsError(f"METHOD_REJECTION must be one of {', '.join(METHOD_REJECTIONS)}, got {text!r}")
    return text
