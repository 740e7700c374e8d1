"""The scenario file's documented format, rendered from the classes that define it (``scenario.py``).

``python -m contract_tests.emulator.scenario_format`` prints it; docs/emulator.md shows it, and
``tests/emulator/test_scenario_format.py`` keeps that page equal to this rendering.
"""

from __future__ import annotations

import types
from collections.abc import Iterator, Mapping
from enum import StrEnum
from typing import Any, Union, get_args, get_origin

import attrs

from .reading import SCALARS, file_fields, list_item, not_empty
from .scenario import Scenario

HEADER = "# every <text> is non-empty, every <number> finite; IDs are unique in their list, compared without case"
INDENT = "  "
COMMENT_COLUMN = 36


def scenario_format() -> str:
    """The format as a commented YAML outline: one line per key, nested as in a file."""
    lines = [(f"{indent}{text}", comment) for indent, text, comment in _fields(Scenario, "")]
    width = min(COMMENT_COLUMN, max(len(line) for line, _ in lines))
    rendered = [f"{line:<{width}}  # {comment}" if comment else line for line, comment in lines]
    return "\n".join([HEADER, *rendered]) + "\n"


def _fields(kind: type, indent: str) -> Iterator[tuple[str, str, str]]:
    """(indent, "key: value", comment) for each field of an attrs class, nested blocks expanded."""
    for field in file_fields(kind):
        block = _block_class(field.type)
        comment = _comment(field)
        if block is None:
            yield indent, f"{field.name}: {_inline(field.type)}", comment
            continue
        yield indent, f"{field.name}:", comment
        if _is_list(field.type):
            (_, first, first_comment), *rest = _fields(block, indent + INDENT * 2)
            yield indent + INDENT, f"- {first}", first_comment  # a list item: its first key after the dash
            yield from rest
        else:
            yield from _fields(block, indent + INDENT)


def _comment(field: attrs.Attribute[Any]) -> str:
    notes = []
    if field.default is not attrs.NOTHING:
        factory = getattr(field.default, "factory", None)  # attrs.Factory(dict) and the like
        default = factory() if callable(factory) else field.default
        shown = default.value if isinstance(default, StrEnum) else default
        empty = shown is None or (isinstance(shown, str | tuple | dict | frozenset) and not shown)
        notes.append("optional" if empty else f"optional, default {_yaml(shown)}")
    elif _is_list(field.type) and field.validator is not_empty:
        notes.append("at least one")
    doc = field.metadata.get("doc")
    return ": ".join(filter(None, [", ".join(notes), doc]))


def _yaml(value: object) -> str:
    return str(value).lower() if isinstance(value, bool) else f"{value:g}" if isinstance(value, float) else str(value)


def _members(kind: Any) -> tuple[Any, ...]:  # noqa: ANN401 - any annotation
    """An annotation's alternatives, ``None`` left out (optional is said in the comment)."""
    if get_origin(kind) in (Union, types.UnionType):
        return tuple(member for member in get_args(kind) if member is not type(None))
    return (kind,)


def _is_list(kind: Any) -> bool:  # noqa: ANN401
    return list_item(_members(kind)[0]) is not None


def _block_class(kind: Any) -> type | None:  # noqa: ANN401
    """The attrs class written as a nested block for this annotation (itself, or its list's items), else None."""
    members = _members(kind)
    if len(members) != 1:
        return None
    item = list_item(members[0]) or members[0]
    return item if attrs.has(item) else None


def _inline(kind: Any) -> str:  # noqa: ANN401
    """A value written on its key's line: a scalar, a list of scalars, a map, or alternatives of those."""
    members = _members(kind)
    if len(members) > 1:
        return " | ".join(_inline(member) for member in members)
    (only,) = members
    if only in SCALARS:
        return SCALARS[only] if only is bool else f"<{SCALARS[only]}>"
    if isinstance(only, type) and issubclass(only, StrEnum):
        return "|".join(member.value for member in only)
    item = list_item(only)
    if item is not None:
        return f"[{_inline(item)}, ...]"
    if get_origin(only) is Mapping:
        key, value = get_args(only)
        return f"{{{_inline(key)}: {_inline(value)}, ...}}"
    return "<any>"


if __name__ == "__main__":
    print(scenario_format(), end="")
