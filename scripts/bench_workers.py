"""Benchmark (issue 23): the contract suite against a far target, serially and with WORKERS=2, 4 and 8, side by side
with Schemathesis' own CLI (`st run --workers 4`) on the same spec and target, and under RATE_LIMIT=10/s.

The target is the emulator over loopback, each answer 250 ms late (`--faults latency_ms=250`: a staging region far
away), started afresh for each run on a free port (a run deletes the scenario's changeable tasks). Same seed and
MAX_EXAMPLES for every run. Prints seconds, cases, requests, cases/s and the ratios; aims: 4 workers at least 3x
faster than serial, at least Schemathesis CLI's cases/s at 4 workers, and with RATE_LIMIT=10/s at most 1.1x the
ideal requests / 10 seconds.

What differs in Schemathesis' CLI run, as comparable as its options make it: the same spec, phases (examples,
coverage, fuzzing, stateful), seed, MAX_EXAMPLES, `--workers 4`, and the suite's hooks (`schemathesis_hooks`: the
signer, the known IDs, the domain checks of one answer). It has none of the suite's probes, cross-operation checks
(their own requests), or the stateful budget of `run.state.stateful_scenarios` (its own instead); its CLI runs one
operation per worker. So it sends fewer requests per case: cases/s compares what each gives a person per second.

    .venv/bin/python -m scripts.bench_contract --workers [--max-examples 20] [--seed 1]
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from contract_tests.emulator import DEFAULT_SCENARIO_PATH, load_scenario
from contract_tests.run.runner import run_suite
from contract_tests.run.state import SuiteRun
from contract_tests.settings.table import Settings
from contract_tests.spec.document import SPEC_PATH
from contract_tests.target.emulator import emulator_target
from contract_tests.target.loopback import HOST, running_server

ROOT = Path(__file__).resolve().parents[1]
LATENCY_MS = 250
WORKERS = (2, 4, 8)
RATE = 10.0  # requests per second, the README recipe's RATE_LIMIT


@dataclass(frozen=True)
class Result:
    label: str
    seconds: float
    cases: int
    requests: int | None  # None: not known (Schemathesis' CLI does not say)
    failed: tuple[str, ...] = ()

    @property
    def rate(self) -> float:
        return self.cases / self.seconds

    def line(self, serial: Result | None = None) -> str:
        sent = f"{self.requests:>5} requests" if self.requests is not None else "    ? requests"
        faster = f", {serial.seconds / self.seconds:4.2f}x faster than serial" if serial is not None else ""
        failed = f" (failed: {', '.join(self.failed)})" if self.failed else ""
        figures = f"{self.seconds:7.1f} s {self.cases:>5} cases {sent} {self.rate:6.2f} cases/s"
        return f"  {self.label:<40} {figures}{faster}{failed}"


@contextlib.contextmanager
def far_emulator() -> Iterator[str]:
    """The emulator's default scenario on a free loopback port, every answer `LATENCY_MS` late; yields its URL."""

    def command(port: int) -> list[str]:
        emulator = [sys.executable, "-m", "contract_tests.emulator", "--host", HOST, "--port", str(port)]
        return [*emulator, "--faults", f"latency_ms={LATENCY_MS:g}"]

    with running_server(command, "the emulator") as url:
        yield url


def suite_run(label: str, options: Settings) -> Result:
    scenario = load_scenario(DEFAULT_SCENARIO_PATH)
    with far_emulator() as url:
        run = SuiteRun(emulator_target(scenario, base_url=url), options)
        started = time.perf_counter()
        report = run_suite(run)
        elapsed = time.perf_counter() - started
    failed = tuple(sorted({check for check, _ in report.failures}))
    result = Result(label, elapsed, report.total_cases, report.transport.sent, failed)
    print(result.line(), flush=True)
    return result


def schemathesis_cli(options: Settings, workers: int) -> Result:
    """`schemathesis run --workers N` with the suite's config and hooks; its own timer (start-up left out, as for
    the suite's runs, which start in this process)."""
    command = [str(Path(sys.executable).parent / "schemathesis"), "--config-file", "contract_tests/schemathesis.toml"]
    command += ["--no-color", "run", str(SPEC_PATH), "--checks", "all", "--workers", str(workers)]
    command += ["--max-examples", str(options.max_examples), "--seed", str(options.seed)]
    env = {name: value for name, value in os.environ.items() if name != "BASE_URL"}
    env["SCHEMATHESIS_HOOKS"] = "contract_tests.schemathesis_hooks"
    with far_emulator() as url:
        done = subprocess.run([*command, "--url", url], cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    generated = re.search(r"(\d+) generated", done.stdout)
    took = re.findall(r" in ([\d.]+)s", done.stdout)
    if generated is None or not took:
        raise RuntimeError(f"schemathesis run said nothing of its cases:\n{done.stdout[-3000:]}\n{done.stderr[-2000:]}")
    failed = () if done.returncode == 0 else (f"exit code {done.returncode}",)
    result = Result(f"Schemathesis CLI, --workers {workers}", float(took[-1]), int(generated[1]), None, failed)
    print(result.line(), flush=True)
    return result


def main(max_examples: int, seed: int) -> int:
    options = Settings(seed=seed, max_examples=max_examples, stop_on_failure=False)
    print(
        f"contract suite against the emulator {LATENCY_MS} ms away: seed {seed}, max examples {max_examples},"
        f" every phase and check (the machine is shared: figures vary)",
        flush=True,
    )
    # Warm-up: first-use costs (imports, schema compilation, regex caches) are nobody's time.
    run_suite(
        SuiteRun(emulator_target(load_scenario(DEFAULT_SCENARIO_PATH)), dataclasses.replace(options, max_examples=5))
    )
    serial = suite_run("this suite, serial (WORKERS=1)", dataclasses.replace(options, workers=1))
    runs = {n: suite_run(f"this suite, WORKERS={n}", dataclasses.replace(options, workers=n)) for n in WORKERS}
    peer = schemathesis_cli(options, 4)
    limited = suite_run(
        f"this suite, WORKERS=4, RATE_LIMIT={RATE:g}/s", dataclasses.replace(options, workers=4, rate_limit=RATE)
    )
    print("ratios:")
    for run in (serial, *runs.values(), peer, limited):
        print(run.line(serial))
    four = runs[4]
    print(f"  4 workers: {serial.seconds / four.seconds:.2f}x faster than serial (aim: at least 3x)")
    print(f"  4 workers: {four.rate / peer.rate:.2f}x Schemathesis CLI's cases/s at 4 workers (aim: at least 1x)")
    ideal = (limited.requests or 0) / RATE
    print(
        f"  RATE_LIMIT={RATE:g}/s: {limited.seconds:.1f} s for {limited.requests} requests, ideal {ideal:.1f} s:"
        f" {limited.seconds / ideal:.2f}x (aim: at most 1.1x)"
    )
    return 0
