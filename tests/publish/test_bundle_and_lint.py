"""``publish.py bundle`` and ``publish.py lint`` on temporary copies of the spec."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from subprocess import CompletedProcess
from typing import Any

import yaml

from scripts.publishing.open_enums import open_enum_fields
from tests.publish.conftest import ROOT, Workspace


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
    # every schema as written, except the open enumeration, which is published as an extensible string
    step_status = as_json["components"]["schemas"]["StepDetail"]["properties"].pop("step_status")
    source_status = source["components"]["schemas"]["StepDetail"]["properties"].pop("step_status")
    # StepStatus is no longer referenced: dropped (unused components fail openapi-typescript)
    assert source["components"]["schemas"].pop("StepStatus")["enum"] == ["FINISH", "FAILED", "EXECUTING", "WAITING"]
    assert as_json["components"]["schemas"] == source["components"]["schemas"]
    assert "anyOf" in source_status
    assert "anyOf" not in step_status
    assert step_status["type"] == "string"
    assert step_status["x-extensible-enum"] == ["FINISH", "FAILED", "EXECUTING", "WAITING"]
    assert "`FINISH`, `FAILED`, `EXECUTING`, `WAITING`" in step_status["description"]
    assert step_status["example"] == source_status["example"]


def test_every_open_enumeration_is_published_as_a_string(workspace: Workspace) -> None:
    def add_an_open_enum(document: dict[str, Any]) -> None:
        document["components"]["schemas"]["SubStepDetail"]["properties"]["phase"] = {
            "description": "Phase.",
            "anyOf": [{"type": "string", "enum": ["A", "B"]}, {"type": "string"}],
        }

    workspace.edit_spec(add_an_open_enum)
    assert workspace.publish("bundle").returncode == 0
    bundled = json.loads((workspace.root / "dist" / "dcs-background-tasks-1.1.0.json").read_text(encoding="utf-8"))
    phase = bundled["components"]["schemas"]["SubStepDetail"]["properties"]["phase"]
    assert phase == {"description": "Phase.\n\nDocumented values: `A`, `B`; any other string is valid too.",
                     "type": "string", "x-extensible-enum": ["A", "B"]}  # fmt: skip
    fields = {str(field): field.values for field in open_enum_fields(bundled)}
    assert fields == {
        "StepDetail.step_status": ("FINISH", "FAILED", "EXECUTING", "WAITING"),
        "SubStepDetail.sub_step_status": (),
        "SubStepDetail.phase": ("A", "B"),
    }


def lint_after(workspace: Workspace, change: Callable[[dict[str, Any]], None] | None = None) -> CompletedProcess[str]:
    """Lint the repository's spec (not the published baseline), after ``change`` if given."""
    shutil.copyfile(ROOT / "openapi" / "dcs.yaml", workspace.spec)
    if change is not None:
        workspace.edit_spec(change)
    return workspace.publish("lint")


def test_the_repository_spec_lints_clean(workspace: Workspace) -> None:
    result = lint_after(workspace)
    assert result.returncode == 0, result.stderr
    assert "Redocly lint (recommended-strict): 0 problems" in result.stdout
    assert "Spectral lint (spectral:oas, all rules): 0 problems" in result.stdout
    assert "describes the API: it names no repository path" in result.stdout


def test_a_description_that_names_repository_paths_fails(workspace: Workspace) -> None:
    def describe_the_repository(document: dict[str, Any]) -> None:
        document["info"]["description"] = "The SDK in `generated/` and the suite in contract_tests are derived from it."
        document["components"]["schemas"]["Error"]["description"] = "See scripts/publish.py."

    result = lint_after(workspace, describe_the_repository)
    assert result.returncode == 1
    assert "names paths of this repository" in result.stderr
    assert "/info/description: 'generated/'" in result.stderr
    assert "/info/description: 'contract_tests'" in result.stderr
    assert "/components/schemas/Error/description: 'scripts/'" in result.stderr


def test_a_missing_operation_id_fails_both_linters(workspace: Workspace) -> None:
    def drop_operation_id(document: dict[str, Any]) -> None:
        del document["paths"]["/v2/{project_id}/instances/{instance_id}/tasks/{task_id}/progress"]["get"]["operationId"]

    result = lint_after(workspace, drop_operation_id)
    assert result.returncode == 1
    assert "Redocly lint failed" in result.stderr
    assert "Spectral lint failed" in result.stderr
    assert "operation-operationId" in result.stderr


def test_a_spectral_warning_alone_fails_the_lint(workspace: Workspace) -> None:
    # Spectral's `info-description` is a warning; the lint fails on warnings too.
    result = lint_after(workspace, lambda document: document["info"].pop("description"))
    assert result.returncode == 1
    assert "Spectral lint failed" in result.stderr
    assert "info-description" in result.stderr
