"""`reports/contract-report.html`: one self-contained page (no script, no network) of what a run saw, written
on every `make contract`, run or not: the verdict (and the first verdict on the target), the target, settings,
seed and replay command, the statuses each operation reached, each check with the responses it judged and
failed, each failure with its request and response (credentials redacted), field path, curl and replay
command, and the spec coverage (`coverage.py`). Rendered with Jinja2, which escapes whatever the server sent.
The validating proxy writes the same page of the traffic it judged (`mode="proxy"`): it says so, and shows the
exchanges real clients had instead of cases, seed and budget.
"""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass
from pathlib import Path

import jinja2

from ..phases.verdict import Verdict
from ..record.findings import redact
from ..record.run_report import SuiteReport
from ..spec.api import load_spec
from .coverage import FIGURES, Coverage
from .failure_log import FailureLog
from .summary import format_counts

TEMPLATES = Path(__file__).with_name("templates")
TEMPLATE = "contract-report.html.j2"
SUITE, PROXY = "suite", "proxy"  # what wrote the page: `make contract`, or `make proxy`


@dataclass(frozen=True)
class ReportInputs:
    """What the page shows; everything but `secrets` is already printable."""

    result: str  # the result line the terminal printed, e.g. "PASSED (41 passed, 0 failed tests); exit code 0"
    exit_code: int
    target: str
    settings: str
    seed: int | None
    max_examples: int
    replay: str
    not_run: str = ""  # why the suite did not run, when it did not
    verdict: Verdict | None = None
    run_anyway: bool = False
    report: SuiteReport | None = None
    coverage: Coverage | None = None
    failures: FailureLog | None = None
    credentials: str = ""
    secrets: tuple[str, ...] = ()  # redacted once more from the whole page
    mode: str = SUITE  # SUITE or PROXY
    about: tuple[tuple[str, str], ...] = ()  # facts of the run shown with the settings (the proxy's), printable
    # Where the run stands among several, for `make contract-merge`: its BASE_URL (None: the emulator) and SHARD
    # ({"index", "count"}; a run's own report says more), in the JSON summary whether the suite ran or not.
    campaign: tuple[tuple[str, object], ...] = ()


def _outcome(inputs: ReportInputs) -> dict[str, str]:
    word = "NOT RUN" if inputs.report is None else ("PASSED" if inputs.exit_code == 0 else "FAILED")
    return {"word": word, "line": inputs.result}


def _run(report: SuiteReport | None, mode: str) -> dict[str, object] | None:
    if report is None:
        return None
    stats = report.transport
    return {
        "unit": "exchanges judged" if mode == PROXY else "cases",
        "cases": report.total_cases,
        "by_phase": format_counts(report.phases),
        "by_status": format_counts(report.cases),
        "requests": stats.sent,
        "throttled": f"{stats.throttled} answers 429 waited out ({stats.waited:.1f} s)",
        "stopped": report.stopped,
    }


def _matrix(coverage: Coverage | None) -> dict[str, object]:
    if coverage is None:
        return {"columns": [], "rows": []}
    rows = coverage.status_matrix()
    columns = sorted(
        {key for _, documented, _ in rows for key in documented}
        | {str(status) for _, _, extra in rows for status in extra}
    )
    table = []
    for operation, documented, extra in rows:
        cells = []
        for column in columns:
            if column in documented:
                count = documented[column]
                cells.append({"text": str(count) if count else "—", "css": "cell-ok" if count else "cell-miss"})
            elif column.isdigit() and int(column) in extra:
                cells.append({"text": str(extra[int(column)]), "css": "cell-extra"})
            else:
                cells.append({"text": "", "css": ""})
        silent = not any(documented.values()) and not extra
        table.append({"name": operation.operation_id, "label": operation.label, "cells": cells, "silent": silent})
    return {"columns": columns, "rows": table}


def _checks(report: SuiteReport | None, failures: FailureLog | None) -> list[dict[str, object]]:
    if report is None:
        return []
    failed = failures.failed if failures is not None else {}
    names = sorted(set(report.checks) | set(failed))
    return [{"name": name, "judged": report.checks[name], "failed": failed.get(name, 0)} for name in names]


def _failures(report: SuiteReport | None, failures: FailureLog | None) -> list[dict[str, object]]:
    if report is None:
        return []
    exchanges = failures.exchanges if failures is not None else {}
    return [{**vars(failure), "exchange": exchanges.get(key)} for key, failure in report.failures.items()]


def _coverage(coverage: Coverage | None) -> dict[str, object] | None:
    if coverage is None:
        return None
    figures = coverage.figures()
    return {
        "line": coverage.summary_line().removeprefix("coverage:").strip(),
        "figures": [
            {
                "title": FIGURES[name][0],
                "meaning": FIGURES[name][1],
                "covered": figure.covered,
                "total": figure.total,
                "percent": round(figure.percent, 1),
                "missing": figure.missing,
            }
            for name, figure in figures.items()
        ],
        "parameters": coverage.parameter_rows(),
        "unfollowed_links": [link.named for link in coverage.unfollowed_links()],
    }


def pretty(body: str) -> str:
    """A JSON body indented for reading; any other body as it came."""
    try:
        return json.dumps(json.loads(body), indent=2, ensure_ascii=False)
    except ValueError:
        return body


def render(inputs: ReportInputs) -> str:
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True, undefined=jinja2.StrictUndefined
    )
    environment.filters["pretty"] = pretty
    verdict = inputs.verdict
    page = environment.get_template(TEMPLATE).render(
        outcome=_outcome(inputs),
        generated=datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M:%S UTC"),
        spec_version=load_spec().document.get("info", {}).get("version", ""),
        not_run=inputs.not_run,
        verdict=None
        if verdict is None
        else {
            "paragraph": verdict.paragraph(run_anyway=inputs.run_anyway),
            "answers": verdict.answers,
            "looks": verdict.looks,
        },
        credentials=inputs.credentials,
        target=inputs.target,
        settings=inputs.settings,
        seed=inputs.seed,
        max_examples=inputs.max_examples,
        replay=inputs.replay,
        run=_run(inputs.report, inputs.mode),
        proxy=inputs.mode == PROXY,
        about=inputs.about,
        matrix=_matrix(inputs.coverage),
        checks=_checks(inputs.report, inputs.failures),
        failures=_failures(inputs.report, inputs.failures),
        coverage=_coverage(inputs.coverage),
    )
    return redact(page, inputs.secrets)


def write_html_report(path: Path, inputs: ReportInputs) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render(inputs), encoding="utf-8")
