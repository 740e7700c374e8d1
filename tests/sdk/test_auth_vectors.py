"""The two fixed vectors of the facts file, through the httpx Auth flow and the pure helper."""

from __future__ import annotations

import datetime

import httpx
import pytest
from dcs_tasks import AkSkAuth, Credentials, TokenAuth, TokenCredentials, sign_request_parts

from .conftest import CREDENTIALS
from .official import official_authorization

URL = "https://dcs.cn-north-4.myhuaweicloud.com/v2/p1/instances/i1/tasks?limit=10&offset=0&start_time=20200609160000"
DATE = datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC)
VECTORS = [
    (
        {},
        "content-type;host;x-project-id;x-sdk-date",
        "f0c6531571cdf7fe05163ab70f121ccfcdb746ea4bab60d835f274a0b81a50e0",
    ),
    (
        {"User-Agent": "huaweicloud-usdk-python/3.0"},
        "content-type;host;user-agent;x-project-id;x-sdk-date",
        "1e3a3af56d1cdc0d28eefc5185f965fe1c6b26966386cc7fbc3384399f9a44b7",
    ),
]


def expected_authorization(signed: str, signature: str) -> str:
    return f"SDK-HMAC-SHA256 Access=AKEXAMPLE, SignedHeaders={signed}, Signature={signature}"


def official_for(method: str, headers: dict[str, str], body: bytes) -> str:
    """The official signer on the vector's URL with these headers (plus the date and project)."""
    return official_authorization(
        access_key="AKEXAMPLE",
        secret_key="SKEXAMPLE",
        method=method,
        host="dcs.cn-north-4.myhuaweicloud.com",
        resource_path="/v2/p1/instances/i1/tasks",
        query=[("limit", "10"), ("offset", "0"), ("start_time", "20200609160000")],
        headers={**headers, "X-Sdk-Date": "20240101T000000Z", "X-Project-Id": "p1"},
        body=body,
    )


def run_auth_flow(auth: httpx.Auth, request: httpx.Request) -> httpx.Request:
    return next(auth.sync_auth_flow(request))


@pytest.mark.parametrize(("extra", "signed", "signature"), VECTORS)
def test_vector_through_httpx_auth(extra: dict[str, str], signed: str, signature: str) -> None:
    request = httpx.Request("GET", URL, headers={"Content-Type": "application/json", **extra})
    sent = run_auth_flow(AkSkAuth(CREDENTIALS, clock=lambda: DATE), request)
    assert sent.headers["Authorization"] == expected_authorization(signed, signature)
    assert sent.headers["X-Sdk-Date"] == "20240101T000000Z"
    assert sent.headers["X-Project-Id"] == "p1"


@pytest.mark.parametrize(("extra", "signed", "signature"), VECTORS)
def test_vector_through_pure_helper_and_official_signer(extra: dict[str, str], signed: str, signature: str) -> None:
    headers = {"Content-Type": "application/json", **extra}
    ours = sign_request_parts(CREDENTIALS, "GET", URL, headers, b"", now=DATE)
    assert ours["Authorization"] == expected_authorization(signed, signature)
    assert ours["Host"] == "dcs.cn-north-4.myhuaweicloud.com"
    official = official_for("GET", headers, b"")
    assert official == ours["Authorization"]


def test_re_signing_replaces_date_and_signature() -> None:
    moments = iter([DATE, DATE + datetime.timedelta(seconds=1)])
    auth = AkSkAuth(CREDENTIALS, clock=lambda: next(moments))
    request = run_auth_flow(auth, httpx.Request("GET", URL, headers={"Content-Type": "application/json"}))
    first = request.headers["Authorization"]
    auth.apply(request)
    assert request.headers["X-Sdk-Date"] == "20240101T000001Z"
    assert request.headers["Authorization"] != first
    assert request.headers.get_list("Authorization") == [request.headers["Authorization"]]
    assert "authorization" not in request.headers["Authorization"].split("SignedHeaders=")[1]


def test_security_token_is_sent_and_signed() -> None:
    credentials = Credentials("AKEXAMPLE", "SKEXAMPLE", security_token="tok", project_id="p1")
    sent = run_auth_flow(AkSkAuth(credentials, clock=lambda: DATE), httpx.Request("GET", URL))
    assert sent.headers["X-Security-Token"] == "tok"
    assert "x-security-token" in sent.headers["Authorization"].split("SignedHeaders=")[1].split(",")[0].split(";")


def test_non_json_body_is_unsigned_payload_like_the_official_signer() -> None:
    headers = {"Content-Type": "application/octet-stream"}
    ours = sign_request_parts(CREDENTIALS, "PUT", URL, headers, b"\x00\x01", now=DATE)
    assert ours["X-Sdk-Content-Sha256"] == "UNSIGNED-PAYLOAD"
    official = official_for("PUT", headers, b"\x00\x01")
    assert official == ours["Authorization"]


def test_token_auth_sets_x_auth_token_and_project() -> None:
    sent = run_auth_flow(TokenAuth(TokenCredentials("iam-token", project_id="p1")), httpx.Request("GET", URL))
    assert sent.headers["X-Auth-Token"] == "iam-token"
    assert sent.headers["X-Project-Id"] == "p1"
    assert "Authorization" not in sent.headers
