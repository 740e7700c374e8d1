"""The breaking-change gate, on temporary copies of the spec (openapi/ itself is never touched)."""

from __future__ import annotations

from typing import Any

from tests.publish.conftest import Workspace


def remove_step_name(document: dict[str, Any]) -> None:
    del document["components"]["schemas"]["StepDetail"]["properties"]["step_name"]


def add_optional_field(document: dict[str, Any]) -> None:
    properties = document["components"]["schemas"]["StepDetail"]["properties"]
    properties["retry_count"] = {"type": "integer", "description": "How often the step was retried."}


def test_the_repository_spec_passes_the_gate(workspace: Workspace) -> None:
    result = workspace.publish("gate")
    assert result.returncode == 0, result.stderr
    assert "unchanged since the published" in result.stdout


def test_removing_a_response_field_without_a_major_bump_fails_readably(workspace: Workspace) -> None:
    result = workspace.gate_after(remove_step_name, "1.1.0")
    assert result.returncode == 1
    assert "BREAKING CHANGE" in result.stderr
    assert "keeps major version 1" in result.stderr
    assert "release it as 2.0.0" in result.stderr
    # Optic's report names what broke
    assert "cannot remove response property 'step_name'" in result.stderr


def test_a_retyped_response_field_is_breaking_too(workspace: Workspace) -> None:
    def progress_as_text(document: dict[str, Any]) -> None:
        properties = document["components"]["schemas"]["ShowBackgroundTaskProgressResponse"]["properties"]
        properties["progress"] = {"type": "string", "description": "Overall progress, as text."}

    result = workspace.gate_after(progress_as_text, "1.0.1")
    assert result.returncode == 1
    assert "BREAKING CHANGE" in result.stderr
    assert "progress" in result.stderr


def test_a_breaking_change_with_a_major_bump_and_an_entry_passes(workspace: Workspace) -> None:
    result = workspace.gate_after(remove_step_name, "2.0.0", "- `step_name` removed: use `step_id`.")
    assert result.returncode == 0, result.stderr
    assert "1.0.0 -> 2.0.0: breaking, with a major version bump" in result.stdout


def test_a_compatible_change_with_a_bump_and_an_entry_passes(workspace: Workspace) -> None:
    result = workspace.gate_after(add_optional_field, "1.1.0", "- `StepDetail.retry_count` added.")
    assert result.returncode == 0, result.stderr
    assert "1.0.0 -> 1.1.0: compatible" in result.stdout


def test_a_change_without_a_changelog_entry_fails(workspace: Workspace) -> None:
    result = workspace.gate_after(add_optional_field, "1.1.0", entry=None)
    assert result.returncode == 1
    assert "CHANGELOG.md has no entry for info.version 1.1.0" in result.stderr
    assert "add a `## 1.1.0` section" in result.stderr


def test_an_empty_changelog_section_is_no_entry(workspace: Workspace) -> None:
    result = workspace.gate_after(add_optional_field, "1.1.0", "")
    assert result.returncode == 1
    assert "has no entry for info.version 1.1.0" in result.stderr


def test_a_change_that_keeps_the_published_version_fails(workspace: Workspace) -> None:
    workspace.edit_spec(
        lambda document: document["info"].__setitem__("description", "Reworded, and nothing else changed.")
    )
    result = workspace.publish("gate")
    assert result.returncode == 1
    assert "differs from the published 1.0.0 but its info.version 1.0.0 is not newer" in result.stderr


def test_a_version_that_is_not_a_version_number_fails(workspace: Workspace) -> None:
    workspace.set_version("next")
    workspace.add_changelog_entry("next")
    result = workspace.publish("gate")
    assert result.returncode == 1
    assert "'next' of the spec is not a version number" in result.stderr


def test_without_a_baseline_the_gate_fails_but_promote_publishes_one(workspace: Workspace) -> None:
    workspace.published.unlink()
    result = workspace.publish("gate")
    assert result.returncode == 1
    assert "There is no published spec" in result.stderr

    promoted = workspace.publish("promote")
    assert promoted.returncode == 0, promoted.stderr
    assert workspace.published.read_text(encoding="utf-8") == (
        workspace.root / "dist" / "dcs-background-tasks-1.0.0.yaml"
    ).read_text(encoding="utf-8")
    assert workspace.publish("gate").returncode == 0
