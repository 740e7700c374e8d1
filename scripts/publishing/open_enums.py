"""Open enumerations, published in the one form every mainstream generator reads as a string.

The spec (``openapi/dcs.yaml``) writes an open enumeration as ``anyOf: [<string enum>, {type: string}]``:
exact for validators and for openapi-python-client (the Python SDK's ``StepStatus`` with open
parsing), but openapi-generator turns that ``anyOf`` into an empty struct (rust), an empty interface
(typescript-axios, typescript-fetch) or a two-pointer union (go).

The published bundle therefore carries each such property as what it means on the wire: ``type:
string``, with the documented values kept for readers and tools in ``x-extensible-enum`` (the
Zalando convention, which generators leave alone) and spelled out in the description. The named
enum schema (``StepStatus``) is dropped from ``components`` once nothing refers to it: an unused
component fails openapi-typescript (its Redocly lint) and would give SDKs a closed enum type. The set of
values accepted is the same before and after: the breaking-change gate compares published
bundles, which all carry this form.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass
from typing import Any

EXTENSIBLE = "x-extensible-enum"
STATUS_NAME = re.compile(r".*_status$")


@dataclass(frozen=True)
class OpenEnumField:
    schema: str  # components.schemas name
    prop: str  # property name, as on the wire
    values: tuple[str, ...]  # documented values (may be empty: sub_step_status documents none)

    def __str__(self) -> str:
        return f"{self.schema}.{self.prop}"


def resolve(document: dict[str, Any], node: object) -> object:
    """Follow a local ``$ref`` (the bundle has no other kind)."""
    while isinstance(node, dict) and isinstance(node.get("$ref"), str) and node["$ref"].startswith("#/"):
        target: object = document
        for part in node["$ref"][2:].split("/"):
            target = target[part]  # type: ignore[index]
        node = target
    return node


def open_enum_values(document: dict[str, Any], schema: object) -> list[str] | None:
    """The documented values when ``schema`` is ``anyOf: [string enum, plain string]``, else None."""
    branches = schema.get("anyOf") if isinstance(schema, dict) else None
    if not isinstance(branches, list) or len(branches) != 2:  # an enum and a string
        return None
    resolved = [resolve(document, branch) for branch in branches]
    enums = [b for b in resolved if isinstance(b, dict) and b.get("type") == "string" and "enum" in b]
    plain = [
        b for b in resolved if isinstance(b, dict) and b.get("type") == "string" and not {"enum", "anyOf"} & set(b)
    ]
    if len(enums) != 1 or len(plain) != 1:
        return None
    return [str(value) for value in enums[0]["enum"]]


def as_string(schema: dict[str, Any], values: list[str]) -> dict[str, Any]:
    rewritten = {key: value for key, value in schema.items() if key != "anyOf"}
    listed = ", ".join(f"`{value}`" for value in values)
    description = str(schema.get("description", "")).rstrip()
    note = f"Documented values: {listed}; any other string is valid too."
    rewritten["description"] = f"{description}\n\n{note}" if description else note
    rewritten["type"] = "string"
    rewritten[EXTENSIBLE] = values
    return rewritten


def publishable(document: dict[str, Any]) -> dict[str, Any]:
    """A copy of the bundle with every ``anyOf`` open enumeration rewritten as an extensible string."""
    source = document
    result = copy.deepcopy(document)
    replaced_enums: set[str] = set()

    def walk(node: object) -> object:
        if isinstance(node, dict):
            values = open_enum_values(source, node)
            if values is not None:
                replaced_enums.update(ref.rsplit("/", 1)[-1] for ref in refs(node["anyOf"]))
                return as_string(node, values)
            return {key: walk(value) for key, value in node.items()}
        if isinstance(node, list):
            return [walk(item) for item in node]
        return node

    walked = walk(result)
    assert isinstance(walked, dict)
    schemas = walked.get("components", {}).get("schemas", {})
    for name in [name for name in schemas if name in replaced_enums]:
        if f"#/components/schemas/{name}" not in refs(walked):
            del schemas[name]
    return walked


def refs(node: object) -> set[str]:
    if isinstance(node, dict):
        found = {node["$ref"]} if isinstance(node.get("$ref"), str) else set()
        return found.union(*(refs(value) for value in node.values()))
    if isinstance(node, list):
        return set().union(*(refs(item) for item in node))
    return set()


def open_enum_fields(document: dict[str, Any]) -> list[OpenEnumField]:
    """The properties a client must read as "documented value or any string".

    A property is an open enumeration when it carries ``x-extensible-enum`` (the published form), is
    written ``anyOf: [enum, string]`` (the spec's form), or is a ``*_status`` property: the service
    extends its statuses without notice, so a status with no value list (``sub_step_status``) or
    with a closed one is checked too, and a closed one fails the check.
    """
    fields = []
    for schema_name, schema in document.get("components", {}).get("schemas", {}).items():
        for prop, definition in (schema.get("properties") or {}).items():
            values = open_enum_values(document, definition)
            if values is None and EXTENSIBLE in definition:
                values = [str(value) for value in definition[EXTENSIBLE]]
            if values is None and STATUS_NAME.match(prop):
                values = []
            if values is not None:
                fields.append(OpenEnumField(schema_name, prop, tuple(values)))
    return fields
