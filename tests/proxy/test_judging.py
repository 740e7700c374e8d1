"""Every exchange judged: the vendor's SDK through the proxy against the emulator gets a clean report, a client that
strays from the spec gets findings named like the suite's checks, in every report file, scrubbed of every
credential, and a deletion is judged with the reads after it (the other clients: `test_clients.py`)."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from dcs_tasks import AkSkAuth, Credentials, NotFoundError
from huaweicloudsdkcore.auth.credentials import BasicCredentials
from huaweicloudsdkdcs.v2 import DcsClient as VendorClient
from huaweicloudsdkdcs.v2 import ListBackgroundTaskRequest, ShowBackgroundTaskProgressRequest

from tests.proxy.conftest import Emulated, assert_clean, judged_proxy, progress_path, sdk

DELETABLE = ("9e8d7c6b-5a4f-4e3d-8c2b-1a0f9e8d7c6b", "9a8b7c6d5e4f40312a3b4c5d6e7f8091")  # deleted with 200


def test_the_vendor_sdk_through_the_proxy_gets_a_clean_report(upstream: Emulated, tmp_path: Path) -> None:
    scenario, task = upstream.scenario, upstream.scenario.known_tasks()[0]
    keys = BasicCredentials(scenario.demo.access_key, scenario.demo.secret_key, task.project_id)
    with judged_proxy(upstream.environ, tmp_path) as (proxy, judged):
        vendor = VendorClient.new_builder().with_credentials(keys).with_endpoints([proxy.url]).build()
        listed = vendor.list_background_task(ListBackgroundTaskRequest(instance_id=task.instance_id, limit=2))
        for each in listed.tasks:
            vendor.show_background_task_progress(
                ShowBackgroundTaskProgressRequest(instance_id=task.instance_id, task_id=each.id)
            )
    assert len(listed.tasks) == 2
    assert_clean(judged, {"ListBackgroundTask", "ShowBackgroundTaskProgress"})
    assert judged.summary()["about"]["clients' credentials"] == "3 verified"  # its signatures checked, all right


def test_a_client_that_strays_from_the_spec_gets_findings_named_like_the_suites(
    upstream: Emulated, tmp_path: Path
) -> None:
    scenario = upstream.scenario
    demo, task = scenario.demo, scenario.known_tasks()[0]
    listing = f"/v2/{task.project_id}/instances/{task.instance_id}/tasks"
    assert demo.token is not None
    right, wrong = AkSkAuth(Credentials(demo.access_key, demo.secret_key)), AkSkAuth(Credentials(demo.access_key, "x"))
    with judged_proxy(upstream.environ, tmp_path) as (proxy, judged), httpx.Client(base_url=proxy.url) as client:
        assert client.get(listing, params={"limit": 2, "verbose": "1"}, auth=right).status_code == 200
        assert client.get(listing, params={"limit": 0}, auth=right).status_code == 400
        client.request("PATCH", progress_path(scenario), auth=right)
        assert client.get(progress_path(scenario), auth=wrong).status_code == 200  # re-signed: answered
        assert client.get(progress_path(scenario), headers={"X-Auth-Token": demo.token}).status_code == 200
        assert client.delete(f"{listing}/{task.task_id}", auth=right).status_code == 403  # read-only
    assert judged.judge.exit_code == 1
    assert judged.failed() == {
        "request_parameters_declared",  # verbose=1
        "request_values_on_schema",  # limit=0
        "request_operation_documented",  # PATCH
        "client_signature",  # the wrong secret key
        "state_changing_refused",  # the DELETE
    }, judged.printed
    comments = judged.har_comments()
    assert len(comments) == 5
    assert any(comment.startswith("[client_signature] ") for comment in comments)
    suite = judged.junit().find("testsuite")
    assert suite is not None
    assert suite.get("failures") == "5"
    failed = {case.get("name") for case in suite.iter("testcase") if case.find("failure") is not None}
    assert failed == judged.failed()
    page = (tmp_path / "proxy-report.html").read_text(encoding="utf-8")
    for check in judged.failed():
        assert f"[{check}]" in page
    assert "'verbose'" in judged.printed
    assert "limit (query) = '0' breaks minimum 1" in judged.printed
    files = judged.files()
    for secret in (demo.secret_key, demo.token):
        assert secret not in files + judged.printed
    assert "[redacted]" in files


def test_a_deletion_and_the_reads_after_it_are_judged_together(upstream: Emulated, tmp_path: Path) -> None:
    instance, task_id = DELETABLE
    with (
        judged_proxy(upstream.environ, tmp_path, ALLOW_CHANGES="1") as (proxy, judged),
        sdk(proxy.url, upstream.scenario) as client,
    ):
        client.delete_background_task(instance, task_id)
        with pytest.raises(NotFoundError):
            client.show_background_task_progress(instance, task_id)
        assert task_id not in [listed.id for listed in client.list_background_task(instance)]
    assert judged.judge.exit_code == 0, judged.printed
    checks = judged.summary()["checks"]
    assert checks["deleted_task_is_gone"] == 3  # the deletion, the read and the listing after it
    assert checks["listed_status_agrees_with_progress"] == 2
