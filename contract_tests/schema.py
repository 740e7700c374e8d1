"""The Schemathesis schema of one run (`build_schema`): the spec, the target, the signer and the hooks that
feed the target's known task IDs into generated cases; plus the run's knobs (`SuiteOptions`)."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import schemathesis
import yaml
from hypothesis import strategies as st
from schemathesis.auths import AuthContext
from schemathesis.config import SchemathesisConfig
from schemathesis.core.parameters import ParameterLocation

from .checks import AnyCase
from .spec_file import SPEC_PATH
from .target import KnownTask, Target

# A fuzzed positive case gets known IDs: all three (a real task), or a known project (and instance)
# with generated IDs below it (404s deeper in the lookup), or keeps its own (mostly 403: other projects).
IdChoice = tuple[KnownTask, int] | None  # (task, how many leading path parameters to take from it)


@dataclass(frozen=True)
class SuiteOptions:
    seed: int
    max_examples: int
    phases: tuple[str, ...] = ("examples", "coverage", "fuzzing", "stateful")
    # Benchmark knobs: generate without sending (the ceiling), or keep going past failures so runs
    # against servers that fail some checks (Prism's mock) still send every case.
    send: bool = True
    stop_on_failure: bool = True
    # Staging knobs (`staging_config.RunKnobs`): per-request timeout, pacing, wall-clock budget, and
    # whether probes may send failing signatures with the configured AK.
    request_timeout: float = 30.0
    rate_limit: float | None = None
    max_time: float | None = None
    auth_probes: bool = True
    sleep: Callable[[float], None] = time.sleep  # how the suite waits (Retry-After, pacing); tests inject one

    @property
    def slow_after(self) -> float:
        """Responses at least this slow are listed as a warning (never a failure below the timeout)."""
        return min(5.0, self.request_timeout / 2)


def _config(target: Target, options: SuiteOptions) -> SchemathesisConfig:
    enabled = set(options.phases)
    return SchemathesisConfig.from_dict(
        {
            "seed": options.seed,
            # Always explicit: the spec's `servers` are the real cloud, which the suite never contacts.
            "base-url": target.base_url,
            "request-timeout": options.request_timeout,
            "generation": {"mode": "all", "max-examples": options.max_examples, "database": "none"},
            "phases": {name: {"enabled": name in enabled} for name in ("examples", "coverage", "fuzzing", "stateful")},
        }
    )


def spec_has_links() -> bool:
    """Whether any response of the spec declares OpenAPI links: the stateful phase has nothing to chain without.

    Read from the file, not from a schema: pytest asks while collecting, before any schema is built.
    """
    raw = yaml.safe_load(SPEC_PATH.read_text(encoding="utf-8"))
    operations = [op for item in raw.get("paths", {}).values() for op in item.values() if isinstance(op, dict)]
    responses = [r for op in operations for r in (op.get("responses") or {}).values() if isinstance(r, dict)]
    return any(r.get("links") for r in responses)


def id_choices(target: Target) -> list[IdChoice]:
    full: list[IdChoice] = [
        (task, 3) for task in (*target.readable_tasks, *target.foreign_tasks, *target.missing_tasks)
    ]
    if not full:
        return [None]
    anchor = (target.readable_tasks or target.missing_tasks)[0]
    prefixes: list[IdChoice] = [(anchor, 1), (anchor, 2)]
    kept: list[IdChoice] = [None] * max(1, len(full) // 2)
    return kept + prefixes + full


def _with_ids(case: AnyCase, choice: IdChoice) -> AnyCase:
    if choice is not None:
        task, depth = choice
        known = list(task.as_path_parameters().items())[:depth]
        case.path_parameters = {**case.path_parameters, **dict(known)}
    return case


def _keeps_valid_path(case: AnyCase) -> bool:
    # Negative path values must stay negative: swapping in real IDs would turn them into valid requests.
    meta = case.meta
    return meta is None or not meta.is_negative_at(ParameterLocation.PATH)


def example_cases(operation: schemathesis.APIOperation[Any, Any, Any, Any], target: Target) -> list[AnyCase]:
    """Explicit cases for every task the target knows: readable (polled twice), foreign, absent and faulty.

    Plus one unsigned request for a readable task, which must be refused with 401. Known-faulty
    tasks (500 by design) appear here only, never in fuzzed cases, whose checks expect no 500.
    """
    tasks = (
        *target.readable_tasks,
        *target.foreign_tasks,
        *target.missing_tasks,
        *target.faulty_tasks,
        *target.readable_tasks,
    )
    cases = [operation.Case(path_parameters=task.as_path_parameters()) for task in tasks]
    # Hand-built cases skip generation, where the configured auth is applied: apply it here.
    context = AuthContext(operation=operation, app=operation.app)
    for case in cases:
        operation.schema.auth.set(case, context)
    unsigned = [operation.Case(path_parameters=task.as_path_parameters()) for task in target.readable_tasks[:1]]
    return cases + unsigned


def build_schema(target: Target, options: SuiteOptions) -> schemathesis.BaseSchema:
    """The schema of `openapi/dcs.yaml` aimed at `target`, signing with its auth and feeding it its known IDs."""
    schema = schemathesis.openapi.from_path(SPEC_PATH, config=_config(target, options))
    if target.app is not None:
        schema.app = target.app
    schema.auth.set_from_requests(target.auth)
    choices = id_choices(target)

    @schema.hook("before_add_examples")
    def add_known_tasks(context: schemathesis.HookContext, examples: list[AnyCase]) -> None:
        if context.operation is not None:
            examples.extend(example_cases(context.operation, target))

    @schema.hook("flatmap_case")
    def feed_known_ids(context: schemathesis.HookContext, case: AnyCase) -> st.SearchStrategy[AnyCase]:
        if len(choices) == 1 or not _keeps_valid_path(case):
            return st.just(case)
        return st.sampled_from(choices).map(lambda choice: _with_ids(case, choice))

    return schema
