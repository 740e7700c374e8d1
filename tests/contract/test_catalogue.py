"""The catalogue in docs/contract-suite.md: every check of the suite is in it, and every check it names exists.

A row names the checks that cover a standards entry (in backticks), or says why the entry does not apply
(`n/a: …`). The suite's checks are what a run judges by (the slice's report) and every probe's check (the probes
of a target with every kind of task known, authentication probes included)."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import schemathesis.specs.openapi.checks  # noqa: F401 - registers Schemathesis' own checks by name
from schemathesis.checks import CHECKS

from contract_tests.phases.probes.plan import build_probes
from contract_tests.run.runner import run_suite
from contract_tests.run.state import SuiteRun
from contract_tests.spec.api import load_spec
from contract_tests.target.emulator import emulator_target

from .slice import SLICE_OPTIONS

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "contract-suite.md"
HEADING = "## Catalogue: the standards each check comes from"
NAME = re.compile(r"`([a-z][a-z0-9_]*)`")


@cache
def catalogue_rows() -> list[tuple[str, str, str]]:
    """(source, entry, covered by) of each row of the catalogue's table."""
    text = DOC.read_text(encoding="utf-8")
    assert HEADING in text, f"{DOC} has no section {HEADING!r}"
    section = text.split(HEADING, 1)[1].split("\n## ", 1)[0]
    rows = []
    for line in section.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if not line.startswith("|") or set(cells[0]) <= {"-", " "} or cells[0] == "source":
            continue
        assert len(cells) == 3, f"a catalogue row has source, entry and covering checks: {line}"
        rows.append((cells[0], cells[1], cells[2]))
    return rows


def catalogued_checks() -> set[str]:
    return {name for _, _, covered in catalogue_rows() for name in NAME.findall(covered)}


@cache
def suite_source() -> str:
    return "\n".join(path.read_text(encoding="utf-8") for path in (ROOT / "contract_tests").rglob("*.py"))


def check_exists(name: str) -> bool:
    """Schemathesis' own check of that name, or a function or a check's name written in the suite's code."""
    if name in CHECKS.get_all_names():
        return True
    return re.search(rf"(def {name}\(|class {name}\b|[\"']{name}[\"'])", suite_source()) is not None


def test_every_row_names_an_existing_check_or_says_why_not() -> None:
    rows = catalogue_rows()
    sources = {source for source, _, _ in rows}
    assert len(rows) >= 40, rows
    for source in ("RESTler", "ZAP", "OWASP API Top 10 (2023)", "RFC 9110", "RFC 8259", "signing scheme"):
        assert any(found.startswith(source) for found in sources), f"no row for {source}"
    for source, entry, covered in rows:
        names = NAME.findall(covered)
        assert names or covered.startswith("n/a: "), f"{source} {entry}: name a check, or say `n/a: why`"
        missing = [name for name in names if not check_exists(name)]
        assert not missing, f"{source} {entry}: no check named {missing}"


def test_every_check_of_the_suite_is_catalogued() -> None:
    target = emulator_target()
    report = run_suite(SuiteRun(target, SLICE_OPTIONS))
    probes = build_probes(target, load_spec(), failing_ak=True)
    checks = set(report.checks) | {probe.check for probe in probes}
    assert checks >= {"not_a_server_error", "tampered_signature_rejected"}, checks  # the run and the probes seen
    uncatalogued = sorted(checks - catalogued_checks())
    assert not uncatalogued, f"add these checks to the catalogue in {DOC.name}: {uncatalogued}"
