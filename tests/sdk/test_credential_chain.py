"""The credential chain beyond the environment: the vendor's profile file and the metadata service.

The metadata service is a loopback stub speaking the vendor's protocol (session token by ``PUT``,
keys by ``GET /openstack/latest/securitykey``); 169.254.169.254 is never contacted. The official
SDK's own ``MetadataAccessor``, pointed at the same stub, is the oracle for what the keys are.
"""

from __future__ import annotations

import asyncio
import datetime
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest
from dcs_tasks import AsyncDcsClient, Credentials, CredentialsError, DcsClient, MetadataCredentials
from dcs_tasks.lib.config import resolve
from huaweicloudsdkcore.auth.internal import MetadataAccessor

from contract_tests.target.loopback import free_port

from .conftest import INSTANCE, TASK

HOUR = 3600.0


class MetadataStub(ThreadingHTTPServer):
    """The metadata service: hands out ``keys`` in turn, each expiring ``lifetimes`` seconds from ``now``."""

    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), MetadataHandler)
        self.now = datetime.datetime.now(datetime.UTC)
        self.lifetimes = [6 * HOUR]
        self.session_tokens = True  # False: answers 404 to the token PUT, as an older service does
        self.answer_status = 200
        self.requests: list[tuple[str, str, str | None]] = []  # method, path, X-Metadata-Token
        self.handed_out = 0
        threading.Thread(target=self.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def next_credential(self) -> dict[str, str]:
        lifetime = self.lifetimes[min(self.handed_out, len(self.lifetimes) - 1)]
        self.handed_out += 1
        expires = self.now + datetime.timedelta(seconds=lifetime)
        return {
            "access": f"TEMPAK{self.handed_out}",
            "secret": f"temp-secret-{self.handed_out}",
            "securitytoken": f"temp-token-{self.handed_out}",
            "expires_at": expires.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),  # the service's (and the vendor's) format
        }


class MetadataHandler(BaseHTTPRequestHandler):
    server: MetadataStub

    def _answer(self, status: int, body: str) -> None:
        self.send_response(status)
        self.send_header("Content-Length", str(len(body.encode())))
        self.end_headers()
        self.wfile.write(body.encode())

    def do_PUT(self) -> None:
        self.server.requests.append(("PUT", self.path, None))
        if self.path == "/meta-data/latest/api/token" and self.server.session_tokens:
            assert self.headers["X-Metadata-Token-Ttl-Seconds"] == "21600"
            self._answer(200, "session-token-1")
        else:
            self._answer(404, "not found")

    def do_GET(self) -> None:
        token = self.headers.get("X-Metadata-Token")
        self.server.requests.append(("GET", self.path, token))
        if self.path != "/openstack/latest/securitykey":
            self._answer(404, "not found")
        elif self.server.session_tokens and token != "session-token-1":
            self._answer(401, "token required")
        elif self.server.answer_status != 200:
            self._answer(self.server.answer_status, "Please configure Cloud Service Agency first")
        else:
            self._answer(200, json.dumps({"credential": self.server.next_credential()}))

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def metadata() -> Iterator[MetadataStub]:
    server = MetadataStub()
    yield server
    server.shutdown()


def recording_transport(sent: list[httpx.Request]) -> httpx.MockTransport:
    def handle(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(200, json={"progress": 1})

    return httpx.MockTransport(handle)


# --- the profile file -------------------------------------------------------------------------


def write_profile(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_the_profile_file_is_read_with_its_project_and_security_token(tmp_path: Path) -> None:
    profile = write_profile(
        tmp_path / "credentials",
        "[global]\nak = GLOBALAK\nsk = global-sk\n\n"
        "[basic]\nak = PROFILEAK\nsk = profile-sk\nsecurity_token = profile-sts\nproject_id = p-profile\n",
    )
    found = resolve(environ={"HUAWEICLOUD_SDK_CREDENTIALS_FILE": str(profile)})
    assert found.credentials.value == Credentials("PROFILEAK", "profile-sk", "profile-sts", "p-profile")
    assert found.credentials.source == f"the profile file {profile} [basic]"
    assert found.project is not None
    assert found.project.value == "p-profile"


def test_the_default_profile_is_under_home_and_the_environment_comes_first(tmp_path: Path) -> None:
    (tmp_path / ".huaweicloud").mkdir()
    write_profile(tmp_path / ".huaweicloud" / "credentials", "[basic]\nak=A\nsk=S\n")
    assert resolve(environ={"HOME": str(tmp_path)}).credentials.value == Credentials("A", "S")
    first = resolve(environ={"HOME": str(tmp_path), "CLOUD_SDK_AK": "ENVAK", "CLOUD_SDK_SK": "env-sk"})
    assert first.credentials.value == Credentials("ENVAK", "env-sk")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[basic]\nak = A\n", r"\[basic\] needs both ak and sk"),
        ("[basic]\nidp_id = idp\nid_token_file = /t\n", "federated"),
        ("not an ini file", "cannot be read"),
    ],
)
def test_a_broken_profile_is_an_error_not_skipped(tmp_path: Path, text: str, message: str) -> None:
    profile = write_profile(tmp_path / "credentials", text)
    with pytest.raises(CredentialsError, match=message):
        resolve(environ={"HUAWEICLOUD_SDK_CREDENTIALS_FILE": str(profile)})


def test_a_profile_without_basic_is_skipped_and_a_named_missing_file_is_an_error(tmp_path: Path) -> None:
    profile = write_profile(tmp_path / "credentials", "[global]\nak = A\nsk = S\n")
    with pytest.raises(CredentialsError, match=r"no \[basic\] section"):
        resolve(environ={"HUAWEICLOUD_SDK_CREDENTIALS_FILE": str(profile)})
    with pytest.raises(
        CredentialsError, match=r"HUAWEICLOUD_SDK_CREDENTIALS_FILE names .*absent, which does not exist"
    ):
        resolve(environ={"HUAWEICLOUD_SDK_CREDENTIALS_FILE": str(tmp_path / "absent")})


# --- the metadata service ---------------------------------------------------------------------


def test_the_metadata_service_is_used_only_when_asked_for(metadata: MetadataStub) -> None:
    with pytest.raises(CredentialsError, match=r"the metadata service \(off: DCS_METADATA_URL is not set\)"):
        resolve(environ={})
    assert metadata.requests == []
    found = resolve(environ={"DCS_METADATA_URL": metadata.url, "DCS_PROJECT_ID": "p"})
    assert isinstance(found.credentials.value, MetadataCredentials)
    assert found.credentials.source == f"the metadata service at {metadata.url} (DCS_METADATA_URL)"
    assert metadata.requests == [], "fetched on first use, not when the client is built"


def test_metadata_keys_sign_requests_and_match_the_official_sdks(
    metadata: MetadataStub, monkeypatch: pytest.MonkeyPatch
) -> None:
    sent: list[httpx.Request] = []
    monkeypatch.setenv("DCS_METADATA_URL", metadata.url)
    monkeypatch.setenv("DCS_PROJECT_ID", "p1")
    with DcsClient(transport=recording_transport(sent)) as client:
        client.show_background_task_progress(INSTANCE, TASK)
        client.show_background_task_progress(INSTANCE, TASK)
    assert [request.headers["X-Security-Token"] for request in sent] == ["temp-token-1", "temp-token-1"]
    assert all(r.headers["Authorization"].startswith("SDK-HMAC-SHA256 Access=TEMPAK1,") for r in sent)
    assert sent[0].headers["X-Project-Id"] == "p1"
    assert metadata.requests == [
        ("PUT", "/meta-data/latest/api/token", None),
        ("GET", "/openstack/latest/securitykey", "session-token-1"),
    ], "one fetch for both calls: the keys are valid for hours"
    monkeypatch.setattr(MetadataAccessor, "_METADATA_ENDPOINT", metadata.url)
    official = MetadataAccessor().get_credential()
    assert (official.access, official.secret, official.security_token) == ("TEMPAK2", "temp-secret-2", "temp-token-2")


def test_keys_are_refreshed_when_less_than_40_minutes_remain(metadata: MetadataStub) -> None:
    clock = [metadata.now.timestamp()]
    metadata.lifetimes = [HOUR, 6 * HOUR]
    sent: list[httpx.Request] = []
    provider = MetadataCredentials(metadata.url, project_id="p", clock=lambda: clock[0])
    with DcsClient(credentials=provider, transport=recording_transport(sent)) as client:
        client.show_background_task_progress(INSTANCE, TASK)  # 60 min left: kept
        clock[0] += 19 * 60
        client.show_background_task_progress(INSTANCE, TASK)  # 41 min left: kept
        clock[0] += 2 * 60
        client.show_background_task_progress(INSTANCE, TASK)  # 39 min left: refreshed
        client.show_background_task_progress(INSTANCE, TASK)  # the new keys last 6 h
    assert [r.headers["X-Security-Token"] for r in sent] == ["temp-token-1"] * 2 + ["temp-token-2"] * 2
    assert metadata.handed_out == 2


def test_a_failed_refresh_keeps_keys_that_are_still_valid(metadata: MetadataStub) -> None:
    clock = [metadata.now.timestamp()]
    metadata.lifetimes = [30 * 60]  # inside the refresh window from the start
    provider = MetadataCredentials(metadata.url, clock=lambda: clock[0])
    assert provider.current().access_key == "TEMPAK1"
    metadata.answer_status = 500
    assert provider.current().access_key == "TEMPAK1", "still valid for 30 minutes"
    clock[0] += 31 * 60
    with pytest.raises(CredentialsError, match="answered HTTP 500"):
        provider.current()


def test_a_service_without_session_tokens_is_asked_without_one(metadata: MetadataStub) -> None:
    metadata.session_tokens = False
    assert MetadataCredentials(metadata.url).current().security_token == "temp-token-1"
    assert metadata.requests[-1] == ("GET", "/openstack/latest/securitykey", None)


def test_a_server_without_an_agency_is_told_so(metadata: MetadataStub) -> None:
    metadata.session_tokens = False
    metadata.answer_status = 401
    with pytest.raises(CredentialsError, match="give the server an agency"):
        MetadataCredentials(metadata.url).current()


def test_an_unreachable_metadata_service_fails_quickly_with_its_url() -> None:
    url = f"http://127.0.0.1:{free_port()}"
    with pytest.raises(CredentialsError, match=f"cannot get credentials from the metadata service at {url}"):
        MetadataCredentials(url, timeout=1).current()


def test_the_async_client_refreshes_in_a_worker_thread(metadata: MetadataStub) -> None:
    sent: list[httpx.Request] = []

    async def handle(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(200, json={"progress": 1})

    async def run() -> None:
        provider = MetadataCredentials(metadata.url, project_id="p")
        async with AsyncDcsClient(credentials=provider, transport=httpx.MockTransport(handle)) as client:
            await client.show_background_task_progress(INSTANCE, TASK)

    asyncio.run(run())
    assert sent[0].headers["X-Security-Token"] == "temp-token-1"
