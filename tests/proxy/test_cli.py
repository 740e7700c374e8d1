"""``python -m contract_tests.proxy`` as a user runs it: configured from the emulator's exports, stopped by
``--duration`` or Ctrl-C with the judge's summary and reports, exit code 0 when nothing was found, 1 when anything
was, and 2 for a bad setting."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from contract_tests.target.loopback import free_port
from tests.contract.spec_figures import operations_covered
from tests.proxy.conftest import Emulated, progress_path

COMMAND = [sys.executable, "-m", "contract_tests.proxy"]


def start(upstream: Emulated, reports: Path, *flags: str) -> tuple[subprocess.Popen[str], str, str]:
    """The proxy as a process on a free port; returns once it has printed its banner (it listens by then)."""
    port = free_port()
    environ = {**upstream.environ, "PATH": "/usr/bin:/bin", "HUAWEICLOUD_SDK_CREDENTIALS_FILE": "/dev/null"}
    process = subprocess.Popen(
        [*COMMAND, "--port", str(port), "--reports-dir", str(reports), "--progress", "plain", *flags],
        env=environ,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    banner = ""
    while not banner.endswith(f"export DCS_ENDPOINT=http://127.0.0.1:{port}\n"):
        line = process.stdout.readline()
        assert line, f"the proxy exited: {process.communicate()}"
        banner += line
    assert banner.startswith(f"DCS validating proxy on http://127.0.0.1:{port} -> {upstream.url}"), banner
    return process, f"http://127.0.0.1:{port}", banner


@pytest.mark.slow
def test_duration_stops_it_with_a_summary_and_reports_and_nothing_found_is_exit_0(
    upstream: Emulated, tmp_path: Path
) -> None:
    started = time.monotonic()
    process, url, banner = start(upstream, tmp_path, "--duration", "1.5")
    assert httpx.get(url + progress_path(upstream.scenario), timeout=5).status_code == 200
    out, err = process.communicate(timeout=30)
    assert process.returncode == 0, out + err
    assert 1.5 <= time.monotonic() - started < 20
    assert "signs with:  AK DCSE… from HUAWEICLOUD_SDK_AK/HUAWEICLOUD_SDK_SK" in banner
    assert "read-only" in banner
    assert "after 1.5 s or at Ctrl-C" in banner
    assert "exchanges:   1 in " in out
    assert "by outcome: forwarded: 1" in out
    assert "result:      PASSED (1 exchanges, 0 findings); exit code 0" in out
    assert operations_covered(1) in out  # the one progress read, of the spec's operations
    for name in ("proxy-junit.xml", "proxy-summary.json", "proxy-report.html", "proxy-failures.har"):
        assert (tmp_path / name).is_file(), name
    assert json.loads((tmp_path / "proxy-summary.json").read_text(encoding="utf-8"))["exit_code"] == 0


@pytest.mark.slow
def test_ctrl_c_stops_it_cleanly_and_a_finding_is_exit_1(upstream: Emulated, tmp_path: Path) -> None:
    process, url, _ = start(upstream, tmp_path)
    assert httpx.delete(url + progress_path(upstream.scenario), timeout=5).status_code == 403
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=30)
    assert process.returncode == 1, out + err
    assert "Traceback" not in err
    # The finding is printed as it is found (live progress), then in the summary.
    assert "FAILED [state_changing_refused] a state-changing request refused" in out
    assert "[request_operation_documented]" in out  # DELETE is documented on the task's path, not on its progress
    assert "result:      FAILED (1 exchanges, 2 findings of 2 kinds); exit code 1" in out


def test_a_bad_setting_exits_2_naming_it(upstream: Emulated) -> None:
    result = subprocess.run(
        [*COMMAND, "--rate-limit", "often", "--port", "0"],
        env={**upstream.environ, "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert result.returncode == 2
    assert "RATE_LIMIT must look like 10/s" in result.stderr
