"""`SHARD=i/N` (`Shard`): which part of a campaign a run is, as the settings table reads it. What each part runs is
decided in `run.shards`; the whole run is `1/1`."""

from __future__ import annotations

import re
from dataclasses import dataclass

_SHARD = re.compile(r"^\s*(\d+)\s*/\s*(\d+)\s*$")


@dataclass(frozen=True)
class Shard:
    """Part `index` (from 1) of `count`."""

    index: int
    count: int

    @property
    def whole(self) -> bool:
        return self.count == 1

    def __str__(self) -> str:
        return f"{self.index}/{self.count}"


WHOLE = Shard(1, 1)


def shard(text: str) -> Shard:
    """`2/4` → part 2 of 4; each of 1 ≤ i ≤ N."""
    found = _SHARD.match(text)
    if found is None:
        raise ValueError(f"must look like i/N (part i of N, e.g. 1/2), got {text!r}")
    index, count = int(found[1]), int(found[2])
    if count < 1 or not 1 <= index <= count:
        raise ValueError(f"must be i/N with 1 ≤ i ≤ N, got {text!r}")
    return Shard(index, count)
