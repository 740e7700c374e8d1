"""``dcs-tasks watch`` in a real terminal (tmux) while the emulator's clock runs 30 times fast.

The screen is read with ``capture-pane`` as the task runs: the progress bar must advance (its
head, drawn as ``╸``/``╺`` between the done and the remaining part, moves right as the percentage
grows) and the last screen must show the finished task; the countdown ticks every second between
polls; log lines (``DCS_LOG=debug``) print above the live view, never inside it; ``--output json``
writes JSON Lines. Ctrl-C must end the watch with 130.
"""

from __future__ import annotations

import itertools
import json
import re
import shlex
from collections.abc import Iterator
from pathlib import Path

import pytest

from scripts.task_scenarios import INSTANCE_ID, TaskSpec
from tests.terminal import Tmux, history, timed_screens, tmux_server

from .conftest import DCS_TASKS, FINISHING, LONG, Emulator

pytestmark = pytest.mark.slow  # runs the installed dcs-tasks against an emulator process

PERCENT = re.compile(r"(\d+)%\s+remaining")
REMAINING = re.compile(r"remaining (?:(\d+)h )?(\d+)m (\d+)s")


@pytest.fixture
def tmux(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Tmux]:
    with tmux_server(tmp_path_factory.mktemp("tmux")) as run:
        yield run


def start_watch(
    tmux: Tmux,
    emulator: Emulator,
    task: TaskSpec,
    directory: Path,
    *options: str,
    env: dict[str, str] | None = None,
) -> None:
    """``dcs-tasks watch`` in a 110 x 30 tmux pane (``options``: default ``--max-interval 1``)."""
    exported = " ".join(f"{name}={shlex.quote(value)}" for name, value in {**emulator.env, **(env or {})}.items())
    options = options or ("--max-interval", "1")
    command = [str(DCS_TASKS), "--endpoint", emulator.url, "watch", *options, INSTANCE_ID, task.task_id]
    script = directory / "watch.sh"
    # The shell catches SIGINT (a handler, unlike an ignore, is not inherited) to outlive a Ctrl-C.
    script.write_text(f"trap : INT\nenv {exported} {shlex.join(command)}\necho EXIT=$?\nsleep 600\n", encoding="utf-8")
    tmux("new-session", "-d", "-s", "watch", "-x", "110", "-y", "30", f"sh {script}")


def screens_until(tmux: Tmux, marker: str, timeout: float = 45) -> list[str]:
    return [screen for _, screen in timed_screens(tmux, marker, timeout)]


def remaining_seconds(screen: str) -> int | None:
    found = REMAINING.search(screen)
    return None if found is None else int(found[1] or 0) * 3600 + int(found[2]) * 60 + int(found[3])


def bar(screen: str) -> tuple[int, int] | None:
    """(percentage, columns done) of the progress line, or None when it is not drawn yet."""
    line = next((line for line in screen.splitlines() if PERCENT.search(line)), None)
    if line is None:
        return None
    match = PERCENT.search(line)
    assert match is not None
    head = re.search("[╸╺]", line)
    done = head.start() - line.index("━") if head else (40 if match[1] == "100" else 0)
    return int(match[1]), done


def test_watch_draws_the_bar_advancing_and_the_finished_task(
    emulator: Emulator, tmux: Tmux, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    start_watch(tmux, emulator, FINISHING, tmp_path)
    screens = screens_until(tmux, "EXIT=")
    bars = [b for b in map(bar, screens) if b is not None]
    percents = [percent for percent, _ in bars]
    assert percents == sorted(percents)
    intermediate = sorted({p for p in percents if 0 < p < 100})
    assert len(intermediate) >= 3, percents
    # The bar's head moves right with the percentage (40 columns for 100 %).
    for percent, done in bars:
        assert abs(done - percent * 40 / 100) <= 1, (percent, done)
    heads = [done for _, done in bars]
    assert heads == sorted(heads)
    assert heads[0] < heads[-1] == 40
    final = screens[-1]
    assert "100%" in final
    assert "remaining 0m 00s" in final
    assert f"finished: task {FINISHING.task_id}" in final
    assert "EXIT=0" in final
    for name in ("Pre-check", "Data migration", "└ Migrate shard 3"):
        row = next(line for line in final.splitlines() if name in line and line.startswith("│"))
        assert "FINISH" in row
    assert "Data migration: EXECUTING → FINISH" in final
    with capsys.disabled():  # the final screen, for the record
        print(f"\npercentages on screen: {sorted(set(percents))}\n--- final tmux screen ---\n{final.rstrip()}")


def test_ctrl_c_stops_watch_with_130(emulator: Emulator, tmux: Tmux, tmp_path: Path) -> None:
    start_watch(tmux, emulator, LONG, tmp_path)
    screens_until(tmux, "remaining")
    tmux("send-keys", "-t", "watch", "C-c")
    final = screens_until(tmux, "EXIT=", timeout=10)[-1]
    assert "interrupted" in final
    assert "EXIT=130" in final
    assert "Traceback" not in final


def test_the_countdown_ticks_every_second_between_polls(
    emulator: Emulator, tmux: Tmux, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Polls 5 s apart (the emulator's estimate then drops 150 s, its clock running 30 times fast); in between,
    the remaining time on screen counts down by one second every second instead of standing still."""
    start_watch(tmux, emulator, LONG, tmp_path, "--min-interval", "5", "--max-interval", "5")
    seen = [(at, remaining_seconds(screen)) for at, screen in timed_screens(tmux, "", timeout=12)]
    shown = [(at, value) for at, value in seen if value is not None]
    changes = [(at, value) for (_, before), (at, value) in itertools.pairwise(shown) if value != before]
    changes.insert(0, shown[0])
    steps = [before - after for (_, before), (_, after) in itertools.pairwise(changes)]
    polls = [step for step in steps if step > 30]  # the estimate drops 150 s between polls 5 s apart
    ticks = [step for step in steps if step <= 30]
    assert len(polls) >= 1, changes
    assert len(ticks) >= 8, changes
    assert set(ticks) <= {1, 2}, changes  # one second at a time (2 when a capture falls between two ticks)
    held = [after - before for (before, _), (after, _) in itertools.pairwise(changes)]
    assert max(held) < 1.8, changes  # no value stays on screen much longer than a second
    with capsys.disabled():
        print("\n--- the countdown on screen (seconds since start, remaining s) ---")
        print(", ".join(f"{at:.1f}:{value}" for at, value in changes))


def test_log_lines_never_garble_the_live_view(
    emulator: Emulator, tmux: Tmux, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """With DCS_LOG=debug, each request's log lines print above the view: one view on screen at every moment."""
    start_watch(tmux, emulator, FINISHING, tmp_path, env={"DCS_LOG": "debug"})
    screens = screens_until(tmux, "EXIT=")
    for screen in screens:
        assert len(PERCENT.findall(screen)) <= 1, screen
    everything = history(tmux)
    assert everything.splitlines().count(f"task {FINISHING.task_id}") == 1, everything
    assert everything.count("┏") == 1, everything
    logged = [line for line in everything.splitlines() if "dcs_tasks DEBUG]" in line]
    assert len(logged) >= 6
    assert all(line.startswith("[") for line in logged), logged
    assert "EXIT=0" in everything
    with capsys.disabled():
        print(f"\n--- final tmux screen, DCS_LOG=debug ---\n{screens[-1].rstrip()}")


def test_watch_json_in_a_terminal_writes_json_lines(
    emulator: Emulator, tmux: Tmux, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    start_watch(tmux, emulator, FINISHING, tmp_path, "--max-interval", "1", "--output", "json")
    screens = screens_until(tmux, "EXIT=")
    lines = [line for line in history(tmux).splitlines() if line.strip()]
    exit_line = lines.index("EXIT=0")
    records = [json.loads(line) for line in lines[:exit_line]]
    assert len(records) >= 4
    assert {record["event"] for record in records[:-1]} == {"poll"}
    assert records[-2]["progress"] == 100
    assert records[-1] == {"event": "result", "task_id": FINISHING.task_id, "outcome": "finished", "exit_code": 0}
    assert "━" not in "".join(screens), "no live view in JSON mode"
    with capsys.disabled():
        print(f"\n--- final tmux screen, --output json ---\n{screens[-1].rstrip()}")
