"""How each setting's text becomes its value. A parser raises `ValueError` saying what the text must look like
("must be a number of seconds, got 'x'"); the reader puts the setting's name in front (`SettingsError`).

Task lists: `instance/task,…` or `project/instance/task,…` (`TaskRef`: the project is the credentials' unless
named); known failures add the operations, `instance/task@Operation+Operation`, and `instance/*@Operation` names
an instance itself (its listing); without `@…`, every read operation whose path takes exactly those IDs.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple
from urllib.parse import urlsplit

from .base_url import base_url_problem

_RATE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(?:/\s*(s|sec|second|m|min|minute|h|hour))?\s*$")
_PER = {None: 1.0, "s": 1.0, "sec": 1.0, "second": 1.0, "m": 60.0, "min": 60.0, "minute": 60.0}
_PER |= {"h": 3600.0, "hour": 3600.0}
_TRUE, _FALSE = ("1", "true", "yes", "on"), ("0", "false", "no", "off", "")
WHOLE_INSTANCE = "*"  # in a list of known failures, in a task's place: the instance itself


class TaskRef(NamedTuple):
    """A task named in a setting: its project ("" for the credentials' own), instance and task ("" for the instance
    itself), and the operations an expectation about it applies to (None: every one it can apply to)."""

    project_id: str
    instance_id: str
    task_id: str
    operations: frozenset[str] | None = None


def rate(text: str) -> float:
    """`10/s`, `600/m`, `10` → requests per second."""
    found = _RATE.match(text)
    if found is None or float(found[1]) <= 0:
        raise ValueError(f"must look like 10/s or 600/m, got {text!r}")
    return float(found[1]) / _PER[found[2]]


def flag(text: str) -> bool:
    value = text.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ValueError(f"must be 1 or 0, got {text!r}")


def seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise ValueError(f"must be a number of seconds, got {text!r}") from None
    if not math.isfinite(value):
        raise ValueError(f"must be a number of seconds, got {text!r}")
    if value <= 0:
        raise ValueError(f"must be positive, got {text!r}")
    return value


def count(text: str) -> int:
    """A whole number of at least 1."""
    if not text.strip().isdigit() or int(text) < 1:
        raise ValueError(f"must be a whole number of at least 1, got {text!r}")
    return int(text)


def seed(text: str) -> int:
    if not text.strip().isdigit():
        raise ValueError(f"must be a whole number, got {text!r}")
    return int(text)


def one_of(*choices: str) -> Callable[[str], str]:
    def choose(text: str) -> str:
        if text not in choices:
            raise ValueError(f"must be one of {', '.join(choices)}, got {text!r}")
        return text

    choose.__doc__ = f"One of {', '.join(choices)}."
    choose.choices = choices  # type: ignore[attr-defined]  # read by --help and the tests
    return choose


def text(value: str) -> str:
    return value.strip()


def existing_file(value: str) -> Path:
    path = Path(value)
    if not path.is_file():
        raise ValueError(f"names no file: {value}")
    return path


def directory(value: str) -> Path:
    return Path(value)


def base_url(value: str) -> str:
    problem = base_url_problem(value)  # it names BASE_URL itself
    if problem is not None:
        raise ValueError(problem)
    return value.strip().rstrip("/")


def upstream(value: str) -> str:
    """An http(s) base URL with a host (a path prefixes every forwarded request's), without a trailing slash."""
    parts = urlsplit(value.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment:
        raise ValueError(f"must be an http(s) URL such as https://dcs.cn-north-4.myhuaweicloud.com, got {value!r}")
    return value.strip().rstrip("/")


def tasks(value: str) -> tuple[TaskRef, ...]:
    """`instance/task,…` (or `project/instance/task,…`) → tasks; the project is left empty unless named."""
    found = []
    for item in (part.strip() for part in value.split(",")):
        if not item:
            continue
        parts = [part.strip() for part in item.split("/")]
        if len(parts) == 2 and all(parts):
            found.append(TaskRef("", parts[0], parts[1]))
        elif len(parts) == 3 and all(parts):
            found.append(TaskRef(parts[0], parts[1], parts[2]))
        else:
            raise ValueError(f"{item!r} is not instance/task or project/instance/task")
    return tuple(found)


def faulty_tasks(value: str) -> tuple[TaskRef, ...]:
    """`instance/task@Operation+Operation,…` and `instance/*@Operation` (an instance: its task ID left empty; the
    `@…` optional) → tasks and instances, with their operations."""
    found = []
    for item in (part.strip() for part in value.split(",") if part.strip()):
        where, _, named = item.partition("@")
        operations = frozenset(name.strip() for name in named.split("+") if name.strip()) or None
        for task in tasks(where):
            whole = task.task_id == WHOLE_INSTANCE
            found.append(task._replace(task_id="" if whole else task.task_id, operations=operations))
    return tuple(found)
