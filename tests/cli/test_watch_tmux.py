"""``dcs-tasks watch`` in a real terminal (tmux) while the emulator's clock runs 30 times fast.

The screen is read with ``capture-pane`` as the task runs: the progress bar must advance (its
head, drawn as ``╸``/``╺`` between the done and the remaining part, moves right as the percentage
grows) and the last screen must show the finished task. Ctrl-C must end the watch with 130.
"""

from __future__ import annotations

import re
import shlex
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from scripts.task_scenarios import INSTANCE_ID, TaskSpec

from .conftest import DCS_TASKS, FINISHING, LONG, Emulator

pytestmark = pytest.mark.slow  # runs the installed dcs-tasks against an emulator process

PERCENT = re.compile(r"(\d+)%\s+remaining")
Tmux = Callable[..., str]


class TmuxError(RuntimeError):
    pass


@pytest.fixture
def tmux(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Tmux]:
    """tmux on its own socket (in a temporary directory), so only the server this test starts is killed."""
    socket = str(tmp_path_factory.mktemp("tmux") / "socket")

    def run(*args: str) -> str:
        done = subprocess.run(["tmux", "-S", socket, *args], capture_output=True, text=True, check=False)
        if done.returncode:
            raise TmuxError(f"tmux {' '.join(args)}: {done.stderr.strip()}")
        return done.stdout

    try:
        yield run
    finally:
        subprocess.run(["tmux", "-S", socket, "kill-server"], capture_output=True, check=False)


def start_watch(tmux: Tmux, emulator: Emulator, task: TaskSpec, directory: Path) -> None:
    env = " ".join(f"{name}={shlex.quote(value)}" for name, value in emulator.env.items())
    command = [str(DCS_TASKS), "--endpoint", emulator.url, "watch", "--max-interval", "1", INSTANCE_ID, task.task_id]
    script = directory / "watch.sh"
    # The shell catches SIGINT (a handler, unlike an ignore, is not inherited) to outlive a Ctrl-C.
    script.write_text(f"trap : INT\nenv {env} {shlex.join(command)}\necho EXIT=$?\nsleep 600\n", encoding="utf-8")
    tmux("new-session", "-d", "-s", "watch", "-x", "110", "-y", "30", f"sh {script}")


def screens_until(tmux: Tmux, marker: str, timeout: float = 45) -> list[str]:
    screens: list[str] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            screen = tmux("capture-pane", "-p", "-t", "watch")
        except TmuxError:  # the pane may not be ready yet
            time.sleep(0.2)
            continue
        if not screens or screen != screens[-1]:
            screens.append(screen)
        if marker in screen:
            return screens
        time.sleep(0.2)
    raise AssertionError(f"{marker!r} never appeared; last screen:\n{screens[-1] if screens else ''}")


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
