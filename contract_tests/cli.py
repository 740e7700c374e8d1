"""The command line of `make contract`: run the whole contract suite against one target and print what it found
(and write the JUnit XML, JSON summary, HTML report and failing exchanges under REPORTS_DIR).

    python -m contract_tests.cli [--base-url URL] [--max-examples N] [--seed S] … (`--help` lists every setting)

Every setting is a row of `settings.table`: its flag, or else its environment variable of the same name (the
Makefile passes `make contract NAME=value` through the environment). Without BASE_URL it starts the emulator on a
free loopback port and stops it afterwards; with one it tests that server, configured as the SDK is.
Before the generated cases, a first verdict on the target (`phases.verdict`); a target that does not look like
the service stops the run there, unless RUN_ANYWAY=1. While the suite runs, live progress (`reporting.progress`).
Exit status: 0 when every check passed and every required status was reached, 1 otherwise, 2 on a
configuration error, a target that cannot be reached (connection refused, DNS) or one that does not look
like the service; the result line says which, and a one-line coverage summary closes the output of a run.
Ours rather than Schemathesis' CLI: the probes, the verdict, the summary and these exit codes are the suite's
(`schemathesis_hooks` gives Schemathesis' CLI the suite's signer and known IDs).
"""

from __future__ import annotations

import contextlib
import dataclasses
import random
import sys

import requests

from .phases.verdict import UnreachableError, Verdict, first_verdict, wrapped
from .reporting.coverage import Coverage
from .reporting.failure_log import FailureLog
from .reporting.html_report import ReportInputs
from .reporting.outputs import OutputPaths, write_outputs
from .reporting.progress import RunProgress, choose_mode
from .reporting.summary import format_summary
from .run.runner import run_suite
from .run.state import SuiteRun
from .settings.errors import SettingsError
from .settings.reading import describe, read_settings
from .settings.table import Settings
from .spec.api import load_spec
from .target.model import Target
from .target.opening import open_target

INDENT = " " * 13  # continuation lines line up under the labels' values ("first look:  …")


def credentials_still_work(target: Target, session: requests.Session, timeout: float) -> str:
    """After the run: a correctly signed request for a readable task gets a documented success body (the probes
    locked no AK/SK). Only such a body says so: any answer would from a server that ignores credentials."""
    if not target.readable_tasks:
        return "not checked (no readable task configured: DCS_TASK_ID or DCS_TASKS)"
    spec = load_spec()
    task = target.readable_tasks[0]
    operation = next(op for op in spec.operations if op.method == "GET" and op.takes_task)
    try:
        response = session.get(
            target.base_url + operation.path_for(task.as_path_parameters()), auth=target.auth, timeout=timeout
        )
    except requests.RequestException as error:
        return f"not checked ({type(error).__name__})"
    with response:
        status, kind = response.status_code, response.headers.get("Content-Type", "no Content-Type")
        if status == 401:
            return "REFUSED: a correctly signed request after the run got 401 (locked?)"
        if spec.documented_success(operation, status, kind, response.content):
            return f"not locked (a correctly signed request after the run got {status} with a documented body)"
        return f"unknown (a correctly signed request after the run got {status} {kind}, not a documented success body)"


def replay_command(settings: Settings) -> str:
    base_url = f" BASE_URL={settings.base_url}" if settings.base_url else ""
    shard = "" if settings.shard.whole else f" SHARD={settings.shard}"
    return f"make contract SEED={settings.seed} MAX_EXAMPLES={settings.max_examples}{shard}{base_url}"


def campaign(settings: Settings) -> tuple[tuple[str, object], ...]:
    """What tells this run's part of a campaign apart in the JSON summary (`make contract-merge` reads it)."""
    shard = () if settings.shard.whole else (("shard", {"index": settings.shard.index, "count": settings.shard.count}),)
    return (("base_url", settings.base_url), *shard)


def print_verdict(verdict: Verdict, run_anyway: bool) -> None:
    print("first look:  " + f"\n{INDENT}".join(verdict.answers), flush=True)
    if not verdict.looks_like_the_service:
        print(wrapped(verdict.paragraph(run_anyway=run_anyway)), flush=True)


def main(argv: list[str] | None = None) -> int:
    try:
        settings = read_settings(argv, prog="python -m contract_tests.cli", description=__doc__.split("\n\n")[0])
    except SettingsError as error:
        partial = error.partial if isinstance(error.partial, Settings) else Settings()
        nothing = ReportInputs("", 2, "", "", None, partial.max_examples, "")
        return not_run(OutputPaths(partial.reports_dir), nothing, "configuration error", error=str(error))
    if settings.seed is None:
        settings = dataclasses.replace(settings, seed=random.SystemRandom().randrange(2**32))
    paths = OutputPaths(settings.reports_dir)
    replay = replay_command(settings)
    target_name = settings.base_url or "the emulator"
    nothing = ReportInputs("", 2, target_name, "", settings.seed, settings.max_examples, replay)
    nothing = dataclasses.replace(nothing, campaign=campaign(settings))
    print(f"contract suite: seed {settings.seed}, max examples {settings.max_examples} (replay: {replay})")
    for note in settings.notes:
        print(f"note: {note}")
    try:
        with open_target(settings) as target:
            line = f"{describe(settings)}, {changes(target)}" + (
                "" if settings.shard.whole else f", SHARD={settings.shard}"
            )
            print(f"target: {target.description}", flush=True)
            print(f"settings: {line}", flush=True)
            nothing = dataclasses.replace(nothing, target=target.description, settings=line, secrets=target.secrets)
            return run_and_report(settings, paths, target, dataclasses.replace(nothing, run_anyway=settings.run_anyway))
    except SettingsError as error:
        return not_run(paths, nothing, "configuration error", error=str(error))
    except UnreachableError as error:
        return not_run(paths, nothing, f"cannot reach the target: {error}", error=f"cannot reach the target: {error}")


def changes(target: Target) -> str:
    """What the run may change, for the `settings:` line."""
    return (
        "read-only" if target.read_only else f"state-changing requests on {len(target.changeable)} named task(s) only"
    )


def not_run(
    paths: OutputPaths,
    inputs: ReportInputs,
    why: str,
    *,
    error: str = "",
    verdict: Verdict | None = None,
    coverage: Coverage | None = None,
) -> int:
    """Nothing (more) is sent: say why in one line (`error`, the detail, on stderr), write the reports saying so
    (with the detail), exit 2."""
    if error:
        print(f"error: {error}", file=sys.stderr)
    result = f"NOT RUN ({why}); exit code 2"
    print(f"result:      {result}")
    reason = why if not error or error in why else f"{why}: {error}"
    inputs = dataclasses.replace(inputs, result=result, exit_code=2, not_run=reason, verdict=verdict, coverage=coverage)
    write_outputs(paths, inputs)
    return 2


def run_and_report(settings: Settings, paths: OutputPaths, target: Target, inputs: ReportInputs) -> int:
    """The first verdict, then (unless it stops the run) the suite with live progress; then every report."""
    coverage, failures = Coverage(), FailureLog(target.secrets)
    progress = None
    run = SuiteRun(target, settings, [coverage, failures])
    mode = choose_mode(settings.progress, sys.stdout, in_ci=settings.in_ci)
    if mode == "live" and settings.verbose:
        mode = "plain"  # pytest's own output would run through a live display
    if mode != "off":
        progress = RunProgress(sys.stdout, settings, run.report.transport, mode=mode)
        run.observe(progress)
    with run.opened():
        verdict = first_verdict(target, run.session, settings.request_timeout)
        print_verdict(verdict, inputs.run_anyway)
        if not verdict.looks_like_the_service and not inputs.run_anyway:
            why = "the target does not look like the service; RUN_ANYWAY=1 runs it anyway"
            return not_run(paths, inputs, why, verdict=verdict, coverage=coverage)
        with progress.showing() if progress is not None else contextlib.nullcontext():
            report = run_suite(run, junit_xml=paths.junit_xml, show_output=settings.verbose)
        # In a sharded campaign, by the part that sent the failing signatures (`run.shards`).
        checked = target.app is None and run.shards.runs_run_wide
        credentials = credentials_still_work(target, run.session, settings.request_timeout) if checked else ""
    summary = format_summary(report, target=target.description, replay=inputs.replay)
    inputs = dataclasses.replace(
        inputs,
        result=summary.splitlines()[-1].removeprefix("result:").strip(),
        exit_code=report.exit_code,
        verdict=verdict,
        report=report,
        coverage=coverage,
        failures=failures,
        credentials=credentials,
    )
    write_outputs(paths, inputs)
    print(
        f"reports: {paths.junit_xml} (JUnit XML), {paths.summary_json} (summary), {paths.html} (report), "
        f"{paths.har} (failing exchanges)"
    )
    if credentials:
        print(f"credentials: {credentials}")
    print(summary)
    if unfollowed := coverage.unfollowed_line():
        print(unfollowed)
    print(coverage.summary_line())
    return report.exit_code


if __name__ == "__main__":
    sys.exit(main())
