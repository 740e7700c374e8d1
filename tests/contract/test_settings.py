"""The one table of settings: each row gives the flag, the environment reading, the default per kind of run (the
suite's emulator or BASE_URL, the proxy's), the `settings:` line and the docs table; a setting a target ignores is
said, a former name is read and said, and a row of the other command is no setting of this one."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from contract_tests import cli
from contract_tests.settings import parsers
from contract_tests.settings.docs import settings_table
from contract_tests.settings.errors import SettingsError
from contract_tests.settings.reading import argument_parser, describe, read_rows, read_settings
from contract_tests.settings.shard import shard
from contract_tests.settings.table import SUITE_RUNS, Kind, Row, Settings, rows
from contract_tests.spec.document import REPO_ROOT

DOCS = REPO_ROOT / "docs" / "contract-suite.md"
REMOTE_ENV = {"CLOUD_SDK_AK": "AK", "CLOUD_SDK_SK": "SECRET-SK", "DCS_PROJECT_ID": "p1"}


def test_the_docs_show_the_table_the_rows_define() -> None:
    assert settings_table() in DOCS.read_text(encoding="utf-8"), (
        "run `python -m contract_tests.settings.docs` into docs/contract-suite.md"
    )


def test_the_module_prints_the_table() -> None:
    printed = subprocess.run(
        [sys.executable, "-m", "contract_tests.settings.docs"], capture_output=True, text=True, check=True
    )
    assert printed.stdout == settings_table()


def test_every_row_has_a_flag_unless_it_is_a_secret_and_help_lists_it() -> None:
    help_text = argument_parser("x", "").format_help() + argument_parser("x", "", Kind.PROXY).format_help()
    for _, row in rows():
        assert (row.option in help_text) == row.flag, row.name
        assert row.name in settings_table()
    secrets = {row.name for _, row in rows() if not row.flag}
    assert secrets == {"DCS_FOREIGN_AK", "DCS_FOREIGN_SK"}


# Two texts each parser takes, by parser: a new row with a parser of these kinds needs nothing here.
SAMPLES: dict[Callable[[str], object], tuple[str, str]] = {
    parsers.base_url: ("http://a.example", "http://b.example"),
    parsers.existing_file: (str(REPO_ROOT / "pyproject.toml"), str(REPO_ROOT / "Makefile")),
    parsers.flag: ("1", "0"),
    parsers.count: ("7", "9"),
    parsers.seed: ("7", "9"),
    parsers.seconds: ("7", "9"),
    parsers.rate: ("7/s", "9/s"),
    parsers.directory: ("a", "b"),
    parsers.text: ("a", "b"),
    parsers.tasks: ("i1/t1", "i2/t2"),
    parsers.faulty_tasks: ("i1/t1", "i2/*"),
    parsers.upstream: ("http://a.example", "http://b.example"),
    shard: ("1/2", "3/4"),
}


def samples(row: Row) -> tuple[str, str]:
    choices = getattr(row.parse, "choices", None)
    return (choices[-1], choices[-2]) if choices else SAMPLES[row.parse]


COMPANIONS = {  # rows that only make sense together
    "DCS_INSTANCE_ID": {"DCS_TASK_ID": "t"},
    "DCS_TASK_ID": {"DCS_INSTANCE_ID": "i"},
    "DCS_FOREIGN_PROJECT_ID": {"DCS_FOREIGN_INSTANCE_ID": "i", "DCS_FOREIGN_TASK_ID": "t"},
    "DCS_FOREIGN_INSTANCE_ID": {"DCS_FOREIGN_PROJECT_ID": "p", "DCS_FOREIGN_TASK_ID": "t"},
    "DCS_FOREIGN_TASK_ID": {"DCS_FOREIGN_PROJECT_ID": "p", "DCS_FOREIGN_INSTANCE_ID": "i"},
    "DCS_FOREIGN_AK": {"DCS_FOREIGN_SK": "s"},
    "DCS_FOREIGN_SK": {"DCS_FOREIGN_AK": "a"},
    "ALLOW_CHANGES": {"DCS_CHANGEABLE_TASKS": "i/t"},
}


def read_for(row: Row, argv: list[str], env: dict[str, str]) -> Settings:
    """The settings as the command `row` belongs to reads them: the suite's, or else the proxy's."""
    if row.kinds & SUITE_RUNS:
        return read_settings(argv, env)
    return read_rows(vars(argument_parser("x", "", Kind.PROXY).parse_args(argv)), env, Kind.PROXY)


@pytest.mark.parametrize(("name", "row"), list(rows()), ids=[row.name for _, row in rows()])
def test_each_row_is_read_from_its_flag_and_from_its_variable(name: str, row: Row) -> None:
    """The variable gives the value its parser makes, the flag wins over the variable, and unset it is the default
    for the kind of run."""
    flag_text, env_text = samples(row)
    remote = Kind.REMOTE in row.kinds and Kind.EMULATOR not in row.kinds
    base = REMOTE_ENV | ({"BASE_URL": "http://x"} if remote else {})
    base |= REMOTE_ENV if row.name == "BASE_URL" else {}
    env = base | COMPANIONS.get(row.name, {})
    assert getattr(read_for(row, [], env | {row.name: env_text}), name) == row.parse(env_text)
    if row.flag:
        assert getattr(read_for(row, [row.option, flag_text], env | {row.name: env_text}), name) == row.parse(flag_text)
    if row.name not in {"BASE_URL", *(n for c in COMPANIONS.values() for n in c)}:
        unset = read_for(row, [], env)
        assert getattr(unset, name) == row.default_for(unset.kind)


def test_defaults_follow_the_kind_of_target() -> None:
    emulator = read_settings([], {})
    remote = read_settings(["--base-url", "http://x"], REMOTE_ENV)
    proxy = read_rows({}, {}, Kind.PROXY)
    assert (emulator.kind, emulator.method_rejection) == (Kind.EMULATOR, "405")
    assert (remote.kind, remote.method_rejection) == (Kind.REMOTE, "any")
    assert Settings().method_rejection == "405"  # built in code: the emulator's defaults
    assert (emulator.request_timeout, remote.request_timeout, proxy.request_timeout) == (30, 30, 120)


def test_a_row_of_the_other_command_is_no_setting_of_this_one() -> None:
    """A shell holds both commands' variables (`make -s emulator-env` exports the suite's): neither reads, nor
    mentions, the other's."""
    suite = read_settings([], {"UPSTREAM": "http://u", "DURATION": "5"})
    assert (suite.upstream, suite.duration, suite.notes) == (None, None, ())
    assert "--upstream" not in argument_parser("x", "").format_help()
    proxy = read_rows({}, {"DCS_TASKS": "i/t", "MAX_EXAMPLES": "3", "UPSTREAM": "http://u"}, Kind.PROXY)
    assert (proxy.tasks, proxy.max_examples, proxy.upstream, proxy.notes) == ((), 350, "http://u", ())
    assert "--max-examples" not in argument_parser("x", "", Kind.PROXY).format_help()
    assert describe(proxy) == "REQUEST_TIMEOUT=120 s, RATE_LIMIT=unlimited, DURATION=none"


def test_a_setting_the_target_ignores_is_said() -> None:
    settings = read_settings([], {"DCS_TASKS": "i/t", "ALLOW_CHANGES": "1"})
    assert settings.kind is Kind.EMULATOR
    assert settings.tasks == ()
    assert "DCS_TASKS=i/t is ignored: it applies to a server at BASE_URL only" in settings.notes
    assert "ALLOW_CHANGES=1 is ignored: it applies to a server at BASE_URL only" in settings.notes
    remote = read_settings(["--base-url", "http://x", "--in-process"], REMOTE_ENV)
    assert "--in-process=1 is ignored: it applies to the emulator only" in remote.notes


def test_a_secret_is_never_echoed_in_a_note() -> None:
    settings = read_settings([], {"DCS_FOREIGN_SK": "SECRET-FSK", "DCS_FOREIGN_AK": "FAK"})
    assert settings.notes
    assert not any("SECRET" in note for note in settings.notes)


def test_a_former_name_is_read_and_said_to_be_deprecated() -> None:
    env = REMOTE_ENV | {"ALLOW_DESTRUCTIVE": "1", "DCS_DESTRUCTIVE_TASKS": "i1/t1", "DCS_TASKS": "i1/t2"}
    settings = read_settings(["--base-url", "http://x"], env)
    assert settings.allow_changes
    assert [tuple(task)[:3] for task in settings.changeable_tasks] == [("", "i1", "t1")]
    deprecated = [note for note in settings.notes if "deprecated" in note]
    said = "is deprecated: it is {} now (the old name is read one more minor version)"
    assert deprecated == [
        f"ALLOW_DESTRUCTIVE {said.format('ALLOW_CHANGES')}",
        f"DCS_DESTRUCTIVE_TASKS {said.format('DCS_CHANGEABLE_TASKS')}",
    ]
    assert read_settings([], {"DCS_EMULATOR_SCENARIO": str(REPO_ROOT / "Makefile")}).scenario == REPO_ROOT / "Makefile"


def test_the_current_name_wins_over_the_former_one() -> None:
    env = REMOTE_ENV | {"ALLOW_DESTRUCTIVE": "0", "ALLOW_CHANGES": "1", "DCS_CHANGEABLE_TASKS": "i/t"}
    settings = read_settings(["--base-url", "http://x"], env)
    assert settings.allow_changes
    assert not [note for note in settings.notes if "deprecated" in note]


@pytest.mark.parametrize(
    ("argv", "env", "message"),
    [
        (["--rate-limit", "fast"], {}, "RATE_LIMIT must look like 10/s or 600/m, got 'fast'"),
        ([], {"MAX_EXAMPLES": "0"}, "MAX_EXAMPLES must be a whole number of at least 1"),
        ([], {"PROGRESS": "loud"}, "PROGRESS must be one of auto, live, plain, off"),
        (["--base-url", "staging.example"], {}, "BASE_URL=staging.example has no scheme"),
        (["--base-url", "http://x"], {}, "(to test a server at BASE_URL)"),
        ([], {"SCENARIO": "/no/such/file.yaml"}, "SCENARIO names no file"),
    ],
)
def test_a_bad_setting_says_which_and_what_it_must_look_like(
    argv: list[str], env: dict[str, str], message: str
) -> None:
    with pytest.raises(SettingsError, match=re.escape(message)):
        read_settings(argv, env)


def test_the_settings_line_shows_the_rows_that_say_how_they_are_shown() -> None:
    line = describe(read_settings(["--rate-limit", "10/s"], {}))
    assert line == (
        "REQUEST_TIMEOUT=30 s, RATE_LIMIT=10/s, MAX_TIME=none, WORKERS=auto, AUTH_PROBES=1, METHOD_REJECTION=405"
    )


# `make contract NAME=value` needs no line of the Makefile per setting, and `python -m contract_tests.cli --flag
# value` reads the process's own arguments, not only the environment: a bad value comes back named either way.
COMMAND_LINES = {
    "make": ["make", "-s", "contract", "RATE_LIMIT=fast", "REPORTS_DIR={reports}"],
    "python -m": [sys.executable, "-m", "contract_tests.cli", "--rate-limit", "fast", "--reports-dir", "{reports}"],
}


@pytest.mark.parametrize("command", COMMAND_LINES.values(), ids=COMMAND_LINES.keys())
def test_a_bad_setting_on_the_command_line_comes_back_named(command: list[str], tmp_path: Path) -> None:
    argv = [part.format(reports=tmp_path) for part in command]
    done = subprocess.run(argv, cwd=REPO_ROOT, capture_output=True, text=True, check=False)
    assert done.returncode == 2, done.stdout + done.stderr
    assert "RATE_LIMIT must look like 10/s or 600/m, got 'fast'" in done.stderr
    assert (tmp_path / "contract-summary.json").exists()


def test_the_command_line_refuses_a_bad_setting_before_anything_is_sent(tmp_path: Path) -> None:
    assert cli.main(["--max-time", "-1", "--reports-dir", str(tmp_path)]) == 2
