"""The emulator as a target: its scenario says which credentials exist and which tasks the demo credentials may
read, may not read, find failing or may change (`scenario_tasks`, `emulator_target`); `started_emulator` starts it
for a run (on a free loopback port, or in this process) and stops it after. The one module of the suite that
imports the emulator."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import NamedTuple

from starlette.types import ASGIApp

from ..emulator import DEFAULT_SCENARIO_PATH, Credential, Scenario, create_app, load_scenario
from ..settings.table import Settings
from ..spec.ids import KnownTask
from .auth import AkSkSigner
from .loopback import running_emulator
from .model import IN_PROCESS_BASE_URL, Target, TaskOperations, absent_tasks

__all__ = ["DEFAULT_SCENARIO_PATH", "emulator_target", "load_scenario", "scenario_tasks", "started_emulator"]


class ScenarioTasks(NamedTuple):
    readable: tuple[KnownTask, ...]  # the demo credentials may read these: 200
    foreign: tuple[KnownTask, ...]  # of projects they may not: 403
    # Accessible, but `internal_error` on the operations named (the task's and its instance's): 500 there; and
    # the instances whose `internal_error` names operations (their listing), as tasks without a task ID.
    faulty: tuple[TaskOperations, ...]
    changeable: tuple[TaskOperations, ...]  # accessible and `changeable` by the state-changing operations named


def scenario_tasks(scenario: Scenario) -> ScenarioTasks:
    """The scenario's tasks by what the demo credentials should get for them, and from which operations."""
    demo = scenario.demo
    tasks = scenario.known_tasks()
    failing = dict(scenario.internal_errors())
    accessible = [task for task in tasks if demo.may_access(task.project_id)]
    instances = [
        TaskOperations(KnownTask(*instance, ""), ops)
        for instance, ops in scenario.failing_instances()
        if demo.may_access(instance.project_id)
    ]
    return ScenarioTasks(
        readable=tuple(task for task in accessible if task not in failing),
        foreign=tuple(task for task in tasks if not demo.may_access(task.project_id)),
        faulty=(*(TaskOperations(task, failing[task]) for task in accessible if task in failing), *instances),
        changeable=tuple(TaskOperations(task, ops) for task, ops in scenario.changeable() if task in accessible),
    )


def _signer(credential: Credential) -> AkSkSigner:
    return AkSkSigner(credential.access_key, credential.secret_key, security_token=credential.security_token)


def other_tenant(scenario: Scenario, foreign: tuple[KnownTask, ...]) -> tuple[Credential | None, tuple[KnownTask, ...]]:
    """Credentials of another tenant (none of the demo's projects, some foreign one) and the tasks they may read."""
    credential = scenario.other_tenant()
    if credential is None:
        return None, ()
    return credential, tuple(task for task in foreign if credential.may_access(task.project_id))


def temporary_credentials(scenario: Scenario) -> Credential | None:
    """Credentials with a security token on one of the demo's projects: the token probes use them."""
    return next((c for c in scenario.credentials if c.security_token and c.projects & scenario.demo.projects), None)


def emulator_target(
    scenario: Scenario | None = None,
    *,
    app: ASGIApp | None = None,
    base_url: str | None = None,
    label: str = "emulator",
    method_rejection: str = "405",
) -> Target:
    """The emulator in-process (default: a fresh app on the scenario) or at `base_url` over HTTP."""
    scenario = scenario or load_scenario(DEFAULT_SCENARIO_PATH)
    tasks = scenario_tasks(scenario)
    readable = tasks.readable
    if not readable:
        raise ValueError(f"{scenario.source}: the demo credentials may read no task, so no 200 can be reached")
    if base_url is None and app is None:
        app = create_app(scenario)
    demo = scenario.demo
    where = f"at {base_url}" if base_url else "in-process"
    tenant, tenant_tasks = other_tenant(scenario, tasks.foreign)
    temporary = temporary_credentials(scenario)
    others = [c for c in (tenant, temporary) if c is not None]
    return Target(
        description=f"{label} {where} (scenario {scenario.source}, credentials {demo.name!r})",
        base_url=base_url or IN_PROCESS_BASE_URL,
        app=None if base_url else app,
        auth=AkSkSigner(access_key=demo.access_key, secret_key=demo.secret_key),
        readable_tasks=readable,
        foreign_tasks=tasks.foreign,
        missing_tasks=absent_tasks(readable[0].project_id, readable),
        faulty=tasks.faulty,
        secrets=tuple(
            secret
            for credential in (demo, *others)
            for secret in (credential.secret_key, credential.token, credential.security_token)
            if secret
        ),
        foreign_auth=_signer(tenant) if tenant is not None else None,
        foreign_readable=tenant_tasks,
        temporary_auth=_signer(temporary) if temporary is not None else None,
        method_rejection=method_rejection,
        changeable=tasks.changeable,
    )


@contextlib.contextmanager
def started_emulator(settings: Settings) -> Iterator[Target]:
    """The emulator on the settings' scenario, started on a free loopback port (or called in-process) and stopped
    afterwards."""
    scenario_path = settings.scenario or DEFAULT_SCENARIO_PATH
    scenario = load_scenario(scenario_path)
    if settings.in_process:
        yield emulator_target(scenario, method_rejection=settings.method_rejection)
        return
    with running_emulator(scenario_path) as url:
        yield emulator_target(scenario, base_url=url, method_rejection=settings.method_rejection)
