"""Resource-hierarchy probes (RESTler's ResourceHierarchy checker; OWASP API1:2023 within one tenant): a task the
run knows, named under another instance of the same project that the run knows too, signed by the target's own
credentials (`task_under_other_instance_denied`: 403 or 404 with the error body, never 2xx). A task belongs to one
instance: a server that finds it by project and task ID alone answers for it, or changes it, under any instance.
Every operation taking a task: read ones with one readable task, state-changing ones with each task offered to
them (so a broken server could only ever change a task the run may change; `other_tasks_unchanged_by_changes`
reads whether it did)."""

from __future__ import annotations

from ...checks.probe_rules import DENIED
from ...spec.api import ApiSpec
from ...spec.ids import KnownTask, id_key
from ...target.model import Target
from .probe import Probe, ProbeSet, id_operations

CHECK = "task_under_other_instance_denied"


def _elsewhere(task: KnownTask, known: tuple[KnownTask, ...]) -> KnownTask | None:
    """`task` under another known instance of its project holding no task of that ID; None when there is none."""
    instances = dict.fromkeys(id_key(t.as_path_parameters(), ("project_id", "instance_id")) for t in known)
    holding = {
        id_key(t.as_path_parameters(), ("project_id", "instance_id")) for t in known if t.task_id == task.task_id
    }
    for project, instance in instances:
        if project == task.project_id.lower() and (project, instance) not in holding:
            return KnownTask(task.project_id, instance, task.task_id)
    return None


def hierarchy_probes(target: Target, spec: ApiSpec) -> list[Probe]:
    known = (*target.readable_tasks, *target.faulty_tasks, *target.changeable_tasks)
    made: list[Probe] = []
    for operation in id_operations(spec):
        if not operation.takes_task:
            continue
        probes = ProbeSet(operation)
        tasks = target.anchors(operation) if operation.changes_state else target.readable_for(operation)[:1]
        for task in tasks:
            moved = _elsewhere(task, known)
            if moved is not None:
                probes.add(CHECK, "a task of mine under another instance of mine", moved, "signed", DENIED)
        made += probes.made.values()
    return made
