"""Every Python block of the front page, of the pages in docs/ and of the SDK's own README type-checks
and runs; the shell lines of "Try it against the emulator" run as written.

Each block is written to a file, checked with ``mypy --strict`` as a user's script would be, and
run against the emulator (serving its default scenario on loopback) with the demo credentials
and ``DCS_ENDPOINT`` in the environment, which is how the blocks find the service. The emulator's
clock is 70 s ahead, as if it had been started 70 s earlier: the quick task the waiter examples
wait for then ends within seconds, and is really waited for.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from contract_tests.emulator import DEFAULT_SCENARIO_PATH, ScaledClock, create_app, load_scenario
from contract_tests.emulator.server import serve_in_thread
from contract_tests.spec.document import REPO_ROOT
from contract_tests.target.loopback import free_port

pytestmark = pytest.mark.slow  # mypy and a Python process per block

READMES = (REPO_ROOT / "README.md", *sorted((REPO_ROOT / "docs").glob("*.md")), REPO_ROOT / "generated" / "README.md")
EXAMPLE_TASK = "8abf6e1e72c12e7c0172c15b508500aa"
QUICK_TASK = ("9e8d7c6b-5a4f-4e3d-8c2b-1a0f9e8d7c6b", "e5f7a9b1c3d54e6f8a0b2c4d6e8f0a1b")  # ends at 75 s
HEAD_START = 70.0  # seconds the emulator's clock is ahead: the quick task has 5 s left


def python_blocks() -> list[tuple[str, str]]:
    blocks = []
    for readme in READMES:
        text = readme.read_text(encoding="utf-8")
        for number, code in enumerate(re.findall(r"```python\n(.*?)```", text, re.DOTALL), start=1):
            blocks.append((f"{readme.relative_to(REPO_ROOT)}#{number}", code))
    return blocks


BLOCKS = python_blocks()


@pytest.fixture(scope="module")
def emulator_environment() -> Iterator[dict[str, str]]:
    scenario = load_scenario(DEFAULT_SCENARIO_PATH)
    [task] = [task for task in scenario.known_tasks() if task.task_id == EXAMPLE_TASK]
    credential = scenario.credential_for(task.project_id)
    clock = ScaledClock()
    clock.advance(HEAD_START)
    with serve_in_thread(create_app(scenario, clock=clock)) as base_url:
        yield {
            "PATH": os.environ["PATH"],
            "DCS_ENDPOINT": base_url,
            "HUAWEICLOUD_SDK_AK": credential.access_key,
            "HUAWEICLOUD_SDK_SK": credential.secret_key,
            "HUAWEICLOUD_SDK_PROJECT_ID": task.project_id,
            "HUAWEICLOUD_SDK_CREDENTIALS_FILE": os.devnull,  # never the developer's own profile file
        }


def _run(
    command: list[str], cwd: Path, env: dict[str, str] | None = None, timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, capture_output=True, text=True, check=False, cwd=cwd, env=env, timeout=timeout)


def test_the_pages_with_examples_are_all_read() -> None:
    pages = {name.split("#")[0] for name, _ in BLOCKS}
    assert {"README.md", "docs/sdk.md", "generated/README.md"} <= pages


@pytest.mark.parametrize(("name", "code"), BLOCKS, ids=[name for name, _ in BLOCKS])
def test_the_block_type_checks_and_runs(
    name: str, code: str, tmp_path: Path, emulator_environment: dict[str, str]
) -> None:
    script = tmp_path / "example.py"
    script.write_text(code, encoding="utf-8")
    mypy_command = [sys.executable, "-m", "mypy", "--strict", "--no-incremental", "--config-file", os.devnull]
    mypy = _run([*mypy_command, str(script)], cwd=tmp_path)
    assert mypy.returncode == 0, f"{name} fails mypy --strict:\n{mypy.stdout}"
    run = _run([sys.executable, str(script)], cwd=tmp_path, env=emulator_environment)
    assert run.returncode == 0, f"{name} failed against the emulator:\n{run.stderr}"
    assert run.stdout.strip(), f"{name} printed nothing"


def readme_section(title: str) -> str:
    text = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    return text.split(f"\n## {title}\n", 1)[1].split("\n## ", 1)[0]


def _start(command: str, env: dict[str, str]) -> subprocess.Popen[str]:
    """``command`` in its own process group (``make`` and the emulator it starts), from the repo root."""
    return subprocess.Popen(
        ["bash", "-c", command], cwd=REPO_ROOT, env=env, stdout=subprocess.PIPE, text=True, start_new_session=True
    )


def _wait_for_control_api(base_url: str, emulator: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 60  # make may first have to check the bootstrap
    while time.monotonic() < deadline:
        assert emulator.poll() is None, "make emulator exited"
        try:
            if httpx.get(f"{base_url}/_emulator/state", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.1)
    raise AssertionError("make emulator did not listen within 60 s")


def test_try_it_against_the_emulator_runs_as_written(tmp_path: Path) -> None:
    section = readme_section("Try it against the emulator")
    server, commands = re.findall(r"```sh\n(.*?)```", section, re.DOTALL)
    (python_block,) = re.findall(r"```python\n(.*?)```", section, re.DOTALL)
    assert server.strip() == "make emulator"
    script = tmp_path / "example.py"
    script.write_text(python_block, encoding="utf-8")
    port = free_port()
    # Nothing of this process's environment but PATH and HOME: the exports must be all it takes.
    # PORT moves `make emulator` off 8080; CONTROL_API=1 lets the test move its clock.
    env = {"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/root"), "PORT": str(port), "CONTROL_API": "1"}
    emulator = _start(server, env)
    try:
        base_url = f"http://127.0.0.1:{port}"
        _wait_for_control_api(base_url, emulator)
        httpx.post(f"{base_url}/_emulator/clock/advance", json={"seconds": HEAD_START}).raise_for_status()
        # The second shell: the section's lines, then its Python block, in one bash session.
        run = _run(["bash", "-euo", "pipefail", "-c", f"{commands}\npython {script}\n"], REPO_ROOT, env, timeout=300)
    finally:
        os.killpg(emulator.pid, signal.SIGTERM)  # the group this test started: make and the emulator
        emulator.wait(timeout=30)
    assert run.returncode == 0, f"the section's lines failed:\n{run.stdout[-3000:]}\n{run.stderr[-3000:]}"
    assert QUICK_TASK[1] in run.stdout  # dcs-tasks list, and the Python block's listing
    assert "result:      PASSED" in run.stdout  # make contract BASE_URL=$DCS_ENDPOINT
    assert run.stdout.rstrip().endswith("finished at 100")  # the Python block waited the task out


def page_section(page: str, title: str) -> str:
    text = (REPO_ROOT / page).read_text(encoding="utf-8")
    return text.split(f"\n## {title}\n", 1)[1].split("\n## ", 1)[0]


def test_the_proxy_pages_worked_example_runs_as_written(tmp_path: Path) -> None:
    """docs/proxy.md: the emulator, the proxy in front of it, the integration test through it, Ctrl-C, the report.
    On free ports: PORT moves `make emulator` (and its exports), PROXY_PORT the proxy, and the integration test's
    `8081` is that port; REPORTS_DIR keeps the reports in the test's directory."""
    section = page_section("docs/proxy.md", "Worked example: an integration test through the proxy, then its report")
    server, proxy_lines, commands = re.findall(r"```sh\n(.*?)```", section, re.DOTALL)
    (python_block,) = re.findall(r"```python\n(.*?)```", section, re.DOTALL)
    assert server.strip() == "make emulator"
    assert commands.strip().endswith(".venv/bin/python integration_test.py")
    (tmp_path / "integration_test.py").write_text(python_block, encoding="utf-8")
    port, proxy_port = free_port(), free_port()
    env = {
        "PATH": os.environ["PATH"],
        "HOME": os.environ.get("HOME", "/root"),
        "PORT": str(port),
        "PROXY_PORT": str(proxy_port),
        "CONTROL_API": "1",
        "REPORTS_DIR": str(tmp_path),
        "HUAWEICLOUD_SDK_CREDENTIALS_FILE": os.devnull,
    }
    emulator = _start(server, env)
    proxy: subprocess.Popen[str] | None = None
    try:
        _wait_for_control_api(f"http://127.0.0.1:{port}", emulator)
        proxy = _start(proxy_lines, env)
        assert proxy.stdout is not None
        banner = ""
        while "Point clients at it" not in banner:  # it listens once it says so
            line = proxy.stdout.readline()
            assert line, f"make proxy exited: {banner}"
            banner += line
        script = commands.replace("127.0.0.1:8081", f"127.0.0.1:{proxy_port}").replace(
            ".venv/bin/python integration_test.py", f".venv/bin/python {tmp_path / 'integration_test.py'}"
        )
        run = _run(["bash", "-euo", "pipefail", "-c", script], REPO_ROOT, env, timeout=300)
        os.killpg(proxy.pid, signal.SIGINT)  # Ctrl-C in the proxy's shell
        out, _ = proxy.communicate(timeout=60)
    finally:
        for started in (proxy, emulator):
            if started is not None and started.poll() is None:
                os.killpg(started.pid, signal.SIGTERM)
                started.wait(timeout=30)
        emulator.wait(timeout=30)
    assert run.returncode == 0, f"the integration test failed:\n{run.stdout[-3000:]}\n{run.stderr[-3000:]}"
    assert "8abf6e1e72c12e7c0172c15b508500aa EXECUTING 30" in run.stdout  # the Python test, through the proxy
    assert '"error_code"' in run.stdout  # curl's limit=0: the service's 400, passed on
    assert "make proxy: the proxy exited with code 1 (1 = findings" in out  # exit 1: a finding
    assert "FAILED [request_values_on_schema] query parameter limit of ListBackgroundTask off its schema" in out
    assert "result:      FAILED (8 exchanges, 1 findings); exit code 1" in out, out
    rows = re.findall(r"^    (  \w+ +\d{3} [✓·✗].*)$", section, re.MULTILINE)
    assert rows, "the page's rows of statuses per operation"
    printed = {" ".join(line.split()) for line in out.splitlines()}
    for row in rows:  # each row the page shows is the proxy's own (the page elides the others), spaces aside
        assert " ".join(row.split()) in printed, row
    for name in ("proxy-report.html", "proxy-failures.har", "proxy-junit.xml", "proxy-summary.json"):
        assert (tmp_path / name).is_file(), name
    assert "Validating proxy report" in (tmp_path / "proxy-report.html").read_text(encoding="utf-8")
