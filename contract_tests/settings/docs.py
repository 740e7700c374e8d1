"""The settings table of docs/contract-suite.md, rendered from `settings.table` (`settings_table`); a test keeps the
page equal to it. `python -m contract_tests.settings.docs` prints it.
"""

from __future__ import annotations

from .table import SUITE_RUNS, ByKind, Kind, Row, rows

# Where a row applies, as the table says it: the suite's kinds of target ("both": the emulator and BASE_URL), then
# the proxy.
SUITE_LABELS = {SUITE_RUNS: "both", frozenset({Kind.REMOTE}): "BASE_URL", frozenset({Kind.EMULATOR}): "emulator"}


def applies_to(kinds: frozenset[Kind]) -> str:
    """`both`, `BASE_URL`, `emulator`, `proxy`, or the suite's with the proxy: `both, proxy`."""
    names = [SUITE_LABELS[kinds & SUITE_RUNS]] if kinds & SUITE_RUNS else []
    return ", ".join([*names, *(["proxy"] if Kind.PROXY in kinds else [])])


def _default(row: Row) -> str:
    default = row.default
    if isinstance(default, ByKind):
        return default.shown(row.kinds)
    if default is None or default in ((), ""):
        return "—"
    if isinstance(default, bool):
        return str(int(default))
    return str(default)


def _setting(row: Row) -> str:
    names = f"`{row.name}`"
    names += f" (`{row.option}`)" if row.flag else " (environment only)"
    if row.aliases:
        names += "; formerly " + ", ".join(f"`{alias}`" for alias in row.aliases)
    return names


def settings_table() -> str:
    lines = [
        "| setting (flag) | default | applies to | what it does | shared staging |",
        "|---|---|---|---|---|",
    ]
    lines += [
        f"| {_setting(row)} | {_default(row)} | {applies_to(row.kinds)} | {row.doc} | {row.staging} |"
        for _, row in rows()
    ]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(settings_table(), end="")
