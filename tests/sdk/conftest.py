"""Shared fixtures of the SDK tests: the spec and its examples, loaded (never copied)."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from contract_tests.spec_file import SPEC_PATH

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
