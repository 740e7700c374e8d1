"""Scenario files: the projects, instances, tasks and credentials an emulator starts with.

Format (YAML, or JSON which is YAML too); ``scenarios/default.yaml`` is a full example::

    credentials:                      # who may call, first entry = the demo credentials
      - name: demo
        access_key: DCSEMULATORDEMOAK001
        secret_key: <any string>
        token: <optional X-Auth-Token value>
        security_token: <optional>    # temporary credentials: requests must carry and sign X-Security-Token
        projects: [<project id>, ...] # projects these credentials may access (others → 403)
    projects:
      - id: <project id>
        instances:
          - id: <instance id>
            name: <instance name>
            tasks:
              - id: <task id>
                name: <task name>
                start: -35            # seconds from the clock origin (emulator start); may be negative
                time_format: space    # `iso` (2020-06-17T07:38:42.503Z, default) or `space` (2022-09-01 11:52:24)
                internal_error: true  # optional: every progress query for this task fails inside the service
                                      # and answers 500 DCS.5000 (after auth, ID and permission checks)
                details: {old_capacity: '2', new_capacity: '4'}  # optional, what a listing shows
                params: <text>        # optional; so are user_name, user_id, enable_show (default true)
                disposable: true      # optional: the contract suite may delete this task (DeleteBackgroundTask)
                steps:
                  - id: <step id>
                    name: <step name>
                    error_code: DCS.4064          # optional, echoed as-is
                    duration: 30                  # seconds; only for a step without sub_steps
                    fail: {after: 10, error_code: DCS.5000}  # optional; only without sub_steps
                    sub_steps:
                      - id: <sub-step id>
                        name: <sub-step name>
                        duration: 60
                        detail: <text>            # or a map by status: {WAITING: …, EXECUTING: …, FINISH: …}
                        error_code: DCS.4065      # optional, echoed as-is
                        fail: {after: 45, error_code: DCS.5000}  # optional: the task stops here

IDs are matched case-insensitively. The file is checked against ``SCENARIO_SCHEMA`` on load.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jsonschema_rs
import yaml

from ..target import KnownTask
from .models import Failure, Instance, Project, Status, StepPlan, SubStepPlan, TaskPlan, TimeFormat

DEFAULT_SCENARIO_PATH = Path(__file__).parent / "scenarios" / "default.yaml"

_TEXT = {"type": "string", "minLength": 1}
_FAIL = {
    "type": "object",
    "required": ["after", "error_code"],
    "additionalProperties": False,
    "properties": {"after": {"type": "number", "minimum": 0}, "error_code": _TEXT},
}
_DETAIL = {
    "oneOf": [
        {"type": "string"},
        {
            "type": "object",
            "propertyNames": {"enum": [s.value for s in Status]},
            "additionalProperties": {"type": "string"},
        },
    ]
}
_SUB_STEP = {
    "type": "object",
    "required": ["id", "name", "duration"],
    "additionalProperties": False,
    "properties": {
        "id": _TEXT,
        "name": _TEXT,
        "duration": {"type": "number", "minimum": 0},
        "detail": _DETAIL,
        "error_code": _TEXT,
        "fail": _FAIL,
    },
}
_STEP = {
    "type": "object",
    "required": ["id", "name"],
    "additionalProperties": False,
    "properties": {
        "id": _TEXT,
        "name": _TEXT,
        "duration": {"type": "number", "minimum": 0},
        "error_code": _TEXT,
        "fail": _FAIL,
        "sub_steps": {"type": "array", "items": _SUB_STEP},
    },
}
_TASK = {
    "type": "object",
    "required": ["id", "name", "start", "steps"],
    "additionalProperties": False,
    "properties": {
        "id": _TEXT,
        "name": _TEXT,
        "start": {"type": "number"},
        "time_format": {"enum": [f.value for f in TimeFormat]},
        "internal_error": {"type": "boolean"},
        "details": {"type": "object"},
        "params": {"type": "string"},
        "user_name": _TEXT,
        "user_id": _TEXT,
        "enable_show": {"type": "boolean"},
        "disposable": {"type": "boolean"},
        "steps": {"type": "array", "minItems": 1, "items": _STEP},
    },
}
SCENARIO_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["credentials", "projects"],
    "additionalProperties": False,
    "properties": {
        "credentials": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "required": ["name", "access_key", "secret_key", "projects"],
                "additionalProperties": False,
                "properties": {
                    "name": _TEXT,
                    "access_key": _TEXT,
                    "secret_key": _TEXT,
                    "token": _TEXT,
                    "security_token": _TEXT,
                    "projects": {"type": "array", "items": _TEXT},
                },
            },
        },
        "projects": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["id", "instances"],
                "additionalProperties": False,
                "properties": {
                    "id": _TEXT,
                    "instances": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["id", "name", "tasks"],
                            "additionalProperties": False,
                            "properties": {"id": _TEXT, "name": _TEXT, "tasks": {"type": "array", "items": _TASK}},
                        },
                    },
                },
            },
        },
    },
}
_VALIDATOR = jsonschema_rs.Draft202012Validator(SCENARIO_SCHEMA)


class ScenarioError(ValueError):
    """The scenario file is unreadable or does not follow the documented format."""


@dataclass(frozen=True)
class Credential:
    name: str
    access_key: str
    secret_key: str
    token: str | None
    projects: frozenset[str]  # lower-cased project IDs
    security_token: str | None = None  # temporary credentials only

    def may_access(self, project_id: str) -> bool:
        return project_id.lower() in self.projects


# One type for a task's ID triple, shared with the contract suite (which must not need the emulator).
TaskRef = KnownTask


@dataclass(frozen=True)
class Scenario:
    credentials: tuple[Credential, ...]
    projects: Mapping[str, Project]  # keyed by lower-cased ID
    source: str = "<memory>"

    @property
    def demo(self) -> Credential:
        """The first credentials of the file: what `make emulator` prints."""
        return self.credentials[0]

    def known_tasks(self) -> list[TaskRef]:
        return [ref for ref, _ in self._tasks()]

    def internal_error_tasks(self) -> list[TaskRef]:
        """The known tasks whose progress query fails inside the service (500), by the scenario's design."""
        return [ref for ref, task in self._tasks() if task.internal_error]

    def disposable_tasks(self) -> list[TaskRef]:
        """The known tasks the scenario offers for deletion (``disposable: true``)."""
        return [ref for ref, task in self._tasks() if task.disposable]

    def _tasks(self) -> Iterator[tuple[TaskRef, TaskPlan]]:
        for project in self.projects.values():
            for instance in project.instances.values():
                for task in instance.tasks.values():
                    yield TaskRef(project.id, instance.id, task.id), task

    def credential_for(self, project_id: str) -> Credential:
        """Some credentials allowed on ``project_id`` (raises LookupError when none is)."""
        for credential in self.credentials:
            if credential.may_access(project_id):
                return credential
        raise LookupError(f"no credentials may access project {project_id}")


def load_scenario(path: str | Path) -> Scenario:
    """Read and check a scenario file; raises ScenarioError saying what is wrong."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as error:
        raise ScenarioError(f"cannot read scenario {path}: {error}") from error
    return parse_scenario(text, source=str(path))


def parse_scenario(text: str, *, source: str = "<memory>") -> Scenario:
    try:
        document = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise ScenarioError(f"{source}: not valid YAML: {error}") from error
    return scenario_from_document(document, source=source)


def scenario_from_document(document: object, *, source: str = "<memory>") -> Scenario:
    problems = [
        f"{'/'.join(map(str, e.instance_path)) or '<root>'}: {e.message}" for e in _VALIDATOR.iter_errors(document)
    ]
    if problems:
        raise ScenarioError(f"{source}: " + "; ".join(problems[:5]))
    assert isinstance(document, dict)
    projects = {p["id"].lower(): _project(p) for p in document["projects"]}
    credentials = tuple(
        Credential(
            name=c["name"],
            access_key=c["access_key"],
            secret_key=c["secret_key"],
            token=c.get("token"),
            projects=frozenset(p.lower() for p in c["projects"]),
            security_token=c.get("security_token"),
        )
        for c in document["credentials"]
    )
    return Scenario(credentials=credentials, projects=projects, source=source)


def _project(raw: dict[str, Any]) -> Project:
    instances = {
        i["id"].lower(): Instance(id=i["id"], name=i["name"], tasks={t["id"].lower(): _task(t) for t in i["tasks"]})
        for i in raw["instances"]
    }
    return Project(id=raw["id"], instances=instances)


def _task(raw: dict[str, Any]) -> TaskPlan:
    return TaskPlan(
        id=raw["id"],
        name=raw["name"],
        start_offset=float(raw["start"]),
        time_format=TimeFormat(raw.get("time_format", TimeFormat.ISO.value)),
        steps=tuple(_step(s) for s in raw["steps"]),
        internal_error=bool(raw.get("internal_error", False)),
        details=raw.get("details", {}),
        params=raw.get("params"),
        user_name=raw.get("user_name"),
        user_id=raw.get("user_id"),
        enable_show=bool(raw.get("enable_show", True)),
        disposable=bool(raw.get("disposable", False)),
    )


def _step(raw: dict[str, Any]) -> StepPlan:
    return StepPlan(
        id=raw["id"],
        name=raw["name"],
        sub_steps=tuple(_sub_step(s) for s in raw.get("sub_steps", ())),
        duration=float(raw.get("duration", 0)),
        error_code=raw.get("error_code"),
        failure=_failure(raw.get("fail")),
    )


def _sub_step(raw: dict[str, Any]) -> SubStepPlan:
    detail = raw.get("detail", "")
    details = {Status(k): v for k, v in detail.items()} if isinstance(detail, dict) else dict.fromkeys(Status, detail)
    return SubStepPlan(
        id=raw["id"],
        name=raw["name"],
        duration=float(raw["duration"]),
        details=details,
        error_code=raw.get("error_code"),
        failure=_failure(raw.get("fail")),
    )


def _failure(raw: dict[str, Any] | None) -> Failure | None:
    return None if raw is None else Failure(after=float(raw["after"]), error_code=raw["error_code"])
