"""The table of the spec's operations README.md shows (`operations_table`; `make generate` renders it into the page,
`make check-generated` fails when it is stale), and the finder of every list of
operations in the docs (`operation_lists`): a test keeps the README's table equal to the spec and every other list
naming exactly the spec's operations, so adding an operation to the spec cannot leave a page stale.
`python -m contract_tests.spec.docs` prints the table.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .api import ApiSpec, load_spec

BEGIN = "<!-- operations: `python -m contract_tests.spec.docs` renders this table from openapi/dcs.yaml -->"
END = "<!-- /operations -->"
# The first word of a line, past table bars, list marks, emphasis and code quotes.
_FIRST_WORD = re.compile(r"^[\s|>*`_-]*(?P<word>[A-Za-z]\w*)")
# How the vendor names an operation (a verb, then a resource): a row naming one the spec lacks is still a row.
_OPERATION_LIKE = re.compile(r"^(?:List|Show|Delete|Create|Update|Batch|Change|Restart|Cancel|Stop|Start)[A-Z]\w*$")


def operations_table(spec: ApiSpec | None = None) -> str:
    """One row per operation of the spec, in its order: operation ID, method and path, summary."""
    spec = spec or load_spec()
    lines = ["| operation | request | what it does |", "|---|---|---|"]
    for operation in spec.operations:
        summary = spec.document["paths"][operation.path][operation.method.lower()].get("summary", "")
        lines.append(f"| *{operation.operation_id}* | `{operation.method} {operation.path}` | {summary} |")
    return "\n".join([BEGIN, *lines, END]) + "\n"


def with_operations_table(text: str, spec: ApiSpec | None = None) -> str:
    """`text` with its operations block (from `BEGIN` to `END`) rendered anew; a text without one as it was."""
    start = text.find(BEGIN)
    end = text.find(END, start)
    if start < 0 or end < 0:
        return text
    return text[:start] + operations_table(spec) + text[end + len(END) + 1 :]


@dataclass(frozen=True)
class OperationList:
    """Consecutive lines of a page each led by an operation's name (a table's rows, a status matrix)."""

    line: int  # 1-based, the first row
    names: tuple[str, ...]


def operation_lists(text: str, spec: ApiSpec | None = None) -> list[OperationList]:
    """Every run of two or more consecutive lines of `text` each starting with an operation name (the spec's, or
    one named as the vendor names operations)."""
    known = set((spec or load_spec()).by_id)
    found: list[OperationList] = []
    run: list[str] = []
    for number, line in enumerate([*text.splitlines(), ""], start=1):
        word = _FIRST_WORD.match(line)
        name = word["word"] if word else ""
        if name in known or _OPERATION_LIKE.match(name):
            run.append(name)
            continue
        if len(run) >= 2:
            found.append(OperationList(number - len(run), tuple(run)))
        run = []
    return found


def stale_lists(text: str, spec: ApiSpec | None = None) -> list[OperationList]:
    """The lists of operations in `text` that do not name exactly the spec's operations, each once."""
    spec = spec or load_spec()
    return [found for found in operation_lists(text, spec) if sorted(found.names) != sorted(spec.by_id)]


if __name__ == "__main__":
    print(operations_table(), end="")
