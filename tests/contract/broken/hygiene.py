"""Broken emulator variants for the hygiene of answers (issue 22, item 7), two or more of different causes per rule, in
the style of `variants.py` (whose wrappers they reuse): bodies in another encoding than UTF-8, error texts that show
the server's insides, headers that name its software."""

from __future__ import annotations

import json
from collections.abc import Callable

from starlette.types import Scope

from .variants import Headers, Rewrite, Variant, _answers

UTF8 = frozenset({"json_body_utf8"})
TRACE = frozenset({"error_without_stack_trace"})
SQL = frozenset({"error_without_sql"})
ADDRESS = frozenset({"error_without_internal_address"})
HEADERS = frozenset({"headers_without_server_internals"})
Answer = tuple[int, Headers, bytes]


def _content_type(headers: Headers, value: bytes) -> Headers:
    return [*((name, v) for name, v in headers if name.lower() != b"content-type"), (b"content-type", value)]


def _json(headers: Headers) -> bool:
    return any(name.lower() == b"content-type" and b"json" in value for name, value in headers)


# -- JSON bodies are UTF-8 -----------------------------------------------------------------------------------------


def _encoded(encoding: str, charset: bytes) -> Rewrite:
    """Every JSON body written in `encoding` (non-ASCII characters as that encoding has them), labelled `charset`."""

    def rewrite(_scope: Scope, status: int, headers: Headers, body: bytes) -> Answer:
        if not _json(headers):
            return status, headers, body
        return status, _content_type(headers, b"application/json;charset=" + charset), body.decode().encode(encoding)

    return rewrite


def _localised_errors_latin1(_scope: Scope, status: int, headers: Headers, body: bytes) -> Answer:
    """The gateway's error pages in the region's language (Portuguese), written by a legacy serializer in Latin-1."""
    if status < 400 or not _json(headers):
        return status, headers, body
    document = json.loads(body)
    document["error_msg"] = "Não foi possível concluir a solicitação."
    written = json.dumps(document, ensure_ascii=False).encode("latin-1")
    return status, _content_type(headers, b"application/json;charset=ISO-8859-1"), written


# -- error texts: no stack trace, no SQL, no internal address ------------------------------------------------------


def _error_text(statuses: Callable[[int], bool], field: str, text: str) -> Rewrite:
    """The error answers of `statuses` with `text` in the body's `field` (what a framework's error handler writes)."""

    def rewrite(_scope: Scope, status: int, headers: Headers, body: bytes) -> Answer:
        if not statuses(status) or not _json(headers):
            return status, headers, body
        document = json.loads(body)
        document[field] = text
        return status, headers, json.dumps(document).encode()

    return rewrite


def _bad_request(status: int) -> bool:
    return status == 400


def _not_found(status: int) -> bool:
    return status == 404


def _server_error(status: int) -> bool:
    return status >= 500


JAVA_TRACE = (
    "java.lang.IllegalArgumentException: Invalid UUID string\n"
    "\tat java.base/java.util.UUID.fromString(UUID.java:194)\n"
    "\tat com.huawei.dcs.task.TaskController.progress(TaskController.java:88)"
)
PYTHON_TRACE = (
    "Traceback (most recent call last):\n"
    '  File "/usr/local/lib/python3.11/site-packages/flask/app.py", line 1484, in full_dispatch_request\n'
    "    rv = self.dispatch_request()\n"
    "KeyError: 'step_details'"
)
NODE_TRACE = (
    "TypeError: Cannot read properties of undefined (reading 'instances')\n"
    "    at lookup (/srv/dcs-api/src/handlers/tasks.js:41:23)"
)
SQLALCHEMY = (
    "(psycopg2.errors.InvalidTextRepresentation) invalid input syntax for type uuid\n"
    "[SQL: SELECT tasks.id, tasks.status FROM tasks WHERE tasks.instance_id = %(instance_id_1)s]"
)
MYSQL = (
    "You have an error in your SQL syntax; check the manual that corresponds to your MySQL server version for the "
    "right syntax to use near 'LIMIT -1' at line 1"
)
REDIS_TIMEOUT = "upstream redis-master-0.dcs.svc.cluster.local:6379 timed out"
SHARD_ADDRESS = "The background task does not exist on shard 10.34.7.21:3306."


# -- headers -------------------------------------------------------------------------------------------------------


def _with_header(name: bytes, value: bytes) -> Rewrite:
    def rewrite(_scope: Scope, status: int, headers: Headers, body: bytes) -> Answer:
        return status, [*headers, (name, value)], body

    return rewrite


HYGIENE_VARIANTS: tuple[Variant, ...] = (
    Variant("JSON in GBK, the region's legacy encoding", _answers(_encoded("gbk", b"GBK")), UTF8),
    Variant("JSON in UTF-16 with a byte order mark", _answers(_encoded("utf-16", b"utf-16")), UTF8),
    Variant("localised errors in Latin-1", _answers(_localised_errors_latin1), UTF8),
    Variant("a Java stack trace in 400s", _answers(_error_text(_bad_request, "error_msg", JAVA_TRACE)), TRACE),
    Variant("a Python traceback in 500s", _answers(_error_text(_server_error, "error_msg", PYTHON_TRACE)), TRACE),
    Variant("a Node stack in error_ext_msg", _answers(_error_text(_not_found, "error_ext_msg", NODE_TRACE)), TRACE),
    Variant("an ORM's SQL error in 400s", _answers(_error_text(_bad_request, "error_msg", SQLALCHEMY)), SQL),
    Variant("a MySQL syntax error in 400s", _answers(_error_text(_bad_request, "error_ext_msg", MYSQL)), SQL),
    Variant("a cluster host in 500s", _answers(_error_text(_server_error, "error_msg", REDIS_TIMEOUT)), ADDRESS),
    Variant("a shard's 10.x address in 404s", _answers(_error_text(_not_found, "error_msg", SHARD_ADDRESS)), ADDRESS),
    Variant("X-Powered-By: Express", _answers(_with_header(b"x-powered-by", b"Express")), HEADERS),
    Variant("Server: Apache/2.4.41 (Ubuntu)", _answers(_with_header(b"server", b"Apache/2.4.41 (Ubuntu)")), HEADERS),
    Variant("Via an internal proxy's address", _answers(_with_header(b"via", b"1.1 10.0.3.7:3128 (squid)")), HEADERS),
)
