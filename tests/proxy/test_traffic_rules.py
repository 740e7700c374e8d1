"""The cross-operation rules on passing traffic, on exchanges made by hand with the times they happened at: answers
strictly one after the other are compared, overlapping ones never (the service may have answered them in either
order), and every finding is named like the suite's check."""

from __future__ import annotations

import json
from typing import Any

import pytest

from contract_tests.proxy import (
    Answer,
    AnswerSource,
    ClientAuth,
    ClientAuthKind,
    Exchange,
    ForwardedRequest,
    Outcome,
    ReceivedRequest,
    Timings,
)
from contract_tests.proxy.judging.passing import passing_of
from contract_tests.proxy.judging.traffic_rules import GONE_CHECK, LISTED_CHECK, TrafficRules
from contract_tests.spec.api import load_spec

INSTANCE = "/v2/a4d31cb6-3d72-4fdc-8ec9-6e3a41e47f71/instances/5560df16-cebf-4473-95c4-d1b573c16e79/tasks"
TASK = "8abf6e1e72c12e7c0172c15b508500aa"
DONE = {"progress": 100, "step_details": [{"step_status": "FINISH"}]}
FAILED = {"progress": 40, "step_details": [{"step_status": "FINISH"}, {"step_status": "FAILED"}]}
RUNNING = {"progress": 40, "step_details": [{"step_status": "FINISH"}, {"step_status": "EXECUTING"}]}


def listed(status: str) -> dict[str, Any]:
    return {"task_count": "1", "tasks": [{"id": TASK, "status": status}]}


class Traffic:
    """Exchanges numbered in the order they end, each sent and finished at the times given (seconds)."""

    def __init__(self) -> None:
        self.rules, self.spec, self.number = TrafficRules(), load_spec(), 0

    def __call__(
        self, method: str, path: str, status: int, body: dict[str, Any] | None, *, sent: float, finished: float
    ) -> list[str]:
        """The checks this exchange fails."""
        self.number += 1
        request = ReceivedRequest(method, path, "", (), b"", "127.0.0.1:1", "1.1")
        content = json.dumps(body).encode() if body is not None else b""
        answer = Answer(AnswerSource.UPSTREAM, status, (("content-type", "application/json"),), content, "HTTP/1.1")
        timings = Timings(1e9, sent, 0.0, sent, finished, finished)
        exchange = Exchange(
            self.number,
            request,
            ClientAuth(ClientAuthKind.UNSIGNED),
            ForwardedRequest(method, "http://upstream" + path, (), b""),
            answer,
            Outcome.FORWARDED,
            timings,
            (),
        )
        return [problem.check for problem in self.rules.judge(passing_of(exchange, self.spec, "http://proxy"))]

    def listing(self, status: str, sent: float, finished: float) -> list[str]:
        return self("GET", INSTANCE, 200, listed(status), sent=sent, finished=finished)

    def progress(self, body: dict[str, Any] | None, sent: float, finished: float, status: int = 200) -> list[str]:
        return self("GET", f"{INSTANCE}/{TASK}/progress", status, body, sent=sent, finished=finished)


@pytest.mark.parametrize(
    ("status", "body", "agrees"),
    [
        ("SUCCESS", DONE, True),
        ("SUCCESS", FAILED, False),  # the other final status
        ("FAILED", DONE, False),
        ("EXECUTING", RUNNING, True),
        ("EXECUTING", DONE, True),  # it finished between the two: moved on
        ("WAITING", RUNNING, True),
        ("SUCCESS", RUNNING, False),  # behind the listing
    ],
)
def test_a_progress_read_after_a_listing_agrees_with_it_or_has_moved_on(
    status: str, body: dict[str, Any], agrees: bool
) -> None:
    traffic = Traffic()
    assert traffic.listing(status, 0, 1) == []
    assert traffic.progress(body, 2, 3) == ([] if agrees else [LISTED_CHECK])


def test_answers_that_overlap_are_never_compared() -> None:
    traffic = Traffic()
    assert traffic.listing("SUCCESS", 0, 2) == []
    assert traffic.progress(FAILED, 1, 3) == []  # sent before the listing ended: either may be the later
    assert traffic.progress(FAILED, 2, 4) == [LISTED_CHECK]  # sent once it had ended: strictly after


def test_a_listing_after_a_progress_read_shows_the_task_at_least_as_far() -> None:
    traffic = Traffic()
    assert traffic.listing("EXECUTING", 0, 1) == []
    assert traffic.progress(DONE, 2, 3) == []  # moved on…
    assert traffic.listing("EXECUTING", 4, 5) == [LISTED_CHECK]  # … and back: the listing is behind
    assert traffic.listing("SUCCESS", 6, 7) == []


def test_a_task_whose_progress_answered_404_is_not_listed_after() -> None:
    traffic = Traffic()
    assert traffic.progress({"error_code": "DCS.4404", "error_msg": "gone"}, 0, 1, status=404) == []
    assert traffic.listing("SUCCESS", 2, 3) == [LISTED_CHECK]


def test_after_a_deletion_every_request_for_the_task_answers_404_and_no_listing_shows_it() -> None:
    traffic = Traffic()
    task = f"{INSTANCE}/{TASK}"
    assert traffic("DELETE", task, 204, None, sent=0, finished=1) == []
    assert traffic.progress(DONE, 0.5, 1.5) == []  # overlapping the deletion: not compared
    assert traffic.progress({"error_code": "DCS.4404", "error_msg": "gone"}, 2, 3, status=404) == []
    assert traffic.progress({"error_code": "APIG.0308", "error_msg": "slow down"}, 2, 3, status=429) == []
    assert traffic.progress(DONE, 4, 5) == [GONE_CHECK]
    assert traffic.listing("SUCCESS", 6, 7) == [GONE_CHECK]
    assert traffic("DELETE", task, 200, {}, sent=8, finished=9) == [GONE_CHECK]  # a repeated deletion gets 404
    assert traffic("DELETE", task, 404, {"error_code": "DCS.4404", "error_msg": "gone"}, sent=10, finished=11) == []
