"""The auth matrix over loopback: signatures (SDK signer and the official SDK), tokens, projects, precedence."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import attrs
import pytest
from huaweicloudsdkcore.auth.credentials import BasicCredentials
from huaweicloudsdkcore.exceptions.exceptions import ClientRequestException
from huaweicloudsdkcore.http.http_config import HttpConfig
from huaweicloudsdkdcs.v2 import DcsClient, ShowBackgroundTaskProgressRequest

from contract_tests.emulator import Scenario, TaskRef
from contract_tests.emulator.auth import AuthenticationError, Authenticator
from tests.emulator.conftest import Running
from tests.emulator.helpers import SpecOracle, minutes_ago, progress_path, signed_headers

PROJECT, INSTANCE, TASK = (
    "a4d31cb6-3d72-4fdc-8ec9-6e3a41e47f71",
    "5560df16-cebf-4473-95c4-d1b573c16e79",
    "8abf6e1e72c12e7c0172c15b508500aa",
)
OTHER_PROJECT, UNKNOWN = "0b6f2c9e1d3a4f5e8c7b9a0d1e2f3a4b", "00000000000000000000000000000000"
OTHER_PROJECT_TASK = TaskRef(
    "0b6f2c9e1d3a4f5e8c7b9a0d1e2f3a4b", "7b1e4c2a-9d3f-4e8b-a6c5-0f1e2d3c4b5a", "6f1a3c5e7b9d4f0a2c4e6a8b0d2f4a6c"
)


def official_client(running: Running, access_key: str, secret_key: str, project_id: str) -> DcsClient:
    config = HttpConfig.get_default_config()
    config.timeout = (5, 10)
    return (
        DcsClient.new_builder()
        .with_http_config(config)
        .with_credentials(BasicCredentials(access_key, secret_key, project_id))
        .with_endpoints([running.base_url])
        .build()
    )


def test_official_sdk_gets_a_parsed_200_for_the_example_task(
    served: Running, scenario: Scenario, example: TaskRef
) -> None:
    demo = scenario.demo
    client = official_client(served, demo.access_key, demo.secret_key, example.project_id)
    response = client.show_background_task_progress(
        ShowBackgroundTaskProgressRequest(instance_id=example.instance_id, task_id=example.task_id)
    )
    assert response.progress == 30
    assert response.step_details[0].step_name == "前置检查"
    assert response.step_details[1].sub_step_details[0].sub_step_status == "EXECUTING"
    assert response.status_code == 200
    assert response.raw_content.startswith(b'{"progress":30,')


def test_official_sdk_with_a_wrong_secret_gets_the_gateway_401(
    served: Running, scenario: Scenario, example: TaskRef
) -> None:
    client = official_client(served, scenario.demo.access_key, "not-the-secret", example.project_id)
    with pytest.raises(ClientRequestException) as raised:
        client.show_background_task_progress(
            ShowBackgroundTaskProgressRequest(instance_id=example.instance_id, task_id=example.task_id)
        )
    assert (raised.value.status_code, raised.value.error_code) == (401, "APIG.0301")


def test_official_sdk_on_a_project_the_credentials_may_not_access_gets_403(served: Running, scenario: Scenario) -> None:
    client = official_client(served, scenario.demo.access_key, scenario.demo.secret_key, OTHER_PROJECT_TASK.project_id)
    with pytest.raises(ClientRequestException) as raised:
        client.show_background_task_progress(
            ShowBackgroundTaskProgressRequest(
                instance_id=OTHER_PROJECT_TASK.instance_id, task_id=OTHER_PROJECT_TASK.task_id
            )
        )
    assert (raised.value.status_code, raised.value.error_code) == (403, "DCS.2003")


def get(running: Running, path: str, headers: dict[str, str], oracle: SpecOracle) -> tuple[int, dict[str, object]]:
    response = running.client.get(path, headers=headers)
    return response.status_code, oracle.check(response)


def test_sdk_signer_signature_is_accepted(
    served: Running, scenario: Scenario, example: TaskRef, oracle: SpecOracle
) -> None:
    path = progress_path(example)
    status, body = get(served, path, signed_headers(scenario.demo, path, host=served.host), oracle)
    assert (status, body["progress"]) == (200, 30)


@pytest.mark.parametrize(
    ("case", "expected_reason"),
    [
        ("no auth", "x-auth-token not found"),
        ("wrong secret", "verify aksk signature fail"),
        ("unknown access key", "access key not found"),
        ("16 minutes old", "request expired"),
        ("16 minutes ahead", "request expired"),
        ("date not signed", "x-sdk-date must be sent and signed"),
        ("date garbled", "x-sdk-date is not"),
        ("header changed after signing", "verify aksk signature fail"),
        ("path changed after signing", "verify aksk signature fail"),
        ("query added after signing", "verify aksk signature fail"),
        ("unknown token", "invalid token"),
    ],
)
def test_bad_credentials_get_the_gateway_401(
    served: Running, scenario: Scenario, example: TaskRef, oracle: SpecOracle, *, case: str, expected_reason: str
) -> None:
    demo, path, host = scenario.demo, progress_path(example), served.host
    headers: dict[str, str] = {}
    request_path = path
    if case == "wrong secret":
        headers = signed_headers(attrs.evolve(demo, secret_key="wrong"), path, host=host)
    elif case == "unknown access key":
        headers = signed_headers(attrs.evolve(demo, access_key="UNKNOWNAK"), path, host=host)
    elif case == "16 minutes old":
        headers = signed_headers(demo, path, host=host, when=minutes_ago(16))
    elif case == "16 minutes ahead":
        headers = signed_headers(demo, path, host=host, when=minutes_ago(-16))
    elif case == "date not signed":
        headers = signed_headers(demo, path, host=host)
        headers["Authorization"] = headers["Authorization"].replace("x-sdk-date", "x-other")
    elif case == "date garbled":
        headers = signed_headers(demo, path, host=host, extra={"X-Sdk-Date": "yesterday"})
    elif case == "header changed after signing":
        headers = signed_headers(demo, path, host=host)
        headers["Content-Type"] = "text/plain"
    elif case == "path changed after signing":
        headers = signed_headers(demo, path, host=host)
        request_path = path.replace("8abf6e1e", "8abf6e1f")
    elif case == "query added after signing":
        headers = signed_headers(demo, path, host=host)
        request_path = path + "?limit=1"
    elif case == "unknown token":
        headers = {"X-Auth-Token": demo.token + "x"}  # type: ignore[operator]
    status, body = get(served, request_path, headers, oracle)
    assert (status, body["error_code"]) == (401, "APIG.0301")
    assert expected_reason in str(body["error_msg"])


def test_signatures_within_the_window_and_with_a_query_are_accepted(
    served: Running, scenario: Scenario, example: TaskRef, oracle: SpecOracle
) -> None:
    path = progress_path(example)
    for when in (minutes_ago(14), minutes_ago(-14)):
        assert get(served, path, signed_headers(scenario.demo, path, host=served.host, when=when), oracle)[0] == 200
    with_query = path + "?b=2&a=%E4%B8%AD&a=1"
    headers = signed_headers(scenario.demo, with_query, host=served.host, extra={"X-Project-Id": example.project_id})
    assert get(served, with_query, headers, oracle)[0] == 200


def test_tokens_are_bound_to_their_projects(
    served: Running, scenario: Scenario, example: TaskRef, oracle: SpecOracle
) -> None:
    demo_token = {"X-Auth-Token": str(scenario.demo.token)}
    ops_token = {"X-Auth-Token": str(scenario.credentials[1].token)}
    assert get(served, progress_path(example), demo_token, oracle)[0] == 200
    assert get(served, progress_path(OTHER_PROJECT_TASK), demo_token, oracle) == (
        403,
        {
            "error_msg": "The role does not have the permission to perform this operation.",
            "error_code": "DCS.2003",
            "error_ext_msg": None,
        },
    )
    assert get(served, progress_path(OTHER_PROJECT_TASK), ops_token, oracle)[0] == 200


@pytest.mark.parametrize(
    ("ids", "authenticated", "expected"),
    [
        # The gateway authenticates before DCS looks at the IDs.
        (
            ("not-an-id", INSTANCE, TASK),
            False,
            (401, "APIG.0301"),
        ),
        (
            (PROJECT, "bad", TASK),
            False,
            (401, "APIG.0301"),
        ),
        # Then malformed IDs, one code per parameter, checked in path order.
        (
            ("not-an-id", INSTANCE, TASK),
            True,
            (400, "DCS.4002"),
        ),
        ((PROJECT, "bad", TASK), True, (400, "DCS.4061")),
        (
            (PROJECT, INSTANCE, "zz"),
            True,
            (400, "DCS.4070"),
        ),
        ((PROJECT, "bad", "zz"), True, (400, "DCS.4061")),
        # Then the project permission, then existence.
        ((OTHER_PROJECT, "bad", "zz"), True, (400, "DCS.4061")),
        ((OTHER_PROJECT, UNKNOWN, "ab" * 16), True, (403, "DCS.2003")),
        (
            (
                PROJECT,
                UNKNOWN,
                TASK,
            ),
            True,
            (404, "DCS.3022"),
        ),
        (
            (
                PROJECT,
                INSTANCE,
                UNKNOWN,
            ),
            True,
            (404, "DCS.4001"),
        ),
    ],
)
def test_precedence_of_checks(
    served: Running,
    scenario: Scenario,
    oracle: SpecOracle,
    *,
    ids: tuple[str, str, str],
    authenticated: bool,
    expected: tuple[int, str],
) -> None:
    path = progress_path(TaskRef(*ids))
    headers = signed_headers(scenario.demo, path, host=served.host) if authenticated else {}
    status, body = get(served, path, headers, oracle)
    assert (status, body["error_code"]) == expected


def test_authenticator_without_http(scenario: Scenario) -> None:
    now = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
    authenticator = Authenticator(scenario.credentials, wall_time=now.timestamp)
    path = "/v2/p/instances/i/tasks/t/progress"
    headers = signed_headers(scenario.demo, path, host="h", when=now + timedelta(minutes=15))
    lowered = {name.lower(): value for name, value in headers.items()}
    credential = authenticator.authenticate(method="GET", raw_path=path, raw_query="", headers=lowered, body=b"")
    assert credential == scenario.demo
    with pytest.raises(AuthenticationError, match="verify aksk signature fail"):
        authenticator.authenticate(method="POST", raw_path=path, raw_query="", headers=lowered, body=b"")
    with pytest.raises(AuthenticationError, match="verify aksk signature fail"):
        authenticator.authenticate(method="GET", raw_path=path, raw_query="", headers=lowered, body=b"{}")
    late = Authenticator(scenario.credentials, wall_time=lambda: now.timestamp() - 15 * 60 - 1)
    with pytest.raises(AuthenticationError, match="request expired"):
        late.authenticate(method="GET", raw_path=path, raw_query="", headers=lowered, body=b"")
