"""Routes and request validators compiled once from the OpenAPI document.

Nothing here copies a constraint by hand: path templates, declared methods and parameter
schemas all come from ``openapi/dcs.yaml`` (``$ref``s resolved), and each parameter schema is
compiled with jsonschema-rs so a request costs one native call per parameter.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

import jsonschema_rs

from ..spec.document import HTTP_METHODS

_PARAMETER = re.compile(r"^\{([^{}]+)\}$")
_INTEGER = re.compile(r"-?[0-9]{1,18}")  # ASCII digits only; longer would not be an int32 anyway


# OpenAPI's integer formats are ranges JSON Schema validators do not enforce (format is an annotation).
_FORMAT_RANGES = {"int32": (-(2**31), 2**31 - 1), "int64": (-(2**63), 2**63 - 1)}


def bounded(schema: Mapping[str, Any]) -> dict[str, Any]:
    """``schema`` with an integer format's range made explicit, so a value outside it is refused (400)."""
    low, high = _FORMAT_RANGES.get(str(schema.get("format")), (None, None))
    if schema.get("type") != "integer" or low is None:
        return dict(schema)
    return {"minimum": low, "maximum": high, **schema}


@dataclass(frozen=True)
class QueryParameter:
    """A declared query parameter: its value converted to the schema's type, then validated."""

    name: str
    integer: bool  # `type: integer` (the value must be digits); otherwise a string
    validator: jsonschema_rs.Validator

    def parse(self, value: str) -> int | str | None:
        """The typed value, or None when it does not fit the schema."""
        typed: int | str = value
        if self.integer:
            if not _INTEGER.fullmatch(value):
                return None
            typed = int(value)
        return typed if self.validator.is_valid(typed) else None


@dataclass(frozen=True)
class Operation:
    operation_id: str
    method: str  # upper-case
    path_template: str
    statuses: frozenset[int]  # the documented response codes
    query: Mapping[str, QueryParameter] = field(default_factory=dict)


@dataclass(frozen=True)
class PathParameter:
    name: str
    validator: jsonschema_rs.Validator

    def is_valid(self, value: str) -> bool:
        return self.validator.is_valid(value)


@dataclass(frozen=True)
class Route:
    """One spec path: literal segments and parameters, and the operations declared on it."""

    template: str
    segments: tuple[str | PathParameter, ...]
    operations: Mapping[str, Operation]  # by upper-case method

    @property
    def allow(self) -> str:
        return ", ".join(sorted(self.operations))

    def match(self, segments: list[str]) -> dict[str, str] | None:
        """Percent-decoded path parameters when the raw segments fit this template."""
        if len(segments) != len(self.segments):
            return None
        values: dict[str, str] = {}
        for expected, actual in zip(self.segments, segments, strict=True):
            if isinstance(expected, PathParameter):
                values[expected.name] = unquote(actual, errors="replace")
            elif expected != actual:
                return None
        return values

    def parameters(self) -> list[PathParameter]:
        return [segment for segment in self.segments if isinstance(segment, PathParameter)]


def resolve(document: Mapping[str, Any], node: Any, _depth: int = 0) -> Any:  # noqa: ANN401 - any JSON value
    """``node`` with every local ``$ref`` replaced by its target (the spec has no recursive schemas)."""
    if _depth > 64:
        raise ValueError("$ref nesting too deep (recursive schema?)")
    if isinstance(node, Mapping):
        if "$ref" in node:
            target: Any = document
            for part in str(node["$ref"]).removeprefix("#/").split("/"):
                target = target[part.replace("~1", "/").replace("~0", "~")]
            return resolve(document, target, _depth + 1)
        return {key: resolve(document, value, _depth + 1) for key, value in node.items()}
    if isinstance(node, list):
        return [resolve(document, item, _depth + 1) for item in node]
    return node


def compile_routes(document: Mapping[str, Any]) -> list[Route]:
    routes = []
    for template, item in resolve(document, document["paths"]).items():
        shared = {p["name"]: p for p in item.get("parameters", ())}
        operations: dict[str, Operation] = {}
        parameters: dict[str, dict[str, Any]] = {}
        for method in HTTP_METHODS:
            operation = item.get(method)
            if operation is None:
                continue
            parameters = shared | {p["name"]: p for p in operation.get("parameters", ())}
            operations[method.upper()] = Operation(
                operation_id=operation["operationId"],
                method=method.upper(),
                path_template=template,
                statuses=frozenset(int(code) for code in operation["responses"] if code.isdigit()),
                query={
                    p["name"]: QueryParameter(
                        p["name"],
                        p["schema"].get("type") == "integer",
                        jsonschema_rs.Draft4Validator(bounded(p["schema"])),
                    )
                    for p in parameters.values()
                    if p["in"] == "query"
                },
            )
        # Path parameters are shared by every operation of a path, as OpenAPI requires.
        path_parameters = parameters or shared
        segments: list[str | PathParameter] = []
        for segment in template.strip("/").split("/"):
            found = _PARAMETER.match(segment)
            if found:
                schema = path_parameters[found[1]]["schema"]
                segments.append(PathParameter(found[1], jsonschema_rs.Draft4Validator(schema)))
            else:
                segments.append(segment)
        routes.append(Route(template=template, segments=tuple(segments), operations=operations))
    return routes


def split_raw_path(raw_path: str) -> list[str]:
    """Segments of the path as sent (still percent-encoded), so ``%2F`` stays inside its segment."""
    return raw_path.removeprefix("/").split("/")
