"""Proves the Python client that openapi-generator makes from the bundle works.

Run by ``clients.py`` in a subprocess whose ``PYTHONPATH`` holds that client (package ``dcs_oag``),
with the same input file as the TypeScript probe: the 200 example and, when an emulator runs, its
base URL, a demo token and the IDs of a task it serves.
"""

from __future__ import annotations

import copy
import importlib
import json
import sys
from pathlib import Path
from typing import Any, Protocol


class Probe:
    def __init__(self) -> None:
        self.passed = 0
        self.failures: list[str] = []

    def expect(self, condition: bool, what: str) -> None:
        if condition:
            self.passed += 1
        else:
            self.failures.append(what)


class JsonModel(Protocol):
    def to_json(self) -> str: ...


def as_json(model: JsonModel) -> object:
    """The model as plain JSON (enum members become their values)."""
    return json.loads(model.to_json())


def status_value(step_status: object) -> object:
    """The value of step_status: an enum member's value, or the string itself."""
    return getattr(step_status, "value", step_status)


def probe_models(probe: Probe, examples: dict[str, Any]) -> None:
    models = importlib.import_module("dcs_oag.models")
    response_model = models.ShowBackgroundTaskProgressResponse
    example = examples["dataMigration"]

    parsed = response_model.from_dict(example)
    probe.expect(parsed.progress == 30 and parsed.remain_time == 100, "python: the example's progress and remain_time")
    status = status_value(parsed.step_details[0].step_status)
    probe.expect(status == "FINISH", f"python: a documented step_status is 'FINISH', got {status!r}")
    begin = parsed.step_details[0].begin_time
    probe.expect(begin == "2022-09-01 11:52:24", f"python: a space-separated timestamp is kept as sent, got {begin!r}")
    probe.expect(as_json(parsed) == example, "python: the example round-trips through from_dict/to_json")
    finished = response_model.from_dict(examples["finished"]).step_details[0].begin_time
    probe.expect(finished == "2020-06-17T07:38:42.503Z", f"python: an ISO 8601 timestamp is kept, got {finished!r}")

    unknown = copy.deepcopy(example)
    for step in unknown["step_details"]:
        step["step_status"] = "PAUSED"
    try:
        parsed_unknown = response_model.from_dict(unknown)
    except Exception as error:  # whatever the client raises is the finding
        probe.expect(
            False, f"python: a body with step_status 'PAUSED' crashed the client: {type(error).__name__}: {error}"
        )
        return
    kept = status_value(parsed_unknown.step_details[0].step_status)
    probe.expect(kept == "PAUSED", f"python: an unknown step_status is kept as the string 'PAUSED', got {kept!r}")
    probe.expect(as_json(parsed_unknown) == unknown, "python: a body with an unknown step_status round-trips")


def probe_emulator(probe: Probe, emulator: dict[str, str]) -> None:
    client_module = importlib.import_module("dcs_oag")
    exceptions = importlib.import_module("dcs_oag.exceptions")
    configuration = client_module.Configuration(host=emulator["baseUrl"], api_key={"IamToken": emulator["token"]})
    with client_module.ApiClient(configuration) as api_client:
        api = client_module.BackgroundTasksApi(api_client)
        ids = (emulator["projectId"], emulator["instanceId"])
        tasks = (
            (emulator["instanceId"], emulator["taskId"], " "),  # the vendor's example: space-separated times
            (emulator["isoInstanceId"], emulator["isoTaskId"], "T"),  # the documented ISO 8601 times
        )
        for instance_id, task_id, form in tasks:
            answer = api.show_background_task_progress_with_http_info(emulator["projectId"], instance_id, task_id)
            parsed, raw = answer.data, json.loads(answer.raw_data)  # the oracle: the same body, read by json
            probe.expect(answer.status_code == 200, f"python emulator: status 200, got {answer.status_code}")
            probe.expect(bool(parsed.step_details), "python emulator: the task has steps")
            probe.expect(as_json(parsed) == raw, "python emulator: the parsed task equals the raw JSON body")
            begin = parsed.step_details[0].begin_time or ""
            probe.expect(begin[10:11] == form, f"python emulator: timestamp form {form!r} in {begin!r}")
        try:
            api.show_background_task_progress(*ids, emulator["missingTaskId"])
            probe.expect(False, "python emulator: an unknown task must raise NotFoundException")
        except exceptions.NotFoundException as error:
            body = json.loads(error.body)
            probe.expect(error.status == 404 and "error_code" in body, "python emulator: 404 carries the error body")


def main() -> int:
    given = json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))
    probe = Probe()
    probe_models(probe, given["examples"])
    if "emulator" in given:
        probe_emulator(probe, given["emulator"])
    for failure in probe.failures:
        print(f"FAILED {failure}", file=sys.stderr)
    suffix = " (emulator included)" if "emulator" in given else ""
    print(f"Python client (openapi-generator): {probe.passed} checks passed{suffix}")
    return 1 if probe.failures else 0


if __name__ == "__main__":
    sys.exit(main())
