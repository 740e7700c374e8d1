"""The command line of `make contract-merge`: join several runs' reports into one (the shards of a campaign, and runs
against different targets, a column each).

    python -m contract_tests.merge [--reports-dir DIR] DIR|LABEL=DIR …

Each argument is a REPORTS_DIR `make contract` wrote (`LABEL=DIR` names the part's target in the merged report;
unnamed, a part is grouped by its BASE_URL). It writes one JSON summary, one HTML report, one JUnit XML file and
one HAR file of failing exchanges to `--reports-dir` (else REPORTS_DIR from the environment, else reports/merged),
never into one of the parts' directories. Exit status: the worst of the parts' (2 > 1 > 0), 2 also when the parts
are not complete campaigns (a shard missing or given twice, shards of different seeds) or cannot be read.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from .reporting.merged_report import write_merged
from .reporting.merging import MergeError, merge, read_part
from .reporting.outputs import OutputPaths

DEFAULT_DIR = Path("reports") / "merged"


def main(argv: list[str] | None = None, environ: dict[str, str] | None = None) -> int:
    environ = dict(os.environ) if environ is None else environ
    parser = argparse.ArgumentParser(prog="python -m contract_tests.merge", description=__doc__.split("\n\n")[0])
    parser.add_argument("parts", nargs="+", metavar="DIR|LABEL=DIR", help="a REPORTS_DIR of `make contract`")
    parser.add_argument(
        "--reports-dir",
        type=Path,
        default=Path(environ.get("REPORTS_DIR") or DEFAULT_DIR),
        help=f"where the merged reports go [REPORTS_DIR; default {DEFAULT_DIR}]",
    )
    arguments = parser.parse_args(argv)
    paths = OutputPaths(arguments.reports_dir)
    try:
        parts = [read_part(argument) for argument in arguments.parts]
    except MergeError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    out = paths.summary_json.parent.resolve()
    if any(OutputPaths(part.directory).summary_json.parent.resolve() == out for part in parts):
        print(f"error: the merged reports would overwrite a part's own ({out}); give --reports-dir", file=sys.stderr)
        return 2
    merged = merge(parts)
    write_merged(paths, merged, parts)
    for key, target in merged["targets"].items():
        shards = ", ".join(part["shard"] or "whole run" for part in target["parts"])
        print(
            f"{key}: {len(target['parts'])} part(s) ({shards}), {target['cases']} cases, "
            f"{target['requests_sent']} requests, {len(target['failures'])} failures, "
            f"missing statuses: {'; '.join(target['missing_statuses']) or 'none'}; exit code {target['exit_code']}"
        )
        if target["coverage"]:
            print(f"  coverage: {target['coverage']['summary']}")
    for problem in merged["problems"]:
        print(f"problem: {problem}")
    print(f"reports: {paths.summary_json}, {paths.html}, {paths.junit_xml}, {paths.har}")
    print(f"result:      exit code {merged['exit_code']} (the worst of {len(parts)} part(s))")
    return int(merged["exit_code"])


if __name__ == "__main__":
    sys.exit(main())
