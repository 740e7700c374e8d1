"""``publish.py bundle`` and ``publish.py lint`` on temporary copies of the spec."""

from __future__ import annotations

import json
from typing import Any

import yaml

from tests.publish.conftest import Workspace


def refs(node: object) -> list[str]:
    if isinstance(node, dict):
        return [value for key, value in node.items() if key == "$ref"] + [r for v in node.values() for r in refs(v)]
    if isinstance(node, list):
        return [r for item in node for r in refs(item)]
    return []


def test_bundle_writes_yaml_and_json_named_with_the_version(workspace: Workspace) -> None:
    workspace.set_version("3.1.4")
    result = workspace.publish("bundle")
    assert result.returncode == 0, result.stderr
    as_yaml = yaml.safe_load((workspace.root / "dist" / "dcs-background-tasks-3.1.4.yaml").read_text(encoding="utf-8"))
    as_json = json.loads((workspace.root / "dist" / "dcs-background-tasks-3.1.4.json").read_text(encoding="utf-8"))
    assert as_yaml == as_json
    assert as_json["info"]["version"] == "3.1.4"
    # self-contained: every reference points inside the document
    assert refs(as_json)
    assert all(ref.startswith("#/") for ref in refs(as_json))
    source = yaml.safe_load(workspace.spec.read_text(encoding="utf-8"))
    assert as_json["paths"] == source["paths"]
    assert as_json["components"]["schemas"] == source["components"]["schemas"]


def test_the_repository_spec_lints_clean(workspace: Workspace) -> None:
    result = workspace.publish("lint")
    assert result.returncode == 0, result.stderr
    assert "Redocly lint (recommended-strict): 0 problems" in result.stdout
    assert "Spectral lint (spectral:oas, all rules): 0 problems" in result.stdout


def test_a_missing_operation_id_fails_both_linters(workspace: Workspace) -> None:
    def drop_operation_id(document: dict[str, Any]) -> None:
        del document["paths"]["/v2/{project_id}/instances/{instance_id}/tasks/{task_id}/progress"]["get"]["operationId"]

    workspace.edit_spec(drop_operation_id)
    result = workspace.publish("lint")
    assert result.returncode == 1
    assert "Redocly lint failed" in result.stderr
    assert "Spectral lint failed" in result.stderr
    assert "operation-operationId" in result.stderr


def test_a_spectral_warning_alone_fails_the_lint(workspace: Workspace) -> None:
    # Spectral's `info-description` is a warning; the lint fails on warnings too.
    workspace.edit_spec(lambda document: document["info"].pop("description"))
    result = workspace.publish("lint")
    assert result.returncode == 1
    assert "Spectral lint failed" in result.stderr
    assert "info-description" in result.stderr
