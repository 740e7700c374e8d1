"""What an OpenAPI document holds, as the suite's coverage and first verdict read it (`SpecInventory`): its
operations with their path and query parameters (schemas resolved), documented statuses and response body
schemas, the examples of their parameters, and the OpenAPI links between them.

Read from the document every time, never from a list kept here: whoever adds an operation, a status or a
link to `openapi/dcs.yaml` gets it counted. A document is passed in (the tests count a small spec of their
own); `spec_inventory()` is the project's spec.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

import jsonschema_rs

from .spec_file import spec_document

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
JSON_MEDIA = re.compile(r"^application/(?:[\w.+-]+\+)?json$", re.IGNORECASE)
Schema = dict[str, Any]


def is_json_media_type(content_type: str | None) -> bool:
    """`application/json`, `application/problem+json`, with or without parameters (`; charset=UTF-8`)."""
    return bool(content_type) and JSON_MEDIA.match(str(content_type).split(";", 1)[0].strip()) is not None


@dataclass(frozen=True)
class SchemaNode:
    """A schema object of the document and where it is (a JSON pointer), `$ref`s followed."""

    pointer: str
    schema: Schema


@dataclass(frozen=True)
class ParameterSpec:
    operation: str  # the operation's label, e.g. "GET /v2/{project_id}/instances/{instance_id}/tasks"
    name: str
    location: str  # "path" or "query"
    required: bool
    schema: Schema  # `$ref`s and `allOf`s merged into one schema object
    examples: tuple[object, ...]  # the spec's `example`/`examples` of the parameter, else its schema's `example`

    @property
    def where(self) -> str:
        """`GET /path · name (query)`: the parameter, named in reports."""
        return f"{self.operation} · {self.name} ({self.location})"


@dataclass(frozen=True)
class LinkSpec:
    source: str  # label of the operation whose response declares the link
    status: str
    name: str
    target: str  # label of the operation it leads to

    @property
    def transition(self) -> str:
        """How Schemathesis' state machine names the transition (`schemathesis.core.errors.format_transition`)."""
        return f"{self.source} -> [{self.status}] {self.name} -> {self.target}"


@dataclass(frozen=True)
class OperationSpec:
    label: str  # "GET /path", as Schemathesis labels an operation
    method: str  # upper case
    path: str
    operation_id: str
    parameters: tuple[ParameterSpec, ...]
    statuses: tuple[str, ...]  # documented response keys, e.g. ("200", "400", …), "default" left out
    bodies: Mapping[str, SchemaNode]  # status → the schema of its JSON body
    path_pattern: re.Pattern[str]

    def path_values(self, path: str) -> dict[str, str] | None:
        """The path parameters of a request path of this operation (None when it is not one)."""
        found = self.path_pattern.fullmatch(path)
        return None if found is None else {name: unquote(value) for name, value in found.groupdict().items()}


def _template_pattern(path: str) -> re.Pattern[str]:
    parts = re.split(r"\{([^}]+)\}", path)
    pattern = "".join(re.escape(part) if index % 2 == 0 else f"(?P<{part}>[^/]*)" for index, part in enumerate(parts))
    return re.compile(pattern)


def _token(name: str) -> str:
    """`name` as one JSON-pointer token."""
    return name.replace("~", "~0").replace("/", "~1")


def status_matches(documented: str, status: int) -> bool:
    """`200` matches 200; a range such as `4XX` matches every 4xx."""
    if documented.upper().endswith("XX"):
        return str(status)[:1] == documented[:1]
    return documented == str(status)


class SpecInventory:
    """The operations, parameters, statuses, body schemas, examples and links of one OpenAPI 3.0 document."""

    def __init__(self, document: Mapping[str, Any]) -> None:
        self.document = document
        self.operations = tuple(self._operations())
        self.links = tuple(self._links())
        self._by_label = {operation.label: operation for operation in self.operations}
        self._by_method: dict[str, list[OperationSpec]] = {}
        for operation in self.operations:
            self._by_method.setdefault(operation.method, []).append(operation)

    # ── resolving ──
    def follow(self, node: SchemaNode) -> SchemaNode:
        """`node` with its `$ref` chain followed (local references only)."""
        seen = set()
        while isinstance(node.schema, dict) and "$ref" in node.schema:
            reference = str(node.schema["$ref"])
            if reference in seen or not reference.startswith("#/"):
                break
            seen.add(reference)
            target: Any = self.document
            for part in reference[2:].split("/"):
                target = target[part.replace("~1", "/").replace("~0", "~")]
            node = SchemaNode(reference, target)
        return node

    def _resolved(self, value: Any) -> Any:  # noqa: ANN401 - any part of the document
        return self.follow(SchemaNode("", value)).schema if isinstance(value, dict) else value

    def merged(self, schema: Schema) -> Schema:
        """One schema object: `$ref`s followed and `allOf` members merged in (what a parameter is checked against)."""
        schema = dict(self._resolved(schema))
        for member in schema.pop("allOf", []):
            schema = {**self.merged(member), **schema}
        return schema

    def json_schema(self, node: SchemaNode) -> Schema:
        """A JSON Schema (draft 4) of `node`: references inlined, OpenAPI's `nullable` as a `null` type."""

        def convert(value: Any, depth: int) -> Any:  # noqa: ANN401
            if depth > 50:
                return {}
            if isinstance(value, list):
                return [convert(item, depth + 1) for item in value]
            if not isinstance(value, dict):
                return value
            value = self._resolved(value)
            out = {key: convert(item, depth + 1) for key, item in value.items() if not key.startswith("x-")}
            for key in ("example", "examples", "nullable", "discriminator", "readOnly", "writeOnly", "xml"):
                out.pop(key, None)
            if "properties" in value:  # property names are not schemas to convert
                out["properties"] = {name: convert(prop, depth + 1) for name, prop in value["properties"].items()}
            if value.get("nullable") is True:
                return {"anyOf": [out, {"type": "null"}]}
            return out

        converted: Schema = convert(node.schema, 0)
        return converted

    def documented_success(self, operation: OperationSpec, status: int, content_type: str | None, body: bytes) -> bool:
        """Whether an answer is one of the operation's documented success bodies: a documented 2xx, JSON,
        valid against that status's schema (a documented 2xx without a body schema needs no body)."""
        documented = [key for key in operation.statuses if key.startswith("2") and status_matches(key, status)]
        if not documented:
            return False
        node = operation.bodies.get(documented[0])
        if node is None:
            return not body
        if not is_json_media_type(content_type):
            return False
        try:
            instance = json.loads(body)
        except ValueError:
            return False
        valid: bool = jsonschema_rs.Draft4Validator(self.json_schema(node)).is_valid(instance)
        return valid

    # ── reading the document ──
    def _operations(self) -> Iterator[OperationSpec]:
        for path, item in (self.document.get("paths") or {}).items():
            shared = item.get("parameters", [])
            for method in HTTP_METHODS:
                raw = item.get(method)
                if not isinstance(raw, dict):
                    continue
                label = f"{method.upper()} {path}"
                yield OperationSpec(
                    label=label,
                    method=method.upper(),
                    path=path,
                    operation_id=str(raw.get("operationId") or label),
                    parameters=tuple(self._parameters(label, [*shared, *raw.get("parameters", [])])),
                    statuses=tuple(sorted(str(key) for key in raw.get("responses", {}) if str(key) != "default")),
                    bodies=dict(self._bodies(f"#/paths/{_token(path)}/{method}/responses", raw.get("responses", {}))),
                    path_pattern=_template_pattern(path),
                )

    def _parameters(self, label: str, raw: list[Any]) -> Iterator[ParameterSpec]:
        # An operation's own parameter overrides the path item's of the same name and location.
        chosen: dict[tuple[str, str], dict[str, Any]] = {}
        for parameter in raw:
            resolved = self._resolved(parameter)
            chosen[str(resolved["name"]), str(resolved["in"])] = resolved
        for (name, location), parameter in chosen.items():
            if location not in ("path", "query"):
                continue
            schema = self.merged(parameter.get("schema", {}))
            if "example" in parameter:
                examples: tuple[object, ...] = (parameter["example"],)
            elif "examples" in parameter:
                examples = tuple(self._resolved(example).get("value") for example in parameter["examples"].values())
            else:
                examples = (schema["example"],) if "example" in schema else ()
            required = bool(parameter.get("required")) or location == "path"
            yield ParameterSpec(label, name, location, required, schema, examples)

    def _bodies(self, pointer: str, responses: Mapping[str, Any]) -> Iterator[tuple[str, SchemaNode]]:
        for status, response in responses.items():
            if not isinstance(response, dict):
                continue
            followed = self.follow(SchemaNode(f"{pointer}/{_token(str(status))}", response))
            for media_type, media in (followed.schema.get("content") or {}).items():
                if is_json_media_type(media_type) and isinstance(media, dict) and "schema" in media:
                    where = f"{followed.pointer}/content/{_token(media_type)}/schema"
                    yield str(status), self.follow(SchemaNode(where, media["schema"]))
                    break

    def _links(self) -> Iterator[LinkSpec]:
        by_id = {operation.operation_id: operation.label for operation in self.operations}
        for path, item in (self.document.get("paths") or {}).items():
            for method in HTTP_METHODS:
                raw = item.get(method)
                if not isinstance(raw, dict):
                    continue
                for status, response in raw.get("responses", {}).items():
                    links = self._resolved(response).get("links") or {}
                    for name, link in links.items():
                        target = by_id.get(str(self._resolved(link).get("operationId")))
                        if target is not None:
                            yield LinkSpec(f"{method.upper()} {path}", str(status), str(name), target)

    # ── matching requests ──
    def operation_for(self, method: str, path: str) -> tuple[OperationSpec, dict[str, str]] | None:
        """The operation a request goes to, and its path parameters; None for an undeclared method or path."""
        for operation in self._by_method.get(method.upper(), ()):
            values = operation.path_values(path)
            if values is not None:
                return operation, values
        return None

    def by_label(self, label: str) -> OperationSpec | None:
        return self._by_label.get(label)


_read: list[SpecInventory] = []


def spec_inventory() -> SpecInventory:
    """The project's spec (`openapi/dcs.yaml`): read again only when `spec_document()` gives another document
    (a test that swaps the spec clears that cache, and this follows)."""
    document = spec_document()
    if not _read or _read[0].document is not document:
        _read[:] = [SpecInventory(document)]
    return _read[0]
