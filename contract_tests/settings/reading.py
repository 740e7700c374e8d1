"""Reading the settings (`read_settings`): every row of the table from its flag, else its environment variable
(else a former name, said to be deprecated), parsed once; the kind of target follows from BASE_URL, and each row
unset takes its default for that kind. A row set for a kind it does not apply to is said to be ignored; rows that
only make sense together are checked together; a remote target's SDK configuration (credentials, project) is
resolved here, once, by the SDK's own resolver. Also the command line (`argument_parser`) and the run's
`settings:` line (`describe`), both made from the table.
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
from .table import Kind, Row, Settings, rows


def argument_parser(prog: str, description: str) -> argparse.ArgumentParser:
    """A flag per setting that has one (`--rate-limit RATE`); a yes/no setting's flag alone means 1."""
    parser = argparse.ArgumentParser(prog=prog, description=description)
    for name, row in rows():
        if not row.flag:
            continue
        where = "" if row.kinds == frozenset(Kind) else f" ({' and '.join(sorted(row.kinds))} only)"
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
    """The settings of one run, from its command line (`argv`; None: this process's) and environment; `SettingsError`
    names what is wrong."""
    env = os.environ if environ is None else environ
    flags = vars(argument_parser(prog, description).parse_args(None if argv is None else list(argv)))  # None: sys.argv
    given: dict[str, tuple[Row, str, str]] = {}
    notes: list[str] = []
    for name, row in rows():
        found = _raw(name, row, flags, env)
        if found is None:
            continue
        text, source = found
        if source in row.aliases:
            notes.append(f"{source} is deprecated: it is {row.name} now (the old name is read one more minor version)")
        given[name] = (row, text, source)
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
            applies = "a server at BASE_URL" if row.kinds == {Kind.REMOTE} else "the emulator"
            notes.append(f"{source}={shown} is ignored: it applies to {applies} only")
            values[name] = row.default_for(kind)
            continue
        try:
            values[name] = _parsed(row, text)
        except SettingsError as error:
            errors.append(str(error))
            values[name] = row.default_for(kind)
    in_ci = env.get("CI", "").lower() not in ("", "0", "false")
    settings = Settings(**values, kind=kind, notes=tuple(notes), in_ci=in_ci)  # type: ignore[arg-type]  # parsed
    if errors:
        raise SettingsError("; ".join(errors), partial=settings)
    try:
        _check_together(settings)
        if kind is Kind.REMOTE:
            settings = dataclasses.replace(settings, sdk=remote_configuration(str(settings.base_url), env))
    except SettingsError as error:
        raise SettingsError(str(error), partial=settings) from None
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
    """The run's `settings:` line: each row the table shows, as `NAME=value`."""
    return ", ".join(
        f"{row.name}={row.shown(getattr(settings, name))}" for name, row in rows() if row.shown is not None
    )
