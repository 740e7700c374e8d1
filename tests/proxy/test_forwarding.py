"""What a client gets through the proxy: the upstream's answer byte for byte, re-signed requests whatever the
client's own credentials (a wrong signature with the proxy's AK reported), the documented 502 and 403."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
import yaml
from dcs_tasks import AkSkAuth, Credentials, NotFoundError, PermissionDeniedError
from dcs_tasks.lib import signing
from huaweicloudsdkcore.auth.credentials import BasicCredentials
from huaweicloudsdkcore.exceptions.exceptions import ClientRequestException
from huaweicloudsdkdcs.v2 import DcsClient as VendorClient
from huaweicloudsdkdcs.v2 import (
    DeleteBackgroundTaskRequest,
    ListBackgroundTaskRequest,
    ShowBackgroundTaskProgressRequest,
)
from openapi_schema_validator import OAS30Validator

from contract_tests.emulator import Scenario, TaskRef
from contract_tests.emulator.models import TaskPlan
from contract_tests.emulator.server import serve_in_thread
from contract_tests.proxy import AnswerSource, ClientAuthKind, FindingKind, Outcome
from contract_tests.target.loopback import free_port
from tests.proxy.conftest import Emulated, Recorder, progress_path, proxy_for, sdk, signed_get
from tests.proxy.stubs import Echo

SPEC = Path(__file__).resolve().parents[2] / "openapi" / "dcs.yaml"


def assert_documented_error(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
    """The spec's Error body (validated against its schema), with the X-Request-Id header it names."""
    schema = yaml.safe_load(SPEC.read_text(encoding="utf-8"))["components"]["schemas"]["Error"]
    assert response.status_code == status
    assert response.headers["content-type"] == "application/json"
    body: dict[str, Any] = response.json()
    OAS30Validator(schema).validate(body)
    assert body["error_code"] == code
    assert body["request_id"] == response.headers["x-request-id"]
    return body


def test_the_sdk_lists_and_shows_tasks_through_the_proxy_byte_for_byte(upstream: Emulated, recorder: Recorder) -> None:
    scenario, task = upstream.scenario, upstream.scenario.known_tasks()[0]
    with (
        proxy_for(upstream.environ, recorder) as proxy,
        sdk(proxy.url, scenario) as via,
        sdk(upstream.url, scenario) as direct,
    ):
        listed, listed_directly = (
            client.with_raw_response.list_background_task(task.instance_id) for client in (via, direct)
        )
        shown, shown_directly = (
            client.with_raw_response.show_background_task_progress(task.instance_id, task.task_id)
            for client in (via, direct)
        )
        paged = [
            listed.id for listed in via.list_background_task(task.instance_id, limit=2)
        ]  # one connection, kept alive
        with pytest.raises(NotFoundError) as missing:
            via.show_background_task_progress(task.instance_id, "0" * 32)
    assert listed.http_response.content == listed_directly.http_response.content
    assert shown.http_response.content == shown_directly.http_response.content
    for answer, directly in ((listed, listed_directly), (shown, shown_directly)):
        assert answer.status_code == 200
        assert answer.headers.keys() == directly.headers.keys()  # content-type, content-length, x-request-id
        assert answer.headers["content-type"] == directly.headers["content-type"]
    assert task.task_id in paged
    assert len(paged) == len(set(paged)) > 2
    assert shown.parse().progress == shown_directly.parse().progress
    assert missing.value.error_code == "DCS.4001"  # an upstream error passes unchanged too

    exchanges = recorder.wait_for(5)  # a listing, a progress, two pages, a 404
    assert len(exchanges) == 5
    assert not recorder.findings
    first = exchanges[0]
    assert first.outcome is Outcome.FORWARDED
    assert first.client_auth.kind is ClientAuthKind.VERIFIED
    assert first.answer is not None
    assert first.answer.source is AnswerSource.UPSTREAM
    assert first.answer.body == listed.http_response.content
    assert first.request.raw_path == f"/v2/{task.project_id}/instances/{task.instance_id}/tasks"
    forwarded = first.forwarded
    assert forwarded is not None
    assert forwarded.url.startswith(upstream.url + "/v2/")
    sent = {name.lower(): value for name, value in forwarded.headers}
    received = dict(first.request.headers)
    assert sent["host"] == urlsplit(upstream.url).netloc != received["host"]  # re-signed for the upstream's host
    assert sent["authorization"] != received["authorization"]
    assert sent["user-agent"] == received["user-agent"]  # the client's own headers go along
    timings = first.timings
    assert timings.sent is not None
    assert timings.answered is not None
    assert 0 <= timings.request_read <= timings.sent <= timings.answered <= timings.finished


def test_the_vendor_sdk_goes_through_and_its_signatures_verify(upstream: Emulated, recorder: Recorder) -> None:
    scenario, task = upstream.scenario, upstream.scenario.known_tasks()[0]
    keys = BasicCredentials(scenario.demo.access_key, scenario.demo.secret_key, task.project_id)
    with proxy_for(upstream.environ, recorder) as proxy:
        vendor = VendorClient.new_builder().with_credentials(keys).with_endpoints([proxy.url]).build()
        listed = vendor.list_background_task(ListBackgroundTaskRequest(instance_id=task.instance_id, limit=2))
        shown = vendor.show_background_task_progress(
            ShowBackgroundTaskProgressRequest(instance_id=task.instance_id, task_id=task.task_id)
        )
        with pytest.raises(ClientRequestException) as refused:
            vendor.delete_background_task(
                DeleteBackgroundTaskRequest(instance_id=task.instance_id, task_id=task.task_id)
            )
    assert task.task_id in [listed_task.id for listed_task in listed.tasks]
    assert shown.progress is not None
    assert (refused.value.status_code, refused.value.error_code) == (403, "PROXY.403")  # it reads the documented body
    exchanges = recorder.wait_for(3)
    assert [exchange.client_auth.kind for exchange in exchanges] == [ClientAuthKind.VERIFIED] * 3
    assert [exchange.outcome for exchange in exchanges] == [Outcome.FORWARDED, Outcome.FORWARDED, Outcome.REFUSED]


def test_a_client_signing_wrongly_with_the_proxys_ak_is_a_finding_and_still_forwarded(
    upstream: Emulated, recorder: Recorder
) -> None:
    scenario = upstream.scenario
    demo, ops = scenario.demo, scenario.credentials[1]
    url_path = progress_path(scenario)
    assert signed_get(upstream.url + url_path, Credentials(demo.access_key, "wrong")).status_code == 401  # directly
    with proxy_for(upstream.environ, recorder) as proxy:
        wrong = signed_get(proxy.url + url_path, Credentials(demo.access_key, "wrong"))
        right = signed_get(proxy.url + url_path, Credentials(demo.access_key, demo.secret_key))
        other = signed_get(proxy.url + url_path, Credentials(ops.access_key, "not the proxy's to judge"))
        unsigned = httpx.get(proxy.url + url_path, timeout=10)
        garbled = httpx.get(proxy.url + url_path, headers={"Authorization": "Basic dXNlcjpwYXNz"}, timeout=10)
    # The proxy re-signs: every one is answered as the proxy's credentials are, the wrong signature included.
    assert [r.status_code for r in (wrong, right, other, unsigned, garbled)] == [200] * 5
    assert wrong.content == right.content
    exchanges = recorder.wait_for(5)
    kinds = [exchange.client_auth.kind for exchange in exchanges]
    assert kinds == [
        ClientAuthKind.INVALID,
        ClientAuthKind.VERIFIED,
        ClientAuthKind.UNVERIFIED,
        ClientAuthKind.UNSIGNED,
        ClientAuthKind.MALFORMED,
    ]
    assert "does not match the request as received" in exchanges[0].client_auth.problem
    assert [(f.kind, f.exchange) for f in recorder.findings] == [
        (FindingKind.CLIENT_SIGNATURE, exchanges[0].number),
        (FindingKind.CLIENT_SIGNATURE, exchanges[4].number),
    ]
    assert exchanges[0].findings == (recorder.findings[0],)
    assert all(exchange.outcome is Outcome.FORWARDED for exchange in exchanges)


def test_a_temporary_key_or_an_iam_token_signs_what_is_forwarded(upstream: Emulated, recorder: Recorder) -> None:
    scenario, url_path = upstream.scenario, progress_path(upstream.scenario)
    temporary = next(credential for credential in scenario.credentials if credential.security_token)
    assert temporary.security_token is not None
    assert scenario.demo.token is not None
    with_token = {
        "DCS_ENDPOINT": upstream.url,
        "HUAWEICLOUD_SDK_AK": temporary.access_key,
        "HUAWEICLOUD_SDK_SK": temporary.secret_key,
        "HUAWEICLOUD_SDK_SECURITY_TOKEN": temporary.security_token,
    }
    with proxy_for(with_token, recorder) as proxy:
        client_keys = Credentials(temporary.access_key, temporary.secret_key, security_token=temporary.security_token)
        assert signed_get(proxy.url + url_path, client_keys).status_code == 200
    with proxy_for({"DCS_ENDPOINT": upstream.url, "DCS_AUTH_TOKEN": scenario.demo.token}, recorder) as proxy:
        signed = signed_get(proxy.url + url_path, Credentials(scenario.demo.access_key, scenario.demo.secret_key))
        assert signed.status_code == 200
    temporary_exchange, token_exchange = recorder.wait_for(2)
    assert temporary_exchange.client_auth.kind is ClientAuthKind.VERIFIED
    assert temporary_exchange.forwarded is not None
    sent = {name.lower(): value for name, value in temporary_exchange.forwarded.headers}
    assert sent["x-security-token"] == temporary.security_token
    assert "x-security-token" in signing.parse_authorization(sent["authorization"]).signed_names
    assert token_exchange.forwarded is not None
    sent = {name.lower(): value for name, value in token_exchange.forwarded.headers}
    assert sent["x-auth-token"] == scenario.demo.token
    assert "authorization" not in sent
    assert "x-sdk-date" not in sent
    assert not recorder.findings


def test_headers_pass_unchanged_but_the_hop_by_hop_ones_on_both_legs(upstream: Emulated, recorder: Recorder) -> None:
    echo = Echo()
    query = "b=2&a=%2B+x*~%7E&c=%E4%B8%AD&d=&a=1"  # unsorted, repeated, encoded: as sent, not canonicalised
    body = b'{"name": "\xc3\xa9"}'
    with serve_in_thread(echo) as echo_url:
        environ = {**upstream.environ, "UPSTREAM": echo_url}
        with proxy_for(environ, recorder, ALLOW_CHANGES="1") as proxy, httpx.Client(timeout=10) as client:
            response = client.post(
                f"{proxy.url}/v2/p/instances/i/tasks%2Fx?{query}",
                content=body,
                headers={
                    "Content-Type": "application/json",
                    "User-Agent": "probe/1",
                    "X-Client-Header": "kept",
                    "Connection": "keep-alive, X-Drop-Me",
                    "X-Drop-Me": "for the proxy only",
                    "Keep-Alive": "timeout=30",
                    "TE": "trailers",
                    "Proxy-Authorization": "Basic c2VjcmV0",
                },
            )
    seen = echo.received[0]
    sent = dict(seen.headers)
    assert seen.raw_path == "/v2/p/instances/i/tasks%2Fx"
    assert seen.query == query
    assert seen.body == body
    assert sent["content-type"] == "application/json"
    assert sent["user-agent"] == "probe/1"
    assert sent["x-client-header"] == "kept"
    assert sent["content-length"] == str(len(body))
    assert sent["host"] == urlsplit(echo_url).netloc
    assert not {"connection", "x-drop-me", "keep-alive", "te", "proxy-authorization"} & set(sent)
    # The signature is the proxy's, and right for exactly what the upstream received.
    parsed = signing.parse_authorization(sent["authorization"])
    assert parsed.access_key == upstream.scenario.demo.access_key
    canonical = signing.canonical_request(
        method="POST",
        raw_path=seen.raw_path,
        pairs=signing.query_pairs(query),
        headers=sent,
        signed_names=parsed.signed_names,
        body=body,
    )
    assert signing.signature(upstream.scenario.demo.secret_key, canonical, sent["x-sdk-date"]) == parsed.signature

    assert response.status_code == 200
    assert response.content == seen.answer()
    assert response.headers.get_list("set-cookie") == ["a=1; Path=/", "b=2; Path=/"]
    assert response.headers["x-custom"] == "kept"
    assert response.headers["content-type"] == "application/json; charset=utf-8"
    assert response.headers["server"] == "echo-stub/1"
    assert response.headers["date"] == "Wed, 01 May 2024 12:00:00 GMT"
    assert "keep-alive" not in response.headers
    assert "x-hop" not in response.headers
    answer = recorder.wait_for(1)[0].answer
    assert answer is not None
    assert ("x-hop", "only for the next hop") in answer.headers


def test_an_unreachable_upstream_gets_the_documented_502_and_a_finding(upstream: Emulated, recorder: Recorder) -> None:
    down = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    with proxy_for({**upstream.environ, "UPSTREAM": down}, recorder) as proxy:
        response = httpx.get(proxy.url + progress_path(upstream.scenario), timeout=10)
    body = assert_documented_error(response, 502, "PROXY.502")
    assert down in body["error_msg"]
    assert "ConnectError" in body["error_msg"]
    exchange = recorder.wait_for(1)[0]
    assert exchange.outcome is Outcome.UNREACHABLE
    assert exchange.forwarded is not None
    assert exchange.answer is not None
    assert exchange.answer.source is AnswerSource.PROXY
    assert exchange.answer.body == response.content
    assert [finding.kind for finding in recorder.findings] == [FindingKind.UPSTREAM_UNREACHABLE]


def test_read_only_mode_refuses_a_deletion_and_allowed_mode_forwards_it(upstream: Emulated, recorder: Recorder) -> None:
    scenario = upstream.scenario
    task = scenario.changeable_tasks()[0]
    with proxy_for(upstream.environ, recorder) as proxy, sdk(proxy.url, scenario) as client:
        with pytest.raises(PermissionDeniedError) as refused:  # the SDK reads the documented body
            client.delete_background_task(task.instance_id, task.task_id, project_id=task.project_id)
        raw = httpx.delete(
            f"{proxy.url}/v2/{task.project_id}/instances/{task.instance_id}/tasks/{task.task_id}", timeout=10
        )
        assert client.show_background_task_progress(task.instance_id, task.task_id).progress is not None  # not deleted
    body = assert_documented_error(raw, 403, "PROXY.403")
    assert "read-only" in body["error_msg"]
    assert "ALLOW_CHANGES=1" in body["error_msg"]
    assert refused.value.status_code == 403
    assert refused.value.error_code == "PROXY.403"
    refusals = recorder.wait_for(3)[:2]
    assert [exchange.outcome for exchange in refusals] == [Outcome.REFUSED, Outcome.REFUSED]
    assert all(exchange.forwarded is None for exchange in refusals)
    assert [f.kind for f in recorder.findings] == [FindingKind.STATE_CHANGING_REFUSED] * 2

    with proxy_for(upstream.environ, ALLOW_CHANGES="1") as proxy, sdk(proxy.url, scenario) as client:
        assert client.delete_background_task(task.instance_id, task.task_id, project_id=task.project_id).message == ""
        with pytest.raises(NotFoundError):
            client.show_background_task_progress(task.instance_id, task.task_id)
        # Other answers pass as they are too: the gateway's 429 for the fixtures' instance, then a bare 204.
        quiet = next(
            task for task in scenario.changeable_tasks() if plan_of(scenario, task).delete_answer == "no_content"
        )
        path = f"/v2/{quiet.project_id}/instances/{quiet.instance_id}/tasks/{quiet.task_id}"
        keys = Credentials(scenario.demo.access_key, scenario.demo.secret_key)
        with httpx.Client(base_url=proxy.url, auth=AkSkAuth(keys), timeout=10) as raw_client:
            throttled, deleted = raw_client.delete(path), raw_client.delete(path)
    assert throttled.status_code == 429
    assert throttled.headers["retry-after"] == "0"
    assert throttled.json()["error_code"] == "APIG.0308"
    assert deleted.status_code == 204
    assert deleted.content == b""
    assert "content-length" not in deleted.headers
    assert "transfer-encoding" not in deleted.headers


def plan_of(scenario: Scenario, task: TaskRef) -> TaskPlan:
    return scenario.projects[task.project_id].instances[task.instance_id].tasks[task.task_id]
