"""ListBackgroundTask and DeleteBackgroundTask on the emulator: a listing agrees with the progress at
the same instant, pages and time windows, deletion, and the official SDK as a client of both."""

from __future__ import annotations

from typing import Any

import pytest
from huaweicloudsdkcore.exceptions.exceptions import ClientRequestException
from huaweicloudsdkdcs.v2 import (
    DeleteBackgroundTaskRequest,
    ListBackgroundTaskRequest,
    ShowBackgroundTaskProgressRequest,
)

from contract_tests.emulator import Scenario, TaskRef
from tests.emulator.conftest import ORIGIN, Running
from tests.emulator.helpers import SpecOracle, progress_path, signed_headers
from tests.emulator.test_auth import official_client

MIGRATION, FINISHED, FAILED = (
    "8abf6e1e72c12e7c0172c15b508500aa",
    "3b1f0c2d4e5a46b7a8c9d0e1f2a3b4c5",
    "5c9e2a7b3d1f4e6a8b0c2d4e6f8a0b1c",
)


def tasks_path(task: TaskRef) -> str:
    return f"/v2/{task.project_id}/instances/{task.instance_id}/tasks"


def call(running: Running, scenario: Scenario, method: str, path: str) -> tuple[int, Any]:
    response = running.client.request(method, path, headers=signed_headers(scenario.demo, path, method=method))
    return response.status_code, response.json()


def listing(running: Running, scenario: Scenario, task: TaskRef, query: str = "") -> dict[str, Any]:
    status, body = call(running, scenario, "GET", tasks_path(task) + query)
    assert status == 200, body
    assert isinstance(body, dict)
    return body


def test_a_listing_agrees_with_the_progress_at_every_instant(
    served: Running, scenario: Scenario, example: TaskRef
) -> None:
    """The clock only moves when told: at each instant, each listed status matches its progress."""
    seen = set()
    for seconds in (0, 600, 1000, 3000, 4000):
        served.clock.set(ORIGIN)
        served.clock.advance(seconds)
        for listed in listing(served, scenario, example)["tasks"]:
            _, progress = call(served, scenario, "GET", progress_path(example._replace(task_id=listed["id"])))
            statuses = {step["step_status"] for step in progress["step_details"]}
            seen.add(listed["status"])
            context = (seconds, listed, progress)
            if listed["status"] == "SUCCESS":
                assert progress["progress"] == 100, context
                assert statuses == {"FINISH"}, context
            elif listed["status"] == "FAILED":
                assert "FAILED" in statuses, context
            else:
                assert listed["status"] == "EXECUTING", context
                assert progress["progress"] < 100, context
    assert seen == {"SUCCESS", "FAILED", "EXECUTING"}


def test_the_example_migration_succeeds_once_its_plan_has_run(
    served: Running, scenario: Scenario, example: TaskRef
) -> None:
    served.clock.advance(2600)  # 1100 s in at the start, 3605 s planned
    task = next(t for t in listing(served, scenario, example)["tasks"] if t["id"] == MIGRATION)
    assert task["status"] == "SUCCESS"
    assert task["updated_at"] > task["created_at"]


def test_pages_neither_overlap_nor_skip_and_cover_task_count(
    served: Running, scenario: Scenario, example: TaskRef
) -> None:
    whole = listing(served, scenario, example)
    assert whole["task_count"] == "3"
    assert [t["id"] for t in whole["tasks"]] == [MIGRATION, FAILED, FINISHED], "newest first"
    pages = [listing(served, scenario, example, f"?offset={offset}&limit=2")["tasks"] for offset in (0, 2, 4)]
    assert [len(page) for page in pages] == [2, 1, 0]
    assert [t["id"] for page in pages for t in page] == [t["id"] for t in whole["tasks"]]


def test_a_time_window_keeps_the_tasks_created_inside_it(served: Running, scenario: Scenario, example: TaskRef) -> None:
    # Created 7200 s (FINISHED), 2400 s (FAILED) and 1100 s (MIGRATION) before the origin.
    window = "?start_time=20240501110000&end_time=20240501112500"  # 11:00:00 to 11:25:00 UTC
    inside = listing(served, scenario, example, window)
    assert inside["task_count"] == "1"
    assert [t["id"] for t in inside["tasks"]] == [FAILED]
    assert listing(served, scenario, example, "?start_time=20240501120000")["task_count"] == "0"
    assert listing(served, scenario, example, "?end_time=20240501100000")["task_count"] == "1"


@pytest.mark.parametrize(
    "query",
    [
        "?offset=-1",
        "?limit=0",
        "?limit=ten",
        "?limit=2147483648",  # beyond format: int32
        "?offset=1&offset=2",
        "?start_time=2024-05-01",
        "?end_time=20241301000000",
    ],
)
def test_a_query_off_the_spec_is_a_400(
    served: Running, scenario: Scenario, example: TaskRef, oracle: SpecOracle, query: str
) -> None:
    path = tasks_path(example) + query
    response = served.client.get(path, headers=signed_headers(scenario.demo, path))
    assert response.status_code == 400
    assert oracle.check(response)["error_code"] == "DCS.4800"


def test_a_deleted_task_answers_404_and_leaves_the_list(served: Running, scenario: Scenario, example: TaskRef) -> None:
    task_path = tasks_path(example) + "/" + FINISHED
    assert call(served, scenario, "DELETE", task_path) == (200, {"message": ""})
    status, body = call(served, scenario, "GET", progress_path(example._replace(task_id=FINISHED)))
    assert (status, body["error_code"]) == (404, "DCS.4001")
    after = listing(served, scenario, example)
    assert FINISHED not in [t["id"] for t in after["tasks"]]
    assert after["task_count"] == "2"
    assert call(served, scenario, "DELETE", task_path)[0] == 404, "deleting twice finds nothing"


def test_a_running_task_can_be_deleted_as_the_spec_assumes(
    served: Running, scenario: Scenario, example: TaskRef
) -> None:
    assert call(served, scenario, "DELETE", tasks_path(example) + "/" + MIGRATION)[0] == 200
    assert MIGRATION not in [t["id"] for t in listing(served, scenario, example)["tasks"]]


def test_a_reset_brings_deleted_tasks_back(served: Running, scenario: Scenario, example: TaskRef) -> None:
    assert call(served, scenario, "DELETE", tasks_path(example) + "/" + FAILED)[0] == 200
    served.client.post("/_emulator/reset")
    assert listing(served, scenario, example)["task_count"] == "3"


def test_an_unknown_instance_lists_404(served: Running, scenario: Scenario, example: TaskRef) -> None:
    status, body = call(served, scenario, "GET", tasks_path(example._replace(instance_id="0" * 32)))
    assert (status, body["error_code"]) == (404, "DCS.3022")


def test_the_official_sdk_lists_and_deletes_tasks(served: Running, scenario: Scenario, example: TaskRef) -> None:
    demo = scenario.demo
    client = official_client(served, demo.access_key, demo.secret_key, example.project_id)
    page = client.list_background_task(ListBackgroundTaskRequest(instance_id=example.instance_id, offset=1, limit=1))
    assert page.status_code == 200
    assert page.task_count == "3"
    (task,) = page.tasks
    assert (task.id, task.status, task.name) == (FAILED, "FAILED", "ChangeInstanceSpec")
    assert task.details.old_capacity == "2"
    window = client.list_background_task(
        ListBackgroundTaskRequest(
            instance_id=example.instance_id, start_time="20240501110000", end_time="20240501112500"
        )
    )
    assert [t.id for t in window.tasks] == [FAILED]
    deleted = client.delete_background_task(
        DeleteBackgroundTaskRequest(instance_id=example.instance_id, task_id=FAILED)
    )
    assert (deleted.status_code, deleted.message) == (200, "")
    after = client.list_background_task(ListBackgroundTaskRequest(instance_id=example.instance_id))
    assert FAILED not in [t.id for t in after.tasks]
    with pytest.raises(ClientRequestException) as raised:
        client.show_background_task_progress(
            ShowBackgroundTaskProgressRequest(instance_id=example.instance_id, task_id=FAILED)
        )
    assert raised.value.status_code == 404
