"""Reading the settings (`read_settings`, the suite's; `read_rows`, any command's): every row of the table from its
flag, else its environment variable (else a former name, said to be deprecated), parsed once; the suite's kind of
target follows from BASE_URL (the proxy's is `Kind.PROXY`), and each row unset takes its default for that kind. A
row of the command set for its other kind of target is said to be ignored; a row only another command reads is
not this one's setting (a shell exports both commands' variables). Rows that only make sense together are checked
together; a remote target's SDK configuration (credentials, project) is resolved here, once, by the SDK's own
resolver. Also the command line (`argument_parser`) and the run's `settings:` line (`describe`), both made from the
table.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
from collections.abc import Mapping, Sequence

from dcs_tasks import ConfigurationError
from dcs_tasks.lib.config import Configuration, resolve
from dcs_tasks.lib.variables import SUITE

from .errors import SettingsError
from .table import SUITE_RUNS, Kind, Row, Settings, rows

APPLIES = {Kind.EMULATOR: "the emulator", Kind.REMOTE: "a server at BASE_URL", Kind.PROXY: "the proxy"}


def command_kinds(kind: Kind | None) -> frozenset[Kind]:
    """The kinds of run of one command: the suite's two kinds of target (`kind` None or one of them), or the proxy."""
    return frozenset({Kind.PROXY}) if kind is Kind.PROXY else SUITE_RUNS


def argument_parser(prog: str, description: str, kind: Kind | None = None) -> argparse.ArgumentParser:
    """A flag per setting of the command (the suite's, or the proxy's with `kind=Kind.PROXY`) that has one
    (`--rate-limit RATE`); a yes/no setting's flag alone means 1."""
    parser = argparse.ArgumentParser(prog=prog, description=description)
    kinds = command_kinds(kind)
    for name, row in rows():
        if not row.flag or not row.kinds & kinds:
            continue
        applies = row.kinds & kinds
        where = "" if applies == kinds else f" ({' and '.join(sorted(applies))} only)"
        help_text = f"{row.doc}{where} [{row.name}]"
        if row.parse.__name__ == "flag":
            parser.add_argument(row.option, dest=name, nargs="?", const="1", metavar="1|0", help=help_text)
        else:
            parser.add_argument(row.option, dest=name, metavar=row.metavar, help=help_text)
    return parser


def _raw(name: str, row: Row, flags: Mapping[str, str | None], environ: Mapping[str, str]) -> tuple[str, str] | None:
    """The text a person gave for a row and where (its flag, its variable, a former name), or None."""
    given = flags.get(name)
    if given is not None:
        return given, row.option
    for variable in (row.name, *row.aliases):
        if environ.get(variable):
            return environ[variable], variable
    return None


def _parsed(row: Row, text: str) -> object:
    try:
        return row.parse(text)
    except ValueError as error:
        message = str(error)
        raise SettingsError(message if message.startswith(row.name) else f"{row.name} {message}") from None


def read_settings(
    argv: Sequence[str] | None = None,
    environ: Mapping[str, str] | None = None,
    *,
    prog: str = "python -m contract_tests.cli",
    description: str = "",
) -> Settings:
    """The settings of one suite run, from its command line (`argv`; None: this process's) and environment;
    `SettingsError` names what is wrong."""
    env = os.environ if environ is None else environ
    flags = vars(argument_parser(prog, description).parse_args(None if argv is None else list(argv)))  # None: sys.argv
    settings = read_rows(flags, env)
    try:
        _check_together(settings)
        if settings.kind is Kind.REMOTE:
            settings = dataclasses.replace(settings, sdk=remote_configuration(str(settings.base_url), env))
    except SettingsError as error:
        raise SettingsError(str(error), partial=settings) from None
    return settings


def read_rows(flags: Mapping[str, str | None], environ: Mapping[str, str], kind: Kind | None = None) -> Settings:
    """The rows of one command, parsed: `flags` by field name (None: not given), else the environment. `kind`: the
    proxy's (`Kind.PROXY`), or None for the suite's, whose kind of target follows from BASE_URL. Raises
    `SettingsError` naming every bad row (with the settings as far as they could be read)."""
    kinds = command_kinds(kind)
    given: dict[str, tuple[Row, str, str]] = {}
    notes: list[str] = []
    for name, row in rows():
        found = _raw(name, row, flags, environ) if row.kinds & kinds else None
        if found is None:
            continue
        text, source = found
        if source in row.aliases:
            notes.append(f"{source} is deprecated: it is {row.name} now (the old name is read one more minor version)")
        given[name] = (row, text, source)
    if kind is None:
        kind = Kind.REMOTE if "base_url" in given else Kind.EMULATOR
    values: dict[str, object] = {}
    errors: list[str] = []
    for name, row in rows():
        if name not in given:
            values[name] = row.default_for(kind)
            continue
        _, text, source = given[name]
        if kind not in row.kinds:
            shown = "…" if not row.flag else text
            applies = " and ".join(APPLIES[each] for each in Kind if each in row.kinds & kinds)
            notes.append(f"{source}={shown} is ignored: it applies to {applies} only")
            values[name] = row.default_for(kind)
            continue
        try:
            values[name] = _parsed(row, text)
        except SettingsError as error:
            errors.append(str(error))
            values[name] = row.default_for(kind)
    in_ci = environ.get("CI", "").lower() not in ("", "0", "false")
    settings = Settings(**values, kind=kind, notes=tuple(notes), in_ci=in_ci)  # type: ignore[arg-type]  # parsed
    if errors:
        raise SettingsError("; ".join(errors), partial=settings)
    return settings


def _check_together(settings: Settings) -> None:
    """Rows that only make sense together: both or neither, all or none, one needing the other."""
    if bool(settings.instance_id) != bool(settings.task_id):
        raise SettingsError("set both DCS_INSTANCE_ID and DCS_TASK_ID, or neither")
    foreign = (settings.foreign_project_id, settings.foreign_instance_id, settings.foreign_task_id)
    if any(foreign) and not all(foreign):
        raise SettingsError("set all of DCS_FOREIGN_PROJECT_ID, DCS_FOREIGN_INSTANCE_ID, DCS_FOREIGN_TASK_ID, or none")
    if bool(settings.foreign_ak) != bool(settings.foreign_sk):
        raise SettingsError("set both DCS_FOREIGN_AK and DCS_FOREIGN_SK, or neither")
    if settings.allow_changes and not settings.changeable_tasks:
        raise SettingsError("ALLOW_CHANGES=1 needs DCS_CHANGEABLE_TASKS: the tasks it may change or delete")


def remote_configuration(base_url: str, environ: Mapping[str, str]) -> Configuration:
    """The SDK's configuration of a server at BASE_URL, as the SDK and the CLI would find it (credentials and
    project required)."""
    try:
        found = resolve(endpoint=base_url, environ=environ, spelling=SUITE)
    except ConfigurationError as error:
        raise SettingsError(f"{error} (to test a server at BASE_URL)") from None
    if found.project is None:
        raise SettingsError(f"{found.no_project} (to test a server at BASE_URL)")
    return found


def describe(settings: Settings) -> str:
    """The run's `settings:` line: each row of its kind of run the table shows, as `NAME=value`."""
    return ", ".join(
        f"{row.name}={row.shown(getattr(settings, name))}"
        for name, row in rows()
        if row.shown is not None and settings.kind in row.kinds
    )
