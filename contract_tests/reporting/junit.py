"""A run's checks as JUnit XML (`write_junit`), for the runs pytest does not drive (the validating proxy's): one
test case per check, passed when it failed no answer, failed with each of its failures (title, message, the request
as curl) otherwise. What CI systems read to show a run's result per check. Scrubbed of `secrets` like every report.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from ..record.findings import redact
from ..record.run_report import SuiteReport


def junit_document(report: SuiteReport, suite: str, elapsed: float) -> ET.ElementTree[ET.Element]:
    """`<testsuites><testsuite name=suite>`, a `<testcase classname=suite name=check>` per check judged or failed."""
    failed: dict[str, list[tuple[str, str]]] = {}
    for failure in report.failures.values():
        request = f"request: {failure.request}" if failure.request else ""
        text = "\n".join(part for part in (failure.message, request) if part)
        failed.setdefault(failure.check, []).append((failure.title, text))
    names = sorted(set(report.checks) | set(failed))
    root = ET.Element("testsuites")
    suite_element = ET.SubElement(
        root,
        "testsuite",
        name=suite,
        tests=str(len(names)),
        failures=str(sum(1 for name in names if name in failed)),
        errors="0",
        skipped="0",
        time=f"{elapsed:.3f}",
    )
    for name in names:
        case = ET.SubElement(suite_element, "testcase", classname=suite, name=name, time="0")
        judged = ET.SubElement(case, "system-out")
        judged.text = f"{report.checks[name]} answers judged"
        for title, text in failed.get(name, []):
            element = ET.SubElement(case, "failure", message=title, type=name)
            element.text = text
    ET.indent(root)
    return ET.ElementTree(root)


def write_junit(path: Path, report: SuiteReport, *, suite: str, elapsed: float, secrets: tuple[str, ...]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    text = ET.tostring(junit_document(report, suite, elapsed).getroot(), encoding="unicode", xml_declaration=True)
    path.write_text(redact(text, secrets) + "\n", encoding="utf-8")
