"""The files `make contract-merge` writes (`write_merged`), named as a run's (`contract-summary.json`,
`contract-report.html`, `contract-junit.xml`, `contract-failures.har`) in its own REPORTS_DIR: the merged summary
(`merging.merge`), one HTML page with a column per target (statuses, coverage, checks), the JUnit XML with a
test suite per target (`junit.junit_document`) and the parts' failing exchanges in one HAR file.
Everything comes from the parts' files, already free of secrets: nothing is sent.
"""

from __future__ import annotations

import datetime
import json
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Sequence
from typing import Any

import jinja2

from ..record.findings import FailureRecord
from ..record.run_report import SuiteReport
from ..spec.api import load_spec
from .coverage import FIGURES
from .har import CREATOR
from .html_report import TEMPLATES, pretty
from .junit import junit_document
from .merging import Part
from .outputs import OutputPaths

TEMPLATE = "merged-report.html.j2"
WORDS = {0: "PASSED", 1: "FAILED", 2: "INCOMPLETE"}


def _status_rows(targets: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """Per operation of the spec, each documented status with a cell per target (answers; — not reached), and the
    undocumented statuses each target saw."""
    rows = []
    for operation in load_spec().operations:
        by_target = [
            target.get("coverage", {}).get("statuses_by_operation", {}).get(operation.label, {})
            for target in targets.values()
        ]
        statuses = []
        for key in operation.statuses:
            cells = []
            for seen in by_target:
                count = seen.get("documented", {}).get(key, 0)
                cells.append({"text": str(count) if count else "—", "css": "cell-ok" if count else "cell-miss"})
            statuses.append({"status": key, "cells": cells})
        extra = [
            ", ".join(f"{status}: {count}" for status, count in seen.get("undocumented", {}).items())
            for seen in by_target
        ]
        rows.append({"name": operation.operation_id, "label": operation.label, "statuses": statuses, "extra": extra})
    return rows


def _coverage_rows(targets: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    rows = []
    for name, (title, meaning) in FIGURES.items():
        cells = []
        for target in targets.values():
            figure = target.get("coverage", {}).get(name)
            cells.append(
                {"text": "—", "percent": 0, "missing": []}
                if figure is None
                else {
                    "text": f"{figure['covered']}/{figure['total']}",
                    "percent": figure["percent"],
                    "missing": figure["missing"],
                }
            )
        rows.append({"title": title, "meaning": meaning, "cells": cells})
    return rows


def _check_rows(targets: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    failed = [Counter(failure["check"] for failure in target["failures"]) for target in targets.values()]
    names = sorted({name for target in targets.values() for name in target["checks"]} | {n for f in failed for n in f})
    return [
        {
            "name": name,
            "cells": [
                {"judged": target["checks"].get(name, 0), "failed": failures[name]}
                for target, failures in zip(targets.values(), failed, strict=True)
            ],
        }
        for name in names
    ]


def _har_entries(part: Part) -> list[dict[str, Any]]:
    path = OutputPaths(part.directory).har
    if not path.exists():
        return []
    entries: list[dict[str, Any]] = json.loads(path.read_text(encoding="utf-8"))["log"]["entries"]
    return entries


def _exchanges(parts: list[Part]) -> dict[tuple[str, str], dict[str, Any]]:
    """Each part's failing exchanges by (target, the HAR entry's comment: `[check] title`), as the page shows them."""
    found: dict[tuple[str, str], dict[str, Any]] = {}
    for part in parts:
        for entry in _har_entries(part):
            request, response = entry["request"], entry["response"]
            found[part.key, entry.get("comment", "")] = {
                "request": f"{request['method']} {request['url']}",
                "request_headers": [(h["name"], h["value"]) for h in request.get("headers", [])],
                "request_body": (request.get("postData") or {}).get("text", ""),
                "response": f"{response['status']} {response.get('statusText', '')}".strip(),
                "response_headers": [(h["name"], h["value"]) for h in response.get("headers", [])],
                "response_body": response.get("content", {}).get("text", ""),
            }
    return found


def render(merged: dict[str, Any], parts: Sequence[Part] = ()) -> str:
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True, undefined=jinja2.StrictUndefined
    )
    environment.filters["pretty"] = pretty
    targets: dict[str, dict[str, Any]] = merged["targets"]
    exchanges = _exchanges(list(parts))
    count = sum(len(target["parts"]) for target in targets.values())
    return environment.get_template(TEMPLATE).render(
        outcome={"word": WORDS[merged["exit_code"]], "line": f"exit code {merged['exit_code']}, the worst of {count}"},
        generated=datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M:%S UTC"),
        spec_version=load_spec().document.get("info", {}).get("version", ""),
        problems=merged["problems"],
        targets=targets,
        columns=list(targets),
        statuses=_status_rows(targets),
        coverage=_coverage_rows(targets),
        checks=_check_rows(targets),
        failures=[
            {**failure, "target": key, "exchange": exchanges.get((key, f"[{failure['check']}] {failure['title']}"))}
            for key, target in targets.items()
            for failure in target["failures"]
        ],
        words=WORDS,
    )


def junit_xml(merged: dict[str, Any]) -> str:
    """`<testsuites>` with one `<testsuite name="contract · target">` per target: a test case per check."""
    root = ET.Element("testsuites")
    for key, target in merged["targets"].items():
        report = SuiteReport(())
        report.checks.update(target["checks"])
        for failure in target["failures"]:
            report.record_failure(FailureRecord(**failure))
        root.extend(junit_document(report, f"contract · {key}", 0.0).getroot())
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"


def har(parts: list[Part]) -> dict[str, Any]:
    """The parts' failing exchanges in one HAR log, each entry's comment led by its part's name."""
    entries = [
        {**entry, "comment": f"[{part.name}] {entry.get('comment', '')}"}
        for part in parts
        for entry in _har_entries(part)
    ]
    return {
        "log": {"version": "1.2", "creator": {"name": CREATOR.name, "version": CREATOR.version}, "entries": entries}
    }


def write_merged(paths: OutputPaths, merged: dict[str, Any], parts: list[Part]) -> None:
    paths.summary_json.parent.mkdir(parents=True, exist_ok=True)
    paths.summary_json.write_text(json.dumps(merged, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    paths.html.write_text(render(merged, parts), encoding="utf-8")
    paths.junit_xml.write_text(junit_xml(merged), encoding="utf-8")
    paths.har.write_text(json.dumps(har(parts), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
