"""The files `make contract` writes under `reports/` on every run, run or not (`write_outputs`): the JSON
summary (`contract-summary.json`), the HTML report (`contract-report.html`, `html_report.py`) and the failing
exchanges as HAR (`contract-failures.har`, `har.py`); pytest writes the JUnit XML itself when the suite runs.
`make proxy` writes the same files named `proxy-…` (and its JUnit XML with `junit.py`).
Every one is free of secrets: the exchanges are scrubbed when captured, the rest redacted once more here.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from ..record.exchanges import Exchange
from ..record.findings import redact
from ..spec.document import REPO_ROOT
from .har import write_har
from .html_report import ReportInputs, write_html_report


@dataclass(frozen=True)
class OutputPaths:
    """The report files of one run, in one directory (REPORTS_DIR; a relative one is in the repository), named for
    what ran: `contract-…` (the suite) or `proxy-…` (the validating proxy)."""

    directory: Path
    prefix: str = "contract"

    def _file(self, name: str) -> Path:
        directory = self.directory if self.directory.is_absolute() else REPO_ROOT / self.directory
        return directory / f"{self.prefix}-{name}"

    @property
    def junit_xml(self) -> Path:
        return self._file("junit.xml")

    @property
    def summary_json(self) -> Path:
        return self._file("summary.json")

    @property
    def html(self) -> Path:
        return self._file("report.html")

    @property
    def har(self) -> Path:
        return self._file("failures.har")


def summary_dict(inputs: ReportInputs) -> dict[str, object]:
    """The JSON summary: the run's report, the first verdict and the coverage (or why nothing ran)."""
    data: dict[str, object] = (
        inputs.report.as_dict()
        if inputs.report is not None
        else {"seed": inputs.seed, "max_examples": inputs.max_examples, "ok": False, "exit_code": inputs.exit_code}
    )
    data["target"] = inputs.target
    for key, value in inputs.campaign:
        data.setdefault(key, value)
    if inputs.not_run:
        data["not_run"] = inputs.not_run
    if inputs.verdict is not None:
        data["first_verdict"] = inputs.verdict.as_dict()
    if inputs.coverage is not None:
        data["coverage"] = inputs.coverage.as_dict()
    if inputs.credentials:
        data["credentials"] = inputs.credentials
    if inputs.about:
        data["about"] = dict(inputs.about)
    return data


def har_entries(inputs: ReportInputs) -> list[tuple[str, Exchange]]:
    """Each failure's exchange; when the first verdict stopped the run, its requests (the evidence)."""
    entries: list[tuple[str, Exchange]] = []
    if inputs.verdict is not None and not inputs.verdict.looks_like_the_service:
        entries += [(f"first verdict: {look.label}", look.exchange) for look in inputs.verdict.looks]
    if inputs.report is not None and inputs.failures is not None:
        for key, failure in inputs.report.failures.items():
            exchange = inputs.failures.exchanges.get(key)
            if exchange is not None:
                entries.append((f"[{failure.check}] {failure.title}", exchange))
    return entries


def write_outputs(paths: OutputPaths, inputs: ReportInputs) -> None:
    paths.summary_json.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(summary_dict(inputs), indent=2, ensure_ascii=False)
    paths.summary_json.write_text(redact(text, inputs.secrets) + "\n", encoding="utf-8")
    write_html_report(paths.html, inputs)
    write_har(paths.har, har_entries(inputs))
