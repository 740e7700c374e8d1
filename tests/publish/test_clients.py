"""The generator matrix fails when a client cannot cope with an unknown step_status."""

from __future__ import annotations

from typing import Any

from scripts.publishing.clients import OUTPUTS
from tests.publish.conftest import Workspace


def test_a_closed_step_status_enum_fails_every_leg(workspace: Workspace) -> None:
    def close_the_enum(document: dict[str, Any]) -> None:
        step = document["components"]["schemas"]["StepDetail"]["properties"]["step_status"]
        del step["anyOf"]
        step["allOf"] = [{"$ref": "#/components/schemas/StepStatus"}]

    workspace.edit_spec(close_the_enum)
    result = workspace.publish("clients", "--no-emulator")
    assert result.returncode == 1
    # The string check reads all ten outputs: none declares step_status as a string any more ...
    for output in OUTPUTS:
        assert f"{output}: StepDetail.step_status is declared as" in result.stderr, output
    assert "not a string type" in result.stderr
    assert "SubStepDetail.sub_step_status is declared" not in result.stderr  # still a plain string
    # ... the TypeScript types can no longer hold "PAUSED": the strict compile of the probe fails ...
    assert "tsc --strict (TypeScript clients + probe) failed" in result.stderr
    assert "'\"PAUSED\"' have no overlap" in result.stderr
    # ... and the Python client rejects it at run time (pydantic: not a valid StepStatus).
    assert "Python probe failed" in result.stderr
    assert "PAUSED" in result.stderr.split("Python probe failed", 1)[1]


def test_the_matrix_passes_on_the_published_form(workspace: Workspace) -> None:
    result = workspace.publish("clients", "--no-emulator")
    assert result.returncode == 0, result.stderr
    assert "are strings in all 10 outputs" in result.stdout
    assert "  go: step_status: *string, sub_step_status: *string" in result.stdout
    assert "  rust: step_status: Option<String>, sub_step_status: Option<String>" in result.stdout
    assert "  typescript-axios: step_status: string, sub_step_status: string" in result.stdout
    assert "Go client (openapi-generator):" in result.stdout or "SKIPPED go:" in result.stdout
    assert "TypeScript clients:" in result.stdout
