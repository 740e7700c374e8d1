"""The command line of `make contract`: run the whole contract suite against one target and print
what it found (plus the JUnit XML and JSON summary under `reports/`).

    python -m contract_tests.cli [--base-url URL] [--max-examples N] [--seed S] [--in-process]
        [--request-timeout S] [--rate-limit 10/s] [--max-time S] [--auth-probes 1|0]
        [--method-rejection 405|404|any] [--allow-destructive 1|0] [--run-anyway] [--progress MODE]

Without `--base-url` it starts the emulator on a free loopback port and stops it afterwards;
with one it tests that server, configured by environment variables (see `target.remote`
and `target.remote`). The knobs default to the environment variables of the same names
(REQUEST_TIMEOUT, RATE_LIMIT, MAX_TIME, AUTH_PROBES, METHOD_REJECTION, ALLOW_DESTRUCTIVE).
Before the generated cases, a first verdict on the target (`phases.verdict`); a target that does not look like
the service stops the run there, unless `--run-anyway` (RUN_ANYWAY=1). While the suite runs, live progress
(`reporting.progress`: a rich display on a terminal, a plain line every 10 s otherwise; PROGRESS=off for none).
Exit status: 0 when every check passed and every required status was reached, 1 otherwise, 2 on a
configuration error, a target that cannot be reached (connection refused, DNS) or one that does not look
like the service; the result line says which, and a one-line coverage summary closes the output of a run.
Every run writes `reports/contract-summary.json`, `contract-report.html` and `contract-failures.har`
(`reporting.outputs`). Ours rather than Schemathesis' CLI: the probes, the verdict, the summary and these exit
codes are the suite's (`schemathesis_hooks.py` gives Schemathesis' CLI the suite's signer and known IDs).
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import os
import random
import sys
from pathlib import Path

import requests

from .phases.verdict import RUN_ANYWAY, UnreachableError, Verdict, first_verdict, wrapped
from .reporting.coverage import Coverage
from .reporting.failure_log import FailureLog
from .reporting.html_report import ReportInputs
from .reporting.outputs import OutputPaths, write_outputs
from .reporting.progress import MODES, RunProgress, choose_mode
from .reporting.summary import format_summary
from .run.runner import ROOT, run_suite
from .run.state import SuiteRun
from .settings.base_url import base_url_problem
from .settings.errors import SettingsError
from .settings.knobs import KNOB_VARIABLES, RunKnobs, parse_flag
from .settings.options import SuiteOptions
from .spec.api import load_spec
from .target.emulator import DEFAULT_SCENARIO_PATH, open_target
from .target.model import Target

DEFAULT_MAX_EXAMPLES = 350  # per operation: the spec's operations plus the stateful phase stay within 30 s
REPORTS = ROOT / "reports"
INDENT = " " * 13  # continuation lines line up under the labels' values ("first look:  …")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m contract_tests.cli", description=__doc__.split("\n\n")[0])
    parser.add_argument("--base-url", help="test this server instead of a freshly started emulator")
    parser.add_argument("--max-examples", type=int, default=DEFAULT_MAX_EXAMPLES, help="fuzzed cases per operation")
    parser.add_argument("--seed", type=int, help="replay a run (default: a fresh seed, printed)")
    parser.add_argument("--scenario", type=Path, default=DEFAULT_SCENARIO_PATH, help="emulator scenario file")
    parser.add_argument("--in-process", action="store_true", help="call the emulator in-process instead of over HTTP")
    parser.add_argument("--junit-xml", type=Path, default=REPORTS / "contract-junit.xml")
    parser.add_argument("--summary-json", type=Path, default=REPORTS / "contract-summary.json")
    parser.add_argument("--html-report", type=Path, default=REPORTS / "contract-report.html")
    parser.add_argument("--har", type=Path, default=REPORTS / "contract-failures.har", help="failing exchanges")
    parser.add_argument("--verbose", action="store_true", help="show pytest's own output too")
    parser.add_argument("--request-timeout", help="seconds per request (REQUEST_TIMEOUT; default 30)")
    parser.add_argument("--rate-limit", help="at most this many requests, e.g. 10/s or 600/m (RATE_LIMIT)")
    parser.add_argument("--max-time", help="wall-clock budget of the run in seconds (MAX_TIME)")
    parser.add_argument("--auth-probes", help="1/0: send failing signatures with the configured AK (AUTH_PROBES; 1)")
    parser.add_argument("--method-rejection", help="405, 404 or any (METHOD_REJECTION; emulator 405, BASE_URL any)")
    parser.add_argument("--allow-destructive", help="1/0: state-changing requests on DCS_DESTRUCTIVE_TASKS only")
    parser.add_argument(
        "--run-anyway", action="store_true", help="run even when the first verdict says the target is not the service"
    )
    parser.add_argument("--progress", choices=MODES, help="auto (default), live, plain or off (PROGRESS)")
    return parser.parse_args(argv)


def knobs_from(args: argparse.Namespace) -> RunKnobs:
    """The environment's knobs, each overridden by its command-line flag when given."""
    flags = {name: getattr(args, name.lower()) for name in KNOB_VARIABLES}
    return RunKnobs.from_env({**os.environ, **{name: value for name, value in flags.items() if value}})


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


def progress_mode(args: argparse.Namespace) -> str:
    mode = args.progress or os.environ.get("PROGRESS") or "auto"
    if mode not in MODES:
        raise SettingsError(f"PROGRESS must be one of {', '.join(MODES)}, got {mode!r}")
    return mode


def replay_command(args: argparse.Namespace, seed: int) -> str:
    base_url = f" BASE_URL={args.base_url}" if args.base_url else ""
    return f"make contract SEED={seed} MAX_EXAMPLES={args.max_examples}{base_url}"


def print_verdict(verdict: Verdict, run_anyway: bool) -> None:
    print("first look:  " + f"\n{INDENT}".join(verdict.answers), flush=True)
    if not verdict.looks_like_the_service:
        print(wrapped(verdict.paragraph(run_anyway=run_anyway)), flush=True)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    seed = args.seed if args.seed is not None else random.SystemRandom().randrange(2**32)
    paths = OutputPaths(args.summary_json, args.html_report, args.har)
    replay = replay_command(args, seed)
    nothing = ReportInputs("", 2, args.base_url or "the emulator", "", seed, args.max_examples, replay)
    problem = base_url_problem(args.base_url) if args.base_url else None
    if problem is not None:
        return not_run(paths, nothing, "configuration error", error=problem)
    print(f"contract suite: seed {seed}, max examples {args.max_examples} (replay: {replay})")
    try:
        knobs = knobs_from(args)
        run_anyway = args.run_anyway or parse_flag(RUN_ANYWAY, os.environ.get(RUN_ANYWAY, ""))
        options = SuiteOptions(
            seed=seed,
            max_examples=args.max_examples,
            request_timeout=knobs.request_timeout,
            rate_limit=knobs.rate_limit,
            max_time=knobs.max_time,
            auth_probes=knobs.auth_probes,
        )
        with open_target(args.base_url, knobs, args.scenario, in_process=args.in_process) as target:
            settings = describe(knobs, target)
            print(f"target: {target.description}", flush=True)
            print(f"settings: {settings}", flush=True)
            nothing = dataclasses.replace(nothing, target=target.description, settings=settings, secrets=target.secrets)
            return run_and_report(args, paths, target, options, dataclasses.replace(nothing, run_anyway=run_anyway))
    except SettingsError as error:
        return not_run(paths, nothing, "configuration error", error=str(error))
    except UnreachableError as error:
        return not_run(paths, nothing, f"cannot reach the target: {error}", error=f"cannot reach the target: {error}")


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


def run_and_report(
    args: argparse.Namespace, paths: OutputPaths, target: Target, options: SuiteOptions, inputs: ReportInputs
) -> int:
    """The first verdict, then (unless it stops the run) the suite with live progress; then every report."""
    coverage, failures = Coverage(), FailureLog(target.secrets)
    progress = None
    run = SuiteRun(target, options, [coverage, failures])
    mode = choose_mode(progress_mode(args), sys.stdout)
    if mode == "live" and args.verbose:
        mode = "plain"  # pytest's own output would run through a live display
    if mode != "off":
        progress = RunProgress(sys.stdout, options, run.report.transport, mode=mode)
        run.listen(progress)
    with run.opened():
        verdict = first_verdict(target, run.session, options.request_timeout)
        print_verdict(verdict, inputs.run_anyway)
        if not verdict.looks_like_the_service and not inputs.run_anyway:
            why = "the target does not look like the service; RUN_ANYWAY=1 runs it anyway"
            return not_run(paths, inputs, why, verdict=verdict, coverage=coverage)
        with progress.showing() if progress is not None else contextlib.nullcontext():
            report = run_suite(run, junit_xml=args.junit_xml, show_output=args.verbose)
        credentials = (
            "" if target.app is not None else credentials_still_work(target, run.session, options.request_timeout)
        )
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
        f"reports: {args.junit_xml} (JUnit XML), {paths.summary_json} (summary), {paths.html} (report), "
        f"{paths.har} (failing exchanges)"
    )
    if credentials:
        print(f"credentials: {credentials}")
    print(summary)
    print(coverage.summary_line())
    return report.exit_code


def describe(knobs: RunKnobs, target: Target) -> str:
    rate = f"{knobs.rate_limit:g}/s" if knobs.rate_limit else "unlimited"
    budget = f"{knobs.max_time:g} s" if knobs.max_time else "none"
    return (
        f"REQUEST_TIMEOUT={knobs.request_timeout:g} s, RATE_LIMIT={rate}, MAX_TIME={budget}, "
        f"AUTH_PROBES={int(knobs.auth_probes)}, METHOD_REJECTION={target.method_rejection}, "
        + (
            "read-only"
            if target.read_only
            else f"state-changing requests on {len(target.changeable)} named task(s) only"
        )
    )


if __name__ == "__main__":
    sys.exit(main())
