"""Fault injection (seeded, off by default) and the control API that sets it."""

from __future__ import annotations

import httpx
import pytest

from contract_tests.emulator import FaultConfig, Scenario, create_app, emulator_of, parse_scenario
from contract_tests.emulator.faults import Fault, FaultInjector
from contract_tests.emulator.server import serve_in_thread
from tests.emulator.conftest import ORIGIN, Running, restore
from tests.emulator.helpers import SpecOracle, progress_path, signed_headers

# A scenario of one task, with its own credentials.
SOLO_SCENARIO = """
credentials:
  - name: solo
    access_key: SOLOAK
    secret_key: solo-sk
    token: solo-token
    projects: ['11111111111111111111111111111111']
projects:
  - id: '11111111111111111111111111111111'
    instances:
      - id: '22222222222222222222222222222222'
        name: solo
        tasks:
          - {id: '33333333333333333333333333333333', name: T, start: 0, steps: [{id: s, name: S, duration: 10}]}
"""


def test_faults_are_off_by_default() -> None:
    injector = FaultInjector()
    assert not injector.config.active
    assert {injector.decide().fault for _ in range(1000)} == {None}


def test_the_same_seed_gives_the_same_faults() -> None:
    config = FaultConfig(seed=42, error_500=0.1, error_503=0.1, throttle_429=0.1, drop=0.1, jitter_ms=5)
    first = [FaultInjector(config).decide() for _ in range(1)]
    runs = [[injector.decide() for _ in range(500)] for injector in (FaultInjector(config), FaultInjector(config))]
    assert runs[0] == runs[1]
    assert first[0] == runs[0][0]
    counts = {fault: sum(d.fault is fault for d in runs[0]) for fault in Fault}
    assert all(20 < count < 90 for count in counts.values()), counts  # about 10 % of 500 each, in order
    assert all(0 <= d.delay <= 0.005 for d in runs[0])
    other = [FaultInjector(FaultConfig(**{**config.to_dict(), "seed": 43})).decide() for _ in range(500)]
    assert other != runs[0]


def test_rate_limit_throttles_per_one_second_window() -> None:
    now = [100.0]
    injector = FaultInjector(FaultConfig(rate_limit=3), monotonic=lambda: now[0])
    assert [injector.decide().fault for _ in range(5)] == [None, None, None, Fault.THROTTLE, Fault.THROTTLE]
    now[0] += 1.0
    assert injector.decide().fault is None


def test_fault_settings_are_parsed_and_checked() -> None:
    config = FaultConfig.parse("latency_ms=20, error_503=0.5,seed=7,rate_limit=200")
    assert (config.latency_ms, config.error_503, config.seed, config.rate_limit) == (20.0, 0.5, 7, 200.0)
    assert FaultConfig.parse("") == FaultConfig()
    for bad, message in (
        ("error_500=2", "between 0 and 1"),
        ("latency_ms=-1", "must not be negative"),
        ("nonsense=1", "unknown fault setting"),
        ("drop", "NAME=VALUE"),
        ("drop=often", "must be a number"),
    ):
        with pytest.raises(ValueError, match=message):
            FaultConfig.parse(bad)
    with pytest.raises(ValueError, match="must be a number"):
        FaultConfig.from_dict({"drop": True})


@pytest.mark.parametrize(
    ("config", "status", "code"),
    [
        (FaultConfig(error_500=1), 500, "DCS.5000"),
        (FaultConfig(error_503=1), 503, "DCS.5000"),
        (FaultConfig(throttle_429=1, retry_after=3), 429, "APIG.0308"),
    ],
)
def test_injected_errors_carry_the_error_body(
    served: Running, scenario: Scenario, oracle: SpecOracle, *, config: FaultConfig, status: int, code: str
) -> None:
    emulator_of(served.app).set_faults(config)
    path = progress_path(scenario.known_tasks()[0])
    response = served.client.get(path, headers=signed_headers(scenario.demo, path, host=served.host))
    assert response.status_code == status
    assert response.json()["error_code"] == code
    assert len(response.headers["x-request-id"]) == 32
    oracle.check(response)
    if status == 429:
        assert response.headers["retry-after"] == "3"


def test_dropped_connections_close_mid_response(served: Running, scenario: Scenario) -> None:
    emulator_of(served.app).set_faults(FaultConfig(drop=1))
    path = progress_path(scenario.known_tasks()[0])
    with pytest.raises(httpx.RemoteProtocolError):
        httpx.get(served.base_url + path, headers=signed_headers(scenario.demo, path, host=served.host))
    emulator_of(served.app).set_faults(FaultConfig())
    response = httpx.get(served.base_url + path, headers=signed_headers(scenario.demo, path, host=served.host))
    assert response.status_code == 200  # the server lives on


def test_control_api_is_off_unless_enabled(scenario: Scenario, oracle: SpecOracle) -> None:
    with serve_in_thread(create_app(scenario)) as base_url:
        for method, path in (("GET", "/_emulator/state"), ("POST", "/_emulator/reset")):
            response = httpx.request(method, base_url + path)
            assert response.status_code == 404
            assert oracle.check(response)["error_code"] == "DCS.4001"


def test_control_api_moves_the_clock_sets_faults_and_resets(served: Running, scenario: Scenario) -> None:
    client, example = served.client, scenario.known_tasks()[0]
    path = progress_path(example)

    def progress() -> int:
        response = client.get(path, headers={"X-Auth-Token": str(scenario.demo.token)})
        return int(response.json()["progress"]) if response.status_code == 200 else response.status_code

    state_response = client.get("/_emulator/state")
    assert len(state_response.headers["x-request-id"]) == 32
    state = state_response.json()
    assert state["known_tasks"][0] == example._asdict()
    assert progress() == 30
    assert client.post("/_emulator/clock/advance", json={"seconds": 3600}).status_code == 200
    assert progress() == 100
    assert client.put("/_emulator/faults", json={"error_503": 1, "seed": 3}).json()["faults"]["error_503"] == 1
    assert progress() == 503
    for bad in ({"error_503": 5}, {"unknown": 1}, [1]):
        response = client.put("/_emulator/faults", json=bad)
        assert (response.status_code, response.json()["error_code"]) == (400, "DCS.4800")
    assert client.post("/_emulator/clock/advance", json={"seconds": "soon"}).status_code == 400
    assert client.post("/_emulator/clock/advance", content=b"\xff").status_code == 400
    assert client.post("/_emulator/reset").status_code == 200
    assert emulator_of(served.app).faults.config == FaultConfig()
    served.clock.set(served.clock.origin)  # an injected clock is the test's to move
    assert progress() == 30


def test_control_api_loads_another_scenario(served: Running, scenario: Scenario) -> None:
    client = served.client
    response = client.post("/_emulator/scenario", content=SOLO_SCENARIO.encode())
    assert response.status_code == 200
    assert response.json()["scenario"] == "control-api"
    solo = {"X-Auth-Token": "solo-token"}
    assert (
        client.get(
            "/v2/" + "1" * 32 + "/instances/" + "2" * 32 + "/tasks/" + "3" * 32 + "/progress", headers=solo
        ).json()["step_details"][0]["step_status"]
        == "EXECUTING"
    )
    old = progress_path(scenario.known_tasks()[0])
    assert client.get(old, headers={"X-Auth-Token": str(scenario.demo.token)}).status_code == 401  # old tokens gone
    bad = client.post("/_emulator/scenario", content=b"projects: [")
    assert (bad.status_code, bad.json()["error_code"]) == (400, "DCS.4800")
    assert "not valid YAML" in bad.json()["error_msg"]
    assert client.post("/_emulator/reset").status_code == 200
    assert client.get(old, headers={"X-Auth-Token": str(scenario.demo.token)}).status_code == 200


def test_each_test_starts_from_the_start_state(served: Running, scenario: Scenario) -> None:
    emulator = emulator_of(served.app)
    emulator.load(parse_scenario(SOLO_SCENARIO))
    emulator.set_faults(FaultConfig(error_503=1))
    served.clock.advance(3600)
    restore(served)
    assert (emulator.scenario, emulator.faults.config, served.clock.now()) == (scenario, FaultConfig(), ORIGIN)
