"""One configuration (``lib/config.py``): which variable wins, and what a missing setting's message says."""

from __future__ import annotations

from collections.abc import Mapping

import httpx
import pytest
from dcs_tasks import Credentials, CredentialsError, DcsClient, TokenCredentials
from dcs_tasks.lib.config import resolve
from dcs_tasks.lib.variables import CLI, SUITE

from .conftest import INSTANCE, TASK
from .official import official_authorization_of

NO_PROFILE = {"HUAWEICLOUD_SDK_CREDENTIALS_FILE": "/dev/null"}
VENDOR = {"HUAWEICLOUD_SDK_AK": "ak1", "HUAWEICLOUD_SDK_SK": "sk1"}
EXAMPLES = {"CLOUD_SDK_AK": "ak2", "CLOUD_SDK_SK": "sk2"}


def env(**values: str) -> Mapping[str, str]:
    return {**NO_PROFILE, **values}


@pytest.mark.parametrize(
    ("variables", "expected", "source"),
    [
        ({}, "https://dcs.cn-north-4.myhuaweicloud.com", "the default region cn-north-4"),
        ({"DCS_REGION": "ap-southeast-1"}, "https://dcs.ap-southeast-1.myhuaweicloud.com", "DCS_REGION"),
        (
            {"DCS_ENDPOINT": "http://127.0.0.1:8080/", "DCS_REGION": "ap-southeast-1"},
            "http://127.0.0.1:8080",
            "DCS_ENDPOINT",
        ),
    ],
)
def test_the_endpoint_comes_from_the_arguments_then_dcs_endpoint_then_dcs_region(
    variables: dict[str, str], expected: str, source: str
) -> None:
    found = resolve(credentials=Credentials("a", "b"), environ=env(**variables))
    assert (found.endpoint.value, found.endpoint.source) == (expected, source)
    explicit = resolve(endpoint="http://10.0.0.1", credentials=Credentials("a", "b"), environ=env(**variables))
    assert (explicit.endpoint.value, explicit.endpoint.source) == ("http://10.0.0.1", "endpoint=")


def test_the_vendor_sdk_names_come_before_the_vendor_examples_names() -> None:
    both = resolve(environ=env(**VENDOR, **EXAMPLES, HUAWEICLOUD_SDK_SECURITY_TOKEN="st1"))
    assert both.credentials.value == Credentials("ak1", "sk1", security_token="st1")
    assert both.credentials.source == "HUAWEICLOUD_SDK_AK/HUAWEICLOUD_SDK_SK + HUAWEICLOUD_SDK_SECURITY_TOKEN"
    examples = resolve(environ=env(**EXAMPLES, CLOUD_SDK_SECURITY_TOKEN="st2"))
    assert examples.credentials.value == Credentials("ak2", "sk2", security_token="st2")


def test_a_security_token_goes_only_with_its_own_keys() -> None:
    with pytest.raises(CredentialsError, match="CLOUD_SDK_SECURITY_TOKEN is set but the keys come from HUAWEICLOUD"):
        resolve(environ=env(**VENDOR, CLOUD_SDK_SECURITY_TOKEN="st2"))
    with pytest.raises(CredentialsError, match="HUAWEICLOUD_SDK_SECURITY_TOKEN is set but HUAWEICLOUD_SDK_AK/"):
        resolve(environ=env(HUAWEICLOUD_SDK_SECURITY_TOKEN="st"))


def test_keys_come_before_an_iam_token_in_the_environment() -> None:
    assert resolve(environ=env(**EXAMPLES, DCS_AUTH_TOKEN="tok")).credentials.source == "CLOUD_SDK_AK/CLOUD_SDK_SK"
    token = resolve(environ=env(DCS_AUTH_TOKEN="tok"))
    assert (token.credentials.value, token.credentials.source) == (TokenCredentials("tok"), "DCS_AUTH_TOKEN")


@pytest.mark.parametrize(
    ("project_id", "credentials", "variables", "expected", "source"),
    [
        ("p0", Credentials("a", "b", project_id="p1"), {"DCS_PROJECT_ID": "p2"}, "p0", "project_id="),
        (
            None,
            Credentials("a", "b", project_id="p1"),
            {"DCS_PROJECT_ID": "p2"},
            "p1",
            "the credentials from credentials=",
        ),
        (
            None,
            Credentials("a", "b"),
            {"DCS_PROJECT_ID": "p2", "HUAWEICLOUD_SDK_PROJECT_ID": "p3"},
            "p2",
            "DCS_PROJECT_ID",
        ),
        (None, TokenCredentials("t"), {"HUAWEICLOUD_SDK_PROJECT_ID": "p3"}, "p3", "HUAWEICLOUD_SDK_PROJECT_ID"),
    ],
)
def test_the_project_precedence(
    project_id: str | None,
    credentials: Credentials | TokenCredentials,
    variables: dict[str, str],
    expected: str,
    source: str,
) -> None:
    found = resolve(project_id=project_id, credentials=credentials, environ=env(**variables))
    assert found.project is not None
    assert (found.project.value, found.project.source) == (expected, source)
    assert found.credentials.value.project_id in (expected, credentials.project_id)


def test_explicit_credentials_pick_up_the_project_of_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """The issue's case: Credentials(ak, sk) with HUAWEICLOUD_SDK_PROJECT_ID set used to say "no project ID"."""
    monkeypatch.setenv("HUAWEICLOUD_SDK_PROJECT_ID", "p-from-env")
    sent: list[httpx.Request] = []

    def handle(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(200, json={"progress": 1})

    with DcsClient(credentials=Credentials("ak", "sk"), transport=httpx.MockTransport(handle)) as client:
        assert client.project_id == "p-from-env"
        client.show_background_task_progress(INSTANCE, TASK)
    assert sent[0].url.path.startswith("/v2/p-from-env/")
    assert sent[0].headers["X-Project-Id"] == "p-from-env"


@pytest.mark.parametrize(
    ("spelling", "explicit"), [(None, "pass project_id= or "), (CLI, "pass --project or "), (SUITE, "")]
)
def test_a_missing_project_says_what_was_looked_at_in_the_callers_words(spelling: object, explicit: str) -> None:
    options = {} if spelling is None else {"spelling": spelling}
    found = resolve(environ=env(**EXAMPLES), **options)  # type: ignore[arg-type]
    assert found.project is None
    assert found.no_project == (
        f"no project ID: {explicit}set DCS_PROJECT_ID or HUAWEICLOUD_SDK_PROJECT_ID "
        "(neither is set, and the credentials from CLOUD_SDK_AK/CLOUD_SDK_SK name no project)"
    )


def test_no_credentials_lists_every_place_looked_at_in_order() -> None:
    with pytest.raises(CredentialsError) as raised:
        resolve(environ={"HOME": "/nonexistent"})
    assert str(raised.value) == (
        "no credentials found. Looked at, in order: HUAWEICLOUD_SDK_AK/HUAWEICLOUD_SDK_SK (not set); "
        "CLOUD_SDK_AK/CLOUD_SDK_SK (not set); DCS_AUTH_TOKEN (not set); "
        "the profile file /nonexistent/.huaweicloud/credentials (does not exist); "
        "the metadata service (off: DCS_METADATA_URL is not set). "
        "Pass credentials=Credentials(ak, sk) or TokenCredentials(token), or set one of them."
    )
    with pytest.raises(CredentialsError, match=r"Set one of them \(or name a token's variable with --token-env\)"):
        resolve(environ={"HOME": "/nonexistent"}, spelling=CLI)


@pytest.mark.parametrize("names", ["staging recipe", "vendor SDK"])
def test_temporary_credentials_from_either_family_are_sent_signed_as_x_security_token(
    names: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    if names == "staging recipe":
        variables = {
            "CLOUD_SDK_AK": "AK",
            "CLOUD_SDK_SK": "SK",
            "CLOUD_SDK_SECURITY_TOKEN": "STS",
            "DCS_PROJECT_ID": "p",
        }
    else:
        variables = {
            "HUAWEICLOUD_SDK_AK": "AK",
            "HUAWEICLOUD_SDK_SK": "SK",
            "HUAWEICLOUD_SDK_SECURITY_TOKEN": "STS",
            "HUAWEICLOUD_SDK_PROJECT_ID": "p",
        }
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    sent: list[httpx.Request] = []

    def handle(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(200, json={"progress": 1})

    with DcsClient(transport=httpx.MockTransport(handle)) as client:
        client.show_background_task_progress(INSTANCE, TASK)
    request = sent[0]
    assert request.headers["X-Security-Token"] == "STS"
    assert "x-security-token" in request.headers["Authorization"]
    assert request.headers["Authorization"] == official_authorization_of(request, "AK", "SK")
