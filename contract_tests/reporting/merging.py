"""Several runs' JSON summaries as one (`merge`): the parts of a sharded campaign (`SHARD=i/N`) and runs against
different targets (one region per part), read back from their REPORTS_DIRs by `make contract-merge`.

Parts are grouped by target: by the label given with the directory (`label=dir`), else by the run's BASE_URL (the
emulator's runs: `emulator`). In a group, the parts must be one whole run, or every shard 1…N of one campaign (one
SEED, MAX_EXAMPLES and N); anything else is a problem the merge reports (exit code 2), with what it could join.
A group's counts are the sums of its parts'; its coverage is the union (an item is covered when any part covered
it: the parts list, complete, what they did not cover); a required status is missing when the part that
required it (the one running its operation) missed it and no other part's answers reached it either.
The merged exit code is the worst of the parts' (2 > 1 > 0), and at least what the merge itself found.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .coverage import FIGURES, Figure, figures_text
from .outputs import OutputPaths

EMULATOR = "emulator"
SUMMED = (  # counters of a summary, summed over the parts: {key: count}
    "cases_by_status",
    "cases_by_phase",
    "auth_probes_by_status",
    "other_probes_by_status",
    "checks",
    "fetched_by_status",
    "withheld_because",
    "state_changing_sent",
    "excused",
)


class MergeError(Exception):
    """A part that cannot be read (no summary, not JSON, a merged summary): nothing is merged."""


@dataclass(frozen=True)
class Part:
    """One run's REPORTS_DIR and what its summary says."""

    directory: Path
    summary: Mapping[str, Any]
    label: str = ""  # given with the directory (`label=dir`), else ""

    @property
    def key(self) -> str:
        """The target it ran against, as the merged report's column is headed."""
        return self.label or self.summary.get("base_url") or EMULATOR

    @property
    def shard(self) -> tuple[int, int] | None:
        part = self.summary.get("shard")
        return (int(part["index"]), int(part["count"])) if isinstance(part, Mapping) else None

    @property
    def ran(self) -> bool:
        return "not_run" not in self.summary and "requirements" in self.summary

    @property
    def exit_code(self) -> int:
        return int(self.summary.get("exit_code", 2))

    @property
    def name(self) -> str:
        shard = self.shard
        return f"{self.key}" + (f" shard {shard[0]}/{shard[1]}" if shard else "")


def read_part(argument: str) -> Part:
    """`dir` or `label=dir`: the run's summary in that directory (as `make contract` wrote it)."""
    label, _, where = argument.rpartition("=") if "=" in argument else ("", "", argument)
    directory = Path(where)
    path = OutputPaths(directory).summary_json
    try:
        summary = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise MergeError(f"{argument}: no {path.name} in {directory} (a REPORTS_DIR of `make contract`)") from None
    except ValueError as error:
        raise MergeError(f"{argument}: {path} is not JSON ({error})") from None
    if not isinstance(summary, dict) or "targets" in summary:
        raise MergeError(f"{argument}: {path} is a merged summary (merge the runs' own directories)")
    return Part(directory, summary, label.strip())


def _summed(dicts: Iterable[Mapping[str, int]]) -> dict[str, int]:
    total: Counter[str] = Counter()
    for each in dicts:
        total.update(each)
    return dict(sorted(total.items()))


def _summed_nested(dicts: Iterable[Mapping[str, Mapping[str, int]]]) -> dict[str, dict[str, int]]:
    keys: dict[str, list[Mapping[str, int]]] = {}
    for each in dicts:
        for key, inner in each.items():
            keys.setdefault(key, []).append(inner)
    return {key: _summed(inners) for key, inners in sorted(keys.items())}


def _coverage(parts: list[Part]) -> dict[str, Any]:
    """The union of the parts' coverage: covered where any part covered."""
    found = [part.summary["coverage"] for part in parts if isinstance(part.summary.get("coverage"), Mapping)]
    if not found:
        return {}
    merged: dict[str, Any] = {}
    for name in FIGURES:
        figures = [coverage[name] for coverage in found if name in coverage]
        if not figures:
            continue
        missing = set(figures[0]["missing"]).intersection(*(figure["missing"] for figure in figures[1:]))
        total = int(figures[0]["total"])
        covered = total - len(missing)
        percent = 100.0 if total == 0 else round(100.0 * covered / total, 1)
        merged[name] = {"covered": covered, "total": total, "percent": percent, "missing": sorted(missing)}
    merged["statuses_by_operation"] = {
        label: {
            "documented": _summed(c["statuses_by_operation"][label]["documented"] for c in found),
            "undocumented": _summed(c["statuses_by_operation"][label]["undocumented"] for c in found),
        }
        for label in found[0].get("statuses_by_operation", {})
    }
    merged["links_followed"] = _summed(c.get("links_followed", {}) for c in found)
    # a link is not followed when no part followed it
    unfollowed = [c.get("links_not_followed", []) for c in found]
    merged["links_not_followed"] = [link for link in unfollowed[0] if all(link in other for other in unfollowed[1:])]
    merged["undeclared_requests"] = _summed(c.get("undeclared_requests", {}) for c in found)
    merged["summary"] = figures_text({name: Figure(merged[name]["covered"], merged[name]["total"]) for name in FIGURES})
    return merged


def _campaign_problems(key: str, parts: list[Part]) -> list[str]:
    """What keeps `parts` from being one campaign against target `key`: one whole run, or shards 1…N of one."""
    ran = [part for part in parts if part.ran]
    problems = [
        f"{key}: {part.directory} did not run ({part.summary.get('not_run', 'no report')})"
        for part in parts
        if not part.ran
    ]
    shards = [part.shard for part in parts]  # a part that did not run still says which it was
    if len(ran) > 1 and None in [part.shard for part in ran]:
        problems.append(f"{key}: {len(ran)} runs that are not shards of one campaign (label each: label=dir)")
        return problems
    settings = {(part.summary.get("seed"), part.summary.get("max_examples")) for part in ran}
    if len(settings) > 1:
        found = ", ".join(f"SEED={seed} MAX_EXAMPLES={examples}" for seed, examples in sorted(settings, key=str))
        problems.append(f"{key}: shards of different campaigns ({found}); one campaign's shards share both")
    counts = {shard[1] for shard in shards if shard is not None}
    if len(counts) > 1:
        problems.append(f"{key}: shards of different splits (N = {', '.join(map(str, sorted(counts)))})")
    elif counts:
        (count,) = counts
        indexes = Counter(shard[0] for shard in shards if shard is not None)
        absent = [str(i) for i in range(1, count + 1) if i not in indexes]
        twice = [str(i) for i, n in sorted(indexes.items()) if n > 1]
        if absent:
            problems.append(f"{key}: shard {', '.join(absent)} of {count} missing: coverage and statuses incomplete")
        if twice:
            problems.append(f"{key}: shard {', '.join(twice)} of {count} given twice")
    return problems


@dataclass
class TargetResult:
    """One target's parts joined: its summary (as a run's, plus `parts`) and what keeps it from being whole."""

    key: str
    parts: list[Part]
    summary: dict[str, Any] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        return int(self.summary["exit_code"])


def merge_target(key: str, parts: list[Part]) -> TargetResult:
    ran = [part for part in parts if part.ran]
    problems = _campaign_problems(key, parts)
    summaries = [part.summary for part in ran]
    merged: dict[str, Any] = {name: _summed(s.get(name, {}) for s in summaries) for name in SUMMED}
    merged["statuses_by_operation"] = _summed_nested(s.get("statuses_by_operation", {}) for s in summaries)
    failures = {(f["check"], f["title"]): f for s in summaries for f in s.get("failures", [])}
    reached = merged["statuses_by_operation"]
    requirements = [need for s in summaries for need in s.get("requirements", [])]
    missed_by_owner = {label for s in summaries for label in s.get("missing_statuses", [])}
    missing = [
        need["label"]
        for need in requirements
        if need["label"] in missed_by_owner
        and not any(str(status) in reached.get(need["operation"], {}) for status in need["statuses"])
    ]
    tests_failed = sum(int(s.get("tests_failed", 0)) for s in summaries)
    stopped = "; ".join(str(s["stopped"]) for s in summaries if s.get("stopped"))
    ok = not problems and not failures and not tests_failed and not (missing and not stopped)
    worst = max((part.exit_code for part in parts), default=2)
    merged |= {
        "target": "; ".join(dict.fromkeys(str(s.get("target", "")) for s in summaries)),
        "base_url": ran[0].summary.get("base_url") if ran else None,
        "seed": ran[0].summary.get("seed") if ran else None,
        "max_examples": ran[0].summary.get("max_examples") if ran else None,
        "operations": sorted({op for s in summaries for op in s.get("operations", [])}),
        "cases": sum(int(s.get("cases", 0)) for s in summaries),
        "failures": list(failures.values()),
        "tests_passed": sum(int(s.get("tests_passed", 0)) for s in summaries),
        "tests_failed": tests_failed,
        "requirements": requirements,
        "missing_statuses": missing,
        "requests_sent": sum(int(s.get("requests_sent", 0)) for s in summaries),
        "guard_requests": sum(int(s.get("guard_requests", 0)) for s in summaries),
        "reads_around_probes": sum(int(s.get("reads_around_probes", 0)) for s in summaries),
        "stopped": stopped,
        "coverage": _coverage(ran),
        "credentials": "; ".join(str(s["credentials"]) for s in summaries if s.get("credentials")),
        "problems": problems,
        "ok": ok,
        "exit_code": max(worst, 2 if problems else 0 if ok else 1),
        "parts": [
            {
                "directory": str(part.directory),
                "shard": None if part.shard is None else f"{part.shard[0]}/{part.shard[1]}",
                "target": part.summary.get("target", ""),
                "exit_code": part.exit_code,
                "cases": part.summary.get("cases", 0),
                "requests_sent": part.summary.get("requests_sent", 0),
                "not_run": part.summary.get("not_run", ""),
                "description": (part.summary.get("shard") or {}).get("description", ""),
            }
            for part in parts
        ],
    }
    return TargetResult(key, parts, merged, problems)


def merge(parts: list[Part]) -> dict[str, Any]:
    """The merged summary: each target's (in the order first given) and the worst exit code."""
    groups: dict[str, list[Part]] = {}
    for part in parts:
        groups.setdefault(part.key, []).append(part)
    targets = {key: merge_target(key, members) for key, members in groups.items()}
    worst = max(result.exit_code for result in targets.values())
    return {
        "merged": True,
        "targets": {key: result.summary for key, result in targets.items()},
        "problems": [problem for result in targets.values() for problem in result.problems],
        "ok": worst == 0,
        "exit_code": worst,
    }
