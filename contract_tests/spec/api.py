"""What the suite reads from an OpenAPI document (`ApiSpec`), the one reader of the spec's operations: each
operation's method, path, path and query parameters (schemas resolved, with their examples), documented statuses
and response body schemas, and the OpenAPI links between operations; plus the one rule of which requests change
state (`changes_state`, by HTTP method).

Everything the suite decides per operation comes from here, never from a copied list: which checks judge an
answer (by operation ID or by the schema of the answer's documented response), which statuses a run must reach,
which requests a read-only run withholds, which operations the probes cover, what the first verdict asks and what
coverage counts. Whoever adds an operation, a status or a link to the spec gets it tested and counted.
`load_spec()` is the project's spec (or a copy at another path, `Settings.spec_path`), `spec_of` the spec a
Schemathesis schema was loaded from, `ApiSpec(document)` any document (the coverage tests count a small spec of
their own).
"""

from __future__ import annotations

import functools
import json
import math
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import jsonschema_rs

from .document import HTTP_METHODS, SPEC_PATH, spec_file
from .ids import ID_PARAMETERS

# RFC 9110 §9.2.1: GET, HEAD, OPTIONS and TRACE are safe; the methods the spec could declare that are not
# change state. The one place this is decided: the read-only rule, re-aiming and the probes ask here.
STATE_CHANGING_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
JSON_MEDIA = re.compile(r"^application/(?:[\w.+-]+\+)?json$", re.IGNORECASE)
_COMPONENT = re.compile(r"^#/components/schemas/(?P<name>[^/]+)$")
_INTEGER = re.compile(r"[+-]?\d+")
Schema = dict[str, Any]


def changes_state(method: str) -> bool:
    """Whether a request with this method may change the server's state (POST, PUT, PATCH, DELETE)."""
    return method.upper() in STATE_CHANGING_METHODS


def is_json_media_type(content_type: str | None) -> bool:
    """`application/json`, `application/problem+json`, with or without parameters (`; charset=UTF-8`)."""
    return bool(content_type) and JSON_MEDIA.match(str(content_type).split(";", 1)[0].strip()) is not None


def status_matches(documented: str, status: int) -> bool:
    """`200` matches 200; a range such as `4XX` matches every 4xx."""
    if documented.upper().endswith("XX"):
        return str(status)[:1] == documented[:1]
    return documented == str(status)


def typed_value(schema: Schema, raw: str) -> object:
    """The wire value `raw` as the schema's type reads it; None when it is not of that type."""
    kind = schema.get("type")
    if kind == "integer":
        return int(raw) if _INTEGER.fullmatch(raw) else None
    if kind == "number":
        try:
            number = float(raw)
        except ValueError:
            return None
        return number if math.isfinite(number) else None
    if kind == "boolean":
        return {"true": True, "false": False}.get(raw)
    return raw


def judge_value(schema: Schema, raw: str) -> dict[str, bool]:
    """Each keyword of `schema` that applies to the wire value `raw`: True when it holds, False when broken."""
    verdicts: dict[str, bool] = {}
    value = typed_value(schema, raw)
    if schema.get("type") in ("integer", "number", "boolean"):
        verdicts["type"] = value is not None
    if value is None:
        return verdicts
    if isinstance(value, str):
        if "pattern" in schema:
            verdicts["pattern"] = re.search(str(schema["pattern"]), value) is not None
        if "minLength" in schema:
            verdicts["minLength"] = len(value) >= int(schema["minLength"])
        if "maxLength" in schema:
            verdicts["maxLength"] = len(value) <= int(schema["maxLength"])
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        if "minimum" in schema:
            low = schema["minimum"]
            verdicts["minimum"] = value > low if schema.get("exclusiveMinimum") is True else value >= low
        if "maximum" in schema:
            high = schema["maximum"]
            verdicts["maximum"] = value < high if schema.get("exclusiveMaximum") is True else value <= high
    if "enum" in schema:
        verdicts["enum"] = value in schema["enum"]
    return verdicts


@dataclass(frozen=True)
class SchemaNode:
    """A schema object of the document and where it is (a JSON pointer), `$ref`s followed."""

    pointer: str
    schema: Schema

    @property
    def component(self) -> str | None:
        """The name of the `#/components/schemas/…` entry this schema is, if it is one."""
        found = _COMPONENT.match(self.pointer)
        return found["name"] if found else None


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
class HeaderSpec:
    """A header a response documents."""

    name: str
    required: bool
    schema: Schema  # `$ref`s and `allOf`s merged into one schema object


@dataclass(frozen=True)
class LinkSpec:
    source: str  # label of the operation whose response declares the link
    status: str
    name: str
    target: str  # label of the operation it leads to
    source_id: str  # the operation IDs of both ends, as reports name them
    target_id: str

    @property
    def named(self) -> str:
        """`ListBackgroundTask → ShowBackgroundTaskProgress (ShowListedTaskProgress, on 200)`: the link in reports."""
        return f"{self.source_id} → {self.target_id} ({self.name}, on {self.status})"

    @property
    def transition(self) -> str:
        """How Schemathesis' state machine names the transition (`schemathesis.core.errors.format_transition`)."""
        return f"{self.source} -> [{self.status}] {self.name} -> {self.target}"


@dataclass(frozen=True)
class OperationSpec:
    """One operation of the spec, as the suite needs to know it."""

    label: str  # "GET /path", as Schemathesis labels an operation
    method: str  # upper case
    path: str  # the template, e.g. /v2/{project_id}/instances/{instance_id}/tasks
    operation_id: str
    parameters: tuple[ParameterSpec, ...]  # path and query parameters
    statuses: tuple[str, ...]  # documented response keys, e.g. ("200", "400", …), "default" left out
    bodies: Mapping[str, SchemaNode]  # status → the schema of its JSON body
    headers: Mapping[str, tuple[HeaderSpec, ...]]  # status → the headers its response documents
    without_content: frozenset[str]  # the statuses documented with no content at all (a 204)
    path_pattern: re.Pattern[str]

    @functools.cached_property
    def path_parameters(self) -> tuple[str, ...]:
        """The path parameters' names, in path order."""
        names = [parameter.name for parameter in self.parameters if parameter.location == "path"]
        return tuple(sorted(names, key=lambda name: self.path.find("{" + name + "}")))

    @functools.cached_property
    def query_parameters(self) -> tuple[str, ...]:
        return tuple(parameter.name for parameter in self.parameters if parameter.location == "query")

    @functools.cached_property
    def status_codes(self) -> frozenset[int]:
        """Every status the operation documents by its code (ranges such as `4XX` name none)."""
        return frozenset(int(status) for status in self.statuses if status.isdigit())

    @property
    def success_statuses(self) -> frozenset[int]:
        return frozenset(status for status in self.status_codes if 200 <= status < 300)

    @functools.cached_property
    def response_schemas(self) -> Mapping[int, str]:
        """Status → the name of its `#/components/schemas/…` body, for the statuses that have one."""
        return {
            int(status): name for status, node in self.bodies.items() if status.isdigit() and (name := node.component)
        }

    @property
    def changes_state(self) -> bool:
        return changes_state(self.method)

    @property
    def id_parameters(self) -> tuple[str, ...]:
        """The task-family IDs this operation's path takes (project, instance, task: a prefix of them)."""
        return tuple(name for name in ID_PARAMETERS if name in self.path_parameters)

    @property
    def takes_task(self) -> bool:
        return "task_id" in self.path_parameters

    def path_for(self, ids: Mapping[str, str]) -> str:
        """The path with `ids` filled in (each parameter the path takes must be given)."""
        return self.path.format(**{name: ids[name] for name in self.path_parameters})

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


class ApiSpec:
    """The operations, parameters, statuses, body schemas, examples and links of one OpenAPI 3.0 document."""

    def __init__(self, document: Mapping[str, Any]) -> None:
        self.document = document
        self.operations = tuple(self._operations())
        self.by_id: Mapping[str, OperationSpec] = {operation.operation_id: operation for operation in self.operations}
        self._by_label = {operation.label: operation for operation in self.operations}
        self.links = tuple(self._links())
        self._by_method: dict[str, list[OperationSpec]] = {}
        self._validators: dict[str, jsonschema_rs.Draft4Validator] = {}  # by schema pointer, compiled once
        for operation in self.operations:
            self._by_method.setdefault(operation.method, []).append(operation)

    # ── finding operations ──
    def operation(self, operation_id: str) -> OperationSpec | None:
        return self.by_id.get(operation_id)

    def by_label(self, label: str) -> OperationSpec | None:
        return self._by_label.get(label)

    def operation_for(self, method: str, path: str) -> tuple[OperationSpec, dict[str, str]] | None:
        """The operation a request goes to, and its path parameters; None for an undeclared method or path."""
        for operation in self._by_method.get(method.upper(), ()):
            values = operation.path_values(path)
            if values is not None:
                return operation, values
        return None

    def with_schema(self, name: str) -> frozenset[str]:
        """The operations answering some documented status with the body schema `name`."""
        return frozenset(op.operation_id for op in self.operations if name in op.response_schemas.values())

    @functools.cached_property
    def declared_methods(self) -> Mapping[str, frozenset[str]]:
        """Each path template and the methods it declares (upper case)."""
        methods: dict[str, set[str]] = {}
        for operation in self.operations:
            methods.setdefault(operation.path, set()).add(operation.method)
        return {path: frozenset(found) for path, found in methods.items()}

    @functools.cached_property
    def resource_id(self) -> re.Pattern[str]:
        """The spec's ResourceId pattern: what a server would take as a project, instance or task ID."""
        return re.compile(self.document["components"]["schemas"]["ResourceId"]["pattern"])

    @functools.cached_property
    def has_links(self) -> bool:
        """Whether any response declares OpenAPI links: the stateful phase has nothing to chain without."""
        return any(
            isinstance(response, Mapping) and response.get("links")
            for item in self.document.get("paths", {}).values()
            for raw in item.values()
            if isinstance(raw, Mapping)
            for response in (raw.get("responses") or {}).values()
        )

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
        return not body if node is None else not self._body_problems(node, content_type, body)

    def undocumented(self, operation: OperationSpec, status: int, headers: Mapping[str, str], body: bytes) -> list[str]:
        """What an answer of `operation` holds that the spec does not document for its status: the status itself, a
        body that is not the documented JSON (`Content-Type`, JSON, the schema), a documented header missing
        (when required) or off its schema. Empty when the answer is as documented. `headers` is looked up
        without case (a `requests` answer's)."""
        key = next((key for key in operation.statuses if status_matches(key, status)), None)
        if key is None:
            return [f"{status} is not a documented status of {operation.operation_id}"]
        problems = []
        node = operation.bodies.get(key)
        if node is not None:
            problems += self._body_problems(node, headers.get("Content-Type"), body)
        for header in operation.headers.get(key, ()):
            value = headers.get(header.name)
            if value is None and header.required:
                problems.append(f"no {header.name} header")
            elif value is not None and not all(judge_value(header.schema, value).values()):
                problems.append(f"{header.name}: {value!r} is off its documented schema {header.schema}")
        return problems

    def _body_problems(self, node: SchemaNode, content_type: str | None, body: bytes) -> list[str]:
        what = f"the documented {node.component or 'body'}"
        if not is_json_media_type(content_type):
            return [f"Content-Type {content_type or '(none)'}, not JSON: not {what}"]
        try:
            instance = json.loads(body)
        except ValueError:
            return [f"the body is not JSON: not {what}"]
        if node.pointer not in self._validators:
            self._validators[node.pointer] = jsonschema_rs.Draft4Validator(self.json_schema(node))
        error = next(iter(self._validators[node.pointer].iter_errors(instance)), None)
        return [] if error is None else [f"the body is not {what}: {error.message}"]

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
                    headers=dict(self._headers(raw.get("responses", {}))),
                    without_content=frozenset(
                        str(status)
                        for status, response in raw.get("responses", {}).items()
                        if not self._resolved(response).get("content")
                    ),
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

    def _headers(self, responses: Mapping[str, Any]) -> Iterator[tuple[str, tuple[HeaderSpec, ...]]]:
        for status, response in responses.items():
            headers = (self._resolved(response).get("headers") or {}).items()
            yield str(status), tuple(self._header(name, self._resolved(header)) for name, header in headers)

    def _header(self, name: str, header: Mapping[str, Any]) -> HeaderSpec:
        return HeaderSpec(name, bool(header.get("required")), self.merged(header.get("schema", {})))

    def _links(self) -> Iterator[LinkSpec]:
        for path, item in (self.document.get("paths") or {}).items():
            for method in HTTP_METHODS:
                raw = item.get(method)
                if not isinstance(raw, dict):
                    continue
                source = f"{method.upper()} {path}"
                for status, response in raw.get("responses", {}).items():
                    links = self._resolved(response).get("links") or {}
                    for name, link in links.items():
                        target = self.by_id.get(str(self._resolved(link).get("operationId")))
                        if target is not None:
                            source_id = self._by_label[source].operation_id
                            yield LinkSpec(source, str(status), str(name), target.label, source_id, target.operation_id)


def load_spec(path: Path = SPEC_PATH) -> ApiSpec:
    """The spec at `path` as the suite reads it, built once per spec file (`document.spec_file`, the one cache)."""
    return spec_file(path).view(ApiSpec)


def spec_of(schema: Any) -> ApiSpec:  # noqa: ANN401 - a Schemathesis schema, whichever class
    """The `ApiSpec` of the file a Schemathesis schema was loaded from (the run loads it by path)."""
    return _spec_at(str(schema.location or ""))


@functools.cache
def _spec_at(location: str) -> ApiSpec:
    # Every check asks, for every answer: the location is parsed once (`load_spec` is cached per file already).
    if not location.startswith("file://"):
        raise ValueError(f"the suite loads its schema from a spec file, not {location!r}")
    return load_spec(Path(unquote(urlsplit(location).path)))
