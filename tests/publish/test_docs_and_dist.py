"""The reference page in headless Chromium, and the SDK's wheel installed the way a user gets it."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import venv
from pathlib import Path

import pytest

from contract_tests.spec.document import SPEC_PATH
from scripts.publishing.bundle import bundle
from scripts.publishing.dist import build_sdk
from scripts.publishing.docs import build_docs, check_page, chromium
from scripts.publishing.emulator import running_emulator
from scripts.publishing.tools import PublishError
from tests.publish.conftest import ROOT


def test_the_reference_page_renders_offline_and_shows_every_status(tmp_path: Path) -> None:
    current = bundle(SPEC_PATH, tmp_path)
    page = build_docs(current, tmp_path)
    assert not re.search(r"""<script[^>]*\bsrc=["']?https?:""", page.read_text(encoding="utf-8"))
    assert chromium() is not None, "the browser test needs Debian's chromium: .ci/run installs it"
    [summary] = check_page(page, tmp_path / "shot.png", current)
    assert "statuses 200, 400, 401, 403, 404, 429, 500 are visible" in summary
    assert (tmp_path / "shot.png").read_bytes().startswith(b"\x89PNG")


def test_a_machine_without_chromium_gets_a_visible_skipped_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    current = bundle(SPEC_PATH, tmp_path)
    monkeypatch.setenv("PATH", str(tmp_path))  # no chromium there
    assert chromium() is None
    [summary] = check_page(tmp_path / "page.html", tmp_path / "shot.png", current)
    assert summary.startswith("SKIPPED reference-page: no `chromium` on PATH")


def test_a_console_error_or_a_network_request_fails_the_page(tmp_path: Path) -> None:
    assert chromium() is not None, "the browser test needs Debian's chromium: .ci/run installs it"
    current = bundle(SPEC_PATH, tmp_path)
    page = build_docs(current, tmp_path)
    head, tail = page.read_text(encoding="utf-8").rsplit("</body>", 1)
    broken = f'{head}<script>console.error("boom"); fetch("https://example.invalid/x")</script></body>{tail}'
    page.write_text(broken, encoding="utf-8")
    with pytest.raises(PublishError) as failed:
        check_page(page, tmp_path / "shot.png", current)
    assert "console: boom" in str(failed.value)
    assert "network request: https://example.invalid/x" in str(failed.value)


def readme_example() -> str:
    """The README's first Python example, as written: it reads the endpoint (DCS_ENDPOINT) from the environment."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Calling the service from Python", 1)[1]
    code = re.search(r"```python\n(.*?)```", section, re.DOTALL)
    assert code is not None
    return code.group(1)


def test_the_wheel_installs_in_a_clean_venv_and_runs_the_readme_example(tmp_path: Path) -> None:
    _, wheel = build_sdk(tmp_path / "sdk")
    env_dir = tmp_path / "user-venv"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    python = env_dir / "bin" / "python"
    install = subprocess.run(
        [python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
         "-c", ROOT / "scripts" / "constraints.txt", wheel],
        capture_output=True, text=True, check=False, timeout=600,
    )  # fmt: skip
    assert install.returncode == 0, install.stdout + install.stderr
    frozen = subprocess.run([python, "-m", "pip", "freeze"], capture_output=True, text=True, check=True).stdout
    installed = {re.split(r"==| @ ", line)[0].lower() for line in frozen.splitlines() if line.strip()}
    # the SDK, its declared dependencies (httpx, attrs) and theirs; no tool of this repository
    assert {"dcs-tasks", "httpx", "attrs"} <= installed
    assert not installed & {"pytest", "pydantic", "starlette", "pyyaml", "huaweicloudsdkcore", "ruff"}
    assert subprocess.run([python, "-m", "pip", "check"], capture_output=True, check=False).returncode == 0
    typed = subprocess.run(
        [python, "-c", "import importlib.resources as r; print(r.files('dcs_tasks').joinpath('py.typed').is_file())"],
        capture_output=True, text=True, check=True, cwd=tmp_path,
    )  # fmt: skip
    assert typed.stdout.strip() == "True"

    with running_emulator("8abf6e1e72c12e7c0172c15b508500aa") as emulator:
        env = {
            "PATH": os.environ["PATH"],
            "DCS_ENDPOINT": emulator["baseUrl"],
            "HUAWEICLOUD_SDK_AK": emulator["accessKey"],
            "HUAWEICLOUD_SDK_SK": emulator["secretKey"],
            "HUAWEICLOUD_SDK_PROJECT_ID": emulator["projectId"],
        }
        run = subprocess.run(
            [python, "-c", readme_example()], capture_output=True, text=True, check=False, cwd=tmp_path, env=env,
            timeout=120,
        )  # fmt: skip
    assert run.returncode == 0, run.stderr
    lines = run.stdout.splitlines()
    assert re.fullmatch(r"\d+ \d+", lines[0]), run.stdout  # progress remain_time
    # step name, StepStatus (printed as its value) and begin_time as an aware datetime (UTC)
    assert re.fullmatch(r"前置检查 FINISH \d{4}-\d\d-\d\d \d\d:\d\d:\d\d\+00:00", lines[1]), run.stdout
    assert sys.executable not in str(python)
