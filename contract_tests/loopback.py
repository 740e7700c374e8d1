"""Start the emulator as its own process on a free loopback port, and stop it again."""

from __future__ import annotations

import contextlib
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

HOST = "127.0.0.1"
READY_TIMEOUT = 30.0


def free_port(host: str = HOST) -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def _wait_until_listening(process: subprocess.Popen[bytes], port: int) -> None:
    deadline = time.monotonic() + READY_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the emulator exited with code {process.returncode} before listening on port {port}")
        with contextlib.suppress(OSError), socket.create_connection((HOST, port), timeout=0.2):
            return
        time.sleep(0.05)
    raise RuntimeError(f"the emulator did not listen on port {port} within {READY_TIMEOUT:.0f} s")


@contextlib.contextmanager
def running_emulator(scenario: Path, *, extra_args: tuple[str, ...] = ()) -> Iterator[str]:
    """`python -m contract_tests.emulator` on a free port; yields its base URL and stops it on exit."""
    port = free_port()
    command = [sys.executable, "-m", "contract_tests.emulator", "--host", HOST, "--port", str(port)]
    command += ["--scenario", str(scenario), *extra_args]
    root = Path(__file__).resolve().parent.parent
    process = subprocess.Popen(command, cwd=root, stdout=subprocess.DEVNULL)
    try:
        _wait_until_listening(process, port)
        yield f"http://{HOST}:{port}"
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
