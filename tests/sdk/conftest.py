"""Shared fixtures of the SDK tests: the spec and its examples, loaded (never copied)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest
import yaml
from dcs_tasks import Credentials

from contract_tests.spec.document import SPEC_PATH

# The spec's example IDs, and credentials the tests sign with (the official signer's test vector keys).
INSTANCE, TASK = "5560df16-cebf-4473-95c4-d1b573c16e79", "8abf6e1e72c12e7c0172c15b508500aa"
CREDENTIALS = Credentials("AKEXAMPLE", "SKEXAMPLE", project_id="p1")
Handler = Callable[[httpx.Request], httpx.Response]
PROGRESS_PATH = "/v2/{project_id}/instances/{instance_id}/tasks/{task_id}/progress"


def load_spec() -> dict[str, Any]:
    spec: dict[str, Any] = yaml.safe_load(SPEC_PATH.read_text(encoding="utf-8"))
    return spec


def example_200(name: str = "dataMigration") -> dict[str, Any]:
    content = load_spec()["paths"][PROGRESS_PATH]["get"]["responses"]["200"]["content"]["application/json"]
    value: dict[str, Any] = content["examples"][name]["value"]
    return value


@pytest.fixture(scope="session")
def spec() -> dict[str, Any]:
    return load_spec()
