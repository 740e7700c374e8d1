"""The `requests` adapters sign what actually goes on the wire, and never show a secret."""

from __future__ import annotations

import dataclasses
import datetime
import http.server
import threading
from collections.abc import Callable, Iterator
from typing import ClassVar
from urllib.parse import parse_qsl, urlsplit

import pytest
import requests
import requests.auth
from dcs_tasks import CredentialsError
from dcs_tasks.lib import signing

from contract_tests.spec.api import load_spec
from contract_tests.target.auth import AkSkSigner, IamTokenAuth
from contract_tests.target.auth_modes import auth_modes
from contract_tests.target.model import Target
from tests.sdk.official import official_authorization

Received = tuple[str, str, dict[str, str], bytes]  # method, request target, headers, body


class _Recorder(http.server.BaseHTTPRequestHandler):
    received: ClassVar[list[Received]] = []
    names: ClassVar[list[list[str]]] = []  # each request's header names, as sent

    def _record(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        headers = {name.lower(): value for name, value in self.headers.items()}
        self.received.append((self.command, self.path, headers, body))
        self.names.append(list(self.headers.keys()))
        self.send_response(204)
        self.end_headers()

    do_GET = do_POST = _record  # noqa: N815 - the names http.server dispatches to

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def recorder() -> Iterator[str]:
    _Recorder.received, _Recorder.names = [], []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def _expected(access_key: str, secret_key: str, received: Received) -> str:
    """The Authorization a correct signer gives the request as the server received it."""
    method, target, headers, body = received
    signed_names = headers["authorization"].partition("SignedHeaders=")[2].partition(",")[0].split(";")
    url = urlsplit(target)
    return signing.sign(
        access_key=access_key,
        secret_key=secret_key,
        method=method,
        raw_path=url.path,
        raw_query=url.query,
        headers={name: headers[name] for name in signed_names},
        body=body,
    )


def _verify(access_key: str, secret_key: str, received: Received) -> None:
    """Recompute the signature from the request as the server received it."""
    assert signing.parse_authorization(received[2]["authorization"]).access_key == access_key
    assert received[2]["authorization"] == _expected(access_key, secret_key, received)


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


# -- the auth modes that send something other than what was signed ----------------------------------------------

SIGNER = AkSkSigner(access_key="AKTEST", secret_key="SKTEST", security_token="STS", project_id="p1")
PROGRESS = "/v2/p1/instances/i1/tasks/t1/progress"
Restore = Callable[[Received], Received]  # the request a mode's signature covers, from the one received


def _modes(url: str) -> dict[str, requests.auth.AuthBase | None]:
    return auth_modes(Target(description="recorder", base_url=url, auth=SIGNER, temporary_auth=SIGNER), load_spec())


def _send(url: str, mode: str, query: str = "offset=01") -> Received:
    headers = {"Content-Type": "application/json", "User-Agent": "probe/1"}
    requests.get(f"{url}{PROGRESS}?{query}", headers=headers, auth=_modes(url)[mode], timeout=5)
    return _Recorder.received[-1]


def _header(name: str, value: Callable[[str], str]) -> Restore:
    return lambda received: (*received[:2], {**received[2], name: value(received[2][name])}, received[3])


def _query(query: str) -> Restore:
    return lambda received: (received[0], f"{PROGRESS}?{query}", *received[2:])


def _earlier(date: str) -> str:
    moment = datetime.datetime.strptime(date, signing.DATE_FORMAT).replace(tzinfo=datetime.UTC)
    return (moment - datetime.timedelta(minutes=1)).strftime(signing.DATE_FORMAT)


RESTORES: dict[str, Restore] = {
    "signed-as-another-method": lambda received: ("DELETE", *received[1:]),
    "path-segment-3-case-swapped": lambda received: (
        received[0],
        received[1].replace("instances", "INSTANCES"),
        *received[2:],
    ),
    "path-segment-7-case-swapped": lambda received: (
        received[0],
        received[1].replace("progress", "PROGRESS"),
        *received[2:],
    ),
    "query-parameter-added": _query(""),
    "query-parameter-removed": _query("offset=01&note=1"),
    "query-value-changed": _query("offset=1"),
    "content-type-changed": _header("content-type", lambda _: "application/json"),
    "host-changed": _header("host", lambda host: host + "0"),  # an IP address: signed with a digit more
    "user-agent-changed": _header("user-agent", lambda _: "probe/1"),
    "x-sdk-date-changed": _header("x-sdk-date", _earlier),
    "x-project-id-changed": _header("x-project-id", lambda _: "p1"),
    "x-security-token-changed": _header("x-security-token", lambda _: "STS"),
}


@pytest.mark.parametrize("mode", RESTORES)
def test_a_binding_mode_sends_one_part_otherwise_than_signed(recorder: str, mode: str) -> None:
    """The signature does not cover the request received, and covers it exactly with that one part restored."""
    received = _send(recorder, mode)
    assert received[2]["authorization"] != _expected("AKTEST", "SKTEST", received)
    assert received[2]["authorization"] == _expected("AKTEST", "SKTEST", RESTORES[mode](received))


def test_every_binding_mode_is_proven() -> None:
    """Each mode of one covered part is in `RESTORES` but the path segments, which reach as deep as the spec."""
    modes = set(_modes("http://x"))
    binding = {mode for mode in modes if mode.endswith("-changed") or mode.startswith(("query-", "signed-as"))}
    assert binding == {mode for mode in RESTORES if not mode.startswith("path-")}
    assert {f"path-segment-{index}-case-swapped" for index in range(1, 8)} <= modes


def test_a_named_host_is_sent_in_upper_case_and_signed_as_it_was(recorder: str) -> None:
    named = recorder.replace("127.0.0.1", "localhost")
    received = _send(named, "host-changed")
    assert received[2]["host"] == named.removeprefix("http://").upper()
    assert received[2]["authorization"] == _expected("AKTEST", "SKTEST", _header("host", str.lower)(received))


@pytest.mark.parametrize(
    ("mode", "signature"),
    [
        ("signature-altered", lambda right: right[:-1] + ("0" if right[-1] != "0" else "1")),
        ("signature-shortened", lambda right: right[:-1]),
        ("signature-lengthened", lambda right: right + "0"),
        ("signature-upper-cased", str.upper),
    ],
)
def test_a_mangled_signature_is_the_right_one_changed(
    recorder: str, mode: str, signature: Callable[[str], str]
) -> None:
    received = _send(recorder, mode)
    right = _expected("AKTEST", "SKTEST", received)
    head, _, value = right.rpartition("Signature=")
    assert received[2]["authorization"] == f"{head}Signature={signature(value)}" != right


@pytest.mark.parametrize(("mode", "minutes"), [("x-sdk-date-30-minutes-old", -30), ("x-sdk-date-30-minutes-ahead", 30)])
def test_a_date_past_the_skew_is_signed_for_that_date(recorder: str, mode: str, minutes: int) -> None:
    received = _send(recorder, mode)
    sent = datetime.datetime.strptime(received[2]["x-sdk-date"], signing.DATE_FORMAT).replace(tzinfo=datetime.UTC)
    off = (sent - datetime.datetime.now(datetime.UTC)).total_seconds() / 60
    assert abs(off - minutes) < 1
    _verify("AKTEST", "SKTEST", received)


def test_recased_header_names_go_as_written_and_correctly_signed(recorder: str) -> None:
    received = _send(recorder, "header-names-recased")
    names = _Recorder.names[-1]
    assert {"authorization", "X-SDK-DATE", "CONTENT-type", "hOST", "user-AGENT", "X-SECURITY-TOKEN"} <= set(names)
    _verify("AKTEST", "SKTEST", received)
