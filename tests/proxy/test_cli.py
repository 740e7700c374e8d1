"""``python -m contract_tests.proxy`` as a user runs it: configured from the emulator's exports, stopped by
``--duration`` or Ctrl-C with a summary, and refusing a bad setting with exit code 2."""

from __future__ import annotations

import signal
import subprocess
import sys
import time

import httpx
import pytest

from contract_tests.target.loopback import free_port
from tests.proxy.conftest import Emulated, progress_path

COMMAND = [sys.executable, "-m", "contract_tests.proxy"]


def start(upstream: Emulated, *flags: str) -> tuple[subprocess.Popen[str], str, str]:
    """The proxy as a process on a free port; returns once it has printed its banner (it listens by then)."""
    port = free_port()
    process = subprocess.Popen(
        [*COMMAND, "--port", str(port), *flags],
        env={**upstream.environ, "PATH": "/usr/bin:/bin", "HUAWEICLOUD_SDK_CREDENTIALS_FILE": "/dev/null"},
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
def test_duration_stops_it_with_a_summary(upstream: Emulated) -> None:
    started = time.monotonic()
    process, url, banner = start(upstream, "--duration", "1.5")
    assert httpx.get(url + progress_path(upstream.scenario), timeout=5).status_code == 200
    out, err = process.communicate(timeout=20)
    assert process.returncode == 0, err
    assert 1.5 <= time.monotonic() - started < 10
    assert "signs with:  AK DCSE… from HUAWEICLOUD_SDK_AK/HUAWEICLOUD_SDK_SK" in banner
    assert "read-only" in banner
    assert "after 1.5 s or at Ctrl-C" in banner
    assert "1 exchanges (1 forwarded), 0 findings" in out


@pytest.mark.slow
def test_ctrl_c_stops_it_cleanly(upstream: Emulated) -> None:
    process, url, _ = start(upstream)
    assert httpx.delete(url + progress_path(upstream.scenario), timeout=5).status_code == 403
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=20)
    assert process.returncode == 0, err
    assert "Traceback" not in err
    assert "1 exchanges (1 refused), 1 findings" in out
    assert "finding state_changing_refused: 1" in out


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
