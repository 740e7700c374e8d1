"""The files a proxy run leaves, as a QA engineer opens them: `proxy-report.html` renders offline in headless
Chromium with every section, saying it is a proxy run; `proxy-failures.har` is valid HAR 1.2 with one entry per
finding; `proxy-junit.xml` one test case per check. None holds a secret, the client's IAM token included."""

from __future__ import annotations

import json
import re
from pathlib import Path

import httpx
import jsonschema_rs
import pytest

from contract_tests.emulator import ManualClock, create_app
from contract_tests.emulator.server import serve_in_thread
from scripts.publishing.docs import REMOTE_RESOURCE, chromium, offline_tab
from tests.contract.broken.variants import VARIANTS
from tests.contract.test_report_files import HAR_1_2, SECTIONS
from tests.proxy.conftest import ORIGIN, Emulated, judged_proxy, progress_path

pytestmark = pytest.mark.slow  # Chromium


def test_the_reports_of_a_proxy_run_open_as_the_suites_do(emulated: Emulated, tmp_path: Path) -> None:
    scenario = emulated.scenario
    token = scenario.demo.token
    assert token is not None
    wrong_type = next(variant for variant in VARIANTS if variant.name == "wrong field type")
    with serve_in_thread(wrong_type.wrap(create_app(scenario, clock=ManualClock(ORIGIN)), scenario)) as url:
        environ = {**emulated.environ, "UPSTREAM": url}
        with judged_proxy(environ, tmp_path) as (proxy, judged):
            answer = httpx.get(proxy.url + progress_path(scenario), headers={"X-Auth-Token": token}, timeout=10)
    assert isinstance(answer.json()["progress"], str)  # the bug, as the client got it
    assert judged.failed() == {"response_schema_conformance"}
    html = tmp_path / "proxy-report.html"
    page = html.read_text(encoding="utf-8")
    assert not REMOTE_RESOURCE.findall(page)
    assert chromium() is not None, "the browser test needs Debian's chromium: .ci/run installs it"
    problems: list[str] = []
    with offline_tab(html, problems, viewport={"width": 1280, "height": 900}) as tab:
        assert tab.get_by_role("heading", name=re.compile("^Validating proxy report")).is_visible()
        assert tab.get_by_text("A proxy run").is_visible()
        for section in SECTIONS:
            assert tab.get_by_role("heading", name=re.compile(f"^{re.escape(section)}")).first.is_visible(), section
        assert tab.get_by_text("[response_schema_conformance]").first.is_visible()
        assert tab.get_by_text("field: progress").first.is_visible()
    assert problems == []
    har = json.loads((tmp_path / "proxy-failures.har").read_text(encoding="utf-8"))
    jsonschema_rs.validate(HAR_1_2, har)
    [entry] = har["log"]["entries"]
    assert entry["comment"].startswith("[response_schema_conformance] ")
    assert entry["request"]["url"].startswith(url)  # what the service was asked, re-signed by the proxy
    headers = {header["name"].lower(): header["value"] for header in entry["request"]["headers"]}
    assert headers["authorization"] == "[redacted]"
    assert token not in judged.files() + judged.printed
