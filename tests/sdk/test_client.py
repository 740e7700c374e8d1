"""DcsClient / AsyncDcsClient against httpx.MockTransport: success, typed errors, retries, signing."""

from __future__ import annotations

import asyncio

import httpx
import pytest
from dcs_tasks import (
    APIConnectionError,
    APIResponseValidationError,
    APIStatusError,
    APITimeoutError,
    AsyncDcsClient,
    AuthenticationError,
    BadRequestError,
    Client,
    Credentials,
    CredentialsError,
    DcsClient,
    DcsError,
    InternalServerError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    RetryPolicy,
    ShowBackgroundTaskProgressResponse,
    StepStatus,
    TokenCredentials,
    __version__,
)
from dcs_tasks.api.background_tasks import show_background_task_progress

from .conftest import INSTANCE, TASK, Handler, example_200
from .official import official_authorization_of

CREDENTIALS = Credentials("AKEXAMPLE", "SKEXAMPLE", project_id="a4d31cb63d724fdc8ec96e3a41e47f71")
NO_SLEEP = RetryPolicy(initial_delay=0, max_retries=2)


def client_for(handler: Handler, **options: object) -> DcsClient:
    settings: dict[str, object] = {"credentials": CREDENTIALS, "retry_policy": NO_SLEEP, **options}
    return DcsClient(transport=httpx.MockTransport(handler), **settings)  # type: ignore[arg-type]


def answer(
    status: int, body: object = None, *, text: str | None = None, headers: dict[str, str] | None = None
) -> Handler:
    def handle(_request: httpx.Request) -> httpx.Response:
        if text is not None:
            return httpx.Response(status, text=text, headers=headers)
        return httpx.Response(status, json=body, headers=headers)

    return handle


def test_example_response_is_parsed_and_the_request_is_signed_as_sent() -> None:
    sent: list[httpx.Request] = []

    def handle(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(200, json=example_200(), headers={"X-Request-Id": "r1"})

    with client_for(handle) as client:
        progress = client.show_background_task_progress(INSTANCE, TASK)
    assert isinstance(progress, ShowBackgroundTaskProgressResponse)
    assert progress.progress == 30
    assert isinstance(progress.step_details, list)
    assert progress.step_details[1].step_status is StepStatus.EXECUTING
    request = sent[0]
    assert request.url.path == f"/v2/{CREDENTIALS.project_id}/instances/{INSTANCE}/tasks/{TASK}/progress"
    assert request.headers["User-Agent"] == f"dcs-tasks-python/{__version__}"
    assert request.headers["X-Project-Id"] == CREDENTIALS.project_id
    # The official signer, fed the request exactly as it went out, agrees with the signature.
    assert request.headers["Authorization"] == official_authorization_of(request, "AKEXAMPLE", "SKEXAMPLE")


def test_explicit_project_and_endpoint_and_token_credentials() -> None:
    sent: list[httpx.Request] = []

    def handle(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(200, json={"progress": 100})

    client = client_for(handle, endpoint="http://127.0.0.1:9/", credentials=TokenCredentials("tok"))
    assert client.show_background_task_progress(INSTANCE, TASK, project_id="p2").progress == 100
    assert str(sent[0].url) == f"http://127.0.0.1:9/v2/p2/instances/{INSTANCE}/tasks/{TASK}/progress"
    assert sent[0].headers["X-Auth-Token"] == "tok"
    assert "Authorization" not in sent[0].headers
    with pytest.raises(CredentialsError, match="project"):
        client.show_background_task_progress(INSTANCE, TASK)
    with pytest.raises(ValueError, match="not both"):
        DcsClient(region="cn-north-4", endpoint="https://x", credentials=CREDENTIALS)


def test_the_generated_client_underneath_is_ready() -> None:
    seen: list[httpx.Request] = []

    def handle(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"progress": 1})

    client = client_for(handle)
    assert isinstance(client.api_client, Client)
    assert client.api_client.get_httpx_client() is client.http
    raw = show_background_task_progress.sync_detailed("p", INSTANCE, TASK, client=client.api_client)
    assert raw.parsed is not None
    assert seen[0].url.host == "dcs.cn-north-4.myhuaweicloud.com"
    assert seen[0].headers["Authorization"].startswith("SDK-HMAC-SHA256"), "the raw functions are signed"


@pytest.mark.parametrize(
    ("status", "kind"),
    [
        (400, BadRequestError),
        (401, AuthenticationError),
        (403, PermissionDeniedError),
        (404, NotFoundError),
        (429, RateLimitError),
        (500, InternalServerError),
        (520, InternalServerError),
        (418, APIStatusError),
    ],
)
def test_error_statuses_raise_typed_errors_with_code_message_and_request_id(
    status: int, kind: type[APIStatusError]
) -> None:
    body = {"error_msg": "The instance does not exist.", "error_code": "DCS.3022", "error_ext_msg": None}
    client = client_for(
        answer(status, body, headers={"X-Request-Id": "req-1"}), retry_policy=RetryPolicy(max_retries=0)
    )
    with pytest.raises(kind) as caught:
        client.show_background_task_progress(INSTANCE, TASK)
    error = caught.value
    assert type(error) is kind
    assert (error.status_code, error.error_code, error.error_msg, error.request_id) == (
        status,
        "DCS.3022",
        "The instance does not exist.",
        "req-1",
    )
    assert error.body == body
    assert "DCS.3022" in str(error)
    assert "req-1" in str(error)


def test_gateway_error_with_request_id_in_the_body() -> None:
    body = {"error_msg": "Incorrect IAM authentication information", "error_code": "APIG.0301", "request_id": "g1"}
    with pytest.raises(AuthenticationError) as caught:
        client_for(answer(401, body)).show_background_task_progress(INSTANCE, TASK)
    assert (caught.value.error_code, caught.value.request_id) == ("APIG.0301", "g1")


@pytest.mark.parametrize(
    "response",
    [
        answer(502, text="<html>Bad Gateway</html>"),
        answer(520, text=""),
        answer(404, ["not", "an", "object"]),
        answer(400, {"error_code": 7, "error_msg": None}),
        answer(403, {"error": {"code": "X.1", "message": "nested"}}),
    ],
)
def test_undocumented_error_bodies_still_give_a_typed_error(response: Handler) -> None:
    with pytest.raises(APIStatusError) as caught:
        client_for(response, retry_policy=RetryPolicy(max_retries=0)).show_background_task_progress(INSTANCE, TASK)
    assert str(caught.value).startswith(f"HTTP {caught.value.status_code}")


def test_nested_error_shape_is_understood() -> None:
    with pytest.raises(PermissionDeniedError) as caught:
        client_for(answer(403, {"error": {"code": "X.1", "message": "nested"}})).show_background_task_progress(
            INSTANCE, TASK
        )
    assert (caught.value.error_code, caught.value.error_msg) == ("X.1", "nested")


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        ({"progress": "30"}, "progress: expected an integer, got str '30'"),
        ({"progress": True}, "progress: expected an integer"),
        ({"step_details": {}}, "step_details: expected an array"),
        ({"step_details": [{"step_status": 5}]}, "step_details[0].step_status: expected a string"),
        (
            {"step_details": [{}, {"sub_step_details": [{"begin_time": "yesterday"}]}]},
            "step_details[1].sub_step_details[0].begin_time",
        ),
        ({"step_details": ["x"]}, "step_details[0]: expected a JSON object"),
    ],
)
def test_success_body_off_the_schema_is_a_validation_error(body: object, fragment: str) -> None:
    with pytest.raises(APIResponseValidationError) as caught:
        client_for(answer(200, body)).show_background_task_progress(INSTANCE, TASK)
    assert fragment in str(caught.value)
    assert caught.value.body == body


@pytest.mark.parametrize("text", ["<html>", "", "[1, 2]", "null", "\xff"])
def test_success_body_not_a_json_object_is_a_validation_error(text: str) -> None:
    with pytest.raises(APIResponseValidationError):
        client_for(answer(200, text=text)).show_background_task_progress(INSTANCE, TASK)


def test_retries_then_typed_error_and_connection_errors() -> None:
    calls: list[int] = []

    def flaky(_request: httpx.Request) -> httpx.Response:
        calls.append(1)
        if len(calls) < 3:
            return httpx.Response(503, json={"error_code": "DCS.5000", "error_msg": "busy"})
        return httpx.Response(200, json={"progress": 5})

    assert client_for(flaky).show_background_task_progress(INSTANCE, TASK).progress == 5
    assert len(calls) == 3

    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    with pytest.raises(APIConnectionError) as caught:
        client_for(refuse).show_background_task_progress(INSTANCE, TASK)
    assert not isinstance(caught.value, APITimeoutError)
    assert caught.value.request is not None

    def slow(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("slow", request=request)

    with pytest.raises(APITimeoutError):
        client_for(slow).show_background_task_progress(INSTANCE, TASK)


def test_async_client_parses_retries_and_raises_typed_errors() -> None:
    statuses = iter([500, 200, 404])
    sent: list[httpx.Request] = []

    def handle(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        status = next(statuses)
        body = example_200() if status == 200 else {"error_code": "DCS.3022", "error_msg": "gone"}
        return httpx.Response(status, json=body)

    async def run() -> None:
        async with AsyncDcsClient(
            credentials=CREDENTIALS,
            retry_policy=RetryPolicy(max_retries=1, initial_delay=0),
            transport=httpx.MockTransport(handle),
        ) as client:
            assert client.api_client.get_async_httpx_client() is client.http
            progress = await client.show_background_task_progress(INSTANCE, TASK)
            assert progress.remain_time == 100
            with pytest.raises(NotFoundError):
                await client.show_background_task_progress(INSTANCE, TASK)

    asyncio.run(run())
    assert len(sent) == 3
    assert all(request.headers["Authorization"].startswith("SDK-HMAC-SHA256 Access=AKEXAMPLE") for request in sent)


def test_every_error_is_a_dcs_error() -> None:
    for kind in (APIConnectionError, APITimeoutError, APIStatusError, APIResponseValidationError, CredentialsError):
        assert issubclass(kind, DcsError)


def test_default_timeouts() -> None:
    client = client_for(answer(200, {}))
    assert (client.timeout.connect, client.timeout.read) == (10.0, 60.0)
    assert client.http.timeout == client.timeout


def test_the_network_client_is_made_on_first_use_only() -> None:
    client = DcsClient(credentials=CREDENTIALS, verify_ssl=False)
    assert client._http is None
    assert isinstance(client.http, httpx.Client)
    assert client.http is client.http
    client.close()
