"""`SHARD=i/N` and `make contract-merge`: the parts of a campaign send one run's cases and probes between them, once
each, and their merged reports (summary, HTML with a column per target, JUnit, HAR) say what that one run says.

The campaign runs against the emulator: one whole run, and the same SEED and MAX_EXAMPLES as shards 1/2 and 2/2;
the emulator's own throttling (429s it answers now and then, waited out and re-sent) is the target's doing, so
the re-sent requests are taken out before comparing what was sent.
"""

from __future__ import annotations

import contextlib
import html
import io
import json
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from contract_tests import cli, merge
from contract_tests.emulator import DEFAULT_SCENARIO_PATH, create_app, load_scenario
from contract_tests.emulator.server import serve_in_thread
from contract_tests.phases.probes.plan import build_probes
from contract_tests.reporting.coverage import FIGURES
from contract_tests.run.shards import CHANGES, RUN_WIDE, ShardPlan
from contract_tests.settings.errors import SettingsError
from contract_tests.settings.reading import read_settings
from contract_tests.settings.shard import Shard, shard
from contract_tests.spec.api import load_spec
from contract_tests.spec.document import REPO_ROOT
from contract_tests.target.emulator import emulator_target
from contract_tests.target.model import Target
from scripts.publishing.docs import REMOTE_RESOURCE, chromium, offline_tab

from .broken.variants import VARIANTS
from .slice import token_environment

SPEC = load_spec()
SCREENSHOT = REPO_ROOT / "reports" / "merged-report.png"
SCENARIO = load_scenario(DEFAULT_SCENARIO_PATH)
SEED, MAX_EXAMPLES = "11", "12"
THROTTLE_JUDGED = ("throttled_answer_documented", "request_id_unique")  # they judge each 429 before it is re-sent


# ── the setting ──
@pytest.mark.parametrize("text", ["0/2", "3/2", "1/0", "2", "a/b", "-1/2", "1/2/3"])
def test_a_shard_outside_1_to_n_is_refused_with_the_setting_named(text: str) -> None:
    with pytest.raises(ValueError, match="i/N"):
        shard(text)
    with pytest.raises(SettingsError, match="SHARD"):
        read_settings([], {"SHARD": text})


def test_a_shard_is_read_from_its_flag_and_its_variable_and_defaults_to_the_whole_run() -> None:
    assert read_settings(["--shard", "2/3"], {}).shard == Shard(2, 3)
    assert read_settings([], {"SHARD": " 1 / 4 "}).shard == Shard(1, 4)
    assert read_settings([], {}).shard.whole


# ── the split ──
@pytest.fixture(scope="module")
def emulator() -> Target:
    return emulator_target()


@pytest.mark.parametrize("count", [1, 2, 3, 5])
def test_every_unit_operation_and_probe_goes_to_exactly_one_part(count: int, emulator: Target) -> None:
    plans = [ShardPlan(Shard(index, count), SPEC) for index in range(1, count + 1)]
    for operation in SPEC.operations:
        assert sum(plan.keeps_operation(operation) for plan in plans) == 1, operation.operation_id
    assert sum(plan.keeps_stateful for plan in plans) == 1
    probes = build_probes(emulator, SPEC, failing_ak=True)
    for probe in probes:
        assert sum(plan.keeps_probe(probe) for plan in plans) == 1, probe.label
    # Every probe that may fail authentication is in the part with the run-wide unit, in the run's order: the
    # parts run at the same time with one AK, and only this one sends failing signatures.
    (run_wide,) = [plan for plan in plans if plan.runs_run_wide]
    failing = [probe for probe in probes if probe.failing_ak]
    assert failing
    assert [probe for probe in probes if probe.failing_ak and run_wide.keeps_probe(probe)] == failing
    # The stateful phase and the operations that change state stay together (their order changes the target).
    (changes,) = [plan for plan in plans if plan.keeps_stateful]
    assert all(changes.keeps_operation(op) for op in SPEC.operations if op.changes_state)


def test_the_units_are_dealt_round_robin_in_the_spec_order() -> None:
    plan = ShardPlan(Shard(1, 2), SPEC)
    reads = [op.operation_id for op in SPEC.operations if not op.changes_state]
    assert plan.units == [RUN_WIDE, *reads, CHANGES]
    assert [plan.part_of(unit) for unit in plan.units] == [i % 2 + 1 for i in range(len(plan.units))]


# ── a campaign: one whole run, and its two shards ──
@dataclass(frozen=True)
class Run:
    directory: Path
    code: int
    out: str

    @property
    def summary(self) -> dict[str, Any]:
        data: dict[str, Any] = json.loads((self.directory / "contract-summary.json").read_text(encoding="utf-8"))
        return data


def run_suite(directory: Path, *extra: str) -> Run:
    printed = io.StringIO()
    argv = ["--seed", SEED, "--max-examples", MAX_EXAMPLES, "--progress", "off", "--reports-dir", str(directory)]
    with contextlib.redirect_stdout(printed):
        code = cli.main([*argv, *extra])
    return Run(directory, code, printed.getvalue())


@dataclass(frozen=True)
class Campaign:
    whole: Run
    shards: tuple[Run, Run]
    root: Path


@pytest.fixture(scope="module")
def campaign(tmp_path_factory: pytest.TempPathFactory) -> Campaign:
    root = tmp_path_factory.mktemp("campaign")
    whole = run_suite(root / "whole")
    shards = (run_suite(root / "shard-1", "--shard", "1/2"), run_suite(root / "shard-2", "--shard", "2/2"))
    for run in (whole, *shards):
        assert run.code == 0, run.out
    return Campaign(whole, shards, root)


def _summed(*counts: dict[str, int]) -> dict[str, int]:
    total: Counter[str] = Counter()
    for each in counts:
        total.update(each)
    return dict(total)


def _without_throttling(by_status: dict[str, int]) -> dict[str, int]:
    return {status: count for status, count in by_status.items() if status != "429"}


@pytest.mark.slow
def test_the_two_shards_send_the_whole_runs_cases_and_probes_once(campaign: Campaign) -> None:
    whole = campaign.whole.summary
    parts = [run.summary for run in campaign.shards]
    for name in ("cases_by_status", "cases_by_phase", "auth_probes_by_status", "other_probes_by_status"):
        assert _summed(*(part[name] for part in parts)) == whole[name], name
    assert sum(part["cases"] for part in parts) == whole["cases"]
    assert sum(part["guard_requests"] for part in parts) == whole["guard_requests"] > 0
    # Each part that sends probes which may change state reads the known instances around them (documented
    # successes of the listing): the only requests besides the first verdict that the parts send more than once.
    extra = sum(part["reads_around_probes"] for part in parts) - whole["reads_around_probes"]
    assert whole["reads_around_probes"] > 0
    more_successes = 0
    for operation in SPEC.operations:
        name = operation.operation_id
        union = _without_throttling(_summed(*(part["statuses_by_operation"].get(name, {}) for part in parts)))
        alone = _without_throttling(whole["statuses_by_operation"][name])
        successes = {str(status) for status in operation.success_statuses}
        assert {s: n for s, n in union.items() if s not in successes} == {
            s: n for s, n in alone.items() if s not in successes
        }, name
        more_successes += sum(union.get(s, 0) - alone.get(s, 0) for s in successes)
    assert more_successes == extra
    checks = {name: n for name, n in whole["checks"].items() if name not in THROTTLE_JUDGED}
    summed = {n: c for n, c in _summed(*(p["checks"] for p in parts)).items() if n not in THROTTLE_JUDGED}
    assert set(summed) == set(checks)
    assert all(0 <= summed[name] - checks[name] <= extra for name in checks), (summed, checks)  # a read judged once
    # Requests: the same, but for the re-sent 429s, each part's own first verdict and its reads around its probes.
    resent = [summary["throttled"]["retried"] for summary in (whole, *parts)]
    verdict = len(whole["first_verdict"]["requests"])
    sent = sum(part["requests_sent"] for part in parts) - sum(resent[1:])
    assert sent == whole["requests_sent"] - resent[0] + verdict * (len(parts) - 1) + extra


@pytest.mark.slow
def test_a_shard_requires_its_own_operations_statuses_and_says_what_it_ran(campaign: Campaign) -> None:
    whole = campaign.whole.summary
    labels: list[str] = []
    for index, run in enumerate(campaign.shards, 1):
        summary = run.summary
        plan = ShardPlan(Shard(index, 2), SPEC)
        assert summary["shard"]["operations"] == plan.operations
        assert {need["operation"] for need in summary["requirements"]} <= set(plan.operations)
        assert f"shard {index}/2: operations {', '.join(plan.operations)}" in run.out
        assert f"SHARD={index}/2" in run.out  # the replay command replays the part
        labels += [need["label"] for need in summary["requirements"]]
    assert sorted(labels) == sorted(need["label"] for need in whole["requirements"])


def junit_root(path: Path) -> ET.Element:
    return ET.parse(path).getroot()  # noqa: S314 - the file the merge just wrote


def merged(argv: list[str], out: Path) -> tuple[int, dict[str, Any], str]:
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed), contextlib.redirect_stderr(printed):
        code = merge.main([*argv, "--reports-dir", str(out)], environ={})
    summary = (
        json.loads((out / "contract-summary.json").read_text()) if (out / "contract-summary.json").exists() else {}
    )
    return code, summary, printed.getvalue()


@pytest.mark.slow
def test_the_merged_shards_say_what_the_whole_run_says(campaign: Campaign, tmp_path: Path) -> None:
    code, summary, out = merged([str(run.directory) for run in campaign.shards], tmp_path)
    assert code == 0, out
    whole = campaign.whole.summary
    (target,) = summary["targets"].values()
    assert [part["shard"] for part in target["parts"]] == ["1/2", "2/2"]
    assert target["cases"] == whole["cases"]
    assert target["cases_by_status"] == whole["cases_by_status"]
    assert target["missing_statuses"] == []
    assert target["problems"] == []
    for name in FIGURES:
        assert (target["coverage"][name]["covered"], target["coverage"][name]["total"]) == (
            whole["coverage"][name]["covered"],
            whole["coverage"][name]["total"],
        ), name
    assert target["coverage"]["summary"] in campaign.whole.out  # the whole run's coverage line, word for word
    # a link no shard followed is not followed by the campaign
    unfollowed = [run.summary["coverage"]["links_not_followed"] for run in campaign.shards]
    assert target["coverage"]["links_not_followed"] == [link for link in unfollowed[0] if link in unfollowed[1]]
    junit = junit_root(tmp_path / "contract-junit.xml")
    (suite,) = junit.findall("testsuite")
    assert {case.get("name") for case in suite.findall("testcase")} == set(whole["checks"])
    assert suite.get("failures") == "0"
    assert json.loads((tmp_path / "contract-failures.har").read_text())["log"]["entries"] == []


def _part_with(source: Path, directory: Path, **changes: Any) -> Path:
    """A copy of a run's reports whose summary says otherwise (a part that failed, or did not run)."""
    shutil.copytree(source, directory)
    path = directory / "contract-summary.json"
    summary = json.loads(path.read_text())
    for key, value in changes.items():
        if value is None:
            summary.pop(key, None)
        else:
            summary[key] = value
    path.write_text(json.dumps(summary))
    return directory


@pytest.mark.slow
def test_the_merge_exits_with_the_worst_of_the_parts(campaign: Campaign, tmp_path: Path) -> None:
    one, two = (run.directory for run in campaign.shards)
    failure = {
        "check": "response_schema_conformance",
        "title": "progress is not an integer",
        "message": "'12' is not of type 'integer'",
        "request": "curl -X GET http://x/v2/p/instances/i/tasks/t/progress",
        "status": 200,
        "replay": "",
        "field": "progress",
    }
    failed = _part_with(two, tmp_path / "failed", exit_code=1, ok=False, failures=[failure])
    code, summary, _ = merged([str(one), str(failed)], tmp_path / "m1")
    assert code == 1 == summary["exit_code"]
    assert summary["targets"]["emulator"]["failures"] == [failure]
    junit = junit_root(tmp_path / "m1" / "contract-junit.xml")
    failing = [case.get("name") for case in junit.iter("testcase") if case.find("failure") is not None]
    assert failing == ["response_schema_conformance"]
    not_run = _part_with(one, tmp_path / "not-run", exit_code=2, not_run="cannot reach the target", requirements=None)
    code, summary, _ = merged([str(not_run), str(failed)], tmp_path / "m2")
    assert code == 2 == summary["exit_code"]
    (problem,) = summary["problems"]  # it did not run; no shard is missing, none given twice
    assert "did not run (cannot reach the target)" in problem
    assert code == merged([str(one)], tmp_path / "m3")[0]  # shard 2/2 missing: incomplete, whatever shard 1 says
    assert merged([str(one), str(one)], tmp_path / "m4")[0] == 2  # given twice
    other_seed = _part_with(two, tmp_path / "other-seed", seed=99)
    code, _, out = merged([str(one), str(other_seed)], tmp_path / "m5")
    assert code == 2
    assert "shards of different campaigns" in out
    assert merged([str(one), str(two)], tmp_path / "m6")[0] == 0


@pytest.mark.slow
def test_a_status_one_part_missed_is_missing_only_when_no_part_reached_it(campaign: Campaign, tmp_path: Path) -> None:
    one, two = (run.directory for run in campaign.shards)
    summary = campaign.shards[1].summary
    need = summary["requirements"][0]
    status = str(need["statuses"][0])
    # Part 2 says it missed the status: reached elsewhere in the campaign it is not missing; nowhere, it is.
    for where, reached_by_part_1, expected in (("elsewhere", True, 0), ("nowhere", False, 1)):
        by_operation = {op: dict(counts) for op, counts in summary["statuses_by_operation"].items()}
        for statuses in (str(s) for s in need["statuses"]):
            by_operation.get(need["operation"], {}).pop(statuses, None)
        missed = _part_with(
            two,
            tmp_path / f"missed-{where}",
            statuses_by_operation=by_operation,
            missing_statuses=[need["label"]],
            exit_code=1,
            ok=False,
        )
        first = campaign.shards[0].summary
        first_by_operation = {op: dict(counts) for op, counts in first["statuses_by_operation"].items()}
        first_by_operation.setdefault(need["operation"], {})
        if reached_by_part_1:
            first_by_operation[need["operation"]][status] = 1
        else:
            first_by_operation[need["operation"]].pop(status, None)
        first_part = _part_with(one, tmp_path / f"first-{where}", statuses_by_operation=first_by_operation)
        code, merged_summary, _ = merged([str(first_part), str(missed)], tmp_path / f"m-{where}")
        target = merged_summary["targets"]["emulator"]
        assert target["missing_statuses"] == ([] if reached_by_part_1 else [need["label"]])
        assert (0 if target["ok"] else 1) == expected
        assert code == 1  # the worst of the parts all the same: part 2 said 1


@pytest.mark.slow
def test_two_targets_get_a_column_each_in_the_merged_report_opened_in_chromium(
    campaign: Campaign, tmp_path: Path
) -> None:
    """Region A ran whole, region B as two shards: one page, a column per target, in headless Chromium."""
    assert chromium() is not None, "the browser test needs Debian's chromium: .ci/run installs it"
    one, two = (run.directory for run in campaign.shards)
    code, summary, out = merged(
        [f"region-a={campaign.whole.directory}", f"region-b={one}", f"region-b={two}"], tmp_path
    )
    assert code == 0, out
    assert list(summary["targets"]) == ["region-a", "region-b"]
    assert [len(target["parts"]) for target in summary["targets"].values()] == [1, 2]
    junit = junit_root(tmp_path / "contract-junit.xml")
    assert [suite.get("name") for suite in junit.findall("testsuite")] == ["contract · region-a", "contract · region-b"]
    page = (tmp_path / "contract-report.html").read_text(encoding="utf-8")
    assert not REMOTE_RESOURCE.findall(page)
    assert "<script" not in page
    problems: list[str] = []
    with offline_tab(tmp_path / "contract-report.html", problems, viewport={"width": 1280, "height": 900}) as tab:
        for section in ("Verdict", "Parts", "Statuses reached per operation", "Spec coverage", "Failures", "Checks"):
            assert tab.get_by_role("heading", name=re.compile(f"^{re.escape(section)}")).first.is_visible(), section
        for section in ("#statuses", "#coverage"):
            headers = tab.locator(f"{section} th").all_inner_texts()
            assert [h for h in headers if h.startswith("region-")] == ["region-a", "region-b"], section
        # A cell per target for each documented status of each operation of the spec.
        documented = sum(len(op.statuses) for op in SPEC.operations)
        assert tab.locator("#statuses td.num.cell-ok, #statuses td.num.cell-miss").count() == 2 * documented
        assert tab.locator("#parts tr").count() == 1 + 3
        SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
        tab.screenshot(path=str(SCREENSHOT))  # the top of the page; docs/images/merged-report.png is one
    assert problems == []
    assert SCREENSHOT.stat().st_size > 10_000


def test_the_suite_page_shows_the_merged_report() -> None:
    page = (REPO_ROOT / "docs" / "contract-suite.md").read_text(encoding="utf-8")
    section = page[page.index("## Shards and merged reports") :]
    image = re.search(r"!\[[^\]]*\]\((images/merged-report\.png)\)", section)
    assert image is not None
    assert (REPO_ROOT / "docs" / image[1]).stat().st_size < 300_000


def test_make_contract_merge_names_what_it_needs() -> None:
    done = subprocess.run(
        ["make", "-s", "-o", ".venv/.bootstrapped", "contract-merge"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode != 0
    assert "REPORTS must name the runs' REPORTS_DIRs" in done.stderr


def test_a_directory_without_a_summary_or_a_merged_one_is_refused(tmp_path: Path) -> None:
    code, _, out = merged([str(tmp_path / "nothing")], tmp_path / "out")
    assert code == 2
    assert "no contract-summary.json" in out
    (tmp_path / "merged").mkdir()
    (tmp_path / "merged" / "contract-summary.json").write_text(json.dumps({"targets": {}}))
    code, _, out = merged([str(tmp_path / "merged")], tmp_path / "out")
    assert code == 2
    assert "is a merged summary" in out


def test_the_merge_never_writes_over_a_parts_reports(tmp_path: Path) -> None:
    (tmp_path / "contract-summary.json").write_text(json.dumps({"exit_code": 0, "requirements": []}))
    before = (tmp_path / "contract-summary.json").read_text()
    code, _, out = merged([str(tmp_path)], tmp_path)
    assert code == 2
    assert "would overwrite" in out
    assert (tmp_path / "contract-summary.json").read_text() == before


WORKFLOW = REPO_ROOT / ".github" / "workflows" / "contract-matrix.yml"


def test_the_matrix_workflow_never_runs_on_a_push_and_merges_every_part() -> None:
    workflow = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    triggers = workflow.get("on", workflow.get(True))  # YAML 1.1 reads a bare `on` as true
    assert set(triggers) == {"workflow_dispatch", "schedule"}
    jobs = workflow["jobs"]
    assert jobs["plan"]["if"] == "vars.CONTRACT_REGIONS != ''"  # opt-in: a repository without it sends nothing
    assert jobs["contract"]["needs"] == "plan"
    part = jobs["contract"]
    assert part["environment"] == "contract-${{ matrix.region }}"  # each region's secrets
    run = next(step for step in part["steps"] if step.get("run") == "make contract")
    assert run["env"]["SHARD"].startswith("${{ matrix.shard }}/")
    assert run["env"]["SEED"] == "${{ needs.plan.outputs.seed }}"  # one campaign
    assert "ALLOW_CHANGES" not in run["env"]
    upload = next(step for step in part["steps"] if "upload-artifact" in step.get("uses", ""))
    assert upload["if"] == "always()"
    assert upload["with"]["path"] == run["env"]["REPORTS_DIR"]
    merging = jobs["merge"]
    assert "always()" in merging["if"]
    assert any("make contract-merge" in step.get("run", "") for step in merging["steps"])
    done = subprocess.run(
        [str(REPO_ROOT / ".venv" / "bin" / "actionlint"), str(WORKFLOW)], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stdout


def test_make_lint_runs_actionlint_on_every_workflow() -> None:
    lint = (REPO_ROOT / "Makefile").read_text(encoding="utf-8").split("\nlint:", 1)[1].split("\n\n", 1)[0]
    assert "actionlint .github/workflows/*.yml" in lint


@pytest.mark.slow
def test_a_campaign_against_a_broken_server_merges_its_failures_with_their_exchanges(tmp_path: Path) -> None:
    """Both shards against a server that answers `progress` as a string: the merge exits 1 (the worst), and its
    page, JUnit and HAR hold each part's failures with the exchange that failed, credentials redacted."""
    variant = next(variant for variant in VARIANTS if variant.name == "wrong field type")
    env = token_environment(SCENARIO)
    token = env["DCS_AUTH_TOKEN"]
    with pytest.MonkeyPatch.context() as patch, serve_in_thread(variant.wrap(create_app(SCENARIO), SCENARIO)) as url:
        for name, value in env.items():
            patch.setenv(name, value)
        parts = [run_suite(tmp_path / f"part-{i}", "--base-url", url, "--shard", f"{i}/2") for i in (1, 2)]
    codes = [part.code for part in parts]
    assert 1 in codes, [part.out for part in parts]
    code, summary, out = merged([str(part.directory) for part in parts], tmp_path / "merged")
    assert code == max(codes) == 1, out
    (target,) = summary["targets"].values()
    assert [p["shard"] for p in target["parts"]] == ["1/2", "2/2"]  # one column: both parts had the one BASE_URL
    failures = [f for part in parts for f in part.summary["failures"]]
    assert {(f["check"], f["title"]) for f in target["failures"]} == {(f["check"], f["title"]) for f in failures}
    assert any(f["check"] == "response_schema_conformance" for f in target["failures"])
    junit = junit_root(tmp_path / "merged" / "contract-junit.xml")
    failing = {case.get("name") for case in junit.iter("testcase") if case.find("failure") is not None}
    assert failing == {f["check"] for f in failures}
    har = json.loads((tmp_path / "merged" / "contract-failures.har").read_text())
    assert len(har["log"]["entries"]) == sum(len(part.summary["failures"]) for part in parts)
    page = (tmp_path / "merged" / "contract-report.html").read_text(encoding="utf-8")
    assert "X-Auth-Token: [redacted]" in page  # the failing request, as sent
    assert '"progress": "' in html.unescape(page)  # the bug, as served
    for text in (page, json.dumps(har), json.dumps(summary)):
        assert token not in text
