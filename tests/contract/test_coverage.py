"""Spec coverage, checked against a small spec counted by hand, and on a real run of the suite."""

from __future__ import annotations

import dataclasses

import yaml

from contract_tests.reporting.coverage import Coverage
from contract_tests.reporting.html_report import ReportInputs, render
from contract_tests.run.runner import run_suite
from contract_tests.run.state import SuiteRun
from contract_tests.spec.api import ApiSpec, judge_value, load_spec
from contract_tests.target.emulator import emulator_target
from contract_tests.target.requirements import requirements

from .slice import SLICE_OPTIONS

SMALL_SPEC = yaml.safe_load("""
openapi: 3.0.3
info: {title: items, version: '1'}
servers: [{url: 'https://api.example.com'}]
paths:
  /items/{item_id}:
    parameters:
      - name: item_id
        in: path
        required: true
        schema: {type: string, pattern: '^[a-f0-9]{4}$', maxLength: 4}
        example: abcd
    get:
      operationId: GetItem
      parameters:
        - {name: color, in: query, required: true, schema: {type: string, enum: [red, blue]}, example: red}
        - {name: size, in: query, schema: {type: integer, minimum: 1, maximum: 10}, example: 7}
        - {name: X-Trace, in: header, schema: {type: string, maxLength: 2}}
      responses:
        '200':
          description: the item
          content: {application/json: {schema: {$ref: '#/components/schemas/Item'}}}
          links:
            DeleteIt: {operationId: DeleteItem, parameters: {item_id: $request.path.item_id}}
        '404': {$ref: '#/components/responses/NotFound'}
    delete:
      operationId: DeleteItem
      responses:
        '204': {description: deleted}
        '404': {$ref: '#/components/responses/NotFound'}
components:
  responses:
    NotFound:
      description: no such item
      content: {application/json: {schema: {$ref: '#/components/schemas/Error'}}}
  schemas:
    Item:
      type: object
      required: [name]
      properties:
        name: {type: string, maxLength: 8}
        count: {type: integer, minimum: 0}
        state: {type: string, enum: [NEW, OLD]}
        note: {type: string, nullable: true}
    Error:
      type: object
      required: [code]
      properties:
        code: {type: string, pattern: '^E[0-9]+$'}
""")
GET, DELETE = "GET /items/{item_id}", "DELETE /items/{item_id}"


def test_figures_match_a_hand_count_of_a_small_spec() -> None:
    """By hand: 2 operations; 4 path/query parameters (the header is neither); parameter keywords: item_id
    pattern + maxLength (twice: GET and DELETE), color enum + its 2 values + required, size type + minimum +
    maximum = 11; response keywords: Item required, name maxLength, count minimum, state's 2 enum values,
    note nullable, Error required, code pattern = 8 (Error counted once, though both operations use it);
    4 parameter examples; 4 documented statuses; 1 link."""
    coverage = Coverage(ApiSpec(SMALL_SPEC))
    coverage.request_answered("GET", "https://api.example.com/items/abcd?color=red&size=5", 200)
    get = coverage.spec.by_label(GET)
    assert get is not None
    item = {"name": "x", "count": 3, "state": "NEW", "note": None}
    coverage.body_answered(get, 200, item)
    coverage.request_answered("GET", "https://api.example.com/items/zzzzz?color=green", 404)
    coverage.body_answered(get, 404, {"code": "E1"})
    coverage.request_answered("GET", "https://api.example.com/items/abcd?size=0", 400)  # color left out
    coverage.request_answered("DELETE", "https://api.example.com/items/abcd", 204)
    coverage.request_answered("POST", "https://api.example.com/items/abcd", 405)  # no such operation
    coverage.link_followed(f"{GET} -> [200] DeleteIt -> {DELETE}", 204)

    figures = {name: (figure.covered, figure.total) for name, figure in coverage.figures().items()}
    assert figures == {
        "operations": (2, 2),
        "parameters_valid": (4, 4),
        # every parameter but DELETE's item_id got an invalid value (zzzzz, green, 0)
        "parameters_invalid": (3, 4),
        # item_id pattern and maxLength on GET (abcd / zzzzz), color's enum (red / green), its value red and
        # required (sent / left out), size's minimum (5 / 0) = 6; never: blue, size's type and maximum
        # broken, DELETE's item_id broken (2)
        "parameter_keywords": (6, 11),
        # all but state OLD
        "response_keywords": (7, 8),
        # size 7 was never sent
        "examples": (3, 4),
        # DELETE never answered 404; GET's 400 is not documented, so it counts for nothing
        "statuses": (3, 4),
        "links": (1, 1),
    }
    missing = coverage.figures()
    assert missing["response_keywords"].missing == ('#/components/schemas/Item/properties/state enum "OLD"',)
    assert missing["examples"].missing == (f"{GET} · size (query) = 7",)
    assert set(missing["parameter_keywords"].missing) == {
        f"{GET} · color (query) enum " + '"blue"',
        f"{GET} · size (query) type",
        f"{GET} · size (query) maximum",
        f"{DELETE} · item_id (path) pattern",
        f"{DELETE} · item_id (path) maxLength",
    }
    rows = {operation.operation_id: (documented, extra) for operation, documented, extra in coverage.status_matrix()}
    assert rows == {"GetItem": ({"200": 1, "404": 1}, {400: 1}), "DeleteItem": ({"204": 1, "404": 0}, {})}
    assert coverage.undeclared == {"POST": 1}
    assert coverage.summary_line() == (
        "coverage:    operations 2/2, parameters 4/4 valid + 3/4 invalid, keywords 6/11 of parameters "
        "+ 7/8 of responses, examples 3/4, statuses 3/4, links 1/1"
    )


def test_the_links_not_followed_are_named_in_the_summary_json_and_html_report() -> None:
    """Of the small spec's two links, the one no request went along is named by its operations and link name
    (the names are the small spec's own), on the line before the coverage line and in the HTML report."""
    spec = yaml.safe_load(yaml.safe_dump(SMALL_SPEC))
    spec["paths"]["/items/{item_id}"]["delete"]["responses"]["204"]["links"] = {
        "GetItAgain": {"operationId": "GetItem", "parameters": {"item_id": "$request.path.item_id"}}
    }
    coverage = Coverage(ApiSpec(spec))
    assert coverage.unfollowed_line() == (
        "links not followed: GetItem → DeleteItem (DeleteIt, on 200); DeleteItem → GetItem (GetItAgain, on 204)"
    )
    coverage.link_followed(f"{GET} -> [200] DeleteIt -> {DELETE}", 204)
    assert coverage.unfollowed_line() == "links not followed: DeleteItem → GetItem (GetItAgain, on 204)"
    assert coverage.as_dict()["links_not_followed"] == [
        {"source": "DeleteItem", "target": "GetItem", "name": "GetItAgain", "status": "204"}
    ]
    inputs = ReportInputs(result="PASSED", exit_code=0, target="t", settings="s", seed=1, max_examples=1, replay="")
    page = render(dataclasses.replace(inputs, coverage=coverage))
    listed = page[page.index('<ul id="links-not-followed"') :]
    assert listed[: listed.index("</ul>")].count("<li>") == 1
    assert "DeleteItem → GetItem (GetItAgain, on 204)" in listed
    coverage.link_followed(f"{DELETE} -> [204] GetItAgain -> {GET}", 200)
    assert coverage.unfollowed_line() is None
    assert "links-not-followed" not in render(dataclasses.replace(inputs, coverage=coverage))


def test_wire_values_are_judged_by_each_keyword() -> None:
    size = {"type": "integer", "minimum": 1, "maximum": 10}
    assert judge_value(size, "5") == {"type": True, "minimum": True, "maximum": True}
    assert judge_value(size, "11") == {"type": True, "minimum": True, "maximum": False}
    assert judge_value(size, "five") == {"type": False}  # not a number: its bounds do not apply
    assert judge_value({"type": "integer", "minimum": 1, "exclusiveMinimum": True}, "1") == {
        "type": True,
        "minimum": False,
    }
    resource_id = load_spec().operations[0].parameters[0].schema
    assert judge_value(resource_id, "8abf6e1e72c12e7c0172c15b508500aa") == {
        "pattern": True,
        "minLength": True,
        "maxLength": True,
    }
    assert judge_value(resource_id, "0123456789abcdef" * 3)["maxLength"] is False


def test_the_slice_covers_every_operation_parameter_and_example_of_the_spec() -> None:
    """Totals come from the spec (whatever it holds); against the emulator every operation, parameter and
    example is reached, each status a run must reach is reached, and the figures land in the JSON summary."""
    coverage = Coverage()
    target = emulator_target()
    report = run_suite(SuiteRun(target, SLICE_OPTIONS, [coverage]))
    figures = coverage.figures()
    spec = load_spec()
    assert figures["operations"].total == len(spec.operations)
    assert figures["statuses"].total == sum(len(op.statuses) for op in spec.operations)
    for name in ("operations", "parameters_valid", "parameters_invalid", "examples"):
        assert figures[name].covered == figures[name].total, (name, figures[name].missing)
    reached = {
        (operation.operation_id, status)
        for operation, documented, _ in coverage.status_matrix()
        for status, n in documented.items()
        if n
    }
    for need in requirements(target, load_spec()):
        assert any((need.operation_id, str(status)) in reached for status in need.statuses), need.label()
    assert figures["links"].covered >= 1
    assert {link.transition for link in coverage.unfollowed_links()} == set(figures["links"].missing)
    assert figures["response_keywords"].covered >= figures["response_keywords"].total // 2
    operations = len(spec.operations)
    assert coverage.as_dict()["operations"] == {
        "covered": operations,
        "total": operations,
        "percent": 100.0,
        "missing": [],
    }
    assert report.ok
