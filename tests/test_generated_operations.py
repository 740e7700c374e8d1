"""Adding an operation to the spec gives both clients a working method with no hand-written line.

A copy of the spec gets two operations it does not have (a GET with query parameters returning a
model, a DELETE answering 204). The copy is rendered with ``scripts.generate`` next to the
package's hand-written ``lib/``, and a subprocess imports that package and calls the new methods
of ``DcsClient`` and ``AsyncDcsClient`` against a loopback stub server that records each request.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
import yaml

from contract_tests.spec.document import SPEC_PATH
from scripts import generate

pytestmark = pytest.mark.slow  # renders the SDK with openapi-python-client

ROOT = Path(__file__).resolve().parents[1]
NEW_PATH = "/v2/{project_id}/instances/{instance_id}/widgets"
DELETE_PATH = "/v2/{project_id}/instances/{instance_id}/widgets/{widget_id}"
ERROR = {"$ref": "#/components/responses/NotFound"}
STRING = {"type": "string"}


def spec_with_extra_operations(spec: dict[str, Any]) -> dict[str, Any]:
    parameters = [{"$ref": "#/components/parameters/ProjectId"}, {"$ref": "#/components/parameters/InstanceId"}]
    spec["components"]["schemas"]["WidgetList"] = {
        "type": "object",
        "properties": {"widget_count": {"type": "integer"}, "names": {"type": "array", "items": {"type": "string"}}},
    }
    spec["paths"][NEW_PATH] = {
        "parameters": parameters,
        "get": {
            "operationId": "ListWidgets",
            "summary": "List widgets",
            "description": "An operation the real spec does not have.",
            "tags": ["Background tasks"],
            "parameters": [
                {"name": "limit", "in": "query", "schema": {"type": "integer"}},
                {"name": "name", "in": "query", "schema": {"type": "string"}},
            ],
            "responses": {
                "200": {
                    "description": "The widgets.",
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/WidgetList"}}},
                },
                "404": ERROR,
            },
        },
    }
    spec["paths"][DELETE_PATH] = {
        "parameters": [*parameters, {"name": "widget_id", "in": "path", "required": True, "schema": STRING}],
        "delete": {
            "operationId": "DeleteWidget",
            "summary": "Delete a widget",
            "description": "Answers 204 without a body.",
            "tags": ["Background tasks"],
            "responses": {"204": {"description": "Deleted."}, "404": ERROR},
        },
    }
    return spec


CALLER = textwrap.dedent(
    """
    import asyncio, json, sys, threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    import dcs_tasks
    from dcs_tasks import AsyncDcsClient, DcsClient, NotFoundError, TokenCredentials

    seen = []

    class Stub(BaseHTTPRequestHandler):
        def answer(self):
            seen.append({"method": self.command, "path": self.path, "token": self.headers.get("X-Auth-Token")})
            if self.path.endswith("/missing"):
                body = b'{"error_code": "DCS.4001", "error_msg": "no such widget"}'
                self.send_response(404)
            elif self.command == "DELETE":
                self.send_response(204)
                self.end_headers()
                return
            else:
                body = json.dumps({"widget_count": 2, "names": ["a", "b"]}).encode()
                self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_GET = do_DELETE = answer

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Stub)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    endpoint = f"http://127.0.0.1:{server.server_address[1]}"
    options = dict(endpoint=endpoint, credentials=TokenCredentials("t0k", project_id="p1"))

    def errors(call):
        try:
            call()
        except NotFoundError as error:
            return error.error_code
        return None

    with DcsClient(**options) as client:
        listed = client.list_widgets("i1", limit=5)
        deleted = client.delete_widget("i1", "w1", project_id="p2")
        missing = errors(lambda: client.delete_widget("i1", "missing"))
        raw_listed = client.with_raw_response.list_widgets("i1")
        raw_deleted = client.with_raw_response.delete_widget("i1", "w3")

    async def main():
        async with AsyncDcsClient(**options) as client:
            listed = await client.list_widgets("i1", name="x y")
            deleted = await client.delete_widget("i1", "w2")
            raw = await client.with_raw_response.delete_widget("i1", "w4")
            return listed, deleted, [raw.status_code, raw.parse()]

    async_listed, async_deleted, async_raw_deleted = asyncio.run(main())
    server.shutdown()
    print(json.dumps({
        "package": dcs_tasks.__file__,
        "listed": [type(listed).__name__, listed.widget_count, listed.names],
        "deleted": deleted,
        "missing": missing,
        "raw_listed": [raw_listed.status_code, raw_listed.parse().names],
        "raw_deleted": [raw_deleted.status_code, raw_deleted.parse()],
        "async_raw_deleted": async_raw_deleted,
        "async_listed": [type(async_listed).__name__, async_listed.widget_count],
        "async_deleted": async_deleted,
        "seen": seen,
    }))
    """
)


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("extra")
    spec = work / "dcs.yaml"
    original = yaml.safe_load(SPEC_PATH.read_text(encoding="utf-8"))
    spec.write_text(yaml.safe_dump(spec_with_extra_operations(original)), encoding="utf-8")
    output = work / "generated"
    generate.render(output, spec)
    shutil.copytree(ROOT / "generated" / "dcs_tasks" / "lib", output / "dcs_tasks" / "lib")
    return output


def test_both_clients_call_a_new_operation_with_no_hand_written_line(rendered: Path) -> None:
    environment = {**os.environ, "PYTHONPATH": str(rendered)}
    result = subprocess.run(
        [sys.executable, "-c", CALLER], capture_output=True, text=True, check=False, env=environment, cwd=rendered
    )
    assert result.returncode == 0, result.stderr
    outcome = json.loads(result.stdout)
    assert outcome["package"].startswith(str(rendered)), "the rendered copy, not the installed SDK, was imported"
    assert outcome["listed"] == ["WidgetList", 2, ["a", "b"]]
    assert outcome["deleted"] is None
    assert outcome["missing"] == "DCS.4001", "a documented error becomes the typed NotFoundError"
    assert outcome["async_listed"] == ["WidgetList", 2]
    assert outcome["async_deleted"] is None
    assert outcome["raw_listed"] == [200, ["a", "b"]], "the raw variant wraps the new list operation too"
    assert outcome["raw_deleted"] == [204, None]
    assert outcome["async_raw_deleted"] == [204, None]
    assert [(request["method"], request["path"]) for request in outcome["seen"]] == [
        ("GET", "/v2/p1/instances/i1/widgets?limit=5"),
        ("DELETE", "/v2/p2/instances/i1/widgets/w1"),
        ("DELETE", "/v2/p1/instances/i1/widgets/missing"),
        ("GET", "/v2/p1/instances/i1/widgets"),
        ("DELETE", "/v2/p1/instances/i1/widgets/w3"),
        ("GET", "/v2/p1/instances/i1/widgets?name=x+y"),
        ("DELETE", "/v2/p1/instances/i1/widgets/w2"),
        ("DELETE", "/v2/p1/instances/i1/widgets/w4"),
    ]
    assert {request["token"] for request in outcome["seen"]} == {"t0k"}


def test_the_installed_package_has_no_such_method() -> None:
    from dcs_tasks import AsyncDcsClient, DcsClient  # noqa: PLC0415 - the installed package, after the render

    assert not hasattr(DcsClient, "list_widgets")
    assert not hasattr(AsyncDcsClient, "delete_widget")
