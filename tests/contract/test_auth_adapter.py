"""The `requests` adapters sign what actually goes on the wire, and never show a secret."""

from __future__ import annotations

import dataclasses
import datetime
import http.server
import threading
from collections.abc import Iterator
from typing import ClassVar
from urllib.parse import parse_qsl, urlsplit

import pytest
import requests
from dcs_tasks import CredentialsError
from dcs_tasks.lib import signing

from contract_tests.target.auth import AkSkSigner, IamTokenAuth
from tests.sdk.official import official_authorization

Received = tuple[str, str, dict[str, str], bytes]  # method, request target, headers, body


class _Recorder(http.server.BaseHTTPRequestHandler):
    received: ClassVar[list[Received]] = []

    def _record(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        headers = {name.lower(): value for name, value in self.headers.items()}
        self.received.append((self.command, self.path, headers, body))
        self.send_response(204)
        self.end_headers()

    do_GET = do_POST = _record  # noqa: N815 - the names http.server dispatches to

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def recorder() -> Iterator[str]:
    _Recorder.received = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def _verify(access_key: str, secret_key: str, received: Received) -> None:
    """Recompute the signature from the request as the server received it."""
    method, target, headers, body = received
    parsed = signing.parse_authorization(headers["authorization"])
    assert parsed.access_key == access_key
    signed = {name: headers[name] for name in parsed.signed_names}
    url = urlsplit(target)
    expected = signing.sign(
        access_key=access_key,
        secret_key=secret_key,
        method=method,
        raw_path=url.path,
        raw_query=url.query,
        headers=signed,
        body=body,
    )
    assert headers["authorization"] == expected


@pytest.mark.parametrize(
    ("method", "path", "params", "body"),
    [
        ("GET", "/v2/p1/instances/i1/tasks/t1/progress", None, None),
        ("GET", "/v2/p%20x/instances/%C3%A9/tasks/~t/progress", {"b": "2", "a": ["1", "0"]}, None),
        ("POST", "/v2/p1/things", None, b'{"raw": "\\u00e9 bytes"}'),
    ],
)
def test_signature_covers_the_request_as_received(
    recorder: str, method: str, path: str, params: dict[str, str | list[str]] | None, body: bytes | None
) -> None:
    signer = AkSkSigner(access_key="AKTEST", secret_key="SKTEST", security_token="STS", project_id="p1")
    with requests.Session() as session:
        session.request(method, recorder + path, params=params, data=body, auth=signer, timeout=5)
    (received,) = _Recorder.received
    _verify("AKTEST", "SKTEST", received)
    headers = received[2]
    assert {"host", "x-sdk-date", "x-security-token", "x-project-id"} <= set(
        signing.parse_authorization(headers["authorization"]).signed_names
    )
    assert headers["x-security-token"] == "STS"


def test_signs_as_the_sdk_does_and_the_official_signer_agrees(recorder: str) -> None:
    """Values stripped, hop-by-hop headers unsigned, a non-JSON body as UNSIGNED-PAYLOAD (SDK rules)."""
    signer = AkSkSigner(access_key="AKTEST", secret_key="SKTEST", project_id="p1")
    with requests.Session() as session:  # its default headers carry the hop-by-hop `Connection`
        headers = {"Content-Type": "text/plain", "X-Custom": "padded  "}
        session.post(recorder + "/v2/p1/x?b=2&a=1", data=b"plain text", headers=headers, auth=signer, timeout=5)
    (received,) = _Recorder.received
    method, target, sent, body = received
    signed_names = signing.parse_authorization(sent["authorization"]).signed_names
    assert sent["connection"] == "keep-alive"
    assert "connection" not in signed_names
    assert sent["x-custom"] == "padded"
    assert "x-custom" in signed_names
    assert sent["x-sdk-content-sha256"] == signing.UNSIGNED_PAYLOAD
    assert "x-sdk-content-sha256" in signed_names
    _verify("AKTEST", "SKTEST", received)
    url = urlsplit(target)
    official = official_authorization(
        access_key="AKTEST",
        secret_key="SKTEST",
        method=method,
        host=sent["host"],
        resource_path=url.path,
        query=parse_qsl(url.query),
        headers={name: sent[name] for name in signed_names},
        body=body,
    )
    assert sent["authorization"] == official


def test_a_replaced_key_signs_with_the_new_key(recorder: str) -> None:
    wrong = dataclasses.replace(AkSkSigner(access_key="AK", secret_key="SK"), secret_key="SK-wrong")
    requests.get(recorder + "/x", auth=wrong, timeout=5)
    (received,) = _Recorder.received
    _verify("AK", "SK-wrong", received)
    with pytest.raises(AssertionError):
        _verify("AK", "SK", received)


def test_an_empty_secret_is_a_clear_error() -> None:
    with pytest.raises(CredentialsError, match="non-empty"):
        AkSkSigner(access_key="AK", secret_key="")


def test_a_stale_signer_dates_the_request_in_the_past(recorder: str) -> None:
    stale = AkSkSigner(access_key="AK", secret_key="SK", clock_skew=datetime.timedelta(minutes=-20))
    requests.get(recorder + "/x", auth=stale, timeout=5)
    (received,) = _Recorder.received
    sent = datetime.datetime.strptime(received[2]["x-sdk-date"], signing.DATE_FORMAT).replace(tzinfo=datetime.UTC)
    assert datetime.datetime.now(datetime.UTC) - sent > datetime.timedelta(minutes=19)
    _verify("AK", "SK", received)


def test_token_auth_sets_the_header(recorder: str) -> None:
    requests.get(recorder + "/x", auth=IamTokenAuth("tok-123"), timeout=5)
    (received,) = _Recorder.received
    assert received[2]["x-auth-token"] == "tok-123"
    assert "authorization" not in received[2]


def test_adapters_never_show_their_secrets() -> None:
    shown = repr(AkSkSigner(access_key="AKIDENTITY", secret_key="TOPSECRET", security_token="STSSECRET"))
    shown += repr(IamTokenAuth("TOKENSECRET")) + str(IamTokenAuth("TOKENSECRET"))
    for secret in ("TOPSECRET", "STSSECRET", "TOKENSECRET"):
        assert secret not in shown
