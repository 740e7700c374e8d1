"""Benchmark: cases per second of the contract suite against the emulator, vs Prism, vs its ceiling.

One process, one seed, the same suite (same phases, checks, known-ID hooks, signer) four times:

1. the emulator in-process (ASGI, what `make test` runs);
2. the emulator over loopback HTTP (what `make contract` runs);
3. Prism's mock of the same spec over loopback (`prism mock openapi/dcs.yaml`);
4. generation only: the same cases generated and not sent — Schemathesis' own ceiling;

and run 1 again with the live progress display drawing (to a terminal that discards it), and with
everything `make contract` adds to a run (the display, spec coverage, the failing-exchange log), each
run alternating with a plain one so both see the same machine.

Runs 1-3 keep going past check failures (Prism fails some domain checks: its canned example
never changes), so each sends its whole budget. Prints cases/s and the ratios; aims: at least 1.5x
the Prism rate, within 2x of the ceiling, and the progress display within 2 % of the rate without it.

    .venv/bin/python scripts/bench_contract.py [--max-examples 500] [--seed 1]
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import io
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

from contract_tests.emulator import DEFAULT_SCENARIO_PATH, load_scenario
from contract_tests.record.recording import RunObserver
from contract_tests.reporting.coverage import Coverage
from contract_tests.reporting.failure_log import FailureLog
from contract_tests.reporting.progress import RunProgress
from contract_tests.run.runner import run_suite
from contract_tests.run.state import SuiteRun
from contract_tests.settings.table import Settings
from contract_tests.target.emulator import emulator_target
from contract_tests.target.loopback import PRISM, running_emulator, running_prism
from contract_tests.target.model import Target

from . import bench_workers

ROOT = Path(__file__).resolve().parents[1]
# The display costs a fraction of a percent while runs differ by a few: five alternating runs each, the best counting.
SIDE_BY_SIDE_REPEATS = 5
DEFAULT_MAX_EXAMPLES = 500  # `--workers`: 20, the far target's runs are slow


Targets = Callable[[], AbstractContextManager[Target]]
Extras = Callable[[SuiteRun], Sequence[RunObserver]]  # observers a run gets (the display, the reports)


class DiscardingTerminal(io.StringIO):
    """A terminal that throws away what the live display draws (the drawing is what is measured)."""

    def write(self, text: str) -> int:
        return len(text)

    def isatty(self) -> bool:
        return True


def progress_display(run: SuiteRun) -> list[RunObserver]:
    return [RunProgress(DiscardingTerminal(), run.settings, run.report.transport, mode="live")]


def everything_make_contract_adds(run: SuiteRun) -> list[RunObserver]:
    return [*progress_display(run), Coverage(), FailureLog(run.target.secrets)]


SHOWN: dict[str, Extras] = {
    "progress display": progress_display,
    "display + coverage + failure log": everything_make_contract_adds,
}


def timed_run(targets: Targets, options: Settings, extras: Extras | None = None) -> tuple[float, int, list[str]]:
    """One run on a fresh target (a run deletes the scenario's changeable tasks): seconds, cases, failed checks."""
    with targets() as target:
        run = SuiteRun(target, options)
        observers = extras(run) if extras is not None else []
        for observer in observers:
            run.observe(observer)
        shown = [observer for observer in observers if isinstance(observer, RunProgress)]
        with shown[0].showing() if shown else contextlib.nullcontext():
            started = time.perf_counter()
            report = run_suite(run)
            elapsed = time.perf_counter() - started
    cases = report.total_cases if options.send else report.generated
    return elapsed, cases, sorted({check for check, _ in report.failures})


def _line(label: str, elapsed: float, cases: int, failed: list[str]) -> float:
    failures = f" (check failures: {', '.join(failed)})" if failed else ""
    print(f"  {label:<56} {cases:>6} cases in {elapsed:6.2f} s = {cases / elapsed:7.1f} cases/s{failures}", flush=True)
    return cases / elapsed


def measure(label: str, targets: Targets, options: Settings, repeats: int) -> float:
    """The best of `repeats` runs: the machine is shared, and noise only ever slows a run down."""
    best = min((timed_run(targets, options) for _ in range(repeats)), key=lambda result: result[0])
    return _line(label, *best)


def measure_side_by_side(
    targets: Targets, options: Settings, repeats: int, extras: dict[str, Extras]
) -> dict[str, float]:
    """Plain runs and runs with each of `extras`, alternating, best of `repeats` each; prints what each costs and
    returns each rate (the plain one as "without")."""
    best: dict[str, tuple[float, int, list[str]]] = {}
    for _ in range(repeats):
        for name, extra in {"without": None, **extras}.items():
            result = timed_run(targets, options, extra)
            if name not in best or result[0] < best[name][0]:
                best[name] = result
    rates = {"without": _line("emulator, in-process, nothing shown", *best["without"])}
    for name in extras:
        rates[name] = _line(f"emulator, in-process, {name}", *best[name])
        cost = 100 * (1 - rates[name] / rates["without"])
        print(f"    {name} costs {cost:.1f} % of the rate (aim for the display: under 2 %)")
    return rates


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--max-examples", type=int, default=DEFAULT_MAX_EXAMPLES)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeats", type=int, default=2, help="runs per target; the best counts")
    parser.add_argument("--progress-only", action="store_true", help="only the progress display's cost")
    parser.add_argument("--workers", action="store_true", help="only WORKERS against a far target (bench_workers)")
    args = parser.parse_args(argv)
    if args.workers:
        return bench_workers.main(20 if args.max_examples == DEFAULT_MAX_EXAMPLES else args.max_examples, args.seed)
    if not PRISM.exists():
        print(f"error: {PRISM} is missing: run `make node-tools`", file=sys.stderr)
        return 2
    options = Settings(seed=args.seed, max_examples=args.max_examples, stop_on_failure=False)
    scenario = load_scenario(DEFAULT_SCENARIO_PATH)
    print(f"contract suite throughput: seed {args.seed}, max examples {args.max_examples}, every phase and check")
    # Warm-up: first-use costs (imports, schema compilation, regex caches) are nobody's rate.
    run_suite(SuiteRun(emulator_target(scenario), dataclasses.replace(options, max_examples=20)))

    @contextmanager
    def in_process() -> Iterator[Target]:
        yield emulator_target(load_scenario(DEFAULT_SCENARIO_PATH))

    @contextmanager
    def loopback() -> Iterator[Target]:
        with running_emulator(DEFAULT_SCENARIO_PATH) as url:
            yield emulator_target(scenario, base_url=url)

    @contextmanager
    def prism_mock() -> Iterator[Target]:
        with running_prism() as url:
            yield emulator_target(scenario, base_url=url, label="Prism")

    if args.progress_only:
        measure_side_by_side(in_process, options, max(args.repeats, SIDE_BY_SIDE_REPEATS), SHOWN)
        return 0
    ceiling = measure("generation only (ceiling)", in_process, dataclasses.replace(options, send=False), args.repeats)
    rates = {"in-process": measure("emulator, in-process ASGI", in_process, options, args.repeats)}
    rates["loopback"] = measure("emulator, loopback HTTP", loopback, options, args.repeats)
    prism = measure("Prism mock, loopback HTTP", prism_mock, options, args.repeats)
    print("what a run shows costs (slower is positive):")
    shown = measure_side_by_side(in_process, options, max(args.repeats, SIDE_BY_SIDE_REPEATS), SHOWN)
    rates["in-process, progress display"] = shown["progress display"]
    print("ratios (aim: at least 1.5x Prism, at most 2x slower than the ceiling):")
    for name, rate in rates.items():
        print(
            f"  emulator {name:<30} {rate / prism:5.2f}x Prism's rate, {ceiling / rate:5.2f}x slower than the ceiling"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
