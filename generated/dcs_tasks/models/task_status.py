# Generated from openapi/dcs.yaml by openapi-python-client 0.29.1: do not edit, run `make generate`.
from enum import StrEnum


class TaskStatus(StrEnum):
    CREATED = "CREATED"
    EXECUTING = "EXECUTING"
    FAILED = "FAILED"
    SUCCESS = "SUCCESS"
    WAITING = "WAITING"

    def __str__(self) -> str:
        return str(self.value)
