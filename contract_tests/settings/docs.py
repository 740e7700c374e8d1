"""The settings table of docs/contract-suite.md, rendered from `settings.table` (`settings_table`); a test keeps the
page equal to it. `python -m contract_tests.settings.docs` prints it.
"""

from __future__ import annotations

from .table import ByKind, Kind, Row, rows

KINDS = {frozenset(Kind): "both", frozenset({Kind.REMOTE}): "BASE_URL", frozenset({Kind.EMULATOR}): "emulator"}


def _default(row: Row) -> str:
    default = row.default
    if isinstance(default, ByKind):
        return str(default)
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
        f"| {_setting(row)} | {_default(row)} | {KINDS[row.kinds]} | {row.doc} | {row.staging} |" for _, row in rows()
    ]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(settings_table(), end="")
