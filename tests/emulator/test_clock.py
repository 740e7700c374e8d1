"""Clocks: scaled real time for a running emulator, a manual clock for tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from contract_tests.emulator import ManualClock, ScaledClock


class FakeMonotonic:
    def __init__(self) -> None:
        self.value = 1000.0

    def __call__(self) -> float:
        return self.value


def test_scaled_clock_runs_speed_times_faster_than_real_time() -> None:
    monotonic = FakeMonotonic()
    origin = datetime(2024, 1, 1, tzinfo=UTC)
    clock = ScaledClock(speed=60, origin=origin, monotonic=monotonic)
    assert clock.now() == origin
    monotonic.value += 2.5
    assert clock.now() == origin + timedelta(seconds=150)
    clock.advance(30)
    assert clock.now() == origin + timedelta(seconds=180)
    assert clock.origin == origin


def test_scaled_clock_defaults_to_now_and_rejects_bad_speed() -> None:
    before = datetime.now(UTC)
    assert before <= ScaledClock().origin <= datetime.now(UTC)
    for speed in (0, -1):
        with pytest.raises(ValueError, match="speed must be positive"):
            ScaledClock(speed=speed)


def test_manual_clock_moves_only_when_told() -> None:
    clock = ManualClock(datetime(2024, 1, 1, tzinfo=UTC))
    assert clock.now() == clock.origin
    clock.advance(90)
    clock.advance(-30)
    assert clock.now() == clock.origin + timedelta(seconds=60)
    clock.set(datetime(2030, 1, 1, tzinfo=UTC))
    assert clock.now().year == 2030
    assert clock.origin.year == 2024
