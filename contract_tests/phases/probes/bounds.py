"""Format probes, derived from the spec's query parameters (a new one is probed without a line here), signed, on
every read operation for its first readable task:

- each integer parameter just past each edge its schema has: its `minimum` less one, its `maximum` plus one, and
  past its `format` (int32, int64) both ways, and once past int64 (a parser that overflows); then every integer
  parameter at its lowest and at its highest value, together (`integer_bounds_respected`);
- each date-time parameter (`format: date-time`, or the vendor's `x-sdk-format: date-time` over a written form such
  as `yyyyMMddHHmmss`) at February 29 of a common year, year 0000, hour 24, with a fraction of a second and with a
  UTC offset (+14:00, -12:00, the widest there are); then all of them at the calendar's edges, alternately (a window
  from year 0001 to the last second of 9999, then the same reversed: `date_time_edges_handled`).

What is right is read from the schema: a value it refuses (`spec.api.judge_value`) must get exactly the documented
400; a value it takes, the documented success or 400; never 5xx."""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import quote

from ...checks.bounds import DATE_TIME_EDGES, INTEGER_BOUNDS, refused, within_schema
from ...spec.api import ApiSpec, OperationSpec, ParameterSpec, judge_value
from ...target.model import Target
from .probe import Probe, id_operations

FORMAT_RANGES = {"int32": (-(2**31), 2**31 - 1), "int64": (-(2**63), 2**63 - 1)}
PAST_INT64 = 2**63  # past every integer type a parser may use
CALENDAR_EDGES = ("00010101000000", "99991231235959")  # its first instant and last second
COMPACT = re.compile(r"\d{14}")  # `yyyyMMddHHmmss`, the vendor's written form


def integer_range(schema: dict[str, object]) -> tuple[int, int]:
    """The lowest and highest values `schema` takes (its format's range, narrowed by its minimum and maximum)."""
    low, high = FORMAT_RANGES.get(str(schema.get("format")), FORMAT_RANGES["int64"])
    if isinstance(schema.get("minimum"), int):
        low = max(low, int(str(schema["minimum"])) + (schema.get("exclusiveMinimum") is True))
    if isinstance(schema.get("maximum"), int):
        high = min(high, int(str(schema["maximum"])) - (schema.get("exclusiveMaximum") is True))
    return low, high


def integer_edges(schema: dict[str, object]) -> list[int]:
    """Just past each edge the schema has, and past its format's range both ways and past int64."""
    low, high = integer_range(schema)
    first, last = FORMAT_RANGES.get(str(schema.get("format")), FORMAT_RANGES["int64"])
    return list(dict.fromkeys((low - 1, high + 1, first - 1, last + 1, PAST_INT64)))


def is_date_time(parameter: ParameterSpec) -> bool:
    schema = parameter.schema
    return schema.get("type", "string") == "string" and "date-time" in (
        schema.get("format"),
        schema.get("x-sdk-format"),
    )


def _written(parameter: ParameterSpec, moment: str, suffix: str = "") -> str:
    """`moment` (`YYYYMMDDhhmmss`) in the parameter's written form (the compact one, or RFC 3339), plus `suffix` (a
    fraction or an offset, RFC 3339 style)."""
    example = str(parameter.examples[0]) if parameter.examples else ""
    if COMPACT.fullmatch(example):
        return moment + suffix
    day, time = moment[:8], moment[8:]
    rfc3339 = f"{day[:4]}-{day[4:6]}-{day[6:]}T{time[:2]}:{time[2:4]}:{time[4:]}"
    return rfc3339 + (suffix or "Z")


def _impossible(parameter: ParameterSpec, index: int) -> Iterator[tuple[str, str]]:
    offset = "+14:00" if index % 2 == 0 else "-12:00"
    yield "February 29 of a common year", _written(parameter, "20230229120000")
    yield "year 0000", _written(parameter, "00000101000000")
    yield "hour 24", _written(parameter, "20200609240000")
    yield "a fraction of a second", _written(parameter, "20200609160000", ".123456789")
    yield f"a UTC offset of {offset}", _written(parameter, "20200609160000", offset)


def _off_schema(schema: dict[str, object], value: str) -> bool:
    """Whether the schema refuses `value` (an integer: also outside its format's range)."""
    if not all(judge_value(schema, value).values()):
        return True
    low, high = integer_range(schema)
    return schema.get("type") == "integer" and not low <= int(value) <= high


def _probe(operation: OperationSpec, path: str, check: str, label: str, values: dict[str, str]) -> Probe:
    query = "&".join(f"{name}={quote(value, safe='')}" for name, value in values.items())
    schemas = {parameter.name: parameter.schema for parameter in operation.parameters}
    off_schema = any(_off_schema(schemas[name], value) for name, value in values.items())
    judge = refused if off_schema else within_schema(operation.success_statuses)
    where = f"{operation.operation_id}, {label}"
    return Probe(check, where, operation.method, f"{path}?{query}", "signed", judge, operation=operation.operation_id)


def _operation_probes(operation: OperationSpec, path: str) -> list[Probe]:
    query = [parameter for parameter in operation.parameters if parameter.location == "query"]
    integers = [parameter for parameter in query if parameter.schema.get("type") == "integer"]
    times = [parameter for parameter in query if is_date_time(parameter)]
    made = []
    for parameter in integers:
        for value in integer_edges(parameter.schema):
            made.append(
                _probe(operation, path, INTEGER_BOUNDS, f"{parameter.name}={value}", {parameter.name: str(value)})
            )
    for end, label in ((0, "lowest"), (1, "highest")):
        values = {parameter.name: str(integer_range(parameter.schema)[end]) for parameter in integers}
        if values:
            made.append(_probe(operation, path, INTEGER_BOUNDS, f"every integer at its {label}", values))
    for index, parameter in enumerate(times):
        for label, written in _impossible(parameter, index):
            made.append(
                _probe(operation, path, DATE_TIME_EDGES, f"{parameter.name} at {label}", {parameter.name: written})
            )
    # Every date-time at both edges of the calendar, alternately: a window from year 0001 to 9999, then reversed.
    for first in (0, 1):
        edges = [CALENDAR_EDGES[(first + index) % 2] for index in range(len(times))]
        values = {parameter.name: _written(parameter, moment) for parameter, moment in zip(times, edges, strict=True)}
        if values:
            label = ", ".join(f"{name} at {value[:4]}" for name, value in values.items())
            made.append(_probe(operation, path, DATE_TIME_EDGES, label, values))
    return made


def bounds_probes(target: Target, spec: ApiSpec) -> list[Probe]:
    made: list[Probe] = []
    for operation in id_operations(spec):
        if operation.changes_state:
            continue
        for anchor in target.anchors(operation)[:1]:
            made += _operation_probes(operation, operation.path_for(anchor.as_path_parameters()))
    return made
