"""Shared test helpers: signing with the SDK's signer, what the progress handler answers, and the spec as an
independent oracle."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import yaml
from dcs_tasks.lib import signing
from openapi_schema_validator import OAS30Validator

from contract_tests.emulator import Credential, Scenario, TaskRef
from contract_tests.emulator.models import Backend
from contract_tests.emulator.responses import SHOW, Responder
from contract_tests.spec.document import SPEC_PATH

UNDOCUMENTED_ERRORS = {405, 429, 503}
OPERATION_PATH = "/v2/{project_id}/instances/{instance_id}/tasks/{task_id}/progress"


def progress_path(task: TaskRef) -> str:
    return OPERATION_PATH.format(**task._asdict())


def shown_progress(backend: Backend, *ids: str) -> Any:
    """The body ShowBackgroundTaskProgress answers for the task ``ids`` name, now (by the backend's clock).

    Raises the handler's ``RejectedError`` where the service answers an error instead.
    """
    parameters = dict(zip(TaskRef._fields, ids, strict=True))
    return json.loads(Responder(backend).show_background_task_progress(parameters, {}))


def signed_headers(
    credential: Credential,
    raw_path: str,
    *,
    host: str = "testserver",
    method: str = "GET",
    when: datetime | None = None,
    extra: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """Headers of a request signed with the SDK's own canonicalisation (``raw_path`` as sent)."""
    path, _, query = raw_path.partition("?")
    headers = {
        "Content-Type": "application/json",
        "Host": host,
        "X-Sdk-Date": (when or datetime.now(UTC)).strftime(signing.DATE_FORMAT),
        **(extra or {}),
    }
    keys = {"access_key": credential.access_key, "secret_key": credential.secret_key}
    headers["Authorization"] = signing.sign(
        **keys, method=method, raw_path=path, raw_query=query, headers=headers, body=b""
    )
    return headers


def minutes_ago(minutes: float) -> datetime:
    return datetime.now(UTC) - timedelta(minutes=minutes)


class SpecOracle:
    """Checks responses against openapi/dcs.yaml with jsonschema (the emulator validates nothing of its output)."""

    def __init__(self) -> None:
        with SPEC_PATH.open(encoding="utf-8") as handle:
            self.spec: dict[str, Any] = yaml.safe_load(handle)
        self.operation = self.spec["paths"][OPERATION_PATH]["get"]

    def schema_for(self, status: int) -> dict[str, Any]:
        response = self.operation["responses"][str(status)]
        if "$ref" in response:
            response = self.spec["components"]["responses"][response["$ref"].rsplit("/", 1)[1]]
        return {"components": self.spec["components"], "allOf": [response["content"]["application/json"]["schema"]]}

    def check(self, response: httpx.Response) -> Any:
        """Assert the response is one the spec documents; returns its decoded body."""
        assert response.headers.get("content-type") == "application/json", response.headers
        assert len(response.headers.get("x-request-id", "")) == 32, response.headers
        body = response.json()
        if response.status_code in UNDOCUMENTED_ERRORS:
            # Not in the operation's responses (405 for other methods, 429/503 only when faults are
            # injected): they must still carry the documented Error body.
            status_schema = self.schema_for(404)
            if response.status_code == 405:
                assert response.headers["allow"] == "GET"
        else:
            assert str(response.status_code) in self.operation["responses"], response.status_code
            status_schema = self.schema_for(response.status_code)
        errors = sorted(str(e.message) for e in OAS30Validator(status_schema).iter_errors(body))
        assert not errors, (response.status_code, body, errors)
        if response.status_code != 200:
            assert body.get("request_id", response.headers["x-request-id"]) == response.headers["x-request-id"]
            assert ("request_id" in body) == body["error_code"].startswith("APIG."), body
            if "request_id" not in body:
                assert body["error_ext_msg"] is None
        return body


def failing_progress(scenario: Scenario) -> list[TaskRef]:
    """The tasks whose progress query fails inside the service (500): their own or their instance's
    ``internal_error`` names it."""
    return [task for task, operations in scenario.internal_errors() if SHOW in operations]


def spend_progress_throttles(client: httpx.Client, scenario: Scenario, host: str) -> None:
    """Send the one progress query each instance's ``throttled_once`` throttles (429, then never again), so a test
    that reads every task sees each answer the clock gives; asserts the 429 on the way."""
    for instance, operations in scenario.throttling_instances():
        if SHOW not in operations:
            continue
        task = next(task for task in scenario.known_tasks() if task[:2] == tuple(instance))
        path = progress_path(task)
        response = client.get(path, headers=signed_headers(scenario.demo, path, host=host))
        assert (response.status_code, response.headers["retry-after"]) == (429, "0"), response.text
