"""The Schemathesis schema of one run (`build_schema`): the spec, the target, the signer and the hooks that
feed the target's known task IDs into generated cases (`known_id_hooks`, which Schemathesis' CLI gets too,
see `schemathesis_hooks.py`), each operation's by what the target says of it; plus the run's knobs
(`Settings`). Schemathesis' settings common to every run are in `schemathesis.toml` beside this file,
read by both."""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import schemathesis
from hypothesis import strategies as st
from schemathesis.auths import AuthContext, set_on_case
from schemathesis.config import SchemathesisConfig
from schemathesis.core.parameters import ParameterLocation

from ..record.answers import AnyCase
from ..settings.table import Settings
from ..spec.api import OperationSpec, load_spec, spec_of
from ..spec.ids import KnownTask, given_ids
from ..target.model import Target

CONFIG_PATH = Path(__file__).resolve().parents[1] / "schemathesis.toml"

# A fuzzed positive case gets known IDs: all three (a real task), or a known project (and instance)
# with generated IDs below it (404s deeper in the lookup), or keeps its own (mostly 403: other projects).
IdChoice = tuple[KnownTask, int] | None  # (task, how many leading path parameters to take from it)


def _config(target: Target, settings: Settings) -> SchemathesisConfig:
    config = tomllib.loads(CONFIG_PATH.read_text(encoding="utf-8"))
    # The base URL is always explicit: the spec's `servers` are the real cloud, which the suite never contacts.
    config |= {"base-url": target.base_url, "request-timeout": settings.request_timeout}
    if settings.seed is not None:  # a suite run always has one; judging generates nothing
        config["seed"] = settings.seed
    config["generation"]["max-examples"] = settings.max_examples
    return SchemathesisConfig.from_dict(config)


def id_choices(target: Target, changes: OperationSpec | None = None) -> list[IdChoice]:
    """Known IDs for fuzzed cases of an operation; a state-changing one's (`changes`) get the changeable tasks offered
    to it (but those known to fail there, whose 500 its examples reach), never the readable ones."""
    mine = target.readable_tasks
    if changes is not None:
        mine = target.not_faulty(changes, target.changeable_for(changes.operation_id))
    full: list[IdChoice] = [(task, 3) for task in (*mine, *target.foreign_tasks, *target.missing_tasks)]
    if not full:
        return [None]
    anchor = (target.readable_tasks or target.missing_tasks)[0]
    prefixes: list[IdChoice] = [(anchor, 1), (anchor, 2)]
    kept: list[IdChoice] = [None] * max(1, len(full) // 2)
    return kept + prefixes + full


def _with_ids(case: AnyCase, choice: IdChoice) -> AnyCase:
    if choice is not None:
        task, depth = choice
        # Only the operation's own path parameters: a listing has no task ID.
        known = list(task.as_path_parameters().items())[:depth]
        case.path_parameters = {**case.path_parameters, **{n: v for n, v in known if n in case.path_parameters}}
    return case


def _links_chose_ids(case: AnyCase) -> bool:
    # In the stateful phase a task ID comes from a link (a listing, a deletion): keep it. Only the
    # listings that start a scenario get known IDs, so the scenario reaches real tasks.
    meta = case.meta
    return meta is not None and meta.phase.name.value == "stateful" and "task_id" in case.path_parameters


def _keeps_valid_path(case: AnyCase) -> bool:
    # Negative path values must stay negative: swapping in real IDs would turn them into valid requests.
    meta = case.meta
    return meta is None or not meta.is_negative_at(ParameterLocation.PATH)


def example_cases(operation: schemathesis.APIOperation[Any, Any, Any, Any], target: Target) -> list[AnyCase]:
    """Explicit cases for every task the target knows: readable (polled twice), foreign, absent and faulty.

    Plus one unsigned request for a readable task, which must be refused with 401. Known-faulty tasks and
    instances (500 by design) appear here, never in fuzzed cases of an operation they fail on.
    A state-changing operation gets the tasks offered to it (those known to fail there too) instead of the
    readable and faulty ones; an operation without a task ID, the instances of all of them (once each).
    """
    spec = spec_of(operation.schema).by_label(operation.label)
    assert spec is not None  # the schema's operations are the spec's
    mine = target.anchors(spec)
    tasks: tuple[KnownTask, ...] = (*mine, *target.foreign_tasks, *target.missing_tasks)
    if not spec.changes_state:
        tasks = (*tasks, *target.faulty_for(spec), *mine)  # readable ones polled twice
    names = {parameter.name for parameter in operation.path_parameters}
    # Only what names every ID the path takes (an instance known to fail has no task ID for a task's path).
    tasks = tuple(task for task in tasks if set(spec.id_parameters) <= set(given_ids(task)))
    chosen = [{n: v for n, v in task.as_path_parameters().items() if n in names} for task in tasks]
    if "task_id" not in names:
        chosen = [dict(pair) for pair in dict.fromkeys(tuple(ids.items()) for ids in chosen)]
    cases = [operation.Case(path_parameters=ids) for ids in chosen]
    # Hand-built cases skip generation, where the configured auth is applied: apply it here (the schema's,
    # or under Schemathesis' CLI the global one).
    context = AuthContext(operation=operation, app=operation.app)
    for case in cases:
        set_on_case(case, context, None)
    unsigned = [operation.Case(path_parameters=ids) for ids in chosen[:1] if target.readable_tasks]
    return cases + unsigned


def known_id_hooks(target: Target) -> dict[str, Callable[..., Any]]:
    """Schemathesis hooks, by name, that give cases `target`'s known IDs: explicit cases for each known task
    (`before_add_examples`) and known IDs swapped into valid generated paths (`flatmap_case`)."""
    choices = id_choices(target)
    by_operation: dict[str, list[IdChoice]] = {}  # per state-changing operation, made once

    def choices_for(operation: OperationSpec | None) -> list[IdChoice]:
        if operation is None or not operation.changes_state:
            return choices
        if operation.operation_id not in by_operation:
            by_operation[operation.operation_id] = id_choices(target, operation)
        return by_operation[operation.operation_id]

    def before_add_examples(context: schemathesis.HookContext, examples: list[AnyCase]) -> None:
        if context.operation is not None:
            examples.extend(example_cases(context.operation, target))

    def flatmap_case(_context: schemathesis.HookContext, case: AnyCase) -> st.SearchStrategy[AnyCase]:
        options = choices_for(spec_of(case.operation.schema).by_label(case.operation.label))
        if len(options) == 1 or not _keeps_valid_path(case) or _links_chose_ids(case):
            return st.just(case)
        return st.sampled_from(options).map(lambda choice: _with_ids(case, choice))

    return {"before_add_examples": before_add_examples, "flatmap_case": flatmap_case}


def judging_schema(target: Target, settings: Settings) -> schemathesis.BaseSchema:
    """The schema of the spec for judging answers the run did not generate (the validating proxy's): every operation,
    no auth and no hooks, since nothing is generated or sent from it."""
    return schemathesis.openapi.from_path(settings.spec_path, config=_config(target, settings))


def build_schema(target: Target, settings: Settings) -> schemathesis.BaseSchema:
    """The schema of the run's spec aimed at `target`, signing with its auth and feeding it its known IDs."""
    spec = load_spec(settings.spec_path)
    config = _config(target, settings)
    schema: schemathesis.BaseSchema = schemathesis.openapi.from_path(settings.spec_path, config=config)
    # A state-changing operation no task is offered to (a BASE_URL without explicit permission) is not tested.
    untested = [
        op.operation_id for op in spec.operations if op.changes_state and not target.changeable_for(op.operation_id)
    ]
    if untested:
        schema = schema.exclude(operation_id=untested)
    if target.app is not None:
        schema.app = target.app
    schema.auth.set_from_requests(target.auth)
    for name, hook in known_id_hooks(target).items():
        schema.hook(name)(hook)
    return schema
