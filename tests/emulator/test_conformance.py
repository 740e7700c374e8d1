"""Every response the emulator can produce, checked against the spec by an independent validator."""

from __future__ import annotations

from urllib.parse import quote

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from contract_tests.emulator import Scenario, TaskRef, emulator_of
from tests.emulator.conftest import Running
from tests.emulator.helpers import (
    SpecOracle,
    failing_progress,
    progress_path,
    signed_headers,
    spend_progress_throttles,
)


def checkpoints(running: Running, task: TaskRef) -> list[float]:
    """Seconds from the clock origin at which ``task`` changes state, with one second either side."""
    plan = emulator_of(running.app).backend.task(*task)
    marks = [plan.start]
    for span in plan.spans:
        marks += [plan.start + span.begin, plan.start + span.end]
    return sorted({mark + delta for mark in marks for delta in (-1.0, 0.0, 0.5, 1.0)} | {marks[-1] + 86_400})


def test_every_task_across_its_whole_lifecycle_matches_the_spec(
    served: Running, scenario: Scenario, oracle: SpecOracle
) -> None:
    seen_statuses: set[str] = set()
    time_shapes: set[str] = set()
    faulty = failing_progress(scenario)
    spend_progress_throttles(served.client, scenario, served.host)
    for task in scenario.known_tasks():
        credential = scenario.credential_for(task.project_id)
        if task in faulty:
            continue  # answers 500 at every instant: test_a_task_whose_backend_fails_answers_the_documented_500
        path = progress_path(task)
        previous = -1
        for offset in checkpoints(served, task):
            served.clock.set(served.clock.origin)
            served.clock.advance(offset)
            response = served.client.get(path, headers=signed_headers(credential, path, host=served.host))
            assert response.status_code == 200
            body = oracle.check(response)
            assert body["progress"] >= previous
            previous = body["progress"]
            for step in body["step_details"]:
                seen_statuses.add(step["step_status"])
                seen_statuses.update(sub["sub_step_status"] for sub in step["sub_step_details"])
                if "begin_time" in step:
                    time_shapes.add("T" if "T" in step["begin_time"] else " ")
        assert previous in {100, 20}  # finished, or frozen where the failing task failed
    assert seen_statuses == {"WAITING", "EXECUTING", "FINISH", "FAILED"}
    assert time_shapes == {"T", " "}


def test_every_error_status_matches_the_spec(served: Running, scenario: Scenario, oracle: SpecOracle) -> None:
    example = scenario.known_tasks()[0]
    path = progress_path(example)
    demo = scenario.demo
    cases = {
        400: (path.replace(example.task_id, "x"), True),
        401: (path, False),
        403: (progress_path(scenario.known_tasks()[-1]), True),
        404: (path.replace(example.task_id, "0" * 32), True),
    }
    for status, (request_path, signed) in cases.items():
        headers = signed_headers(demo, request_path, host=served.host) if signed else {}
        response = served.client.get(request_path, headers=headers)
        assert response.status_code == status
        oracle.check(response)
    for method in ("POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "TRACE"):
        response = served.client.request(method, path)
        assert (response.status_code, response.headers["allow"]) == (405, "GET")
        if method != "HEAD":
            assert oracle.check(response)["error_code"] == "DCS.5001"
    for unknown in ("/", "/v2", "/v2/x/instances", path + "/", path + "/extra", "/v3" + path[3:]):
        response = served.client.get(unknown)
        assert response.status_code == 404
        assert oracle.check(response)["error_code"] == "DCS.4001"


def test_a_task_whose_backend_fails_answers_the_documented_500(
    served: Running, scenario: Scenario, oracle: SpecOracle
) -> None:
    (task,) = failing_progress(scenario)
    assert scenario.demo.may_access(task.project_id)  # the demo credentials (the suite's) reach it
    path = progress_path(task)
    for offset in checkpoints(served, task):  # at any point of its plan
        served.clock.set(served.clock.origin)
        served.clock.advance(offset)
        response = served.client.get(path, headers=signed_headers(scenario.demo, path, host=served.host))
        assert response.status_code == 500
        assert oracle.check(response) == {
            "error_code": "DCS.5000",
            "error_msg": "Internal service error.",
            "error_ext_msg": None,
        }
    # Authentication and ID checks come first, as for any other task.
    assert served.client.get(path).status_code == 401
    assert served.client.get(path, headers={"X-Auth-Token": "not-a-token"}).status_code == 401
    bad_id = path.replace(task.task_id, "not-a-task-id")
    response = served.client.get(bad_id, headers=signed_headers(scenario.demo, bad_id, host=served.host))
    assert (response.status_code, oracle.check(response)["error_code"]) == (400, "DCS.4070")


def test_a_bug_in_a_handler_still_answers_the_documented_500(
    served: Running, scenario: Scenario, oracle: SpecOracle
) -> None:
    emulator = emulator_of(served.app)
    responder = emulator.responder
    backend = responder.backend
    responder.backend = None  # type: ignore[assignment]  # the handler will now fail
    try:
        path = progress_path(scenario.known_tasks()[0])
        response = served.client.get(path, headers=signed_headers(scenario.demo, path, host=served.host))
    finally:
        responder.backend = backend
    assert response.status_code == 500
    assert oracle.check(response)["error_code"] == "DCS.5000"


segment = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), min_size=0, max_size=40
) | st.sampled_from(["a4d31cb6-3d72-4fdc-8ec9-6e3a41e47f71", "5560df16cebf447395c4d1b573c16e79", "0" * 32])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(project_id=segment, instance_id=segment, task_id=segment, use_token=st.booleans())
def test_any_ids_get_a_documented_answer(
    served: Running,
    scenario: Scenario,
    oracle: SpecOracle,
    *,
    project_id: str,
    instance_id: str,
    task_id: str,
    use_token: bool,
) -> None:
    path = "/v2/{}/instances/{}/tasks/{}/progress".format(
        *(httpx_quote(value) for value in (project_id, instance_id, task_id))
    )
    headers = (
        {"X-Auth-Token": str(scenario.demo.token)}
        if use_token
        else signed_headers(scenario.demo, path, host=served.host)
    )
    response = served.client.get(path, headers=headers)
    assert response.status_code in {200, 400, 403, 404}, response.text
    oracle.check(response)


def httpx_quote(value: str) -> str:
    return quote(value, safe="")
