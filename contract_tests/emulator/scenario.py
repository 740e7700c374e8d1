"""Scenario files: the projects, instances, tasks and credentials an emulator starts with.

The format has one definition: the attrs classes a file is read into, `Scenario` and `Credential`
here and the plans of ``models.py`` (`Project` → `Instance` → `TaskPlan` → `StepPlan` →
`SubStepPlan`, `Failure`). A field's name is its key in the file, its type and validators say what
it may hold, its ``doc`` metadata what it means; a map of plans by ID is a list in the file.
From them follow the parser (cattrs, strict: no unknown key, no coercion — ``12345`` is not a
text, ``"yes"`` not a boolean), the validation (the classes' validators) and the documented format
(``scenario_format.py`` renders it; the emulator README shows it, and a test keeps the two equal).
A bad file raises `ScenarioError` naming each bad field by its path (``$.projects[0].id``).
``scenarios/default.yaml`` is a full example. IDs are matched case-insensitively.
"""

from __future__ import annotations

import math
import types
from collections.abc import Callable, Iterable, Iterator, Mapping
from enum import StrEnum
from pathlib import Path
from typing import Any, Union, get_args, get_origin

import attrs
import cattrs
import yaml
from cattrs.errors import ClassValidationError, ForbiddenExtraKeysError, IterableValidationError
from cattrs.gen import make_dict_structure_fn_from_attrs

from ..task_ids import KnownTask
from .models import InvalidFieldError, Project, TaskPlan, keyed_by_id, not_empty

DEFAULT_SCENARIO_PATH = Path(__file__).parent / "scenarios" / "default.yaml"
# Fields marked so are facts about a loaded scenario, not keys of its file.
NOT_IN_FILE = {"in_file": False}


class ScenarioError(ValueError):
    """The scenario file is unreadable or does not follow the documented format."""


def _lower_case(project_ids: Iterable[str]) -> frozenset[str]:
    return frozenset(project_id.lower() for project_id in project_ids)


@attrs.frozen(kw_only=True)
class Credential:
    name: str = attrs.field(validator=not_empty)
    access_key: str = attrs.field(validator=not_empty)
    secret_key: str = attrs.field(validator=not_empty, repr=False)
    token: str | None = attrs.field(
        default=None, validator=not_empty, repr=False, metadata={"doc": "an X-Auth-Token value for these credentials"}
    )
    security_token: str | None = attrs.field(
        default=None,
        validator=not_empty,
        repr=False,
        metadata={"doc": "temporary credentials: requests must carry and sign X-Security-Token"},
    )
    projects: frozenset[str] = attrs.field(
        converter=_lower_case, metadata={"doc": "project IDs these credentials may access (others → 403)"}
    )

    def may_access(self, project_id: str) -> bool:
        return project_id.lower() in self.projects


# One type for a task's ID triple, shared with the contract suite (the neutral `task_ids` module).
TaskRef = KnownTask


@attrs.frozen(kw_only=True)
class Scenario:
    credentials: tuple[Credential, ...] = attrs.field(
        validator=not_empty, metadata={"doc": "who may call; the first entry is the demo credentials"}
    )
    projects: Mapping[str, Project] = attrs.field(validator=keyed_by_id)
    source: str = attrs.field(default="<memory>", metadata=NOT_IN_FILE)  # the file it was read from

    @property
    def demo(self) -> Credential:
        """The first credentials of the file: what `make emulator` prints."""
        return self.credentials[0]

    def known_tasks(self) -> list[TaskRef]:
        return [ref for ref, _ in self._tasks()]

    def internal_error_tasks(self) -> list[TaskRef]:
        """The known tasks whose progress query fails inside the service (500), by the scenario's design."""
        return [ref for ref, task in self._tasks() if task.internal_error]

    def disposable_tasks(self) -> list[TaskRef]:
        """The known tasks the scenario offers for deletion (``disposable: true``)."""
        return [ref for ref, task in self._tasks() if task.disposable]

    def _tasks(self) -> Iterator[tuple[TaskRef, TaskPlan]]:
        for project in self.projects.values():
            for instance in project.instances.values():
                for task in instance.tasks.values():
                    yield TaskRef(project.id, instance.id, task.id), task

    def credential_for(self, project_id: str) -> Credential:
        """Some credentials allowed on ``project_id`` (raises LookupError when none is)."""
        for credential in self.credentials:
            if credential.may_access(project_id):
                return credential
        raise LookupError(f"no credentials may access project {project_id}")


def load_scenario(path: str | Path) -> Scenario:
    """Read and check a scenario file; raises ScenarioError saying what is wrong."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as error:
        raise ScenarioError(f"cannot read scenario {path}: {error}") from error
    return parse_scenario(text, source=str(path))


def parse_scenario(text: str, *, source: str = "<memory>") -> Scenario:
    try:
        document = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise ScenarioError(f"{source}: not valid YAML: {error}") from error
    return scenario_from_document(document, source=source)


def scenario_from_document(document: object, *, source: str = "<memory>") -> Scenario:
    """The scenario a parsed YAML/JSON document describes; raises ScenarioError naming every bad field."""
    try:
        scenario = _CONVERTER.structure(document, Scenario)
    except (cattrs.BaseValidationError, TypeError, ValueError) as error:  # cattrs groups what it finds
        problems = list(_problems(error, "$"))
        raise ScenarioError(f"{source}: " + "; ".join(problems[:5])) from None
    return attrs.evolve(scenario, source=source)


# What each scalar is called in the documented format and in error messages.
SCALARS: dict[type, str] = {str: "text", float: "number", bool: "true|false"}


def _kind(value: object) -> str:
    return f"{type(value).__name__} {value!r}"[:80]


def _scalar(kind: type) -> Callable[[object, type], object]:
    def structure(value: object, _: type) -> object:
        accepted = (int, float) if kind is float else kind
        if isinstance(value, bool) is not (kind is bool) or not isinstance(value, accepted):
            raise TypeError(f"expected {SCALARS[kind]}, got {_kind(value)}")
        if kind is float and not math.isfinite(value):  # type: ignore[arg-type]  # an int or a float here
            raise ValueError(f"expected a finite number, got {value}")
        return kind(value)

    return structure


def _enum(value: object, kind: type[StrEnum]) -> StrEnum:
    if isinstance(value, str) and value in {member.value for member in kind}:
        return kind(value)
    raise ValueError(f"expected one of {'|'.join(member.value for member in kind)}, got {_kind(value)}")


def _is_union(kind: object) -> bool:
    return get_origin(kind) in (Union, types.UnionType)


def _text_or(kind: Any, converter: cattrs.Converter) -> Callable[[object, type], object]:  # noqa: ANN401
    """``str | X`` (``X`` may be None): a text as given, anything else read as ``X``."""
    optional = type(None) in get_args(kind)
    others = [member for member in get_args(kind) if member not in (str, type(None))]

    def structure(value: object, _: type) -> object:
        if isinstance(value, str) or (value is None and optional):
            return value
        if not others:
            raise TypeError(f"expected {SCALARS[str]}, got {_kind(value)}")
        return converter.structure(value, others[0])

    return structure


def _mapping(kind: Any, converter: cattrs.Converter) -> Callable[[object, type], object]:  # noqa: ANN401
    structure_mapping = cattrs.cols.mapping_structure_factory(kind, converter)

    def structure(value: object, _: type) -> object:
        if not isinstance(value, Mapping):
            raise TypeError(f"expected a mapping, got {_kind(value)}")
        return structure_mapping(value, kind)

    return structure


def plan_map_value(kind: object) -> type | None:
    """The plan class of a ``Mapping[str, Plan]`` (a list of plans with an ``id`` in the file), else None."""
    args = get_args(kind)
    if get_origin(kind) is not Mapping or len(args) != 2 or not attrs.has(args[1]):
        return None
    return args[1] if "id" in attrs.fields_dict(args[1]) else None


def _from_list(kind: Any, converter: cattrs.Converter) -> Callable[[object, type], object]:  # noqa: ANN401
    """Lists in the file: ``tuple[X, ...]``, ``frozenset[X]``, and ``Mapping[str, Plan]`` keyed by lower-cased ID."""
    plan = plan_map_value(kind)
    item = plan or get_args(kind)[0]
    structure_list = cattrs.cols.list_structure_factory(list[item], converter)  # type: ignore[valid-type]

    def structure(value: object, _: type) -> object:
        if not isinstance(value, list):
            raise TypeError(f"expected a list, got {_kind(value)}")
        items = structure_list(value, list[item])  # type: ignore[valid-type]
        if plan is None:
            return get_origin(kind)(items)
        by_id = {entry.id.lower(): entry for entry in items}
        if len(by_id) != len(items):
            raise ValueError("two entries have the same id (IDs are compared without case)")
        return by_id

    return structure


def _plan(kind: type, converter: cattrs.Converter) -> Callable[[object, type], object]:
    """An attrs class from a mapping, its keys exactly the fields that belong in the file."""
    fields = attrs.fields(attrs.resolve_types(kind))  # annotations are strings until resolved
    in_file = [field for field in fields if field.metadata.get("in_file") is not False]
    structure_fields: Callable[[Mapping[str, Any], type], object] = make_dict_structure_fn_from_attrs(
        in_file, kind, converter, _cattrs_forbid_extra_keys=True
    )

    def structure(value: object, _: type) -> object:
        if not isinstance(value, Mapping):
            raise TypeError(f"expected a mapping, got {_kind(value)}")
        return structure_fields(value, kind)

    return structure


def _is_list(kind: object) -> bool:
    origin, args = get_origin(kind), get_args(kind)
    homogeneous_tuple = origin is tuple and len(args) == 2 and args[1] is Ellipsis
    return homogeneous_tuple or origin is frozenset or plan_map_value(kind) is not None


def _is_plain_mapping(kind: object) -> bool:
    return get_origin(kind) is Mapping and plan_map_value(kind) is None


def _converter() -> cattrs.Converter:
    converter = cattrs.Converter(forbid_extra_keys=True)
    for kind in SCALARS:
        converter.register_structure_hook(kind, _scalar(kind))
    converter.register_structure_hook(StrEnum, _enum)  # before `str` for a StrEnum, which is a str
    converter.register_structure_hook_factory(
        lambda kind: _is_union(kind) and str in get_args(kind), lambda kind: _text_or(kind, converter)
    )
    converter.register_structure_hook_factory(_is_list, lambda kind: _from_list(kind, converter))
    converter.register_structure_hook_factory(_is_plain_mapping, lambda kind: _mapping(kind, converter))
    converter.register_structure_hook_factory(attrs.has, lambda kind: _plan(kind, converter))
    return converter


_CONVERTER = _converter()


def _problems(error: BaseException, path: str) -> Iterator[str]:
    """Each problem cattrs found, as ``$.path.to.field: what is wrong``."""
    if isinstance(error, ClassValidationError | IterableValidationError):
        with_notes, without = error.group_exceptions()
        for inner, note in with_notes:
            step = f".{note.name}" if isinstance(note, cattrs.AttributeValidationNote) else f"[{note.index!r}]"
            yield from _problems(inner, path + step)
        for inner in without:
            yield from _problems(inner, path)
    elif isinstance(error, InvalidFieldError):
        yield f"{path}.{error.field}: {error.problem}"
    elif isinstance(error, ForbiddenExtraKeysError):
        yield f"{path}: unknown key(s) {', '.join(sorted(error.extra_fields))}"
    elif isinstance(error, KeyError):
        yield f"{path}: required, missing"
    else:
        yield f"{path}: {error}"
