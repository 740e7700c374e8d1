"""Broken emulators (the suite's own, `tests/contract/broken/`) behind the proxy, driven by one integration test of a
client's: each gives a finding named like the suite's check for it; the correct emulator gives none."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from dcs_tasks import AkSkAuth, Credentials
from starlette.types import ASGIApp

from contract_tests.emulator import ManualClock, Scenario, create_app
from contract_tests.emulator.server import serve_in_thread
from tests.contract.broken.family import FAMILY_VARIANTS
from tests.contract.broken.hygiene import HYGIENE_VARIANTS
from tests.contract.broken.rules import RULE_VARIANTS
from tests.contract.broken.times import TIME_VARIANTS
from tests.contract.broken.variants import VARIANTS as ANSWER_VARIANTS
from tests.proxy.conftest import ORIGIN, Judged, judged_proxy

pytestmark = pytest.mark.slow  # an emulator and a proxy per variant

PROJECT = "a4d31cb6-3d72-4fdc-8ec9-6e3a41e47f71"
EXAMPLE_INSTANCE = "5560df16-cebf-4473-95c4-d1b573c16e79"  # a running, a failed and a finished task
DELETABLE = ("9e8d7c6b-5a4f-4e3d-8c2b-1a0f9e8d7c6b", "9a8b7c6d5e4f40312a3b4c5d6e7f8091")  # deleted with 200
# Variant → the check that must name it, through the proxy (the suite's own expectation may need requests the
# proxy never sends: it only sees what the client asks).
EXPECTED = {
    "wrong field type": "response_schema_conformance",
    "no X-Request-Id header": "response_headers_conformance",
    "wrong Content-Type": "content_type_conformance",
    "one X-Request-Id for every answer": "request_id_unique",
    "progress 100 while steps run": "progress_complete_iff_steps_finished",
    "failed tasks listed SUCCESS": "listed_status_agrees_with_progress",
    "running tasks listed as SUCCESS": "listed_status_agrees_with_progress",
    "a deleted task stays": "deleted_task_is_gone",
    # the answers' times and hygiene (issue 22: single-answer checks, judged alone)
    "created_at written at commit": "task_created_before_first_step",
    "sub-steps timed by a worker's clock 2 min ahead": "sub_steps_inside_their_step",
    "JSON in GBK, the region's legacy encoding": "json_body_utf8",
    "a shard's 10.x address in 404s": "error_without_internal_address",
    "X-Powered-By: Express": "headers_without_server_internals",
}
KNOWN = (*ANSWER_VARIANTS, *FAMILY_VARIANTS, *RULE_VARIANTS, *TIME_VARIANTS, *HYGIENE_VARIANTS)
VARIANTS = {variant.name: variant.wrap for variant in KNOWN if variant.name in EXPECTED}
Wrap = Callable[[ASGIApp, Scenario], ASGIApp]


def integration_test(base_url: str, keys: Credentials) -> None:
    """What a team's test might do: list an instance, read each listed task's progress (one twice), delete a
    finished task and check it is gone. It asserts nothing itself: the proxy judges."""
    with httpx.Client(base_url=f"{base_url}/v2/{PROJECT}/instances", auth=AkSkAuth(keys), timeout=10) as client:
        listing = client.get(f"/{EXAMPLE_INSTANCE}/tasks", params={"limit": 10}).json()
        ids = [task["id"] for task in listing.get("tasks", [])]
        for task_id in [*ids, *ids[:1]]:
            client.get(f"/{EXAMPLE_INSTANCE}/tasks/{task_id}/progress")
        instance, task_id = DELETABLE
        client.delete(f"/{instance}/tasks/{task_id}")
        client.get(f"/{instance}/tasks/{task_id}/progress")
        client.get(f"/{instance}/tasks")


def judged_run(scenario: Scenario, wrap: Wrap | None, reports: Path) -> Judged:
    app = create_app(scenario, clock=ManualClock(ORIGIN))
    demo = scenario.demo
    with serve_in_thread(wrap(app, scenario) if wrap else app) as url:
        environ = {"UPSTREAM": url, "HUAWEICLOUD_SDK_AK": demo.access_key, "HUAWEICLOUD_SDK_SK": demo.secret_key}
        with judged_proxy(environ, reports, ALLOW_CHANGES="1") as (proxy, judged):
            integration_test(proxy.url, Credentials(demo.access_key, demo.secret_key))
    return judged


def test_the_correct_emulator_behind_the_proxy_gives_no_finding(scenario: Scenario, tmp_path: Path) -> None:
    judged = judged_run(scenario, None, tmp_path)
    assert judged.judge.exit_code == 0, judged.printed
    checks = judged.summary()["checks"]
    # Two listings and five progress reads (one after the deletion); every answer about a task, the deletion too.
    assert checks["listed_status_agrees_with_progress"] == 2 + 5
    assert checks["deleted_task_is_gone"] == 2 + 5 + 1


def test_the_variants_are_the_suites() -> None:
    assert set(VARIANTS) == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_a_broken_emulator_behind_the_proxy_gives_the_suites_finding(
    name: str, scenario: Scenario, tmp_path: Path
) -> None:
    judged = judged_run(scenario, VARIANTS[name], tmp_path)
    assert judged.judge.exit_code == 1, judged.printed
    assert EXPECTED[name] in judged.failed(), judged.printed
    assert any(comment.startswith(f"[{EXPECTED[name]}] ") for comment in judged.har_comments())
