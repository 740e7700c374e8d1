"""The breaking-change gate, on temporary copies of the spec (openapi/ itself is never touched)."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

import yaml

from tests.publish.conftest import ROOT, Workspace


def remove_step_name(document: dict[str, Any]) -> None:
    del document["components"]["schemas"]["StepDetail"]["properties"]["step_name"]


def add_optional_field(document: dict[str, Any]) -> None:
    properties = document["components"]["schemas"]["StepDetail"]["properties"]
    properties["retry_count"] = {"type": "integer", "description": "How often the step was retried."}


def test_the_published_spec_passes_the_gate_unchanged(workspace: Workspace) -> None:
    result = workspace.publish("gate")
    assert result.returncode == 0, result.stderr
    assert "unchanged since the published" in result.stdout


def test_the_repository_spec_passes_the_gate() -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "publish.py"), "gate"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr


def test_removing_a_response_field_without_a_major_bump_fails_readably(workspace: Workspace) -> None:
    major = workspace.published_version.split(".")[0]
    result = workspace.gate_after(remove_step_name, workspace.bumped("minor"))
    assert result.returncode == 1
    assert "BREAKING CHANGE" in result.stderr
    assert f"keeps major version {major}" in result.stderr
    assert f"release it as {workspace.bumped('major')}" in result.stderr
    # Optic's report names what broke
    assert "cannot remove response property 'step_name'" in result.stderr


def test_a_retyped_response_field_is_breaking_too(workspace: Workspace) -> None:
    def progress_as_text(document: dict[str, Any]) -> None:
        properties = document["components"]["schemas"]["ShowBackgroundTaskProgressResponse"]["properties"]
        properties["progress"] = {"type": "string", "description": "Overall progress, as text."}

    result = workspace.gate_after(progress_as_text, workspace.bumped("patch"))
    assert result.returncode == 1
    assert "BREAKING CHANGE" in result.stderr
    assert "progress" in result.stderr


def test_a_breaking_change_with_a_major_bump_and_an_entry_passes(workspace: Workspace) -> None:
    major = workspace.bumped("major")
    result = workspace.gate_after(remove_step_name, major, "- `step_name` removed: use `step_id`.")
    assert result.returncode == 0, result.stderr
    assert f"{workspace.published_version} -> {major}: breaking, with a major version bump" in result.stdout


def test_a_compatible_change_with_a_bump_and_an_entry_passes(workspace: Workspace) -> None:
    minor = workspace.bumped("minor")
    result = workspace.gate_after(add_optional_field, minor, "- `StepDetail.retry_count` added.")
    assert result.returncode == 0, result.stderr
    assert f"{workspace.published_version} -> {minor}: compatible" in result.stdout


def test_a_change_without_a_changelog_entry_fails(workspace: Workspace) -> None:
    # A major version: the next minor one may already have its section while it is being prepared.
    version = workspace.bumped("major")
    result = workspace.gate_after(add_optional_field, version, entry=None)
    assert result.returncode == 1
    assert f"CHANGELOG.md has no entry for info.version {version}" in result.stderr
    assert f"add a `## {version}` section" in result.stderr


def test_an_empty_changelog_section_is_no_entry(workspace: Workspace) -> None:
    version = workspace.bumped("major")  # no section yet, whatever is being prepared
    result = workspace.gate_after(add_optional_field, version, "")
    assert result.returncode == 1
    assert f"has no entry for info.version {version}" in result.stderr


def test_a_change_that_keeps_the_published_version_fails(workspace: Workspace) -> None:
    workspace.edit_spec(
        lambda document: document["info"].__setitem__("description", "Reworded, and nothing else changed.")
    )
    result = workspace.publish("gate")
    assert result.returncode == 1
    published = workspace.published_version
    assert f"differs from the published {published} but its info.version {published} is not newer" in result.stderr


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
        workspace.root / "dist" / f"dcs-background-tasks-{workspace.published_version}.yaml"
    ).read_text(encoding="utf-8")
    assert workspace.publish("gate").returncode == 0


def test_publishing_an_open_enum_as_an_extensible_string_is_compatible(workspace: Workspace) -> None:
    # The baseline writes step_status as anyOf: [StepStatus, string]; the bundle of the same spec
    # writes it as an extensible string. Same values accepted: a patch release, not a breaking one.
    published = yaml.safe_load(workspace.published.read_text(encoding="utf-8"))
    assert "anyOf" in published["components"]["schemas"]["StepDetail"]["properties"]["step_status"]
    patch = workspace.bumped("patch")
    result = workspace.gate_after(lambda _document: None, patch)
    assert result.returncode == 0, result.stderr
    assert f"{workspace.published_version} -> {patch}: compatible" in result.stdout
