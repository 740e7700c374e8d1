"""Reading a parsed YAML/JSON document into attrs classes, strictly, and naming each bad field by its path.

The scenario file's classes (``scenario.py``, ``models.py``) are its format; this module holds what
they are defined and read with: the field validators (`not_empty`, `not_negative`, `keyed_by_id`,
raising `InvalidFieldError`), the `NOT_IN_FILE` marker, and `read`, a cattrs converter that refuses
unknown keys and coercion (``12345`` is not a text, ``"yes"`` not a boolean, ``.nan`` not a number)
and reports every problem as ``$.path.to.field: what is wrong``. A map of plans by ID
(``Mapping[str, Plan]``, the plan having an ``id``) is a list in the file, keyed by lower-cased ID.
"""

from __future__ import annotations

import math
import types
import warnings
from collections.abc import Callable, Iterator, Mapping, Sized
from enum import StrEnum
from typing import Any, TypeVar, Union, get_args, get_origin

import attrs
import cattrs
from cattrs.errors import ClassValidationError, ForbiddenExtraKeysError, IterableValidationError
from cattrs.gen import make_dict_structure_fn_from_attrs

T = TypeVar("T")
# Fields marked so are facts about a loaded object, not keys of its file.
NOT_IN_FILE = {"in_file": False}
# How many problems an error message lists.
SHOWN_PROBLEMS = 5


class InvalidFieldError(ValueError):
    """A field of a plan holds a value its definition rejects (``field`` names it, ``problem`` says why)."""

    def __init__(self, field: str, problem: str) -> None:
        super().__init__(f"{field}: {problem}")
        self.field = field
        self.problem = problem


def not_empty(_: object, attribute: attrs.Attribute[Any], value: Sized | None) -> None:
    """An attrs validator: a text or list, when given, holds something."""
    if value is not None and not len(value):
        raise InvalidFieldError(attribute.name, "must not be empty")


def not_negative(_: object, attribute: attrs.Attribute[Any], value: float) -> None:
    """An attrs validator: seconds are never negative."""
    if value < 0:
        raise InvalidFieldError(attribute.name, f"must be 0 or more, got {value:g}")


def keyed_by_id(_: object, attribute: attrs.Attribute[Any], entries: Mapping[str, Any]) -> None:
    """An attrs validator: a map of plans by ID (a list in the file) is keyed by each one's lower-cased
    ID, so lookups ignore case."""
    for key, entry in entries.items():
        if key != entry.id.lower():
            raise InvalidFieldError(attribute.name, f"{entry.id!r} is listed under the key {key!r}")


class ReadError(ValueError):
    """The document does not fit the classes; the message lists the problems by path."""

    def __init__(self, problems: list[str]) -> None:
        more = f" (and {len(problems) - SHOWN_PROBLEMS} more)" if len(problems) > SHOWN_PROBLEMS else ""
        super().__init__("; ".join(problems[:SHOWN_PROBLEMS]) + more)
        self.problems = problems


def read(document: object, kind: type[T]) -> T:
    """``document`` read into ``kind``; raises ReadError naming every bad field by its path."""
    try:
        return _CONVERTER.structure(document, kind)
    except (cattrs.BaseValidationError, TypeError, ValueError) as error:  # cattrs groups what it finds
        raise ReadError(list(_problems(error, "$"))) from None


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


def list_item(kind: object) -> type | None:
    """The item type of an annotation a file writes as a list (``tuple[X, ...]``, ``frozenset[X]``,
    ``Mapping[str, Plan]``), else None."""
    origin, args = get_origin(kind), get_args(kind)
    if (origin is tuple and len(args) == 2 and args[1] is Ellipsis) or origin is frozenset:
        item: type = args[0]
        return item
    return plan_map_value(kind)


def _from_list(kind: Any, converter: cattrs.Converter) -> Callable[[object, type], object]:  # noqa: ANN401
    """Lists in the file: ``tuple[X, ...]``, ``frozenset[X]``, and ``Mapping[str, Plan]`` keyed by lower-cased ID."""
    plan = plan_map_value(kind)
    item = list_item(kind)
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


def file_fields(kind: type) -> list[attrs.Attribute[Any]]:
    """The fields of a plan class a file holds (not those marked NOT_IN_FILE), their annotations resolved."""
    fields = attrs.fields(attrs.resolve_types(kind))  # annotations are strings until resolved
    return [field for field in fields if field.metadata.get("in_file") is not False]


def _plan(kind: type, converter: cattrs.Converter) -> Callable[[object, type], object]:
    """An attrs class from a mapping, its keys exactly the fields that belong in the file."""
    structure_fields: Callable[[Mapping[str, Any], type], object] = make_dict_structure_fn_from_attrs(
        file_fields(kind), kind, converter, _cattrs_forbid_extra_keys=True
    )

    renamed = {
        str(field.metadata["formerly"]): field.name for field in file_fields(kind) if "formerly" in field.metadata
    }

    def structure(value: object, _: type) -> object:
        if not isinstance(value, Mapping):
            raise TypeError(f"expected a mapping, got {_kind(value)}")
        return structure_fields(_current_names(value, renamed), kind)

    return structure


def _current_names(value: Mapping[str, Any], renamed: Mapping[str, str]) -> Mapping[str, Any]:
    """A former key of a file read under its current name (for one minor version), with a deprecation warning."""
    former = [key for key in value if key in renamed and renamed[key] not in value]
    for key in former:
        warnings.warn(
            f"scenario key `{key}` is deprecated: it is `{renamed[key]}` now", DeprecationWarning, stacklevel=2
        )
    return {renamed.get(key, key) if key in former else key: item for key, item in value.items()}


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
    converter.register_structure_hook_factory(
        lambda kind: list_item(kind) is not None, lambda kind: _from_list(kind, converter)
    )
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
