"""The generated-client probes fail when a client cannot cope with an unknown step_status."""

from __future__ import annotations

from typing import Any

from tests.publish.conftest import Workspace


def test_a_closed_step_status_enum_fails_the_client_check(workspace: Workspace) -> None:
    def close_the_enum(document: dict[str, Any]) -> None:
        step = document["components"]["schemas"]["StepDetail"]["properties"]["step_status"]
        del step["anyOf"]
        step["allOf"] = [{"$ref": "#/components/schemas/StepStatus"}]

    workspace.edit_spec(close_the_enum)
    result = workspace.publish("clients", "--no-emulator")
    assert result.returncode == 1
    # The TypeScript types can no longer hold "PAUSED": the strict compile of the probe fails ...
    assert "tsc --strict (TypeScript clients + probe) failed" in result.stderr
    assert "'\"PAUSED\"' have no overlap" in result.stderr
    # ... and the Python client rejects it at run time (pydantic: not a valid StepStatus).
    assert "Python probe failed" in result.stderr
    assert "PAUSED" in result.stderr.split("Python probe failed", 1)[1]
