"""Spec coverage of one run, computed by the suite from what went over the wire (`Coverage`, a `RunObserver`).

Seven figures, each "covered of total", every total read from the spec (`load_spec`):

- operations: answered at least once;
- parameters (each path and query parameter of each operation), twice: sent with a valid value, and sent
  with an invalid one — judged against the parameter's own schema by the keywords below, not by how the
  value was generated;
- parameter keywords: each constraint of each parameter's schema (`type` when not a string, `pattern`,
  `minLength`, `maxLength`, `minimum`, `maximum`, `enum`, and `required` for a required query parameter)
  is exercised once a value respecting it and a value breaking it were both sent (for `required`: the
  parameter sent and left out); and each `enum` value once it was sent;
- response keywords: each `pattern`, `minLength`, `maxLength`, `minimum`, `maximum`, `required`,
  `nullable` and each `enum` value of the response body schemas, once per schema object of the spec
  (a shared component such as `Error` counts once), is observed once a body had a value it applies to
  (a string for `pattern`/`…Length`, a number for `minimum`/`maximum`, an object for `required`, a null
  for `nullable`, that very value for an `enum` value);
- examples: each example the spec gives a parameter, once it was sent as that parameter's value;
- statuses: each status each operation documents, once that operation answered it;
- links: each OpenAPI link, once the stateful phase sent a request along it.

Every exchange counts (the generated cases, the probes, the checks' own fetches, each 429 before it is
re-sent); response keywords are read from the generated cases' bodies. Ours because TraceCov, which
measures the same dimensions from Schemathesis' hooks, is licensed for internal use only.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import requests
from schemathesis import Response

from ..record.answers import AnyCase
from ..record.recording import RunObserver
from ..spec.api import (
    ApiSpec,
    LinkSpec,
    OperationSpec,
    ParameterSpec,
    SchemaNode,
    is_json_media_type,
    judge_value,
    load_spec,
    status_matches,
    typed_value,
)

# Each figure: its title and what counts, as the HTML report and docs/contract-suite.md say it.
FIGURES = {
    "operations": ("operations", "answered at least once"),
    "parameters_valid": ("parameters, valid", "each path and query parameter sent with a value its schema accepts"),
    "parameters_invalid": ("parameters, invalid", "each path and query parameter sent with a value its schema refuses"),
    "parameter_keywords": (
        "keywords of parameters",
        (
            "each constraint of a parameter's schema, sent both kept and broken (required: sent and left out); "
            "each enum value, sent"
        ),
    ),
    "response_keywords": (
        "keywords of responses",
        (
            "each pattern, minLength, maxLength, minimum, maximum, required, nullable and enum value of the response "
            "body schemas (once per schema object), seen applied to a value in a body"
        ),
    ),
    "examples": ("examples", "each example the spec gives a parameter, sent as its value"),
    "statuses": ("statuses", "each status each operation documents, answered by that operation"),
    "links": ("links", "each OpenAPI link, followed by the stateful phase"),
}
STRING_KEYWORDS = ("pattern", "minLength", "maxLength")
NUMBER_KEYWORDS = ("minimum", "maximum")
RESPONSE_KEYWORDS = (*STRING_KEYWORDS, *NUMBER_KEYWORDS, "required", "nullable")


@dataclass(frozen=True, order=True)
class KeywordItem:
    """One thing to cover: `keyword` of the schema at `where` (an enum value's JSON in `value`)."""

    where: str  # a parameter ("GET /path · offset"), or the JSON pointer of a response body's schema object
    keyword: str
    value: str = ""

    def __str__(self) -> str:
        return f"{self.where} {self.keyword}" + (f" {self.value}" if self.value else "")


@dataclass(frozen=True)
class Figure:
    covered: int
    total: int
    missing: tuple[str, ...] = ()  # what was not covered, for the report

    def __str__(self) -> str:
        return f"{self.covered}/{self.total}"

    @property
    def percent(self) -> float:
        return 100.0 if self.total == 0 else 100.0 * self.covered / self.total


def _wire(value: object) -> str:
    """A parameter example as it goes on the wire (`true`, `10`, the string itself)."""
    return json.dumps(value) if isinstance(value, bool) else str(value)


def parameter_keywords(parameter: ParameterSpec) -> list[KeywordItem]:
    """The keyword items of one parameter (see the module's docstring)."""
    schema, where = parameter.schema, parameter.where
    items = [KeywordItem(where, "type")] if schema.get("type") in ("integer", "number", "boolean") else []
    items += [KeywordItem(where, keyword) for keyword in (*STRING_KEYWORDS, *NUMBER_KEYWORDS) if keyword in schema]
    if "enum" in schema:
        items.append(KeywordItem(where, "enum"))
        items += [KeywordItem(where, "enum", json.dumps(value)) for value in schema["enum"]]
    if parameter.required and parameter.location == "query":
        items.append(KeywordItem(where, "required"))
    return items


def _fits(schema: dict[str, Any], instance: object) -> bool:
    """Whether `instance` is of the schema's type (how a response's value picks its `anyOf`/`oneOf` branches)."""
    kind = schema.get("type")
    if kind is None:
        return True
    checks = {
        "string": isinstance(instance, str),
        "integer": isinstance(instance, int) and not isinstance(instance, bool),
        "number": isinstance(instance, (int, float)) and not isinstance(instance, bool),
        "boolean": isinstance(instance, bool),
        "object": isinstance(instance, dict),
        "array": isinstance(instance, list),
    }
    return checks.get(str(kind), False) or (instance is None and schema.get("nullable") is True)


class ResponseKeywords:
    """The response body schemas' keyword items (`universe`) and which ones a body shows (`observed_in`)."""

    def __init__(self, spec: ApiSpec) -> None:
        self.spec = spec
        roots = {node.pointer: node for operation in spec.operations for node in operation.bodies.values()}
        self.universe: set[KeywordItem] = set()
        self._below_cache: dict[str, list[tuple[str, str, SchemaNode]]] = {}
        seen: set[str] = set()
        for node in roots.values():
            self._collect(node, seen)

    def _children(self, node: SchemaNode) -> Iterator[tuple[str, str, SchemaNode]]:
        """Each schema right below `node`'s: (`allOf`/`anyOf`/`oneOf`/`properties`/`items`, property name, schema)."""
        schema, pointer = node.schema, node.pointer
        for combinator in ("allOf", "anyOf", "oneOf"):
            for index, member in enumerate(schema.get(combinator, [])):
                yield combinator, "", self.spec.follow(SchemaNode(f"{pointer}/{combinator}/{index}", member))
        for name, member in (schema.get("properties") or {}).items():
            yield "properties", name, self.spec.follow(SchemaNode(f"{pointer}/properties/{name}", member))
        if isinstance(schema.get("items"), dict):
            yield "items", "", self.spec.follow(SchemaNode(f"{pointer}/items", schema["items"]))

    def _collect(self, node: SchemaNode, seen: set[str]) -> None:
        if node.pointer in seen:
            return
        seen.add(node.pointer)
        schema = node.schema
        self.universe.update(KeywordItem(node.pointer, keyword) for keyword in RESPONSE_KEYWORDS if keyword in schema)
        if schema.get("nullable") is not True:
            self.universe.discard(KeywordItem(node.pointer, "nullable"))
        self.universe.update(KeywordItem(node.pointer, "enum", json.dumps(value)) for value in schema.get("enum", []))
        for _, _, child in self._children(node):
            self._collect(child, seen)

    def observed_in(self, node: SchemaNode, instance: object, found: set[KeywordItem], depth: int = 0) -> None:
        """Add to `found` every keyword item of `node`'s schema (and below) that `instance` has a value for."""
        if depth > 40:
            return
        found.update(self._applied(node, instance))
        for child, value in self._below(node, instance):
            self.observed_in(child, value, found, depth + 1)

    @staticmethod
    def _applied(node: SchemaNode, instance: object) -> Iterator[KeywordItem]:
        schema, pointer = node.schema, node.pointer
        if instance is None:
            if schema.get("nullable") is True:
                yield KeywordItem(pointer, "nullable")
            return
        if isinstance(instance, str):
            yield from (KeywordItem(pointer, keyword) for keyword in STRING_KEYWORDS if keyword in schema)
        elif isinstance(instance, (int, float)) and not isinstance(instance, bool):
            yield from (KeywordItem(pointer, keyword) for keyword in NUMBER_KEYWORDS if keyword in schema)
        elif isinstance(instance, dict) and "required" in schema:
            yield KeywordItem(pointer, "required")
        if "enum" in schema and instance in schema["enum"]:
            yield KeywordItem(pointer, "enum", json.dumps(instance))

    def _below(self, node: SchemaNode, instance: object) -> Iterator[tuple[SchemaNode, object]]:
        """The schemas below `node` that apply to `instance` or a part of it, each with what it applies to."""
        children = self._below_cache.get(node.pointer)
        if children is None:
            children = self._below_cache[node.pointer] = list(self._children(node))
        for kind, name, child in children:
            if kind == "allOf" or (kind in ("anyOf", "oneOf") and _fits(child.schema, instance)):
                yield child, instance
            elif kind == "properties" and isinstance(instance, dict) and name in instance:
                yield child, instance[name]
            elif kind == "items" and isinstance(instance, list):
                yield from ((child, item) for item in instance)


@dataclass
class _ParameterSeen:
    valid: bool = False
    invalid: bool = False


@dataclass
class _KeywordSeen:
    held: bool = False
    broken: bool = False


@dataclass
class Coverage(RunObserver):
    """What one run covered of the spec; `figures()` says how much, `as_dict()` what exactly."""

    spec: ApiSpec = field(default_factory=load_spec)
    statuses: dict[str, Counter[int]] = field(init=False)  # operation label → answers by status
    undeclared: Counter[str] = field(init=False, default_factory=Counter)  # method → requests to undeclared paths
    links: Counter[str] = field(init=False, default_factory=Counter)  # transition → requests sent along it

    def __post_init__(self) -> None:
        self.statuses = {operation.label: Counter() for operation in self.spec.operations}
        self.parameters = {p.where: _ParameterSeen() for op in self.spec.operations for p in op.parameters}
        self.keywords = {
            item: _KeywordSeen() for op in self.spec.operations for p in op.parameters for item in parameter_keywords(p)
        }
        self.enum_values_sent: set[KeywordItem] = set()
        self.examples: dict[tuple[str, str], bool] = {
            (p.where, _wire(example)): False
            for op in self.spec.operations
            for p in op.parameters
            for example in p.examples
        }
        self.responses = ResponseKeywords(self.spec)
        self.observed: set[KeywordItem] = set()
        self._judged: dict[tuple[str, str], dict[str, bool]] = {}

    # ── what the run tells ──
    def exchange(self, request: requests.PreparedRequest, response: requests.Response) -> None:
        self.request_answered(str(request.method), str(request.url), response.status_code)

    def request_answered(self, method: str, url: str, status: int) -> None:
        """One answered request (`url` as sent, percent-encoded)."""
        parts = urlsplit(url)
        found = self.spec.operation_for(method, parts.path)
        if found is None:
            self.undeclared[method.upper()] += 1
            return
        operation, path_values = found
        self.statuses[operation.label][status] += 1
        query: dict[str, list[str]] = {}
        for name, value in parse_qsl(parts.query, keep_blank_values=True):
            query.setdefault(name, []).append(value)
        for parameter in operation.parameters:
            values = [path_values[parameter.name]] if parameter.location == "path" else query.get(parameter.name, [])
            self._parameter_sent(parameter, values)

    def _parameter_sent(self, parameter: ParameterSpec, values: list[str]) -> None:
        where = parameter.where
        if parameter.required and parameter.location == "query":
            seen = self.keywords[KeywordItem(where, "required")]
            seen.held, seen.broken = seen.held or bool(values), seen.broken or not values
        for raw in values:
            verdicts = self._judged.get((where, raw))
            if verdicts is None:
                verdicts = self._judged[where, raw] = judge_value(parameter.schema, raw)
            seen_parameter = self.parameters[where]
            if all(verdicts.values()):
                seen_parameter.valid = True
            else:
                seen_parameter.invalid = True
            for keyword, held in verdicts.items():
                seen = self.keywords[KeywordItem(where, keyword)]
                seen.held, seen.broken = seen.held or held, seen.broken or not held
            if verdicts.get("enum"):
                self.enum_values_sent.add(KeywordItem(where, "enum", json.dumps(typed_value(parameter.schema, raw))))
            if (where, raw) in self.examples:
                self.examples[where, raw] = True

    def case_done(self, case: AnyCase, response: Response | None) -> None:
        if response is None or not response.content:
            return
        operation = self.spec.by_label(case.operation.label)
        if operation is None or not is_json_media_type(response.headers.get("content-type", [""])[0]):
            return
        try:
            document = response.json()  # parsed once: Schemathesis' checks reuse it
        except ValueError:
            return
        self.body_answered(operation, response.status_code, document)

    def body_answered(self, operation: OperationSpec, status: int, document: object) -> None:
        """The response keywords a JSON body of `operation` shows (for a documented status only)."""
        key = next((key for key in operation.statuses if status_matches(key, status)), None)
        node = operation.bodies.get(key) if key is not None else None
        if node is not None:
            self.responses.observed_in(node, document, self.observed)

    def link_followed(self, transition: str, _status: int) -> None:
        self.links[transition] += 1

    # ── what it comes to ──
    def figures(self) -> dict[str, Figure]:
        operations = self.spec.operations
        answered = [op.label for op in operations if self.statuses[op.label]]
        documented = [(op.label, key) for op in operations for key in op.statuses]
        reached = {
            (label, key)
            for label, key in documented
            if any(status_matches(key, status) for status in self.statuses[label])
        }
        links = {link.transition for link in self.spec.links}
        keyword_items = {
            item: item in self.enum_values_sent if item.value else seen.held and seen.broken
            for item, seen in self.keywords.items()
        }
        return {
            "operations": _figure(answered, [op.label for op in operations]),
            "parameters_valid": _figure([w for w, s in self.parameters.items() if s.valid], list(self.parameters)),
            "parameters_invalid": _figure([w for w, s in self.parameters.items() if s.invalid], list(self.parameters)),
            "parameter_keywords": _figure([str(i) for i, ok in keyword_items.items() if ok], map(str, keyword_items)),
            "response_keywords": _figure(
                [str(item) for item in self.observed & self.responses.universe], map(str, self.responses.universe)
            ),
            "examples": _figure(
                [f"{w} = {v}" for (w, v), ok in self.examples.items() if ok], [f"{w} = {v}" for w, v in self.examples]
            ),
            "statuses": _figure(
                [f"{label} {key}" for label, key in reached], [f"{label} {key}" for label, key in documented]
            ),
            "links": _figure([t for t in links if self.links[t]], links),
        }

    def summary_line(self) -> str:
        return "coverage:    " + figures_text(self.figures())

    def unfollowed_links(self) -> list[LinkSpec]:
        """The spec's links the stateful phase sent no request along, in the spec's order."""
        return [link for link in self.spec.links if not self.links[link.transition]]

    def unfollowed_line(self) -> str | None:
        """`links not followed: …`, each link by its operations and name; None when every link was followed."""
        unfollowed = self.unfollowed_links()
        return "links not followed: " + "; ".join(link.named for link in unfollowed) if unfollowed else None

    def status_matrix(self) -> list[tuple[OperationSpec, dict[str, int], dict[int, int]]]:
        """Per operation: each documented status with its answers (0: not reached), and undocumented ones seen."""
        rows = []
        for operation in self.spec.operations:
            seen = self.statuses[operation.label]
            documented = {key: sum(n for s, n in seen.items() if status_matches(key, s)) for key in operation.statuses}
            extra = {
                status: count
                for status, count in sorted(seen.items())
                if not any(status_matches(key, status) for key in operation.statuses)
            }
            rows.append((operation, documented, extra))
        return rows

    def parameter_rows(self) -> list[tuple[str, bool, bool]]:
        return [(where, seen.valid, seen.invalid) for where, seen in self.parameters.items()]

    def as_dict(self) -> dict[str, object]:
        """JSON-ready (the spec's own names and values only: no secret can be in it)."""
        figures = self.figures()
        return {
            "summary": self.summary_line().removeprefix("coverage:").strip(),
            **{
                name: {
                    "covered": f.covered,
                    "total": f.total,
                    "percent": round(f.percent, 1),
                    "missing": list(f.missing),
                }
                for name, f in figures.items()
            },
            "statuses_by_operation": {
                operation.label: {
                    "documented": documented,
                    "undocumented": {str(status): count for status, count in extra.items()},
                }
                for operation, documented, extra in self.status_matrix()
            },
            "links_followed": dict(sorted(self.links.items())),
            "links_not_followed": [_link_dict(link) for link in self.unfollowed_links()],
            "undeclared_requests": dict(sorted(self.undeclared.items())),
        }


def figures_text(figures: dict[str, Figure]) -> str:
    """The figures in one line, as the coverage line of a run (and of a merged report) says them."""
    return (
        f"operations {figures['operations']}, parameters {figures['parameters_valid']} valid "
        f"+ {figures['parameters_invalid']} invalid, keywords {figures['parameter_keywords']} of parameters "
        f"+ {figures['response_keywords']} of responses, examples {figures['examples']}, "
        f"statuses {figures['statuses']}, links {figures['links']}"
    )


def _link_dict(link: LinkSpec) -> dict[str, str]:
    return {"source": link.source_id, "target": link.target_id, "name": link.name, "status": link.status}


def _figure(covered: list[str], everything: Any) -> Figure:  # noqa: ANN401 - any iterable of names
    every = list(dict.fromkeys(everything))
    done = set(covered)
    return Figure(len(done & set(every)), len(every), tuple(sorted(item for item in every if item not in done)))
