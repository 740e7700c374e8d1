"""What a client's request owes the spec (`request_problems`): that is where real traffic differs from the suite's,
whose requests are made from the spec. Each rule is a check named like the suite's:

* `request_operation_documented`: the method and path are an operation of the spec (a documented path with another
  method says which methods it documents);
* `request_parameters_declared`: every query parameter is one the operation declares, a required one is sent, and a
  parameter whose schema takes one value is sent once;
* `request_values_on_schema`: every path and query value keeps each keyword of its parameter's schema (`type`,
  `pattern`, `minLength`, `maxLength`, `minimum`, `maximum`, `enum`), read as coverage reads it
  (`spec.api.judge_value`).

Headers and bodies are not judged: the spec's operations take none but the credentials, which the proxy replaces.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from ...spec.api import ApiSpec, OperationSpec, judge_value
from .passing import Passing

OPERATION_DOCUMENTED = "request_operation_documented"
PARAMETERS_DECLARED = "request_parameters_declared"
VALUES_ON_SCHEMA = "request_values_on_schema"
MAX_SHOWN = 80  # characters of a value quoted in a finding


@dataclass(frozen=True)
class Problem:
    """A finding of a rule that is no Schemathesis check: its check name, a title and why."""

    check: str
    title: str
    message: str


def _shown(value: str) -> str:
    return repr(value if len(value) <= MAX_SHOWN else value[:MAX_SHOWN] + "…")


def request_checks(passing: Passing) -> tuple[str, ...]:
    """The rules that apply to a request: all three to an operation of the spec, the first alone to any other."""
    if passing.operation is None:
        return (OPERATION_DOCUMENTED,)
    return (OPERATION_DOCUMENTED, PARAMETERS_DECLARED, VALUES_ON_SCHEMA)


def request_problems(spec: ApiSpec, passing: Passing) -> list[Problem]:
    operation = passing.operation
    if operation is None:
        return [_undocumented(spec, passing)]
    return [*_parameters(operation, passing), *_values(operation, passing)]


def _undocumented(spec: ApiSpec, passing: Passing) -> Problem:
    request = passing.exchange.request
    on_path = [op for op in spec.operations if op.path_values(request.raw_path) is not None]
    methods = {op.method for op in on_path if op.method != request.method}
    if methods:
        why = f"{request.method} is not documented on that path: the spec documents {', '.join(sorted(methods))} there"
        title = f"{request.method} on a documented path"
    else:
        why = "no path of the spec matches it"
        title = "a path the spec does not document"
    message = f"{request.method} {request.raw_path}: {why}"
    return Problem(OPERATION_DOCUMENTED, f"undocumented operation: {title}", message)


def _parameters(operation: OperationSpec, passing: Passing) -> list[Problem]:
    declared = {parameter.name: parameter for parameter in operation.parameters if parameter.location == "query"}
    sent = Counter(name for name, _ in passing.query)
    problems = []
    for name in sent:
        if name not in declared:
            listed = ", ".join(declared) or "none"
            problems.append(
                Problem(
                    PARAMETERS_DECLARED,
                    f"undeclared query parameter {_shown(name)} on {operation.operation_id}",
                    f"{operation.label} declares these query parameters: {listed}; the request sent {_shown(name)}",
                )
            )
        elif sent[name] > 1 and declared[name].schema.get("type") != "array":
            problems.append(
                Problem(
                    PARAMETERS_DECLARED,
                    f"query parameter {_shown(name)} of {operation.operation_id} sent {sent[name]} times",
                    f"{declared[name].where} takes one value; the request sent it {sent[name]} times",
                )
            )
    for name, parameter in declared.items():
        if parameter.required and name not in sent:
            problems.append(
                Problem(
                    PARAMETERS_DECLARED,
                    f"required query parameter {_shown(name)} of {operation.operation_id} not sent",
                    f"{parameter.where} is required; the request left it out",
                )
            )
    return problems


def _values(operation: OperationSpec, passing: Passing) -> list[Problem]:
    problems = []
    query: dict[str, list[str]] = {}
    for name, value in passing.query:
        query.setdefault(name, []).append(value)
    for parameter in operation.parameters:
        path = parameter.location == "path"
        values = [passing.path_values[parameter.name]] if path else query.get(parameter.name, [])
        for value in values:
            broken = [keyword for keyword, held in judge_value(parameter.schema, value).items() if not held]
            if broken:
                schema = parameter.schema
                rules = ", ".join(f"{keyword} {schema.get(keyword, schema.get('type'))!r}" for keyword in broken)
                problems.append(
                    Problem(
                        VALUES_ON_SCHEMA,
                        f"{parameter.location} parameter {parameter.name} of {operation.operation_id} off its schema",
                        f"{parameter.where} = {_shown(value)} breaks {rules} of its schema {parameter.schema}",
                    )
                )
    return problems
