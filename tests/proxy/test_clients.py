"""The clients a team runs, through the proxy against the emulator, each with a clean report: this project's SDK and
CLI, and the Go client openapi-generator makes from the published bundle (`make publish-check`'s, its probe
program included). The vendor's SDK: `test_judging.py`. The proxy sends nothing of its own: the emulator sees
exactly the clients' requests."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from contract_tests.emulator import ManualClock, create_app
from contract_tests.emulator.server import serve_in_thread
from contract_tests.spec.document import SPEC_PATH
from scripts.publishing.bundle import bundle
from scripts.publishing.clients import built_clients, example_task_id, examples, go_toolchain
from scripts.publishing.emulator import running_emulator
from scripts.publishing.tools import DIST
from tests.proxy.conftest import ORIGIN, Emulated, assert_clean, judged_proxy, sdk
from tests.proxy.stubs import Counting

pytestmark = pytest.mark.slow  # processes: the CLI; the Go client (built once by `make publish-check`, then cached)

DCS_TASKS = str(Path(sys.executable).with_name("dcs-tasks"))
EXAMPLE_INSTANCE = "5560df16-cebf-4473-95c4-d1b573c16e79"  # three tasks: one running, one failed, one finished


@pytest.fixture
def counted(emulated: Emulated) -> Iterator[tuple[Emulated, Counting]]:
    """A fresh emulator of the same scenario that counts what reaches it."""
    counting = Counting(create_app(emulated.scenario, clock=ManualClock(ORIGIN)))
    with serve_in_thread(counting) as url:
        yield Emulated(url, emulated.app, emulated.scenario), counting


@pytest.mark.slow  # the CLI runs as processes
def test_the_sdk_and_the_cli_through_the_proxy_get_a_clean_report(
    counted: tuple[Emulated, Counting], tmp_path: Path
) -> None:
    upstream, counting = counted
    scenario = upstream.scenario
    with judged_proxy(upstream.environ, tmp_path) as (proxy, judged):
        with sdk(proxy.url, scenario) as client:
            listed = [str(task.id) for task in client.list_background_task(EXAMPLE_INSTANCE, limit=1)]  # 3 pages
            for task_id in listed:
                client.show_background_task_progress(EXAMPLE_INSTANCE, task_id)
        environ = {
            **upstream.environ,
            "DCS_ENDPOINT": proxy.url,
            "PATH": os.environ["PATH"],
            "HUAWEICLOUD_SDK_CREDENTIALS_FILE": os.devnull,
        }
        for command in (["list", EXAMPLE_INSTANCE], ["show", EXAMPLE_INSTANCE, listed[0]]):
            cli = subprocess.run(
                [DCS_TASKS, *command], env=environ, capture_output=True, text=True, timeout=60, check=False
            )
            assert cli.returncode == 0, cli.stderr
            assert listed[0] in cli.stdout  # the listing names it; `show` heads its view with it
    assert len(listed) == 3
    assert_clean(judged, {"ListBackgroundTask", "ShowBackgroundTaskProgress"})
    exchanges = judged.summary()["cases"]
    assert exchanges == len(counting.requests) == 3 + 3 + 1 + 1  # pages, progress, the CLI: nothing else sent
    coverage = judged.summary()["coverage"]
    assert "GET /v2/{project_id}/instances/{instance_id}/tasks 200" not in coverage["statuses"]["missing"]
    assert "DELETE /v2/{project_id}/instances/{instance_id}/tasks/{task_id} 200" in coverage["statuses"]["missing"]
    page = (tmp_path / "proxy-report.html").read_text(encoding="utf-8")
    assert "<h1>Validating proxy report" in page
    assert "A proxy run" in page


def test_the_generated_go_client_through_the_proxy_gets_a_clean_report(tmp_path: Path) -> None:
    go, why_not = go_toolchain()
    if go is None:
        pytest.fail(f"the Go client's proof needs Go: {why_not}")
    published = bundle(SPEC_PATH, tmp_path / "bundle")  # the same bytes as `make publish-check`'s: its cache key
    with (
        built_clients(published, DIST / ".cache") as (clients, _cached, failures),
        running_emulator(example_task_id(published)) as coordinates,
    ):
        assert not failures, failures
        environ = {
            "UPSTREAM": coordinates["baseUrl"],
            "HUAWEICLOUD_SDK_AK": coordinates["accessKey"],
            "HUAWEICLOUD_SDK_SK": coordinates["secretKey"],
            "HUAWEICLOUD_SDK_PROJECT_ID": coordinates["projectId"],
            "HUAWEICLOUD_SDK_CREDENTIALS_FILE": os.devnull,
        }
        with judged_proxy(environ, tmp_path / "reports") as (proxy, judged):
            given = {"examples": examples(published), "emulator": {**coordinates, "baseUrl": proxy.url}}
            probe_input = tmp_path / "probe-input.json"
            probe_input.write_text(json.dumps(given, ensure_ascii=False), encoding="utf-8")
            probe = subprocess.run(
                [clients / "build" / "go-probe", probe_input], capture_output=True, text=True, timeout=120, check=False
            )
    assert probe.returncode == 0, probe.stderr
    assert "(emulator included)" in probe.stdout
    assert_clean(judged, {"ShowBackgroundTaskProgress"})
    summary = judged.summary()
    assert summary["statuses_by_operation"]["ShowBackgroundTaskProgress"] == {"200": 2, "404": 1}
    assert summary["about"]["clients' credentials"] == "3 token"  # an IAM token, replaced by the proxy's AK/SK
