"""The command line of `make contract`: run the whole contract suite against one target and print
what it found (plus the JUnit XML and JSON summary under `reports/`).

    python -m contract_tests.cli [--base-url URL] [--max-examples N] [--seed S] [--in-process]

Without `--base-url` it starts the emulator on a free loopback port and stops it afterwards;
with one it tests that server, configured by environment variables (see `target.target_from_env`).
Exit status: 0 when every check passed and every required status was reached, 1 otherwise, 2 on a
configuration error.
"""

from __future__ import annotations

import argparse
import contextlib
import random
import sys
from collections.abc import Iterator
from pathlib import Path

from .emulator import DEFAULT_SCENARIO_PATH, load_scenario
from .emulator_target import emulator_target
from .loopback import running_emulator
from .pytest_runner import ROOT, run_suite
from .report import format_summary
from .schema import SuiteOptions
from .target import Target, TargetConfigError, target_from_env

DEFAULT_MAX_EXAMPLES = 350  # per operation: three operations plus the stateful phase stay within 30 s
REPORTS = ROOT / "reports"
JUNIT_XML = REPORTS / "contract-junit.xml"
SUMMARY_JSON = REPORTS / "contract-summary.json"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m contract_tests.cli", description=__doc__.split("\n\n")[0])
    parser.add_argument("--base-url", help="test this server instead of a freshly started emulator")
    parser.add_argument("--max-examples", type=int, default=DEFAULT_MAX_EXAMPLES, help="fuzzed cases per operation")
    parser.add_argument("--seed", type=int, help="replay a run (default: a fresh seed, printed)")
    parser.add_argument("--scenario", type=Path, default=DEFAULT_SCENARIO_PATH, help="emulator scenario file")
    parser.add_argument("--in-process", action="store_true", help="call the emulator in-process instead of over HTTP")
    parser.add_argument("--junit-xml", type=Path, default=JUNIT_XML)
    parser.add_argument("--summary-json", type=Path, default=SUMMARY_JSON)
    parser.add_argument("--verbose", action="store_true", help="show pytest's own output too")
    return parser.parse_args(argv)


@contextlib.contextmanager
def open_target(args: argparse.Namespace) -> Iterator[Target]:
    if args.base_url:
        yield target_from_env(args.base_url)
        return
    scenario = load_scenario(args.scenario)
    if args.in_process:
        yield emulator_target(scenario)
        return
    with running_emulator(args.scenario) as base_url:
        yield emulator_target(scenario, base_url=base_url)


def replay_command(args: argparse.Namespace, seed: int) -> str:
    parts = ["make contract", f"SEED={seed}", f"MAX_EXAMPLES={args.max_examples}"]
    if args.base_url:
        parts.append(f"BASE_URL={args.base_url}")
    return " ".join(parts)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    seed = args.seed if args.seed is not None else random.SystemRandom().randrange(2**32)
    options = SuiteOptions(seed=seed, max_examples=args.max_examples)
    print(f"contract suite: seed {seed}, max examples {args.max_examples} (replay: {replay_command(args, seed)})")
    try:
        with open_target(args) as target:
            print(f"target: {target.description}", flush=True)
            report = run_suite(target, options, junit_xml=args.junit_xml, show_output=args.verbose)
    except TargetConfigError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    args.summary_json.parent.mkdir(parents=True, exist_ok=True)
    args.summary_json.write_text(report.to_json() + "\n", encoding="utf-8")
    print(format_summary(report, target=target.description, replay=replay_command(args, seed)))
    print(f"reports: {args.junit_xml} (JUnit XML), {args.summary_json} (summary)")
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
