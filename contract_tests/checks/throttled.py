"""A throttled answer (429) judged against the spec before the transport sends its request again
(`ThrottledAnswers`, the `throttled` hook of `record.transport.paced_requests`).

A 429 is documented on every operation (`TooManyRequests`: the Error body, `X-Request-Id`, `Retry-After`), yet no
check of the run would see one: the transport waits it out and re-sends, and only the answer after it reaches the
checks. So each 429 of the run — to a generated case, a probe, a check's own request or the first verdict — is
judged here by `throttled_answer_documented` (its body, Content-Type and headers as the operation's documented
429 says, through `ApiSpec.undocumented`) and `request_id_unique`, and counted among its operation's statuses.
A 429 to a request that is no operation of the spec (an undeclared-method probe) is counted, not judged: the spec
says nothing of it.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import requests

from ..record.recording import Recorder
from ..record.request_ids import RequestIds
from ..spec.api import ApiSpec

CHECK = "throttled_answer_documented"


class ThrottledAnswers:
    """Judges the 429s of one run, recording what is wrong in its report."""

    def __init__(self, spec: ApiSpec, recorder: Recorder, request_ids: RequestIds) -> None:
        self.spec, self.recorder, self.request_ids = spec, recorder, request_ids

    def judge(self, request: requests.PreparedRequest, response: requests.Response) -> None:
        report = self.recorder.report
        found = self.spec.operation_for(str(request.method), urlsplit(str(request.url)).path)
        if found is None:
            return
        operation = found[0]
        report.by_operation[operation.operation_id][response.status_code] += 1
        report.checks[CHECK] += 1
        problems = self.spec.undocumented(operation, response.status_code, response.headers, response.content)
        if problems:
            title = f"{operation.operation_id} throttled with a {response.status_code} the spec does not document"
            self.recorder.wrong_answer(CHECK, f"{title}: {'; '.join(problems)}", response, "")
        self.recorder.request_id(self.request_ids, response)
