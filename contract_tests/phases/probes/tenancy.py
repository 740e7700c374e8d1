"""Tenancy probes (`cross_tenant_access_denied`): IDs mixed across tenants (my project with their instance and task,
my instance with their task, their project with my instance and task, …) signed by me, their task (or instance),
and my tasks (or instances) signed by the other tenant's credentials — which also try the state-changing
operations on the changeable tasks — → 403 or 404 with the error body, never 2xx. A state-changing request only
ever names a changeable task: a broken server could act on it."""

from __future__ import annotations

from ...checks.probe_rules import DENIED
from ...spec.api import ApiSpec
from ...spec.ids import KnownTask, id_key, keys_of
from ...target.model import Target
from .probe import Probe, ProbeSet, id_operations

_OWNERS = {"project_id": "project", "instance_id": "instance", "task_id": "task"}


def mixed_tenancy(own: tuple[KnownTask, ...], foreign: tuple[KnownTask, ...]) -> list[tuple[str, KnownTask]]:
    """My IDs and another tenant's, mixed in every way that names a resource neither may read as a whole."""
    mixes: list[tuple[str, KnownTask]] = []
    for mine in own[:2]:
        for theirs in foreign[:2]:
            mixes += [
                ("my project, their instance and task", KnownTask(mine.project_id, theirs.instance_id, theirs.task_id)),
                ("my project and instance, their task", KnownTask(mine.project_id, mine.instance_id, theirs.task_id)),
                ("my project and task, their instance", KnownTask(mine.project_id, theirs.instance_id, mine.task_id)),
                ("their project, my instance and task", KnownTask(theirs.project_id, mine.instance_id, mine.task_id)),
                ("their project and instance, my task", KnownTask(theirs.project_id, theirs.instance_id, mine.task_id)),
                ("their project and task, my instance", KnownTask(theirs.project_id, mine.instance_id, theirs.task_id)),
            ]
    return list(dict.fromkeys(mixes))


def tenancy_probes(target: Target, spec: ApiSpec) -> list[Probe]:
    check = "cross_tenant_access_denied"
    made: list[Probe] = []
    for operation in id_operations(spec):
        probes, mine, names = ProbeSet(operation), target.anchors(operation), operation.id_parameters
        whole = keys_of((*target.readable_tasks, *mine), names) | keys_of(target.foreign_tasks, names)
        # A state-changing request only ever names a task offered to it: a broken server could act on it.
        safe = {task.task_id for task in mine} if operation.changes_state else None
        for _, task in mixed_tenancy(mine, target.foreign_tasks):
            key = id_key(task.as_path_parameters(), names)
            if key not in whole and (safe is None or (operation.takes_task and task.task_id in safe)):
                probes.add(check, _whose(task, mine, names), task, "signed", DENIED)
        if not operation.changes_state:
            for task in target.foreign_tasks:
                probes.add(check, "their " + _OWNERS[names[-1]], task, "signed", DENIED)
        if target.foreign_auth is not None and (operation.takes_task or not operation.changes_state):
            for task in mine:
                probes.add(check, f"my {_OWNERS[names[-1]]}, their credentials", task, "other-tenant", DENIED)
        made += probes.made.values()
    return made


def _whose(task: KnownTask, mine: tuple[KnownTask, ...], names: tuple[str, ...]) -> str:
    """`my project, their instance`: whose each ID of a mix is, for the IDs the operation takes."""
    return ", ".join(
        f"{'my' if getattr(task, name) in {getattr(own, name) for own in mine} else 'their'} {_OWNERS[name]}"
        for name in names
    )
