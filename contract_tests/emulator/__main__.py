"""``python -m contract_tests.emulator``: serve the emulator, printing its URL and demo credentials."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import uvicorn

from .app import create_app
from .faults import FaultConfig
from .scenario import DEFAULT_SCENARIO_PATH, Scenario, ScenarioError, TaskRef, load_scenario
from .server import config


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m contract_tests.emulator", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8080)
    parser.add_argument("--scenario", type=Path, default=DEFAULT_SCENARIO_PATH, help="scenario YAML/JSON file")
    parser.add_argument("--speed", type=float, default=1.0, help="emulated seconds per real second")
    parser.add_argument(
        "--faults",
        type=FaultConfig.parse,
        default=FaultConfig(),
        help="e.g. 'latency_ms=20,jitter_ms=10,error_500=0.01,error_503=0.02,throttle_429=0.05,"
        "rate_limit=200,drop=0.01,retry_after=1,seed=7' (all off by default)",
    )
    parser.add_argument("--enable-control-api", action="store_true", help="serve /_emulator/… (reset, clock, faults)")
    parser.add_argument("--log-level", default="warning")
    return parser.parse_args(argv)


def _note(scenario: Scenario, task: TaskRef) -> str:
    return "  (answers 500: internal_error)" if task in scenario.internal_error_tasks() else ""


def banner(base_url: str, scenario: Scenario, control: bool) -> str:
    demo = scenario.demo
    lines = [
        f"DCS emulator on {base_url}  (scenario: {scenario.source})",
        f"  demo AK:      {demo.access_key}",
        f"  demo SK:      {demo.secret_key}",
        f"  demo token:   {demo.token or '-'}",
        f"  demo project: {', '.join(sorted(demo.projects))}",
        "  tasks (project / instance / task):",
        *(f"    {t.project_id} / {t.instance_id} / {t.task_id}{_note(scenario, t)}" for t in scenario.known_tasks()),
    ]
    if control:
        lines.append(f"  control API:  {base_url}/_emulator/state")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        scenario = load_scenario(args.scenario)
    except ScenarioError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    app = create_app(scenario, faults=args.faults, enable_control_api=args.enable_control_api, speed=args.speed)
    host = f"[{args.host}]" if ":" in args.host else args.host
    print(banner(f"http://{host}:{args.port}", scenario, args.enable_control_api), flush=True)
    uvicorn.Server(config(app, args.host, args.port, args.log_level)).run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
