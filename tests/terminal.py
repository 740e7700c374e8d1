"""A real terminal for tests: tmux on its own socket (`tmux_server`), its pane read with `capture-pane`."""

from __future__ import annotations

import contextlib
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path

Tmux = Callable[..., str]


class TmuxError(RuntimeError):
    pass


@contextlib.contextmanager
def tmux_server(directory: Path) -> Iterator[Tmux]:
    """tmux on a socket in `directory`, so only the server this starts is killed."""
    socket = str(directory / "socket")

    def run(*args: str) -> str:
        done = subprocess.run(["tmux", "-S", socket, *args], capture_output=True, text=True, check=False)
        if done.returncode:
            raise TmuxError(f"tmux {' '.join(args)}: {done.stderr.strip()}")
        return done.stdout

    try:
        yield run
    finally:
        subprocess.run(["tmux", "-S", socket, "kill-server"], capture_output=True, check=False)


def timed_screens(tmux: Tmux, marker: str, timeout: float = 45, pane: str = "watch") -> list[tuple[float, str]]:
    """Each new screen of `pane` with the time it was first seen, until `marker` is on screen (or the whole
    `timeout` when `marker` is empty)."""
    screens: list[tuple[float, str]] = []
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        try:
            screen = tmux("capture-pane", "-p", "-t", pane)
        except TmuxError:  # the pane may not be ready yet
            time.sleep(0.2)
            continue
        if not screens or screen != screens[-1][1]:
            screens.append((time.monotonic() - started, screen))
        if marker and marker in screen:
            return screens
        time.sleep(0.1)
    if not marker:
        return screens
    raise AssertionError(f"{marker!r} never appeared; last screen:\n{screens[-1][1] if screens else ''}")


def history(tmux: Tmux, pane: str = "watch") -> str:
    """Everything the pane has shown that is still there: scrollback and screen, wrapped lines joined."""
    return tmux("capture-pane", "-p", "-J", "-S", "-", "-t", pane)
