"""Emulator scenarios with tasks of chosen durations, for the waiter's benchmark and the CLI's tests.

They keep the default scenario's credentials (so its demo AK/SK and token work) and its first
project, with one instance holding the tasks asked for. Format: ``docs/emulator.md``.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import yaml

from contract_tests.emulator import DEFAULT_SCENARIO_PATH, Credential, Scenario
from contract_tests.emulator.scenario import scenario_from_document

INSTANCE_ID = "1d5c0b2a-6f3e-4a8d-9b7c-0e1f2a3b4c5d"


@dataclass(frozen=True)
class TaskSpec:
    """A task of ``seconds`` run time: a pre-check, then ``shards`` migration sub-steps sharing the rest.

    ``fail_at_shard`` makes that migration sub-step (0-based) fail halfway with ``DCS.5000``.
    """

    task_id: str
    seconds: float
    start: float = 0.0
    shards: int = 3
    fail_at_shard: int | None = None

    def document(self) -> dict[str, Any]:
        check = min(10.0, self.seconds / 10)
        shard = (self.seconds - check) / self.shards
        subs: list[dict[str, Any]] = []
        for index in range(self.shards):
            sub: dict[str, Any] = {"id": _id(self.task_id, index), "name": f"Migrate shard {index + 1}"}
            sub["duration"] = shard
            if index == self.fail_at_shard:
                sub["fail"] = {"after": shard / 2, "error_code": "DCS.5000"}
            subs.append(sub)
        steps = [
            {"id": _id(self.task_id, "check"), "name": "Pre-check", "duration": check},
            {"id": _id(self.task_id, "migrate"), "name": "Data migration", "sub_steps": subs},
        ]
        return {"id": self.task_id, "name": "ChangeInstanceSpec", "start": self.start, "steps": steps}


def _id(task_id: str, part: object) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"{task_id}/{part}"))


def default_document() -> dict[str, Any]:
    document: dict[str, Any] = yaml.safe_load(DEFAULT_SCENARIO_PATH.read_text(encoding="utf-8"))
    return document


def scenario_document(tasks: list[TaskSpec]) -> dict[str, Any]:
    default = default_document()
    project = default["projects"][0]["id"]
    instance = {"id": INSTANCE_ID, "name": "dcs-waiter-demo", "tasks": [task.document() for task in tasks]}
    return {"credentials": default["credentials"], "projects": [{"id": project, "instances": [instance]}]}


def scenario_with(tasks: list[TaskSpec]) -> Scenario:
    return scenario_from_document(scenario_document(tasks), source="task_scenarios")


def demo_credential(scenario: Scenario) -> tuple[Credential, str]:
    """The demo credentials and the project holding the tasks."""
    project = next(iter(scenario.projects.values())).id
    return scenario.demo, project
