"""The files a QA engineer attaches: `contract-report.html` (self-contained, rendered in headless Chromium with no
console error and every section visible; its screenshot kept in `reports/`) and `contract-failures.har` (valid
HAR 1.2, opened by Playwright as browsers' tools open it). Neither holds a secret: the run authenticates with
an IAM token, which the requests carry in clear."""

from __future__ import annotations

import contextlib
import io
import json
import re
from dataclasses import dataclass
from pathlib import Path

import jsonschema_rs
import pytest

from contract_tests import cli
from contract_tests.emulator import DEFAULT_SCENARIO_PATH, create_app, load_scenario
from contract_tests.emulator.server import serve_in_thread
from contract_tests.reporting.coverage import FIGURES
from contract_tests.reporting.html_report import ReportInputs, render
from contract_tests.run.runner import ROOT
from scripts.publishing.docs import REMOTE_RESOURCE, chromium, offline_tab

from .broken.variants import VARIANTS
from .slice import token_environment
from .spec_figures import READS, operations_covered

pytestmark = pytest.mark.slow  # a suite run, then Chromium

SCENARIO = load_scenario(DEFAULT_SCENARIO_PATH)
SCREENSHOT = ROOT / "reports" / "contract-report.png"
SECTIONS = ("Verdict", "Target and settings", "Statuses reached per operation", "Checks", "Failures", "Spec coverage")

# HAR 1.2's required fields (http://www.softwareishard.com/blog/har-12-spec/), as a JSON Schema.
_RECORD = {
    "type": "object",
    "required": ["name", "value"],
    "properties": {"name": {"type": "string"}, "value": {"type": "string"}},
}
_RECORDS = {"type": "array", "items": _RECORD}
HAR_1_2 = {
    "type": "object",
    "required": ["log"],
    "properties": {
        "log": {
            "type": "object",
            "required": ["version", "creator", "entries"],
            "properties": {
                "version": {"const": "1.2"},
                "creator": {"type": "object", "required": ["name", "version"]},
                "entries": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "required": ["startedDateTime", "time", "request", "response", "cache", "timings"],
                        "properties": {
                            "startedDateTime": {"type": "string", "pattern": r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d"},
                            "time": {"type": "number", "minimum": 0},
                            "request": {
                                "type": "object",
                                "required": [
                                    "method",
                                    "url",
                                    "httpVersion",
                                    "cookies",
                                    "headers",
                                    "queryString",
                                    "headersSize",
                                    "bodySize",
                                ],
                                "properties": {
                                    "headers": _RECORDS,
                                    "queryString": _RECORDS,
                                    "postData": {"type": "object", "required": ["mimeType"]},
                                },
                            },
                            "response": {
                                "type": "object",
                                "required": [
                                    "status",
                                    "statusText",
                                    "httpVersion",
                                    "cookies",
                                    "headers",
                                    "content",
                                    "redirectURL",
                                    "headersSize",
                                    "bodySize",
                                ],
                                "properties": {
                                    "headers": _RECORDS,
                                    "content": {"type": "object", "required": ["size", "mimeType"]},
                                },
                            },
                            "cache": {"type": "object"},
                            "timings": {
                                "type": "object",
                                "required": ["send", "wait", "receive"],
                                "properties": {
                                    name: {"type": "number", "minimum": -1} for name in ("send", "wait", "receive")
                                },
                            },
                        },
                    },
                },
            },
        }
    },
}


@dataclass(frozen=True)
class FailedRun:
    out: str
    html: Path
    har: Path
    summary: Path
    token: str


@pytest.fixture(scope="module")
def failed_run(tmp_path_factory: pytest.TempPathFactory) -> FailedRun:
    """`make contract BASE_URL=…` against a server that answers `progress` as a string, with an IAM token."""
    directory = tmp_path_factory.mktemp("reports")
    variant = next(variant for variant in VARIANTS if variant.name == "wrong field type")
    env = token_environment(SCENARIO)
    token = env["DCS_AUTH_TOKEN"]
    html, har, summary = (
        directory / name for name in ("contract-report.html", "contract-failures.har", "contract-summary.json")
    )
    with pytest.MonkeyPatch.context() as patch, serve_in_thread(variant.wrap(create_app(SCENARIO), SCENARIO)) as url:
        for name, value in env.items():
            patch.setenv(name, value)
        printed = io.StringIO()
        with contextlib.redirect_stdout(printed):
            code = cli.main(
                [
                    "--base-url",
                    url,
                    "--seed",
                    "4",
                    "--max-examples",
                    "20",
                    "--progress",
                    "off",
                    "--reports-dir",
                    str(directory),
                ]
            )
    assert code == 1, printed.getvalue()
    return FailedRun(printed.getvalue(), html, har, summary, token)


def test_the_report_renders_offline_in_chromium_with_every_section(failed_run: FailedRun) -> None:
    assert chromium() is not None, "the browser test needs Debian's chromium: .ci/run installs it"
    page = failed_run.html.read_text(encoding="utf-8")
    assert not REMOTE_RESOURCE.findall(page)
    assert "<script" not in page  # nothing to run: a static page
    problems: list[str] = []
    with offline_tab(failed_run.html, problems, viewport={"width": 1280, "height": 900}) as tab:
        for section in SECTIONS:
            heading = tab.get_by_role("heading", name=re.compile(f"^{re.escape(section)}"))
            assert heading.first.is_visible(), section
        assert tab.get_by_text("[response_schema_conformance]").first.is_visible()
        assert tab.get_by_text("field: progress").first.is_visible()
        assert tab.get_by_text("X-Auth-Token: [redacted]").first.is_visible()  # the failing request's headers
        coverage = tab.locator("#coverage")
        assert coverage.get_by_text("keywords of responses").is_visible()
        assert coverage.get_by_text("links").first.is_visible()
        SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
        tab.screenshot(path=str(SCREENSHOT), full_page=True)
    assert problems == []
    assert SCREENSHOT.stat().st_size > 10_000


def test_the_report_and_the_har_hold_every_failure_and_no_secret(failed_run: FailedRun) -> None:
    summary = json.loads(failed_run.summary.read_text())
    har = json.loads(failed_run.har.read_text())
    jsonschema_rs.validate(HAR_1_2, har)
    entries = har["log"]["entries"]
    assert len(entries) == len(summary["failures"]) >= 1
    assert {entry["comment"] for entry in entries} == {f"[{f['check']}] {f['title']}" for f in summary["failures"]}
    schema = next(entry for entry in entries if entry["comment"].startswith("[response_schema_conformance]"))
    assert schema["response"]["status"] == 200
    assert isinstance(json.loads(schema["response"]["content"]["text"])["progress"], str)  # the bug, as served
    headers = {header["name"].lower(): header["value"] for header in schema["request"]["headers"]}
    assert headers["x-auth-token"] == "[redacted]"
    for text in (
        failed_run.html.read_text(),
        failed_run.har.read_text(),
        failed_run.summary.read_text(),
        failed_run.out,
    ):
        assert failed_run.token not in text
    assert summary["coverage"]["operations"]["covered"] == len(READS)  # a BASE_URL without ALLOW_CHANGES: reads only
    assert failed_run.out.splitlines()[-1].startswith(operations_covered(len(READS)))


def test_playwright_replays_the_failing_exchange_from_the_har(failed_run: FailedRun, tmp_path: Path) -> None:
    """A browser-side consumer: Playwright serves the page's requests from the HAR file."""
    har = json.loads(failed_run.har.read_text())
    entry = next(entry for entry in har["log"]["entries"] if entry["request"]["method"] == "GET")
    problems: list[str] = []
    blank = tmp_path / "blank.html"
    blank.write_text("<!doctype html><title>blank</title>")
    with offline_tab(blank, problems, viewport={"width": 800, "height": 600}) as tab:
        tab.unroute("**/*")
        tab.route_from_har(failed_run.har, not_found="abort")
        answered = tab.evaluate(
            "async (url) => { const r = await fetch(url); return [r.status, await r.text()]; }", entry["request"]["url"]
        )
    assert answered == [entry["response"]["status"], entry["response"]["content"]["text"]]


def test_what_the_server_sent_is_escaped_not_run() -> None:
    page = render(
        ReportInputs(
            result="NOT RUN (x); exit code 2",
            exit_code=2,
            target="http://evil.example",
            settings="<script>alert(1)</script>",
            seed=1,
            max_examples=1,
            replay="make contract",
            not_run="configuration error: <img src=x onerror=alert(1)>",
            secrets=("SECRET",),
        )
    )
    assert "<script>alert" not in page
    assert "<img src=x" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_the_suite_page_shows_the_report_and_says_what_each_coverage_figure_counts() -> None:
    page = (ROOT / "docs" / "contract-suite.md").read_text(encoding="utf-8")
    image = re.search(r"!\[[^\]]*\]\((images/[^)]+\.png)\)", page)
    assert image is not None
    assert (ROOT / "docs" / image[1]).stat().st_size < 300_000
    coverage_table = page[page.index("**Spec coverage**") :]
    for title, _ in FIGURES.values():
        assert f"\n| {title} | " in coverage_table, title
