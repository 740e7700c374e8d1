"""Benchmark: this SDK (``dcs_tasks``) against the official ``huaweicloudsdkdcs``, side by side.

1. Cold start, in fresh interpreters: import the SDK, build a client signed with AK/SK for a
   region, and parse the vendor page's example response (taken from the spec). Each run is a new
   process; the runs of the two SDKs alternate; medians are printed, per phase and in total.
2. Parsing one large progress response (200 steps x 50 sub-steps, ~10,000 objects, distinct IDs
   and timestamps) from the HTTP body bytes into objects, in this process: ours as ``DcsClient``
   does it (``_responses.parse_model``), the official one as its client does it
   (``Client.sync_response_handler``: ``json.loads`` + ``_deserialize`` into its models).

Run with ``make bench`` or ``.venv/bin/python scripts/bench_sdk.py [--runs N]``. Nothing touches
the network: the clients are built, never used to send.
"""

from __future__ import annotations

import argparse
import copy
import datetime
import gc
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from contract_tests.spec.document import SPEC_PATH as SPEC

PROGRESS_PATH = "/v2/{project_id}/instances/{instance_id}/tasks/{task_id}/progress"

# Each child prints "import build parse" durations in seconds, measured from its first line.
OURS_COLD = """
import time
start = time.perf_counter()
import dcs_tasks
from dcs_tasks.lib.responses import parse_model
import httpx
imported = time.perf_counter()
credentials = dcs_tasks.Credentials("AKEXAMPLE", "SKEXAMPLE", project_id="p1")
client = dcs_tasks.DcsClient(region="cn-north-4", credentials=credentials)
# Sign one request too (the signing code is loaded on first use). Like the official SDK's build,
# this makes no connection pool or TLS context: both are made on the first request, by either SDK.
request = httpx.Request("GET", client.base_url + "/v2/p1/instances/i1/tasks/t1/progress")
client.auth.apply(request)
built = time.perf_counter()
body = open({example!r}, "rb").read()
parsed = parse_model(httpx.Response(200, content=body, request=request), dcs_tasks.ShowBackgroundTaskProgressResponse)
assert parsed.progress == 30
parsed_at = time.perf_counter()
print(imported - start, built - imported, parsed_at - built)
"""

OFFICIAL_COLD = """
import time
start = time.perf_counter()
from huaweicloudsdkcore.auth.credentials import BasicCredentials
from huaweicloudsdkdcs.v2 import DcsClient
from huaweicloudsdkdcs.v2.region.dcs_region import DcsRegion
import requests
imported = time.perf_counter()
client = (
    DcsClient.new_builder()
    .with_credentials(BasicCredentials("AKEXAMPLE", "SKEXAMPLE", "p1"))
    .with_region(DcsRegion.value_of("cn-north-4"))
    .build()
)
built = time.perf_counter()
response = requests.Response()
response.status_code = 200
response._content = open({example!r}, "rb").read()
response.headers["Content-Type"] = "application/json"
response.encoding = "utf-8"
parsed = client.sync_response_handler(response, "ShowBackgroundTaskProgressResponse", [], None)
assert parsed.progress == 30
parsed_at = time.perf_counter()
print(imported - start, built - imported, parsed_at - built)
"""


def page_example() -> dict[str, Any]:
    spec = yaml.safe_load(SPEC.read_text(encoding="utf-8"))
    content = spec["paths"][PROGRESS_PATH]["get"]["responses"]["200"]["content"]["application/json"]
    value: dict[str, Any] = content["examples"]["dataMigration"]["value"]
    return value


def large_response(steps: int = 200, sub_steps: int = 50) -> dict[str, Any]:
    """The page's example scaled up, with distinct IDs and timestamps (no caching can help).

    Timestamps alternate between the form the service returns (``2022-09-01 11:52:24``) and the
    documented one (``2022-09-01T11:52:24.503Z``).
    """
    example = page_example()
    step_template, sub_template = example["step_details"][1], example["step_details"][1]["sub_step_details"][0]
    start = datetime.datetime(2022, 9, 1, 11, 52, 24, tzinfo=datetime.UTC)  # printed zone-less, as the vendor does

    def stamp(seconds: int) -> str:
        moment = start + datetime.timedelta(seconds=seconds)
        return moment.strftime("%Y-%m-%d %H:%M:%S") if seconds % 2 else moment.strftime("%Y-%m-%dT%H:%M:%S.503Z")

    details = []
    for s in range(steps):
        step = copy.deepcopy(step_template)
        step.update(step_id=f"step-{s}", begin_time=stamp(2 * s * sub_steps), end_time=stamp((2 * s + 2) * sub_steps))
        step["sub_step_details"] = [
            {
                **sub_template,
                "sub_step_id": f"sub-{s}-{u}",
                "begin_time": stamp(2 * (s * sub_steps + u)),
                "end_time": stamp(2 * (s * sub_steps + u) + 1),
            }
            for u in range(sub_steps)
        ]
        details.append(step)
    return {"progress": 30, "remain_time": 100, "step_details": details}


def cold_start(runs: int, example_path: Path) -> dict[str, list[tuple[float, ...]]]:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("HUAWEICLOUD_SDK", "CLOUD_SDK"))}
    children = {
        "dcs_tasks": OURS_COLD.format(example=str(example_path)),
        "official": OFFICIAL_COLD.format(example=str(example_path)),
    }
    results: dict[str, list[tuple[float, ...]]] = {name: [] for name in children}
    for _ in range(runs):
        for name, code in children.items():
            started = time.perf_counter()
            output = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env)
            process = time.perf_counter() - started
            phases = tuple(float(value) for value in output.stdout.split())
            results[name].append((*phases, sum(phases), process))
    return results


def interleaved(first: Callable[[], object], second: Callable[[], object], repeats: int) -> tuple[float, float]:
    """Median durations of two functions run alternately, so load from elsewhere hits both alike.

    The garbage of the previous run is collected before each one (the GC stays on while timing):
    otherwise a full collection of one SDK's leftovers lands at random in the other's timing.
    """
    first(), second()  # warm-up: first-use imports and caches are the cold start's business
    timings: tuple[list[float], list[float]] = ([], [])
    for _ in range(repeats):
        for function, bucket in ((first, timings[0]), (second, timings[1])):
            gc.collect()
            started = time.perf_counter()
            function()
            bucket.append(time.perf_counter() - started)
    return statistics.median(timings[0]), statistics.median(timings[1])


def parse_large(repeats: int) -> tuple[float, float, int]:
    import dcs_tasks  # noqa: PLC0415
    import httpx  # noqa: PLC0415 - the bench's own imports must not skew the cold-start children
    import requests  # noqa: PLC0415
    from dcs_tasks.lib.responses import parse_model  # noqa: PLC0415
    from huaweicloudsdkcore.auth.credentials import BasicCredentials  # noqa: PLC0415
    from huaweicloudsdkdcs.v2 import DcsClient as OfficialClient  # noqa: PLC0415
    from huaweicloudsdkdcs.v2.region.dcs_region import DcsRegion  # noqa: PLC0415

    body = json.dumps(large_response(), ensure_ascii=False).encode("utf-8")
    official = (
        OfficialClient.new_builder()
        .with_credentials(BasicCredentials("AKEXAMPLE", "SKEXAMPLE", "p1"))
        .with_region(DcsRegion.value_of("cn-north-4"))
        .build()
    )

    def ours() -> object:
        parsed = parse_model(httpx.Response(200, content=body), dcs_tasks.ShowBackgroundTaskProgressResponse)
        assert isinstance(parsed.step_details, list)
        assert len(parsed.step_details) == 200
        return parsed

    def theirs() -> object:
        response = requests.Response()
        response.status_code = 200
        response._content = body
        response.headers["Content-Type"] = "application/json"
        response.encoding = "utf-8"
        parsed = official.sync_response_handler(response, "ShowBackgroundTaskProgressResponse", [], None)
        assert len(parsed.step_details) == 200
        return parsed

    return (*interleaved(ours, theirs, repeats), len(body))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9, help="fresh processes per SDK for the cold start")
    parser.add_argument("--repeats", type=int, default=15, help="timed parses of the large response per SDK")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as work:
        example_path = Path(work) / "example.json"
        example_path.write_text(json.dumps(page_example(), ensure_ascii=False), encoding="utf-8")
        cold = cold_start(args.runs, example_path)

    print(f"Cold start, median of {args.runs} fresh processes each (seconds):")
    print(f"  {'':10} {'import':>8} {'client':>8} {'parse':>8} {'total':>8} {'process':>8}")
    medians = {}
    for name, rows in cold.items():
        medians[name] = [statistics.median(column) for column in zip(*rows, strict=True)]
        print(f"  {name:10} " + " ".join(f"{value:8.4f}" for value in medians[name]))
    total_ratio = medians["official"][3] / medians["dcs_tasks"][3]
    process_ratio = medians["official"][4] / medians["dcs_tasks"][4]
    print(f"  official / dcs_tasks: total {total_ratio:.2f}x, whole process {process_ratio:.2f}x (>1: ours is faster)")

    ours, theirs, size = parse_large(args.repeats)
    print(f"\nParsing one 200x50 progress response ({size / 1e6:.1f} MB JSON), median of {args.repeats} (seconds):")
    print(f"  dcs_tasks   {ours:8.4f}\n  official  {theirs:8.4f}")
    print(f"  official / dcs_tasks: {theirs / ours:.2f}x (aim: >= 2x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
