"""JSON Schema (draft 4 semantics, $refs inlined) of a spec component, for hypothesis-jsonschema."""

from __future__ import annotations

from typing import Any

# OpenAPI-only keywords with no JSON Schema meaning (or only documentation).
_DROP = {"example", "examples", "description", "format", "nullable", "discriminator", "readOnly", "writeOnly"}


def json_schema(spec: dict[str, Any], name: str, overrides: dict[str, dict[str, Any]] | None = None) -> dict[str, Any]:
    """``components.schemas[name]`` with every ``$ref`` resolved and OpenAPI 3.0 specifics translated.

    ``nullable: true`` becomes a ``null`` alternative; ECMA-262's ``\\d`` (ASCII digits) is spelled
    ``[0-9]`` so Python's regex engine does not widen it to other scripts' digits. ``overrides``
    replaces whole named schemas (see the model tests for why the timestamp one is narrowed).
    """
    schemas = {**spec["components"]["schemas"], **(overrides or {})}

    def convert(node: Any) -> Any:
        if isinstance(node, list):
            return [convert(item) for item in node]
        if not isinstance(node, dict):
            return node
        if "$ref" in node:
            return convert(schemas[node["$ref"].rsplit("/", 1)[1]])
        converted = {
            key: convert(value) for key, value in node.items() if key not in _DROP and not key.startswith("x-")
        }
        if "properties" in node:
            converted["properties"] = {key: convert(value) for key, value in node["properties"].items()}
        if isinstance(converted.get("pattern"), str):
            converted["pattern"] = converted["pattern"].replace(r"\d", "[0-9]")
        if node.get("nullable"):
            converted = {"anyOf": [converted, {"type": "null"}]}
        return converted

    result: dict[str, Any] = convert(schemas[name])
    return result
