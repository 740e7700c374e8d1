"""What the suite reads from the spec it tests against (`ApiSpec`): its operations, each with its method, path,
path and query parameters, documented statuses and response schemas; and the one rule of which requests
change state (`changes_state`, by HTTP method).

Everything the suite decides per operation comes from here, never from a copied list: which checks judge an
answer (by operation ID or by the schema of the answer's documented response), which statuses a run must reach,
which requests a read-only run withholds, which operations the probes cover. A copy of the spec with another
operation (`SuiteOptions.spec_path`) is tested the same way.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from .spec_file import SPEC_PATH

# RFC 9110 §9.2.1: GET, HEAD, OPTIONS and TRACE are safe; the methods the spec could declare that are not
# change state. The one place this is decided: the read-only rule, re-aiming and the probes ask here.
STATE_CHANGING_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
ID_PARAMETERS = ("project_id", "instance_id", "task_id")  # the IDs of `KnownTask`, in path order
_REF_NAME = re.compile(r"^#/components/schemas/(?P<name>[^/]+)$")


def changes_state(method: str) -> bool:
    """Whether a request with this method may change the server's state (POST, PUT, PATCH, DELETE)."""
    return method.upper() in STATE_CHANGING_METHODS


def _resolve(document: Mapping[str, Any], node: Any) -> Any:  # noqa: ANN401 - any JSON value
    """`node` with its own `$ref` followed (one level at a time, until it is not a reference)."""
    while isinstance(node, Mapping) and "$ref" in node:
        target: Any = document
        for part in str(node["$ref"]).removeprefix("#/").split("/"):
            target = target[part.replace("~1", "/").replace("~0", "~")]
        node = target
    return node


@dataclass(frozen=True)
class OperationSpec:
    """One operation of the spec, as the suite needs to know it."""

    operation_id: str
    method: str  # upper case
    path: str  # the template, e.g. /v2/{project_id}/instances/{instance_id}/tasks
    path_parameters: tuple[str, ...]  # in path order
    query_parameters: tuple[str, ...]
    statuses: frozenset[int]  # every documented status
    response_schemas: Mapping[int, str]  # status → name of its `#/components/schemas/…` body, if it has one

    @property
    def changes_state(self) -> bool:
        return changes_state(self.method)

    @property
    def success_statuses(self) -> frozenset[int]:
        return frozenset(status for status in self.statuses if 200 <= status < 300)

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


@dataclass(frozen=True)
class ApiSpec:
    """The operations of one OpenAPI document, and what follows from them."""

    document: Mapping[str, Any]
    operations: tuple[OperationSpec, ...]

    @classmethod
    def from_document(cls, document: Mapping[str, Any]) -> ApiSpec:
        operations = []
        for path, item in document.get("paths", {}).items():
            shared = [_resolve(document, parameter) for parameter in item.get("parameters", ())]
            for method in HTTP_METHODS:
                raw = item.get(method)
                if not isinstance(raw, Mapping):
                    continue
                own = [_resolve(document, parameter) for parameter in raw.get("parameters", ())]
                parameters = {(p["name"], p["in"]): p for p in (*shared, *own)}
                responses = {
                    int(code): _resolve(document, r) for code, r in raw.get("responses", {}).items() if code.isdigit()
                }
                path_names = [name for name, where in parameters if where == "path"]
                operations.append(
                    OperationSpec(
                        operation_id=str(raw.get("operationId", f"{method.upper()} {path}")),
                        method=method.upper(),
                        path=path,
                        path_parameters=tuple(sorted(path_names, key=path.index)),
                        query_parameters=tuple(name for name, where in parameters if where == "query"),
                        statuses=frozenset(responses),
                        response_schemas={
                            status: name for status, response in responses.items() if (name := _schema_name(response))
                        },
                    )
                )
        return cls(document, tuple(operations))

    @functools.cached_property
    def by_id(self) -> Mapping[str, OperationSpec]:
        return {operation.operation_id: operation for operation in self.operations}

    def operation(self, operation_id: str) -> OperationSpec | None:
        return self.by_id.get(operation_id)

    @functools.cached_property
    def declared_methods(self) -> Mapping[str, frozenset[str]]:
        """Each path template and the methods it declares (upper case)."""
        methods: dict[str, set[str]] = {}
        for operation in self.operations:
            methods.setdefault(operation.path, set()).add(operation.method)
        return {path: frozenset(found) for path, found in methods.items()}

    def with_schema(self, name: str) -> frozenset[str]:
        """The operations answering some documented status with the body schema `name`."""
        return frozenset(op.operation_id for op in self.operations if name in op.response_schemas.values())

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


def _schema_name(response: Mapping[str, Any]) -> str | None:
    """The component name of a response's JSON body schema (`…/schemas/Error` → `Error`), if it is a reference."""
    content = response.get("content") or {}
    schema = (content.get("application/json") or {}).get("schema") or {}
    found = _REF_NAME.match(str(schema.get("$ref", "")))
    return found["name"] if found else None


@functools.cache
def load_spec(path: Path = SPEC_PATH) -> ApiSpec:
    """The spec at `path`, read once per process (callers must not change it)."""
    return ApiSpec.from_document(yaml.safe_load(path.read_text(encoding="utf-8")))


_BY_DOCUMENT: dict[int, tuple[object, ApiSpec]] = {}


def spec_of(document: Mapping[str, Any]) -> ApiSpec:
    """The `ApiSpec` of a parsed document (a Schemathesis schema's `raw_schema`), built once per document."""
    found = _BY_DOCUMENT.get(id(document))
    if found is None or found[0] is not document:
        found = (document, ApiSpec.from_document(document))
        _BY_DOCUMENT[id(document)] = found  # the document is kept alive with it, so its id is never reused
    return found[1]
