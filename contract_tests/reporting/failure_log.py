"""The failing exchanges of a run (`FailureLog`, a `record.recording.RunObserver`): for each failure the report
keeps, the request and the answer it got, scrubbed (`exchanges.capture`); and how many answers each check failed.
The HTML report shows them and the HAR file holds them.
"""

from __future__ import annotations

from collections import Counter

import requests

from ..record.exchanges import Answer, Exchange, capture
from ..record.findings import FailureRecord
from ..record.recording import RunObserver

FailureKey = tuple[str, str]  # (check, title), as `SuiteReport.failures` keys them


class FailureLog(RunObserver):
    def __init__(self, secrets: tuple[str, ...]) -> None:
        self.secrets = secrets
        self.exchanges: dict[FailureKey, Exchange] = {}  # the latest of each kind, as the report keeps it
        self.failed: Counter[str] = Counter()  # check → answers (or requests without one) it failed

    def failure_recorded(self, failure: FailureRecord, response: Answer | None) -> None:
        self.failed[failure.check] += 1
        request = getattr(response, "request", None)
        if isinstance(request, requests.PreparedRequest):
            self.exchanges[failure.check, failure.title] = capture(request, response, self.secrets)

    def request_failed(self, failure: FailureRecord, request: requests.PreparedRequest) -> None:
        self.exchanges[failure.check, failure.title] = capture(request, None, self.secrets)
