"""Benchmark: the DCS emulator vs Prism's mock of the same spec, side by side, same load tool.

Both servers run on loopback; wrk (the Debian package: ``apt-get install -y wrk``) drives the
progress endpoint of the example task at the same concurrency. The emulator gets SDK-HMAC-SHA256
signed requests (headers computed once, with the SDK's signer: the X-Sdk-Date stays valid for the
15-minute window); Prism gets the very same headers. Prints requests/s and p99 latency of each and
the ratio. Bounded: warm-up + measured run of ``--duration`` seconds per server.

    .venv/bin/python scripts/bench_emulator.py [--duration 10] [--connections 32] [--threads 1]
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import httpx
from dcs_tasks import Credentials, sign_request_parts

from contract_tests.emulator import DEFAULT_SCENARIO_PATH, load_scenario
from contract_tests.target.loopback import PRISM, running_emulator, running_prism

ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Result:
    name: str
    requests_per_second: float
    p99_ms: float
    non_2xx: int
    errors: str


def signed_headers(url: str) -> dict[str, str]:
    """Headers signed once by the SDK's own helper; the X-Sdk-Date stays valid for 15 minutes."""
    demo = load_scenario(DEFAULT_SCENARIO_PATH).demo
    credentials = Credentials(demo.access_key, demo.secret_key)
    return sign_request_parts(credentials, "GET", url, {"Content-Type": "application/json"}, b"")


def _latency_ms(text: str) -> float:
    value, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text).groups()  # type: ignore[union-attr]
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def wrk(name: str, url: str, headers: dict[str, str], args: argparse.Namespace, duration: float) -> Result:
    command = ["wrk", f"-t{args.threads}", f"-c{args.connections}", f"-d{duration:g}s", "--latency", "--timeout", "5s"]
    for header, value in headers.items():
        command += ["-H", f"{header}: {value}"]
    output = subprocess.run([*command, url], check=True, capture_output=True, text=True, timeout=duration + 30).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output)[1])  # type: ignore[index]
    p99 = _latency_ms(re.search(r"^\s+99%\s+(\S+)", output, re.MULTILINE)[1])  # type: ignore[index]
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    errors = re.search(r"Socket errors: (.*)", output)
    return Result(name, rps, p99, int(non_2xx[1]) if non_2xx else 0, errors[1] if errors else "none")


def measure(name: str, base_url: str, path: str, headers: dict[str, str], args: argparse.Namespace) -> Result:
    probe = httpx.get(base_url + path, headers=headers, timeout=10)
    if probe.status_code != 200:
        raise RuntimeError(f"{name} answered {probe.status_code} to the benchmark request: {probe.text[:200]}")
    wrk(name, base_url + path, headers, args, args.warmup)  # warm-up (Prism's JIT, connection set-up)
    return wrk(name, base_url + path, headers, args, args.duration)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=float, default=10.0, help="seconds measured per server")
    parser.add_argument("--warmup", type=float, default=3.0, help="seconds of warm-up per server")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--threads", type=int, default=1, help="wrk threads (the machine has 2 cores)")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        print("wrk is not installed: apt-get update && apt-get install -y wrk", file=sys.stderr)
        return 2
    if not PRISM.exists():
        print(f"Prism is missing at {PRISM}: run `make node-tools`", file=sys.stderr)
        return 2

    task = load_scenario(DEFAULT_SCENARIO_PATH).known_tasks()[0]
    path = f"/v2/{task.project_id}/instances/{task.instance_id}/tasks/{task.task_id}/progress"
    results = []
    with running_emulator(DEFAULT_SCENARIO_PATH) as url:
        results.append(measure("emulator", url, path, signed_headers(url + path), args))
    with running_prism() as url:
        results.append(measure("prism mock", url, path, signed_headers(url + path), args))

    print(f"GET {path}")
    print(f"wrk -t{args.threads} -c{args.connections} -d{args.duration:g}s, loopback, signed requests\n")
    print(f"{'server':<12} {'requests/s':>12} {'p99 ms':>9} {'non-2xx':>8}  socket errors")
    for result in results:
        print(
            f"{result.name:<12} {result.requests_per_second:>12.0f} {result.p99_ms:>9.2f}"
            f" {result.non_2xx:>8}  {result.errors}"
        )
    emulator, prism = results
    ratio = emulator.requests_per_second / prism.requests_per_second
    print(f"\nthroughput ratio emulator/prism: {ratio:.2f}x; p99 emulator/prism: {emulator.p99_ms / prism.p99_ms:.2f}")
    met = ratio >= 2 and emulator.p99_ms < prism.p99_ms and emulator.non_2xx == 0
    print("aim (>= 2x throughput, lower p99, all 200):", "met" if met else "NOT met")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
