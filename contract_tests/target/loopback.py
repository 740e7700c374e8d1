"""Start the emulator (or, for the benchmarks, Prism's mock) as its own process on a free loopback port."""

from __future__ import annotations

import contextlib
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from ..spec.document import REPO_ROOT, SPEC_PATH

HOST = "127.0.0.1"
READY_TIMEOUT = 30.0
# The benchmarks' peer, pinned in openapi/package.json.
PRISM = REPO_ROOT / "openapi" / "node_modules" / ".bin" / "prism"


def free_port(host: str = HOST) -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def _wait_until_listening(process: subprocess.Popen[bytes], port: int, name: str) -> None:
    deadline = time.monotonic() + READY_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{name} exited with code {process.returncode} before listening on port {port}")
        with contextlib.suppress(OSError), socket.create_connection((HOST, port), timeout=0.2):
            return
        time.sleep(0.05)
    raise RuntimeError(f"{name} did not listen on port {port} within {READY_TIMEOUT:.0f} s")


@contextlib.contextmanager
def running_server(command: Callable[[int], list[str]], name: str) -> Iterator[str]:
    """`command(port)` started on a free loopback port; yields its base URL, stops it (and only it) on exit."""
    port = free_port()
    process = subprocess.Popen(command(port), cwd=REPO_ROOT, stdout=subprocess.DEVNULL)
    try:
        _wait_until_listening(process, port, name)
        yield f"http://{HOST}:{port}"
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def running_emulator(scenario: Path) -> contextlib.AbstractContextManager[str]:
    """`python -m contract_tests.emulator` on a free port; yields its base URL and stops it on exit."""

    def command(port: int) -> list[str]:
        emulator = [sys.executable, "-m", "contract_tests.emulator", "--host", HOST, "--port", str(port)]
        return [*emulator, "--scenario", str(scenario)]

    return running_server(command, "the emulator")


def running_prism() -> contextlib.AbstractContextManager[str]:
    """Prism's stateless mock of the same spec on a free port (the benchmarks' peer)."""

    def command(port: int) -> list[str]:
        return [str(PRISM), "mock", str(SPEC_PATH), "--host", HOST, "--port", str(port), "--errors", "false"]

    return running_server(command, "Prism")
