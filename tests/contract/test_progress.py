"""Live progress: plain lines while a run goes (CI, pipes), a rich display in a real terminal (tmux), each
failure printed once as it is found, and the time left under RATE_LIMIT and MAX_TIME."""

from __future__ import annotations

import dataclasses
import io
import itertools
import os
import re
import shlex
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from contract_tests.emulator import DEFAULT_SCENARIO_PATH, create_app, load_scenario
from contract_tests.emulator.server import serve_in_thread
from contract_tests.record.transport import TransportStats
from contract_tests.reporting.progress import RunProgress, choose_mode
from contract_tests.run.runner import ROOT, run_suite
from contract_tests.run.state import SuiteRun
from contract_tests.settings.table import Settings
from contract_tests.spec.api import load_spec
from contract_tests.target.emulator import emulator_target, scenario_tasks
from tests.contract.spec_figures import operations_covered
from tests.terminal import history, timed_screens, tmux_server

from .broken.variants import VARIANTS
from .slice import SLICE_OPTIONS

SCENARIO = load_scenario(DEFAULT_SCENARIO_PATH)
PROGRESS_LINE = re.compile(
    r"^progress: (?P<phase>.+?) \| cases (?P<cases>\d+): .* \| failures (?P<failures>\d+) "
    r"\| requests (?P<requests>\d+) \| 429 waited out \d+ \(\d+\.\d s\) \| elapsed \d+:\d\d \| left (?P<left>.+)$"
)


class TimedLines(io.StringIO):
    """A non-terminal stream that notes when each line was written."""

    def __init__(self) -> None:
        super().__init__()
        self.lines: list[tuple[float, str]] = []
        self._lock = threading.Lock()

    def write(self, text: str) -> int:
        with self._lock:
            self.lines += [(time.monotonic(), line) for line in text.splitlines() if line]
        return len(text)


def test_plain_lines_appear_during_the_run_and_each_failure_once() -> None:
    variant = next(variant for variant in VARIANTS if variant.name == "wrong field type")
    app = variant.wrap(create_app(SCENARIO), SCENARIO)
    options = dataclasses.replace(SLICE_OPTIONS, stop_on_failure=False)
    out = TimedLines()
    run = SuiteRun(emulator_target(SCENARIO, app=app), options)
    progress = RunProgress(out, options, run.report.transport, mode=choose_mode("auto", out, in_ci=False), interval=0.5)
    run.observe(progress)
    started = time.monotonic()
    with progress.showing():
        report = run_suite(run)
    ended = time.monotonic()
    plain = [(at, PROGRESS_LINE.match(line)) for at, line in out.lines if line.startswith("progress:")]
    assert len(plain) >= 4, out.lines
    assert all(found is not None for _, found in plain), out.lines
    times = [at for at, _ in plain]
    assert started < times[0]  # while the run went …
    assert times[-1] < ended  # … not after it
    assert all(later - earlier >= 0.45 for earlier, later in itertools.pairwise(times))
    counts = [int(found["requests"]) for _, found in plain if found is not None]
    assert counts == sorted(counts)
    assert counts[-1] > counts[0]
    failed = [line for _, line in out.lines if line.startswith("FAILED [")]
    assert len(failed) == len(report.failures) >= 1  # once each, though Hypothesis replays them while shrinking
    schema = next(line for line in failed if line.startswith("FAILED [response_schema_conformance]"))
    assert schema.endswith("(status 200, field progress)")
    assert "\n" not in schema


def test_the_mode_follows_the_terminal_and_ci() -> None:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    assert choose_mode("auto", Terminal(), in_ci=False) == "live"
    assert choose_mode("auto", Terminal(), in_ci=True) == "plain"
    assert choose_mode("auto", io.StringIO(), in_ci=False) == "plain"
    assert choose_mode("off", Terminal(), in_ci=False) == "off"


def test_the_time_left_follows_rate_limit_and_max_time() -> None:
    now = [100.0]
    options = Settings(seed=1, max_examples=100, rate_limit=10.0)
    progress = RunProgress(io.StringIO(), options, TransportStats(), clock=lambda: now[0])
    assert progress.eta() == "unknown yet"  # the plan is not known before pytest collects
    progress.tests_planned(["test_probes", "test_operation[GET /a]", "test_operation[GET /b]", "test_workflows"])
    # 200 fuzzing cases and 30 stateful steps (5 scenarios of up to 6) at 10 a second, before any case was sent
    assert progress.cases_left() == 230
    assert progress.eta() == "~0:23"
    capped = RunProgress(
        io.StringIO(), dataclasses.replace(options, max_time=20.0), TransportStats(), clock=lambda: now[0]
    )
    capped.tests_planned(["test_operation[GET /a]", "test_operation[GET /b]", "test_workflows"])
    now[0] += 5
    assert capped.eta() == "~0:15 (MAX_TIME)"


def _demo_env(_url: str) -> dict[str, str]:
    readable = scenario_tasks(SCENARIO).readable[0]
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", "/root"),
        "LANG": "C.UTF-8",
        "HUAWEICLOUD_SDK_CREDENTIALS_FILE": os.devnull,
        "CLOUD_SDK_AK": SCENARIO.demo.access_key,
        "CLOUD_SDK_SK": SCENARIO.demo.secret_key,
        "DCS_PROJECT_ID": readable.project_id,
        "DCS_INSTANCE_ID": readable.instance_id,
        "DCS_TASK_ID": readable.task_id,
    }


def _reports(directory: Path) -> list[str]:
    return ["--reports-dir", str(directory)]


@pytest.mark.slow  # a 15-s run: the plain line comes every 10 s
def test_make_contract_in_a_pipe_prints_a_progress_line_every_10_s(tmp_path: Path) -> None:
    command = [
        sys.executable,
        "-u",
        "-m",
        "contract_tests.cli",
        "--seed",
        "5",
        "--max-examples",
        "40",
        "--rate-limit",
        "50/s",
        *_reports(tmp_path),
    ]
    env = {key: value for key, value in os.environ.items() if key != "CI"}
    started = time.monotonic()
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, text=True, env=env)
    assert process.stdout is not None
    lines = [(time.monotonic() - started, line.rstrip("\n")) for line in process.stdout]
    assert process.wait(timeout=120) == 0, lines
    progress = [(at, line) for at, line in lines if line.startswith("progress:")]
    summary_at = next(at for at, line in lines if line.startswith("── contract suite summary"))
    assert progress, lines
    assert all(PROGRESS_LINE.match(line) for _, line in progress), progress
    first_look = next(at for at, line in lines if line.startswith("first look:"))
    assert progress[0][0] - first_look >= 9.5  # not before 10 s of the run …
    assert all(b - a >= 9.5 for (a, _), (b, _) in itertools.pairwise(progress))  # … nor more often
    assert progress[-1][0] < summary_at
    assert lines[-1][1].startswith(operations_covered(len(load_spec().operations)))


@pytest.mark.slow  # a run in a real terminal
def test_the_live_display_in_a_terminal_with_failures_printed_above_it(tmp_path: Path) -> None:
    """In tmux: the display redraws in place as cases go (one display on screen at every moment), each failure
    prints once above it, and the summary follows it."""
    variant = next(variant for variant in VARIANTS if variant.name == "wrong field type")
    with serve_in_thread(variant.wrap(create_app(SCENARIO), SCENARIO)) as url, tmux_server(tmp_path) as tmux:
        command = [
            str(Path(sys.executable)),
            "-m",
            "contract_tests.cli",
            "--base-url",
            url,
            "--seed",
            "2",
            "--max-examples",
            "120",
            "--rate-limit",
            "150/s",
            *_reports(tmp_path),
        ]
        exported = " ".join(f"{name}={shlex.quote(value)}" for name, value in _demo_env(url).items())
        script = tmp_path / "contract.sh"
        script.write_text(
            # `-u CI`: the tmux server inherits CI's environment, and in CI the display is plain lines by design
            f"cd {shlex.quote(str(ROOT))}\nenv -u CI {exported} {shlex.join(command)}\necho EXIT=$?\nsleep 600\n"
        )
        tmux("new-session", "-d", "-s", "watch", "-x", "140", "-y", "40", f"sh {script}")
        screens = [screen for _, screen in timed_screens(tmux, "EXIT=", timeout=90)]
        everything = history(tmux)
    live = [screen for screen in screens if "contract suite · " in screen and "━" in screen]
    assert len(live) >= 3, screens[-1]
    for screen in screens:
        assert screen.count("contract suite · ") <= 1, screen  # redrawn in place, never stacked
        assert screen.count("failures ") <= 1, screen
    requests = [int(found[1]) for screen in live if (found := re.search(r"requests (\d+)", screen))]
    assert requests == sorted(requests)
    assert requests[-1] > requests[0]
    # The phase names the operation under way (which ones a screenshot catches depends on the machine's pace).
    operations = "|".join(operation.operation_id for operation in load_spec().operations)
    assert any(re.search(rf"· ({operations}) · elapsed", screen) for screen in live), live
    failed = [line for line in everything.splitlines() if line.startswith("FAILED [")]
    assert len(failed) == len(set(failed)) >= 1
    assert everything.index(failed[0]) < everything.index("── contract suite summary")
    assert "EXIT=1" in everything
    assert "Traceback" not in everything
