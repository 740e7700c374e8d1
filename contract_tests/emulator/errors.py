"""The error answers the emulator gives, with the codes the real service and its gateway use.

DCS errors carry ``error_ext_msg: null``; errors the API gateway answers itself (``APIG.*``)
carry the request ID in ``request_id`` instead, as the real gateway does.
"""

from __future__ import annotations

import json
from dataclasses import dataclass


@dataclass(frozen=True)
class ApiError:
    status: int
    code: str
    message: str
    gateway: bool = False

    def body(self, request_id: str) -> bytes:
        if self.gateway:
            return dump({"error_msg": self.message, "error_code": self.code, "request_id": request_id})
        return dump({"error_msg": self.message, "error_code": self.code, "error_ext_msg": None})


class RejectedError(Exception):
    """Stop handling a request and answer with ``error``; any layer from the handlers up raises it."""

    def __init__(self, error: ApiError) -> None:
        super().__init__(error.message)
        self.error = error


def dump(document: object) -> bytes:
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def unauthorized(reason: str) -> ApiError:
    """401 from the gateway; ``reason`` is a fixed phrase, never request data."""
    return ApiError(401, "APIG.0301", f"Incorrect IAM authentication information: {reason}", gateway=True)


URL_NOT_FOUND = ApiError(404, "DCS.4001", "The requested URL does not exist.")
METHOD_NOT_ALLOWED = ApiError(405, "DCS.5001", "The method is not allowed for the requested URL.")
FORBIDDEN = ApiError(403, "DCS.2003", "The role does not have the permission to perform this operation.")
INSTANCE_NOT_FOUND = ApiError(404, "DCS.3022", "The instance does not exist.")
# No code for a missing task is documented; the service answers unknown resources with DCS.4001.
TASK_NOT_FOUND = ApiError(404, "DCS.4001", "The background task does not exist.")
BODY_TOO_LARGE = ApiError(400, "DCS.4800", "Invalid body in the request.")
INTERNAL_ERROR = ApiError(500, "DCS.5000", "Internal service error.")
# Injected faults.
SERVICE_UNAVAILABLE = ApiError(503, "DCS.5000", "Service unavailable, try again later.")
THROTTLED = ApiError(429, "APIG.0308", "The request is throttled.", gateway=True)
# Not an answer: the sentinel for "close the connection instead of answering".
DROP = ApiError(0, "-", "dropped connection")

# Malformed path parameter → 400, one code per parameter as the real service answers.
INVALID_PARAMETER = {
    "project_id": ApiError(400, "DCS.4002", "Invalid project ID format."),
    "instance_id": ApiError(400, "DCS.4061", "Invalid instance ID format."),
    "task_id": ApiError(400, "DCS.4070", "Invalid task ID format."),
}


def invalid_parameter(name: str) -> ApiError:
    return INVALID_PARAMETER.get(name) or ApiError(400, "DCS.4800", f"Invalid {name} in the request.")
