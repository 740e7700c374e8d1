"""Broken servers for parameter formats (issue 22, item 4), each a bug a parser or a maintainer could have, caught
by the check named for its rule:

- `integer_bounds_respected`: an integer parsed into a 32-bit type without a guard (a value past it raises: 500); a
  clamp instead of a refusal (an `offset` below its minimum read as the minimum, served 200).
- `date_time_edges_handled`: a date parser whose error escapes on a day no calendar has (February 29 of a common
  year, year 0000: 500); a lenient parser that reads the first fourteen digits and rolls hour 24 over to the next
  day (a fraction, an offset and hour 24 served 200); a window whose length, in days, sizes a buffer (a reversed
  window's negative size raises: 500).

Which parameters are integers or date-times is read from the spec, as the suite reads it.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from urllib.parse import parse_qsl, urlencode

from starlette.types import ASGIApp, Scope

from contract_tests.emulator import Credential, Scenario, errors
from contract_tests.phases.probes.bounds import integer_range, is_date_time
from contract_tests.spec.api import OperationSpec, ParameterSpec, load_spec

from .rules import _error
from .variants import Headers, ResigningGateway, Variant, Wrap, _answers, _claimed, _raw_path

Answer = tuple[int, Headers, bytes]
INTEGERS = frozenset({"integer_bounds_respected"})
DATE_TIMES = frozenset({"date_time_edges_handled"})
SPEC = load_spec()
INT32 = (-(2**31), 2**31 - 1)


def _parameters(scope: Scope) -> dict[str, ParameterSpec]:
    found = SPEC.operation_for(scope["method"], _raw_path(scope))
    operation: OperationSpec | None = found[0] if found is not None else None
    return {p.name: p for p in operation.parameters if p.location == "query"} if operation is not None else {}


def _pairs(scope: Scope) -> list[tuple[str, str]]:
    return parse_qsl(bytes(scope.get("query_string", b"")).decode("latin-1"), keep_blank_values=True)


def _int32_overflow(scope: Scope, status: int, headers: Headers, body: bytes) -> Answer:
    """`Integer.parseInt` on every integer parameter, its NumberFormatException unhandled (500)."""
    integers = {name for name, p in _parameters(scope).items() if p.schema.get("type") == "integer"}
    for name, value in _pairs(scope):
        if name in integers and re.fullmatch(r"-?\d+", value) and not INT32[0] <= int(value) <= INT32[1]:
            return _error(errors.INTERNAL_ERROR, headers)
    return status, headers, body


def _clamped(scope: Scope) -> Scope:
    """Integers below their minimum read as the minimum."""
    parameters, pairs = _parameters(scope), []
    for name, sent in _pairs(scope):
        parameter = parameters.get(name)
        low = integer_range(parameter.schema)[0] if parameter and parameter.schema.get("type") == "integer" else None
        pairs.append((name, str(max(int(sent), low)) if low is not None and re.fullmatch(r"-\d+|0", sent) else sent))
    return {**scope, "query_string": urlencode(pairs).encode()}


def _calendar_crash(scope: Scope, status: int, headers: Headers, body: bytes) -> Answer:
    """`strptime('%Y%m%d%H%M%S')` on every date-time parameter the pattern let through; its ValueError unhandled."""
    times = {name for name, p in _parameters(scope).items() if is_date_time(p)}
    for name, value in _pairs(scope):
        if name in times and re.fullmatch(r"\d{14}", value):
            try:
                datetime.datetime.strptime(value + "+0000", "%Y%m%d%H%M%S%z")
            except ValueError:
                return _error(errors.INTERNAL_ERROR, headers)
    return status, headers, body


def _reversed_window_crash(scope: Scope, status: int, headers: Headers, body: bytes) -> Answer:
    """The window's length in days sizes a per-day buffer: a reversed window's negative size raises (500)."""
    times = [
        value for name, value in _pairs(scope) if name in {n for n, p in _parameters(scope).items() if is_date_time(p)}
    ]
    if len(times) == 2 and all(re.fullmatch(r"\d{14}", value) for value in times) and times[0] > times[1]:
        return _error(errors.INTERNAL_ERROR, headers)
    return status, headers, body


def _lenient_time(value: str) -> str:
    """The first fourteen digits, hour 24 rolled over to the next day (a lenient calendar)."""
    digits = re.sub(r"\D", "", value)[:14]
    if len(digits) == 14 and digits[8:10] == "24":
        day = datetime.datetime.strptime(digits[:8] + "+0000", "%Y%m%d%z") + datetime.timedelta(days=1)
        digits = day.strftime("%Y%m%d") + "00" + digits[10:]
    return digits


def _leniently_read(scope: Scope) -> Scope:
    times, pairs = {name for name, p in _parameters(scope).items() if is_date_time(p)}, []
    for name, value in _pairs(scope):
        pairs.append((name, _lenient_time(value) if name in times else value))
    return {**scope, "query_string": urlencode(pairs).encode()}


def query_read_as(reroute: Callable[[Scope], Scope]) -> Wrap:
    """Signed requests whose query the backend reads as `reroute` makes it (re-signed: the signature was checked on
    the query as sent)."""

    def wrap(app: ASGIApp, scenario: Scenario) -> ASGIApp:
        def caller(scope: Scope) -> Credential | None:
            return _claimed(scope, scenario) if _pairs(scope) and _parameters(scope) else None

        return ResigningGateway(app, caller, reroute)

    return wrap


BOUNDS_VARIANTS: tuple[Variant, ...] = (
    Variant("integers parsed as int32 without a guard (500)", _answers(_int32_overflow), INTEGERS),
    Variant("integers below their minimum clamped", query_read_as(_clamped), INTEGERS),
    Variant("a calendar error escapes the date parser (500)", _answers(_calendar_crash), DATE_TIMES),
    Variant("a lenient date parser", query_read_as(_leniently_read), DATE_TIMES),
    Variant("a reversed window sizes a buffer (500)", _answers(_reversed_window_crash), DATE_TIMES),
)
