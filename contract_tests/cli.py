"""The command line of `make contract`: run the whole contract suite against one target and print
what it found (plus the JUnit XML and JSON summary under `reports/`).

    python -m contract_tests.cli [--base-url URL] [--max-examples N] [--seed S] [--in-process]
        [--request-timeout S] [--rate-limit 10/s] [--max-time S] [--auth-probes 1|0]
        [--method-rejection 405|404|any] [--allow-destructive 1|0]

Without `--base-url` it starts the emulator on a free loopback port and stops it afterwards;
with one it tests that server, configured by environment variables (see `target.target_from_env`
and `staging_config`). The knobs default to the environment variables of the same names
(REQUEST_TIMEOUT, RATE_LIMIT, MAX_TIME, AUTH_PROBES, METHOD_REJECTION, ALLOW_DESTRUCTIVE).
Exit status: 0 when every check passed and every required status was reached, 1 otherwise, 2 on a
configuration error or a target that cannot be reached (connection refused, DNS); the last line
printed says which. Ours rather than Schemathesis' CLI: the probes, the summary and these exit codes
are the suite's (`schemathesis_hooks.py` gives Schemathesis' CLI the suite's signer and known IDs).
"""

from __future__ import annotations

import argparse
import os
import random
import sys
from pathlib import Path

import requests

from .emulator_target import DEFAULT_SCENARIO_PATH, open_target
from .probes import progress_path
from .recording import describe_connection_error
from .report import format_summary
from .run_state import SuiteRun
from .runner import ROOT, run_suite
from .schema import SuiteOptions
from .staging_config import KNOB_VARIABLES, RunKnobs
from .target import Target, TargetConfigError

DEFAULT_MAX_EXAMPLES = 350  # per operation: the spec's operations plus the stateful phase stay within 30 s
REPORTS = ROOT / "reports"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m contract_tests.cli", description=__doc__.split("\n\n")[0])
    parser.add_argument("--base-url", help="test this server instead of a freshly started emulator")
    parser.add_argument("--max-examples", type=int, default=DEFAULT_MAX_EXAMPLES, help="fuzzed cases per operation")
    parser.add_argument("--seed", type=int, help="replay a run (default: a fresh seed, printed)")
    parser.add_argument("--scenario", type=Path, default=DEFAULT_SCENARIO_PATH, help="emulator scenario file")
    parser.add_argument("--in-process", action="store_true", help="call the emulator in-process instead of over HTTP")
    parser.add_argument("--junit-xml", type=Path, default=REPORTS / "contract-junit.xml")
    parser.add_argument("--summary-json", type=Path, default=REPORTS / "contract-summary.json")
    parser.add_argument("--verbose", action="store_true", help="show pytest's own output too")
    parser.add_argument("--request-timeout", help="seconds per request (REQUEST_TIMEOUT; default 30)")
    parser.add_argument("--rate-limit", help="at most this many requests, e.g. 10/s or 600/m (RATE_LIMIT)")
    parser.add_argument("--max-time", help="wall-clock budget of the run in seconds (MAX_TIME)")
    parser.add_argument("--auth-probes", help="1/0: send failing signatures with the configured AK (AUTH_PROBES; 1)")
    parser.add_argument("--method-rejection", help="405, 404 or any (METHOD_REJECTION; emulator 405, BASE_URL any)")
    parser.add_argument("--allow-destructive", help="1/0: state-changing requests on DCS_DESTRUCTIVE_TASKS only")
    return parser.parse_args(argv)


def knobs_from(args: argparse.Namespace) -> RunKnobs:
    """The environment's knobs, each overridden by its command-line flag when given."""
    flags = {name: getattr(args, name.lower()) for name in KNOB_VARIABLES}
    return RunKnobs.from_env({**os.environ, **{name: value for name, value in flags.items() if value}})


class UnreachableError(Exception):
    """The target does not answer at all: the message says why in words (connection refused, DNS …)."""


def _signed_get(target: Target, timeout: float) -> requests.Response:
    task = (target.readable_tasks or target.missing_tasks)[0]
    with requests.get(target.base_url + progress_path(task), auth=target.auth, timeout=timeout) as response:
        return response


def check_reachable(target: Target, timeout: float) -> None:
    """One signed request before the run, so an unreachable BASE_URL is named as such, not as 0 cases."""
    if target.app is not None:
        return
    try:
        _signed_get(target, timeout)
    except requests.ConnectionError as error:
        raise UnreachableError(f"{target.base_url}: {describe_connection_error(error)}") from None
    except requests.Timeout:
        raise UnreachableError(f"{target.base_url}: no answer within REQUEST_TIMEOUT={timeout:g} s") from None


def credentials_still_work(target: Target, timeout: float) -> str:
    """After the run: a correctly signed request is not refused (the probes locked no AK/SK)."""
    try:
        status = _signed_get(target, timeout).status_code
    except requests.RequestException as error:
        return f"not checked ({type(error).__name__})"
    if status == 401:
        return "REFUSED: a correctly signed request after the run got 401 (locked?)"
    return f"not locked (a correctly signed request after the run got {status})"


def replay_command(args: argparse.Namespace, seed: int) -> str:
    base_url = f" BASE_URL={args.base_url}" if args.base_url else ""
    return f"make contract SEED={seed} MAX_EXAMPLES={args.max_examples}{base_url}"


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    seed = args.seed if args.seed is not None else random.SystemRandom().randrange(2**32)
    print(f"contract suite: seed {seed}, max examples {args.max_examples} (replay: {replay_command(args, seed)})")
    try:
        knobs = knobs_from(args)
        options = SuiteOptions(
            seed=seed,
            max_examples=args.max_examples,
            request_timeout=knobs.request_timeout,
            rate_limit=knobs.rate_limit,
            max_time=knobs.max_time,
            auth_probes=knobs.auth_probes,
        )
        with open_target(args.base_url, knobs, args.scenario, in_process=args.in_process) as target:
            print(f"target: {target.description}", flush=True)
            print(f"settings: {describe(knobs, target)}", flush=True)
            check_reachable(target, knobs.request_timeout)
            report = run_suite(SuiteRun(target, options), junit_xml=args.junit_xml, show_output=args.verbose)
            after = "" if target.app is not None else credentials_still_work(target, knobs.request_timeout)
    except TargetConfigError as error:
        print(f"error: {error}", file=sys.stderr)
        print("result:      NOT RUN (configuration error); exit code 2")
        return 2
    except UnreachableError as error:
        print(f"error: cannot reach the target: {error}", file=sys.stderr)
        print(f"result:      NOT RUN (cannot reach the target: {error}); exit code 2")
        return 2
    args.summary_json.parent.mkdir(parents=True, exist_ok=True)
    args.summary_json.write_text(report.to_json() + "\n", encoding="utf-8")
    print(f"reports: {args.junit_xml} (JUnit XML), {args.summary_json} (summary)")
    if after:
        print(f"credentials: {after}")
    print(format_summary(report, target=target.description, replay=replay_command(args, seed)))
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
