"""The gateway's AK/SK lockout: more than five failed authentications in a row lock the key for five
minutes of the emulator's clock; a success in between ends the run; temporary credentials need their token."""

from __future__ import annotations

import attrs
import httpx
import pytest

from contract_tests.emulator import Scenario, TaskRef, emulator_of
from tests.emulator.conftest import Running
from tests.emulator.helpers import progress_path, signed_headers


def _send(served: Running, scenario: Scenario, task: TaskRef, *, good: bool) -> httpx.Response:
    demo = scenario.demo if good else attrs.evolve(scenario.demo, secret_key="wrong")
    path = progress_path(task)
    return served.client.get(path, headers=signed_headers(demo, path, host=served.host))


def test_five_failures_in_a_row_lock_nothing(served: Running, scenario: Scenario, example: TaskRef) -> None:
    for _ in range(3):
        assert [_send(served, scenario, example, good=False).status_code for _ in range(5)] == [401] * 5
        assert _send(served, scenario, example, good=True).status_code == 200
    lockout = emulator_of(served.app).lockout
    assert lockout is not None
    assert lockout.peak[scenario.demo.access_key] == 5
    assert lockout.locks == {}


def test_a_burst_of_six_locks_the_key_for_five_minutes(served: Running, scenario: Scenario, example: TaskRef) -> None:
    assert [_send(served, scenario, example, good=False).status_code for _ in range(6)] == [401] * 6
    locked = _send(served, scenario, example, good=True)
    assert locked.status_code == 401
    assert "locked" in locked.json()["error_msg"]
    assert locked.json()["error_code"] == "APIG.0301"
    served.clock.advance(299)
    assert _send(served, scenario, example, good=True).status_code == 401
    served.clock.advance(1)
    assert _send(served, scenario, example, good=True).status_code == 200
    # other keys were never affected
    state = served.client.get("/_emulator/state").json()["lockout"]
    assert state["locks"] == {scenario.demo.access_key: 1}


@pytest.mark.parametrize(("token", "expected"), [("sent", 200), ("dropped", 401), ("altered", 401)])
def test_temporary_credentials_need_their_security_token(
    served: Running, scenario: Scenario, example: TaskRef, token: str, expected: int
) -> None:
    temporary = next(c for c in scenario.credentials if c.security_token)
    path = progress_path(example)
    value = {"sent": temporary.security_token, "altered": "other-token", "dropped": None}[token]
    extra = {"X-Security-Token": value} if value else None
    headers = signed_headers(temporary, path, host=served.host, extra=extra)
    assert served.client.get(path, headers=headers).status_code == expected
