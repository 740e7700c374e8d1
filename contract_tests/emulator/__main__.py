"""``python -m contract_tests.emulator``: serve the emulator, printing its URL, demo credentials and the
``export`` lines that point the SDK, the CLI and the contract suite at it (``--print-env``: only those)."""

from __future__ import annotations

import argparse
import shlex
import sys
from pathlib import Path

import uvicorn

from .app import create_app
from .faults import FaultConfig
from .models import DeleteAnswer
from .scenario import DEFAULT_SCENARIO_PATH, InstanceRef, Scenario, ScenarioError, TaskRef, load_scenario
from .server import config


def _speed(text: str) -> float:
    speed = float(text)
    if not speed > 0:  # also refuses nan
        raise argparse.ArgumentTypeError(f"must be a positive number of emulated seconds per second, got {text}")
    return speed


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m contract_tests.emulator", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8080)
    parser.add_argument("--scenario", type=Path, default=DEFAULT_SCENARIO_PATH, help="scenario YAML/JSON file")
    parser.add_argument("--speed", type=_speed, default=1.0, help="emulated seconds per real second")
    parser.add_argument(
        "--faults",
        type=FaultConfig.parse,
        default=FaultConfig(),
        help="e.g. 'latency_ms=20,jitter_ms=10,error_500=0.01,error_503=0.02,throttle_429=0.05,"
        "rate_limit=200,drop=0.01,retry_after=1,seed=7' (all off by default)",
    )
    parser.add_argument("--enable-control-api", action="store_true", help="serve /_emulator/… (reset, clock, faults)")
    parser.add_argument("--log-level", default="warning")
    parser.add_argument(
        "--print-env", action="store_true", help="print the export lines for this host and port, and exit"
    )
    return parser.parse_args(argv)


def _note(scenario: Scenario, task: TaskRef) -> str:
    failing = dict(scenario.internal_errors()).get(task)
    throttled = dict(scenario.throttling_instances()).get(InstanceRef(task.project_id, task.instance_id))
    plan = scenario.projects[task.project_id.lower()].instances[task.instance_id.lower()].tasks[task.task_id.lower()]
    notes = [f"500 on {', '.join(sorted(failing))}"] if failing else []
    notes += [f"429 to the first {', '.join(sorted(throttled))} of its instance"] if throttled else []
    notes += ["deleted with 204"] if plan.delete_answer is DeleteAnswer.NO_CONTENT else []
    notes += ["the contract suite may delete it"] if plan.changeable else []
    return f"  ({'; '.join(notes)})" if notes else ""


def environment(base_url: str, scenario: Scenario) -> dict[str, str]:
    """The variables that point the SDK, ``dcs-tasks`` and ``make contract BASE_URL=…`` at this emulator.

    The demo credentials and their project under the vendor SDK's names (``HUAWEICLOUD_SDK_*``), which
    the SDK, the CLI and the suite all read (one configuration, ``dcs_tasks.lib.config``).
    """
    demo = scenario.demo
    project = next(project.id for project in scenario.projects.values() if demo.may_access(project.id))
    return {
        "DCS_ENDPOINT": base_url,
        "HUAWEICLOUD_SDK_AK": demo.access_key,
        "HUAWEICLOUD_SDK_SK": demo.secret_key,
        "HUAWEICLOUD_SDK_PROJECT_ID": project,
    }


def _ids(task: TaskRef) -> str:
    return f"{task.project_id}/{task.instance_id}/{task.task_id}"


def suite_environment(scenario: Scenario) -> dict[str, str]:
    """The contract suite's staging variables for this scenario (docs/contract-suite.md, "Against staging"): the
    tasks the demo credentials may read, the tasks and instances known to fail (and on which operations), those
    it may change (used only with ALLOW_CHANGES=1), and another tenant's task and credentials."""
    demo, failing = scenario.demo, dict(scenario.internal_errors())
    readable = [task for task in scenario.known_tasks() if demo.may_access(task.project_id) and task not in failing]
    env = {"DCS_TASKS": ",".join(map(_ids, readable))}
    instances = [(TaskRef(*instance, "*"), ops) for instance, ops in scenario.failing_instances()]
    if faulty := [*failing.items(), *instances]:
        env["DCS_FAULTY_TASKS"] = ",".join(f"{_ids(task)}@{'+'.join(sorted(ops))}" for task, ops in faulty)
    if changes := scenario.changeable():
        env["DCS_CHANGEABLE_TASKS"] = ",".join(_ids(task) for task, _ in changes)
    tenant = scenario.other_tenant()
    theirs = [task for task in scenario.known_tasks() if tenant is not None and tenant.may_access(task.project_id)]
    if tenant is not None and theirs:
        names = ("DCS_FOREIGN_PROJECT_ID", "DCS_FOREIGN_INSTANCE_ID", "DCS_FOREIGN_TASK_ID")
        env |= dict(zip(names, theirs[0], strict=True))
        env |= {"DCS_FOREIGN_AK": tenant.access_key, "DCS_FOREIGN_SK": tenant.secret_key}
    return env


def export_lines(base_url: str, scenario: Scenario) -> list[str]:
    """``export`` lines for a POSIX shell (``eval "$(make -s emulator-env)"``), values quoted."""
    lines = [f"export {name}={shlex.quote(value)}" for name, value in environment(base_url, scenario).items()]
    token = scenario.demo.token
    if token:  # an alternative, not an addition: keys are read before DCS_AUTH_TOKEN
        lines.append(f"# or an IAM token instead of AK/SK: export DCS_AUTH_TOKEN={shlex.quote(token)}")
    lines.append("# the contract suite's staging settings for this scenario (make contract BASE_URL=$DCS_ENDPOINT):")
    lines += [f"export {name}={shlex.quote(value)}" for name, value in suite_environment(scenario).items()]
    return lines


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
    lines += [
        "In another shell, point the SDK, dcs-tasks and `make contract BASE_URL=$DCS_ENDPOINT` at it",
        '(or run: eval "$(make -s emulator-env)" with the same HOST, PORT and SCENARIO):',
        *export_lines(base_url, scenario),
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        scenario = load_scenario(args.scenario)
    except ScenarioError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    host = f"[{args.host}]" if ":" in args.host else args.host
    base_url = f"http://{host}:{args.port}"
    if args.print_env:
        print("\n".join(export_lines(base_url, scenario)))
        return 0
    app = create_app(scenario, faults=args.faults, enable_control_api=args.enable_control_api, speed=args.speed)
    print(banner(base_url, scenario, args.enable_control_api), flush=True)
    uvicorn.Server(config(app, args.host, args.port, args.log_level)).run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
