"""The project's emulator, serving its default scenario while the generated clients call it."""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from contract_tests.emulator.scenario import Scenario, TaskRef

from scripts.publishing.tools import PublishError

MISSING_TASK_ID = "0" * 32  # well-formed, and in no scenario: the emulator answers 404


@contextmanager
def running_emulator(task_id: str) -> Iterator[dict[str, str]]:
    """Serve the default scenario on a free loopback port; yield what the probes need to call it."""
    try:
        emulator = importlib.import_module("contract_tests.emulator")
        server = importlib.import_module("contract_tests.emulator.server")
        scenario = emulator.load_scenario(emulator.DEFAULT_SCENARIO_PATH)
    except (ImportError, ValueError) as error:  # ScenarioError is a ValueError
        raise PublishError(f"the emulator (contract_tests.emulator) cannot start: {error!r}") from error
    tasks = {task.task_id: task for task in scenario.known_tasks()}
    if task_id not in tasks or MISSING_TASK_ID in tasks:
        raise PublishError(
            f"the emulator's default scenario must serve task {task_id} (the spec's TaskId example) "
            f"and not {MISSING_TASK_ID}; it serves {sorted(tasks)}"
        )
    task, token = tasks[task_id], scenario.credential_for(tasks[task_id].project_id).token
    if token is None:
        raise PublishError(f"no credentials with an IAM token may access project {task.project_id}")
    iso = iso_task(scenario, task)
    credential = scenario.credential_for(task.project_id)
    with server.serve_in_thread(emulator.create_app(scenario)) as base_url:
        yield {
            "baseUrl": base_url,
            "token": token,
            "accessKey": credential.access_key,
            "secretKey": credential.secret_key,
            "projectId": task.project_id,
            "instanceId": task.instance_id,
            "taskId": task.task_id,
            "isoInstanceId": iso.instance_id,
            "isoTaskId": iso.task_id,
            "missingTaskId": MISSING_TASK_ID,
        }


def iso_task(scenario: Scenario, example: TaskRef) -> TaskRef:
    """A task of the example's project whose times use the documented ISO 8601 form (the example's don't)."""
    project = scenario.projects[example.project_id.lower()]
    for instance in project.instances.values():
        for task in instance.tasks.values():
            if task.time_format.value == "iso" and not task.internal_error and task.steps:
                return type(example)(project.id, instance.id, task.id)
    raise PublishError(f"the emulator's default scenario has no ISO-timestamped task in project {project.id}")
