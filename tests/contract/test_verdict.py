"""The first verdict: a wrong BASE_URL is named as such, in one paragraph with the evidence, and exits 2 before
any generated case; a correct server that answers in unusual ways (throttling, a charset parameter) runs."""

from __future__ import annotations

import html
import json
from pathlib import Path

import pytest
from schemathesis.python import asgi

from contract_tests import cli
from contract_tests.emulator import DEFAULT_SCENARIO_PATH, create_app, load_scenario
from contract_tests.emulator.server import serve_in_thread
from contract_tests.phases.verdict import first_verdict, verdict_reads
from contract_tests.record.transport import TransportStats, paced_requests
from contract_tests.target.emulator import emulator_target, scenario_tasks

from .spec_figures import READS, SPEC, operations_covered
from .wrong_targets import WRONG_TARGETS, Canned, ThrottlingGateway, WrongTarget, charset_parameter, sign_in_page

SCENARIO = load_scenario(DEFAULT_SCENARIO_PATH)
READABLE = scenario_tasks(SCENARIO).readable[0]
SECRETS = (SCENARIO.demo.secret_key,)
# The verdict's requests: each read operation signed for IDs that do not exist and for the readable task, and one
# request unsigned for each.
VERDICT_READS = verdict_reads(SPEC)
EVIDENCE = (
    f"Evidence: {2 * len(VERDICT_READS) + 2} requests (signed and unsigned, to "
    f"{' and '.join(sorted(operation.operation_id for operation in VERDICT_READS))}) got"
)


def staging_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """docs/contract-suite.md's staging recipe with the emulator's demo credentials and one readable task."""
    monkeypatch.setenv("CLOUD_SDK_AK", SCENARIO.demo.access_key)
    monkeypatch.setenv("CLOUD_SDK_SK", SCENARIO.demo.secret_key)
    monkeypatch.setenv("DCS_PROJECT_ID", READABLE.project_id)
    monkeypatch.setenv("DCS_INSTANCE_ID", READABLE.instance_id)
    monkeypatch.setenv("DCS_TASK_ID", READABLE.task_id)


def outputs(tmp_path: Path) -> list[str]:
    return [
        *("--reports-dir", str(tmp_path)),
    ]


@pytest.mark.parametrize("wrong", WRONG_TARGETS, ids=[wrong.name for wrong in WRONG_TARGETS])
def test_a_wrong_target_gets_one_paragraph_and_exit_2(
    wrong: WrongTarget, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    staging_env(monkeypatch)
    with serve_in_thread(wrong.app(create_app(SCENARIO), SCENARIO)) as url:
        code = cli.main(["--base-url", url, "--seed", "1", "--max-examples", "20", *outputs(tmp_path)])
    printed = capsys.readouterr()
    out = printed.out
    assert code == 2, out
    paragraph = out[out.index("NOT THE SERVICE?") :].split("\nresult:")[0]
    assert f"{url} does not look like the DCS task API" in paragraph.replace("\n", " ")
    assert wrong.said in paragraph.replace("\n", " "), paragraph
    assert EVIDENCE in paragraph.replace("\n", " ")
    assert "Is BASE_URL right?" in paragraph.replace("\n", " ")
    assert "\n\n" not in paragraph.strip()  # one paragraph
    assert out.splitlines()[-1] == (
        "result:      NOT RUN (the target does not look like the service; RUN_ANYWAY=1 runs it anyway); exit code 2"
    )
    # nothing of the suite ran: no tenancy failure, no claim about the credentials
    for never in ("cross_tenant", "FAILED [", "credentials:", "not locked", "Traceback"):
        assert never not in out + printed.err
    summary = json.loads((tmp_path / "contract-summary.json").read_text())
    assert summary["exit_code"] == 2
    assert summary["first_verdict"]["looks_like_the_service"] is False
    assert not (tmp_path / "contract-junit.xml").exists()
    page = (tmp_path / "contract-report.html").read_text()
    assert "NOT RUN" in page
    assert "does not look like the DCS task API" in page
    har = json.loads((tmp_path / "contract-failures.har").read_text())
    assert len(har["log"]["entries"]) == 2 * len(VERDICT_READS) + 2  # the evidence
    written = (
        out
        + printed.err
        + page
        + (tmp_path / "contract-failures.har").read_text()
        + (tmp_path / "contract-summary.json").read_text()
    )
    assert SCENARIO.demo.secret_key not in written


def test_run_anyway_runs_the_suite_and_never_claims_the_credentials_work(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    staging_env(monkeypatch)
    monkeypatch.setenv("RUN_ANYWAY", "1")
    with serve_in_thread(Canned(sign_in_page)) as url:
        code = cli.main(["--base-url", url, "--seed", "1", "--max-examples", "5", *outputs(tmp_path)])
    out = capsys.readouterr().out
    assert code == 1, out
    assert "RUN_ANYWAY=1 is set: the suite runs anyway" in out.replace("\n", " ")
    assert "not locked" not in out
    assert "credentials: unknown (a correctly signed request after the run got 200 text/html" in out
    assert out.splitlines()[-1].startswith(operations_covered(len(READS)))  # read-only: no state-changing one


@pytest.mark.parametrize(
    ("base_url", "said"),
    [
        (
            "127.0.0.1:18201",
            "BASE_URL=127.0.0.1:18201 has no scheme: give the server's root URL (write http://127.0.0.1:18201",
        ),
        (
            "http://127.0.0.1:18201/dcs",
            "has the path /dcs, which the spec's server URL (https://dcs.{region}.myhuaweicloud.com)",
        ),
        ("http:///v2", "BASE_URL=http:///v2 has no host"),
    ],
)
def test_a_base_url_that_cannot_be_the_server_root_is_one_line_and_exit_2(
    base_url: str, said: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    staging_env(monkeypatch)
    code = cli.main(["--base-url", base_url, *outputs(tmp_path)])
    printed = capsys.readouterr()
    assert code == 2
    assert printed.err.splitlines() == [f"error: {printed.err.splitlines()[0].removeprefix('error: ')}"]  # one line
    assert said in printed.err
    assert printed.out.splitlines()[-1].endswith("exit code 2")
    assert "Traceback" not in printed.out + printed.err
    assert printed.out.splitlines() == ["result:      NOT RUN (configuration error); exit code 2"]
    assert f"configuration error: {printed.err.splitlines()[0].removeprefix('error: ')}" in html.unescape(
        (tmp_path / "contract-report.html").read_text()
    )


def test_a_throttling_gateway_is_waited_out_not_taken_for_the_answer() -> None:
    """The first six answers are 429 with Retry-After: each request is re-sent, and the verdict is the service's."""
    app = ThrottlingGateway(create_app(SCENARIO), first=6)
    target = emulator_target(SCENARIO, app=app)
    stats, waits = TransportStats(), list[float]()
    client = asgi.get_client(app)  # type: ignore[arg-type] # Starlette's and Schemathesis' ASGI aliases differ
    with client as session, paced_requests(stats, rate_limit=None, slow_after=5, sleep=waits.append):
        verdict = first_verdict(target, session, timeout=5)
    assert verdict.looks_like_the_service, verdict.problems
    assert stats.throttled == 6
    assert waits == [0.0] * 6  # Retry-After: 0, honoured
    # each read for IDs that do not exist (the first of them unsigned too), then for the readable task, unsigned last
    reads = len(VERDICT_READS)
    assert [look.status for look in verdict.looks] == [404, 401, *[404] * (reads - 1), *[200] * reads, 401]


@pytest.mark.slow  # two suite runs over loopback
@pytest.mark.parametrize("unusual", ["throttles its first answers", "charset parameter on every JSON answer"])
def test_a_correct_server_that_answers_unusually_passes(
    unusual: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Naive verdicts would reject these: a 429 to the first requests, `application/json;charset=UTF-8`."""
    staging_env(monkeypatch)
    app = create_app(SCENARIO)
    served = ThrottlingGateway(app, first=5) if unusual.startswith("throttles") else charset_parameter(app)
    with serve_in_thread(served) as url:
        code = cli.main(["--base-url", url, "--seed", "3", "--max-examples", "25", *outputs(tmp_path)])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "NOT THE SERVICE?" not in out
    assert "credentials: not locked (a correctly signed request after the run got 200 with a documented body)" in out
    summary = json.loads((tmp_path / "contract-summary.json").read_text())
    assert summary["first_verdict"]["looks_like_the_service"] is True
    if unusual.startswith("throttles"):
        assert summary["throttled"]["retried"] == 5  # the first request, re-sent five times
