"""The rules under the time and hygiene checks, one text or schema at a time: every date-time field the spec's answers
carry is one the time checks pair, and what counts as a disclosure (ZAP's passive rules' shapes, from several
platforms) and what does not (the vendor's own messages, what the client sent)."""

from __future__ import annotations

from typing import Any

import pytest

from contract_tests.checks import disclosure
from contract_tests.checks.hygiene import Seen, json_body_utf8
from contract_tests.checks.times import PAIRS
from contract_tests.emulator import errors
from contract_tests.spec.api import ApiSpec, load_spec


def _date_time_fields(spec: ApiSpec, schema: Any, depth: int = 0) -> set[str]:
    if not isinstance(schema, dict) or depth > 20:
        return set()
    schema = spec.merged(schema)
    found = set()
    for name, prop in (schema.get("properties") or {}).items():
        merged = spec.merged(prop) if isinstance(prop, dict) else {}
        if "date-time" in (merged.get("x-sdk-format"), merged.get("format")):
            found.add(name)
        found |= _date_time_fields(spec, prop, depth + 1)
    return found | _date_time_fields(spec, schema.get("items"), depth + 1)


def test_every_date_time_field_of_the_spec_s_answers_is_paired() -> None:
    """A date-time field added to an answer's schema must be given its place in a pair (`times.PAIRS`) to be judged
    beyond `times_not_in_the_future`, which finds every one by the schema."""
    spec = load_spec()
    fields = set()
    for operation in spec.operations:
        for node in operation.bodies.values():
            fields |= _date_time_fields(spec, node.schema)
    paired = {name for pair in PAIRS for name in pair}
    assert fields, "the spec's answers carry no date-time field"
    assert fields == paired


DISCLOSING = [
    ("java", "java.lang.NullPointerException\n\tat com.example.dcs.TaskService.get(TaskService.java:42)"),
    ("kotlin", "kotlin.KotlinNullPointerException at io.ktor.server.Handler.invoke(Handler.kt:12)"),
    ("python", 'Traceback (most recent call last):\n  File "/srv/app/views.py", line 3, in get'),
    ("python exception", "KeyError: 'instance_id'"),
    ("go", "panic: runtime error: invalid memory address\n\ngoroutine 1 [running]:\nmain.main()\n\t/src/main.go:9"),
    (
        "dotnet",
        "System.InvalidOperationException: Sequence contains no elements\n   at Dcs.Api.Get() in D:\\a\\x.cs:line 7",
    ),
    ("node", "TypeError: Cannot read properties of undefined (reading 'id')\n    at get (/srv/api/tasks.js:10:5)"),
    ("windows path", "Could not open C:\\inetpub\\wwwroot\\dcs\\web.config"),
    ("rust", "thread 'tokio-runtime-worker' panicked at src/handlers/progress.rs:57:14"),
    ("ruby", "undefined method `steps' for nil (NoMethodError)\napp/controllers/tasks_controller.rb:12:in `show'"),
    ("php", "PHP Fatal error: Uncaught Error: Call to a member function get() on null in /var/www/api.php:12"),
]
SQL = [
    "ORA-00933: SQL command not properly ended",
    "SQLSTATE[42000]: Syntax error or access violation",
    'pq: duplicate key value violates unique constraint "tasks_pkey"',
    "com.microsoft.sqlserver.jdbc.SQLServerException: Incorrect syntax near 'LIMIT'.",
    "sqlite3.OperationalError: no such table: tasks",
    "[SQL: SELECT tasks.id FROM tasks WHERE tasks.id = ?]",
    "ER_BAD_FIELD_ERROR: Unknown column 'step' in 'field list'",
    "E11000 duplicate key error collection: dcs.tasks index: _id_",
]
INTERNAL = [
    "connect ECONNREFUSED 172.20.0.5:5432",
    "upstream 192.168.10.4 timed out",
    "metadata from 169.254.169.254 unavailable",
    "backend fd00:ec2::254 refused",
    "peer fe80::1%eth0 reset",
    "node dcs-worker-3.cn-north-4.internal is down",
    "mq.svc.cluster.local: no route",
    "lookup vault.service.consul: no such host",
]
CLEAN = [
    *(error.message for error in vars(errors).values() if isinstance(error, errors.ApiError)),
    "Incorrect IAM authentication information: verify aksk signature fail",
    "The API does not exist or has not been published in the environment.",
    "Task 1010a8c0-0100-4000-8000-000000000001 was created at 2022-09-01 11:52:24 (API v2.10.0.5).",
    "Retry after 10.5 s; limit 200 requests per 1 second.",
    "Invalid task ID format.",
]


@pytest.mark.parametrize(("shape", "text"), DISCLOSING, ids=[shape for shape, _ in DISCLOSING])
def test_stack_traces_and_exceptions_are_found(shape: str, text: str) -> None:
    patterns = (disclosure.STACK_TRACE, disclosure.EXCEPTION_CLASS, disclosure.FILE_PATH)
    assert any(disclosure.first(pattern, text) for pattern in patterns), shape


@pytest.mark.parametrize("text", SQL)
def test_sql_errors_are_found(text: str) -> None:
    assert disclosure.first(disclosure.SQL_ERROR, text)


@pytest.mark.parametrize("text", INTERNAL)
def test_internal_addresses_are_found(text: str) -> None:
    assert disclosure.internal_address(text)


@pytest.mark.parametrize("text", CLEAN)
def test_the_vendor_s_own_messages_disclose_nothing(text: str) -> None:
    patterns = (disclosure.STACK_TRACE, disclosure.EXCEPTION_CLASS, disclosure.FILE_PATH, disclosure.SQL_ERROR)
    assert not any(disclosure.first(pattern, text) for pattern in patterns)
    assert not disclosure.internal_address(text)


def test_what_the_client_sent_is_no_disclosure() -> None:
    url = "http://10.1.2.3:8080/v2/p/instances/i/tasks/SELECT%20x%20FROM%20y/progress"
    text = "The requested URL http://10.1.2.3:8080/v2/p/instances/i/tasks/SELECT x FROM y/progress does not exist."
    cleaned = disclosure.without_echo(text, disclosure.sent_parts(url))
    assert not disclosure.internal_address(cleaned)
    assert not disclosure.first(disclosure.SQL_ERROR, cleaned)
    assert disclosure.internal_address(text)  # the same text from another host's answer would be a finding


@pytest.mark.parametrize(
    ("body", "content_type", "right"),
    [
        ('{"step_name": "前置检查"}'.encode(), "application/json", True),
        (b'{"a": 1}', "application/json; charset=ISO-8859-1", True),  # ASCII is UTF-8, whatever the label
        ('{"step_name": "前置检查"}'.encode("gbk"), "application/json; charset=GBK", False),
        ('{"a": "é"}'.encode("latin-1"), "application/json", False),
        ('{"a": 1}'.encode("utf-16"), "application/json", False),
        ('{"a": 1}'.encode("utf-16-le"), "application/json", False),  # no BOM: NUL bytes
        (b'\xef\xbb\xbf{"a": 1}', "application/json; charset=utf-8", False),
    ],
)
def test_json_bodies_are_utf8_without_a_bom(body: bytes, content_type: str, right: bool) -> None:
    found = json_body_utf8(Seen(200, (("Content-Type", content_type),), body, ()))
    assert (found is None) == right, found
