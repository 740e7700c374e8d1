"""Scenario files: the projects, instances, tasks and credentials an emulator starts with.

The format has one definition: the attrs classes a file is read into, `Scenario` and `Credential`
here and the plans of ``models.py`` (`Project` → `Instance` → `TaskPlan` → `StepPlan` →
`SubStepPlan`, `Failure`). A field's name is its key in the file, its type and validators say what
it may hold, its ``doc`` metadata what it means; a map of plans by ID is a list in the file.
From them follow the parser (``reading.py``: cattrs, strict — no unknown key, no coercion, ``12345``
is not a text nor ``"yes"`` a boolean), the validation (the classes' validators) and the documented
format (``scenario_format.py`` renders it; docs/emulator.md shows it, a test keeps them equal).
A bad file raises `ScenarioError` naming each bad field by its path (``$.projects[0].id``).
``scenarios/default.yaml`` is a full example. IDs are matched case-insensitively.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import NamedTuple

import attrs
import yaml

from ..spec.ids import KnownTask
from .models import Instance, Project, TaskPlan
from .reading import NOT_IN_FILE, ReadError, keyed_by_id, not_empty, read

DEFAULT_SCENARIO_PATH = Path(__file__).parent / "scenarios" / "default.yaml"


class ScenarioError(ValueError):
    """The scenario file is unreadable or does not follow the documented format."""


def _lower_case(project_ids: Iterable[str]) -> frozenset[str]:
    return frozenset(project_id.lower() for project_id in project_ids)


@attrs.frozen(kw_only=True)
class Credential:
    name: str = attrs.field(validator=not_empty)
    access_key: str = attrs.field(validator=not_empty)
    secret_key: str = attrs.field(validator=not_empty, repr=False)
    token: str | None = attrs.field(
        default=None, validator=not_empty, repr=False, metadata={"doc": "an X-Auth-Token value for these credentials"}
    )
    security_token: str | None = attrs.field(
        default=None,
        validator=not_empty,
        repr=False,
        metadata={"doc": "temporary credentials: requests must carry and sign X-Security-Token"},
    )
    projects: frozenset[str] = attrs.field(
        converter=_lower_case, metadata={"doc": "project IDs these credentials may access (others → 403)"}
    )

    def may_access(self, project_id: str) -> bool:
        return project_id.lower() in self.projects


# One type for a task's ID triple, shared with the contract suite (the neutral `task_ids` module).
TaskRef = KnownTask


class InstanceRef(NamedTuple):
    """An instance's IDs, as a request's path names it."""

    project_id: str
    instance_id: str


@attrs.frozen(kw_only=True)
class Scenario:
    credentials: tuple[Credential, ...] = attrs.field(
        validator=not_empty, metadata={"doc": "who may call; the first entry is the demo credentials"}
    )
    projects: Mapping[str, Project] = attrs.field(validator=keyed_by_id)
    source: str = attrs.field(default="<memory>", metadata=NOT_IN_FILE)  # the file it was read from

    @property
    def demo(self) -> Credential:
        """The first credentials of the file: what `make emulator` prints."""
        return self.credentials[0]

    def other_tenant(self) -> Credential | None:
        """Credentials of another tenant: none of the demo's projects, some other one (the suite's tenancy probes)."""
        demo = self.demo
        return next((c for c in self.credentials if c.projects and not c.projects & demo.projects), None)

    def known_tasks(self) -> list[TaskRef]:
        return [ref for ref, _ in self._tasks()]

    def internal_error_tasks(self) -> list[TaskRef]:
        """The known tasks some operation fails on inside the service (500), by the scenario's design."""
        return [ref for ref, _ in self.internal_errors()]

    def internal_errors(self) -> list[tuple[TaskRef, frozenset[str]]]:
        """Each task some operation fails on (500), with the operations: its own ``internal_error`` and its
        instance's (which fail for every task of the instance too)."""
        failing = [(ref, task.internal_error | instance.internal_error) for ref, instance, task in self._plans()]
        return [(ref, operations) for ref, operations in failing if operations]

    def failing_instances(self) -> list[tuple[InstanceRef, frozenset[str]]]:
        """Each instance some operation fails on (500) whatever the task (its listing), with the operations
        (the instance's ``internal_error``)."""
        return [(ref, instance.internal_error) for ref, instance in self._instances() if instance.internal_error]

    def throttling_instances(self) -> list[tuple[InstanceRef, frozenset[str]]]:
        """Each instance whose first request of some operations is throttled (429), with the operations
        (``throttled_once``)."""
        return [(ref, instance.throttled_once) for ref, instance in self._instances() if instance.throttled_once]

    def changeable_tasks(self) -> list[TaskRef]:
        """The known tasks the scenario offers to state-changing operations (``changeable``)."""
        return [ref for ref, _ in self.changeable()]

    def changeable(self) -> list[tuple[TaskRef, frozenset[str]]]:
        """Each task the contract suite may change, with the state-changing operations it may send (``changeable``)."""
        return [(ref, task.changeable) for ref, task in self._tasks() if task.changeable]

    def operations_named(self) -> frozenset[str]:
        """Every operation ID the scenario names (each must be one of the spec's)."""
        by_tasks = {name for _, task in self._tasks() for name in (*task.internal_error, *task.changeable)}
        by_instances = {name for _, i in self._instances() for name in (*i.internal_error, *i.throttled_once)}
        return frozenset(by_tasks | by_instances)

    def _instances(self) -> Iterator[tuple[InstanceRef, Instance]]:
        for project in self.projects.values():
            for instance in project.instances.values():
                yield InstanceRef(project.id, instance.id), instance

    def _plans(self) -> Iterator[tuple[TaskRef, Instance, TaskPlan]]:
        for (project_id, instance_id), instance in self._instances():
            for task in instance.tasks.values():
                yield TaskRef(project_id, instance_id, task.id), instance, task

    def _tasks(self) -> Iterator[tuple[TaskRef, TaskPlan]]:
        for ref, _, task in self._plans():
            yield ref, task

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
    """The scenario a parsed YAML/JSON document describes; raises ScenarioError naming every bad field."""
    try:
        scenario = read(document, Scenario)
    except ReadError as error:
        raise ScenarioError(f"{source}: {error}") from None
    return attrs.evolve(scenario, source=source)
