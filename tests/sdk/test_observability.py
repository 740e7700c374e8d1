"""What a caller can see and control per call: logs (never a secret), reprs, raw responses,
``extra_headers=``/``timeout=``, and arguments checked before anything is sent."""

from __future__ import annotations

import asyncio
import logging
import os
import subprocess
import sys

import httpx
import pytest
from dcs_tasks import (
    REGIONS,
    AsyncDcsClient,
    Credentials,
    DcsClient,
    NotFoundError,
    RawResponse,
    RetryPolicy,
    ShowBackgroundTaskProgressResponse,
    TokenCredentials,
)

from .conftest import example_200

SECRET_KEY, SECURITY_TOKEN, TOKEN = "sk-VERY-SECRET-1234", "st-TEMPORARY-5678", "iam-TOKEN-9012"
CREDENTIALS = Credentials("AKIDEXAMPLE42", SECRET_KEY, security_token=SECURITY_TOKEN, project_id="p1")
INSTANCE, TASK = "i-1", "t-1"


def recording(*statuses: int) -> tuple[list[httpx.Request], httpx.MockTransport]:
    seen: list[httpx.Request] = []
    queue = list(statuses)

    def handle(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        status = queue.pop(0) if queue else 200
        body = example_200() if status == 200 else {"error_code": "DCS.3022", "error_msg": "gone"}
        return httpx.Response(status, json=body, headers={"X-Request-Id": f"req-{len(seen)}"})

    return seen, httpx.MockTransport(handle)


def test_debug_logs_each_exchange_and_info_each_retry_without_any_secret(caplog: pytest.LogCaptureFixture) -> None:
    seen, transport = recording(503)
    caplog.set_level(logging.DEBUG, logger="dcs_tasks")
    no_wait = RetryPolicy(sleep=lambda _: None, rand=lambda: 0.5)
    with DcsClient(credentials=CREDENTIALS, transport=transport, retry_policy=no_wait) as client:
        client.show_background_task_progress(INSTANCE, TASK)
        shown = repr(client)
    path = f"/v2/p1/instances/{INSTANCE}/tasks/{TASK}/progress"
    lines = [(record.levelname, record.getMessage()) for record in caplog.records]
    assert ("DEBUG", f"request GET {path}") in lines
    assert any(level == "DEBUG" and text.startswith(f"response 503 GET {path} in ") for level, text in lines)
    assert any(text.endswith("(request id req-2)") for _, text in lines)
    assert ("INFO", f"retrying GET {path} after HTTP 503 (retry 1 of 2) in 0.25 s") in lines
    signatures = {request.headers["Authorization"].rsplit("Signature=", 1)[1] for request in seen}
    for secret in (SECRET_KEY, SECURITY_TOKEN, *signatures):
        assert secret not in caplog.text
        assert secret not in shown
        assert secret not in repr(CREDENTIALS)
    assert (
        shown == "DcsClient(endpoint='https://dcs.cn-north-4.myhuaweicloud.com', credentials=AK AKID…, project_id='p1')"
    )


def test_token_credentials_never_show_the_token(caplog: pytest.LogCaptureFixture) -> None:
    _, transport = recording()
    caplog.set_level(logging.DEBUG, logger="dcs_tasks")
    credentials = TokenCredentials(TOKEN, project_id="p1")
    with DcsClient(endpoint="http://dcs.test", credentials=credentials, transport=transport) as client:
        client.show_background_task_progress(INSTANCE, TASK)
        assert TOKEN not in repr(client)
    assert TOKEN not in caplog.text
    assert TOKEN not in repr(credentials)
    assert repr(client) == "DcsClient(endpoint='http://dcs.test', credentials=IAM token, project_id='p1')"


def test_dcs_log_debug_switches_logging_on() -> None:
    code = (
        "import httpx, dcs_tasks\n"
        "transport = httpx.MockTransport(lambda request: httpx.Response(200, json={'progress': 1}))\n"
        "credentials = dcs_tasks.Credentials('ak', 'sk', project_id='p')\n"
        "client = dcs_tasks.DcsClient(credentials=credentials, transport=transport)\n"
        "client.show_background_task_progress('i', 't')\n"
    )
    for value, expected in (("debug", True), ("", False)):
        environment = {**os.environ, "DCS_LOG": value}
        result = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, env=environment, check=True
        )
        assert ("dcs_tasks DEBUG] request GET /v2/p/instances/i/tasks/t/progress" in result.stderr) is expected


def test_with_raw_response_gives_status_headers_request_id_and_parse() -> None:
    _, transport = recording()
    with DcsClient(credentials=CREDENTIALS, transport=transport) as client:
        raw = client.with_raw_response.show_background_task_progress(INSTANCE, TASK)
    assert isinstance(raw, RawResponse)
    assert (raw.status_code, raw.request_id, raw.headers["content-type"]) == (200, "req-1", "application/json")
    parsed = raw.parse()
    assert isinstance(parsed, ShowBackgroundTaskProgressResponse)
    assert parsed.progress == 30


def test_async_raw_response_and_errors_stay_typed() -> None:
    _, transport = recording(404, 200)

    async def run() -> RawResponse[ShowBackgroundTaskProgressResponse]:
        async with AsyncDcsClient(credentials=CREDENTIALS, transport=transport) as client:
            with pytest.raises(NotFoundError):
                await client.with_raw_response.show_background_task_progress(INSTANCE, TASK)
            return await client.with_raw_response.show_background_task_progress(INSTANCE, TASK)

    raw = asyncio.run(run())
    assert raw.request_id == "req-2"
    assert raw.parse().remain_time == 100


def test_per_call_extra_headers_and_timeout() -> None:
    seen, transport = recording()
    with DcsClient(credentials=CREDENTIALS, transport=transport, headers={"X-Client": "a"}) as client:
        client.show_background_task_progress(INSTANCE, TASK, extra_headers={"X-Trace": "t-1"}, timeout=2.5)
        client.show_background_task_progress(INSTANCE, TASK)
    first, second = seen
    assert (first.headers["X-Trace"], first.headers["X-Client"]) == ("t-1", "a")
    assert first.extensions["timeout"] == httpx.Timeout(2.5).as_dict()
    assert "X-Trace" not in second.headers
    assert second.extensions["timeout"]["read"] == 60.0
    assert first.headers["Authorization"].startswith("SDK-HMAC-SHA256"), "extra headers are signed too"
    assert "x-trace" in first.headers["Authorization"]


def test_an_unknown_region_names_the_nearest_known_ones() -> None:
    assert len(REGIONS) == 34
    with pytest.raises(ValueError, match=r"unknown DCS region 'cn-nort-4'; did you mean 'cn-north-4'"):
        DcsClient(region="cn-nort-4", credentials=CREDENTIALS)
    with pytest.raises(ValueError, match="pass endpoint="):
        DcsClient(region="mars-1", credentials=CREDENTIALS)
    assert (
        DcsClient(region="eu-west-101", credentials=CREDENTIALS).base_url == "https://dcs.eu-west-101.myhuaweicloud.com"
    )
    assert DcsClient(endpoint="https://dcs.example.internal/", credentials=CREDENTIALS).base_url == (
        "https://dcs.example.internal"
    )


def test_the_environment_chooses_the_endpoint_when_the_code_does_not(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DCS_REGION", "ap-southeast-1")
    monkeypatch.delenv("DCS_ENDPOINT", raising=False)
    assert DcsClient(credentials=CREDENTIALS).base_url == "https://dcs.ap-southeast-1.myhuaweicloud.com"
    monkeypatch.setenv("DCS_ENDPOINT", "http://127.0.0.1:8080")
    assert DcsClient(credentials=CREDENTIALS).base_url == "http://127.0.0.1:8080"
    assert DcsClient(region="cn-north-4", credentials=CREDENTIALS).base_url.endswith("cn-north-4.myhuaweicloud.com")


@pytest.mark.parametrize(
    ("instance", "task", "project"), [("", TASK, None), (INSTANCE, "  ", None), (INSTANCE, TASK, " ")]
)
def test_empty_or_blank_ids_are_refused_before_sending(instance: str, task: str, project: str | None) -> None:
    seen, transport = recording()
    with (
        DcsClient(credentials=CREDENTIALS, transport=transport) as client,
        pytest.raises(ValueError, match="non-empty ID"),
    ):
        client.show_background_task_progress(instance, task, project_id=project)
    assert seen == []
