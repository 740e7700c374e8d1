"""The control API under ``/_emulator`` (not in the published spec; off unless enabled).

GET  /_emulator/state          clock, scenario source, known tasks, faults, AK/SK lockout
POST /_emulator/reset          back to the start scenario and faults (an owned clock restarts)
POST /_emulator/scenario       body: a scenario document (YAML or JSON) → replaces the scenario
POST /_emulator/clock/advance  body: {"seconds": N} → moves the emulated clock
PUT  /_emulator/faults         body: FaultConfig fields, e.g. {"error_503": 0.2, "seed": 7}
"""

from __future__ import annotations

import json
import uuid
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from . import errors
from .faults import FaultConfig
from .scenario import ScenarioError, parse_scenario
from .state import Emulator

MAX_CONTROL_BODY = 1 << 20


def _json(document: object, status: int = 200) -> Response:
    headers = {"X-Request-Id": uuid.uuid4().hex}  # like every other answer of the emulator
    return Response(errors.dump(document), status_code=status, media_type="application/json", headers=headers)


def _bad_request(message: str) -> Response:
    return _json({"error_msg": message[:1024], "error_code": "DCS.4800", "error_ext_msg": None}, 400)


def control_routes(emulator: Emulator) -> list[Route]:
    def state() -> dict[str, Any]:
        return {
            "now": emulator.clock.now().isoformat(),
            "origin": emulator.clock.origin.isoformat(),
            "scenario": emulator.scenario.source,
            "known_tasks": [task._asdict() for task in emulator.scenario.known_tasks()],
            "faults": emulator.faults.config.to_dict(),
            "lockout": None if emulator.lockout is None else emulator.lockout.state(),
        }

    async def get_state(_: Request) -> Response:
        return _json(state())

    async def reset(_: Request) -> Response:
        emulator.reset()
        return _json(state())

    async def load(request: Request) -> Response:
        body = await request.body()
        if len(body) > MAX_CONTROL_BODY:
            return _bad_request("scenario too large")
        try:
            emulator.load(parse_scenario(body.decode("utf-8"), source="control-api"))
        except (ScenarioError, UnicodeDecodeError) as error:
            return _bad_request(str(error))
        return _json(state())

    async def advance(request: Request) -> Response:
        document = await _json_body(request)
        seconds = document.get("seconds") if isinstance(document, dict) else None
        if isinstance(seconds, bool) or not isinstance(seconds, (int, float)):
            return _bad_request('body must be {"seconds": <number>}')
        emulator.clock.advance(float(seconds))
        return _json(state())

    async def set_faults(request: Request) -> Response:
        document = await _json_body(request)
        if not isinstance(document, dict):
            return _bad_request("body must be a JSON object of fault settings")
        try:
            emulator.set_faults(FaultConfig.from_dict(document))
        except (ValueError, TypeError) as error:
            return _bad_request(str(error))
        return _json(state())

    return [
        Route("/state", get_state, methods=["GET"]),
        Route("/reset", reset, methods=["POST"]),
        Route("/scenario", load, methods=["POST"]),
        Route("/clock/advance", advance, methods=["POST"]),
        Route("/faults", set_faults, methods=["PUT"]),
    ]


async def _json_body(request: Request) -> object:
    body = await request.body()
    try:
        return json.loads(body) if len(body) <= MAX_CONTROL_BODY else None
    except (ValueError, UnicodeDecodeError):
        return None
