"""The one table of the suite's settings (`Settings`): each field is one row, written once, with its environment
name, its parser, its default for each kind of target, whether it has a flag, and one line of documentation.

The command line's flags (`--rate-limit`), the environment reading (`RATE_LIMIT`), the run's `settings:` line and
the table in docs/contract-suite.md all follow from these rows (`settings.reading`, `settings.docs`); adding a
setting is one row here plus its behaviour where it acts. Two commands read the table: `make contract` (the
suite, against the emulator or a server at BASE_URL) and `make proxy` (the validating proxy, judging real
traffic to UPSTREAM). A row says which of those kinds of run it applies to: one the suite reads, set for the
suite's other kind of target, is said to be ignored, never silently dropped; one only the other command reads
is no setting of this one (the two share a shell's exports).
A renamed variable keeps its old name in `aliases` for one minor version; reading it prints a deprecation line.

The fields after the rows are not settings: what the reader found (the kind of target, the SDK configuration it
resolved once, the notes to print) and what only the proofs and benchmarks set (send nothing, keep going past a
failure, how to wait, another spec).
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any, Generic, TypeVar

from dcs_tasks.lib.config import Configuration

from ..spec.document import SPEC_PATH
from . import parsers
from .parsers import TaskRef
from .shard import WHOLE, Shard, shard

T = TypeVar("T")
ROW = "setting"  # the key of a field's row in its metadata


class Kind(StrEnum):
    """The kinds of run a setting may apply to: the suite's two kinds of target, and the proxy's real traffic."""

    EMULATOR = "emulator"  # the suite's own emulator, started by the run (no BASE_URL)
    REMOTE = "remote"  # a server at BASE_URL, such as staging
    PROXY = "proxy"  # the validating proxy: clients' traffic to UPSTREAM, judged as it passes (`make proxy`)


SUITE_RUNS = frozenset({Kind.EMULATOR, Kind.REMOTE})  # what `make contract` reads
BOTH = SUITE_RUNS  # both of the suite's kinds of target
REMOTE_ONLY = frozenset({Kind.REMOTE})
EMULATOR_ONLY = frozenset({Kind.EMULATOR})
PROXY_ONLY = frozenset({Kind.PROXY})
EVERY_RUN = frozenset(Kind)
_SAME = object()  # a `ByKind` whose proxy default is its BASE_URL one


@dataclass(frozen=True)
class ByKind(Generic[T]):
    """A default that depends on the kind of run (the proxy's: the BASE_URL one unless given)."""

    emulator: T
    remote: T
    proxy: T | object = _SAME

    def __call__(self, kind: Kind) -> T:
        if kind is Kind.PROXY and self.proxy is not _SAME:
            return self.proxy  # type: ignore[return-value]  # a T when given
        return self.emulator if kind is Kind.EMULATOR else self.remote

    def shown(self, kinds: frozenset[Kind]) -> str:
        """Each default for the kinds of run in `kinds`, equal ones said once: `30 (both), 120 (proxy)`."""
        labels = {Kind.EMULATOR: "emulator", Kind.REMOTE: "BASE_URL", Kind.PROXY: "proxy"}
        values: dict[str, list[str]] = {}
        for kind in Kind:
            if kind in kinds:
                values.setdefault(_shown_default(self(kind)), []).append(labels[kind])
        return ", ".join(
            f"{value} ({'both' if where == ['emulator', 'BASE_URL'] else ', '.join(where)})"
            for value, where in values.items()
        )

    def __str__(self) -> str:
        return self.shown(SUITE_RUNS)


@dataclass(frozen=True)
class Row:
    """One setting: how a person sets it, how it is read, what it defaults to, where it applies, and what it does."""

    name: str  # the environment variable; the flag is its lower-case `--name`
    parse: Callable[[str], object]
    doc: str  # one line, for --help and the docs table
    default: object  # a value, or a `ByKind`
    kinds: frozenset[Kind] = BOTH
    flag: bool = True  # False: environment only (a secret never goes on a command line)
    aliases: tuple[str, ...] = ()  # former names, read with a deprecation line
    staging: str = "safe"  # what a shared staging environment needs of it (the docs' last column)
    shown: Callable[[object], str] | None = None  # how the run's `settings:` line shows it; None: not shown
    metavar: str = "VALUE"

    @property
    def option(self) -> str:
        return "--" + self.name.lower().replace("_", "-")

    def default_for(self, kind: Kind) -> object:
        return self.default(kind) if isinstance(self.default, ByKind) else self.default


def _shown_default(value: object) -> str:
    if value is None or value in ((), ""):
        return "—"
    if isinstance(value, bool):
        return str(int(value))
    return str(value)


def setting(
    name: str,
    parse: Callable[[str], Any],
    doc: str,
    *,
    default: Any,  # noqa: ANN401 - the field's type
    kinds: frozenset[Kind] = BOTH,
    flag: bool = True,
    aliases: tuple[str, ...] = (),
    staging: str = "safe",
    shown: Callable[[Any], str] | None = None,
    metavar: str = "VALUE",
) -> Any:  # noqa: ANN401 - a dataclass field of whatever type the row declares
    """A field of `Settings` that is a setting: its row rides in the field's metadata."""
    row = Row(name, parse, doc, default, kinds, flag, aliases, staging, shown, metavar)
    value = default.emulator if isinstance(default, ByKind) else default
    return field(default=value, metadata={ROW: row})


def _rate(value: float | None) -> str:
    return f"{value:g}/s" if value else "unlimited"


def _seconds(value: float | None) -> str:
    return f"{value:g} s" if value else "none"


HTTP_WORKERS = 4  # WORKERS over HTTP unless set: a far target's waits overlap (docs: Workers, benchmarks)
METHOD_REJECTIONS = ("405", "404", "any")  # 405 + Allow (RFC 9110), the gateway's 404 APIG.0101, or either
PROGRESS_MODES = ("auto", "live", "plain", "off")


@dataclass(frozen=True)
class Settings:
    """One run's settings: the rows of the table, then what the reader found, then the harness's knobs."""

    # ── the target ──
    base_url: str | None = setting(
        "BASE_URL",
        parsers.base_url,
        "test this server (its root URL; the suite appends /v2/…) instead of a freshly started emulator",
        default=None,
        staging="your endpoint",
        metavar="URL",
    )
    scenario: Path | None = setting(
        "SCENARIO",
        parsers.existing_file,
        "the emulator's scenario file (default: its default scenario)",
        default=None,
        kinds=EMULATOR_ONLY,
        aliases=("DCS_EMULATOR_SCENARIO",),
        metavar="FILE",
    )
    in_process: bool = setting(
        "IN_PROCESS",
        parsers.flag,
        "1: call the emulator in this process instead of over loopback HTTP",
        default=False,
        kinds=EMULATOR_ONLY,
    )
    tasks: tuple[TaskRef, ...] = setting(
        "DCS_TASKS",
        parsers.tasks,
        "tasks your credentials may read, `instance/task,…` (`project/instance/task` for another project): each"
        " must answer a success from every read operation and pass every invariant; list a finished, a failed and"
        " a running one",
        default=(),
        kinds=REMOTE_ONLY,
        metavar="TASKS",
    )
    instance_id: str = setting(
        "DCS_INSTANCE_ID", parsers.text, "with DCS_TASK_ID: one more readable task", default="", kinds=REMOTE_ONLY
    )
    task_id: str = setting(
        "DCS_TASK_ID", parsers.text, "with DCS_INSTANCE_ID: one more readable task", default="", kinds=REMOTE_ONLY
    )
    faulty_tasks: tuple[TaskRef, ...] = setting(
        "DCS_FAULTY_TASKS",
        parsers.faulty_tasks,
        "tasks known to fail, `instance/task@Operation+Operation,…`, and instances whose listing fails,"
        " `instance/*@ListBackgroundTask`; without `@…`, every read operation whose path takes exactly those IDs:"
        " the documented 500 is expected and required there, and only there; any other 500 fails the run (a task"
        " of yours that is listed and answers 500 must be named here)",
        default=(),
        kinds=REMOTE_ONLY,
        metavar="TASKS",
    )
    foreign_project_id: str = setting(
        "DCS_FOREIGN_PROJECT_ID",
        parsers.text,
        "with DCS_FOREIGN_INSTANCE_ID and DCS_FOREIGN_TASK_ID: another project's task your credentials must not"
        " read; the tenancy probes mix its IDs with yours, on every operation",
        default="",
        kinds=REMOTE_ONLY,
    )
    foreign_instance_id: str = setting(
        "DCS_FOREIGN_INSTANCE_ID", parsers.text, "that task's instance", default="", kinds=REMOTE_ONLY
    )
    foreign_task_id: str = setting("DCS_FOREIGN_TASK_ID", parsers.text, "that task", default="", kinds=REMOTE_ONLY)
    foreign_ak: str = setting(
        "DCS_FOREIGN_AK",
        parsers.text,
        "with DCS_FOREIGN_SK: that project's credentials; they must not read your tasks, nor change the ones the"
        " run may change",
        default="",
        kinds=REMOTE_ONLY,
        flag=False,
    )
    foreign_sk: str = setting(
        "DCS_FOREIGN_SK", parsers.text, "that project's secret key", default="", kinds=REMOTE_ONLY, flag=False
    )
    # ── what the run may do ──
    allow_changes: bool = setting(
        "ALLOW_CHANGES",
        parsers.flag,
        "1: test the state-changing operations (POST, PUT, PATCH, DELETE), acting on DCS_CHANGEABLE_TASKS only;"
        " 0: read-only (the emulator always offers its scenario's changeable tasks); the proxy: 1 forwards clients'"
        " state-changing requests, 0 refuses them (403 PROXY.403)",
        default=False,
        kinds=REMOTE_ONLY | PROXY_ONLY,
        aliases=("ALLOW_DESTRUCTIVE",),
        staging="**keep 0**",
    )
    changeable_tasks: tuple[TaskRef, ...] = setting(
        "DCS_CHANGEABLE_TASKS",
        parsers.tasks,
        "with ALLOW_CHANGES=1, the only tasks state-changing requests may act on, `instance/task,…`",
        default=(),
        kinds=REMOTE_ONLY,
        aliases=("DCS_DESTRUCTIVE_TASKS",),
        staging="**keep empty**",
        metavar="TASKS",
    )
    # ── budget and pace ──
    max_examples: int = setting(
        "MAX_EXAMPLES",
        parsers.count,
        "fuzzed cases per operation (the examples, coverage and stateful phases add their own)",
        default=350,
        metavar="N",
    )
    seed: int | None = setting(
        "SEED", parsers.seed, "replay a run with its printed seed (default: a fresh seed, printed)", default=None
    )
    shard: Shard = setting(
        "SHARD",
        shard,
        "`i/N`: run part i of N of a campaign (split by operation, docs/contract-suite.md); the N parts, with the"
        " same SEED and MAX_EXAMPLES, send one run's cases and probes between them (each its own first verdict);"
        " `make contract-merge` joins their reports",
        default=WHOLE,
        metavar="I/N",
    )
    request_timeout: float = setting(
        "REQUEST_TIMEOUT",
        parsers.seconds,
        "seconds per request; longer is a `request_timeout` failure; answers over min(5 s, half of it) are a warning;"
        " the proxy: per connect, read and write upstream (longer: a 502 and an `upstream_unreachable` finding)",
        default=ByKind(emulator=30.0, remote=30.0, proxy=120.0),  # the proxy waits as long as the vendor SDK reads
        kinds=EVERY_RUN,
        shown=lambda value: f"{value:g} s",
        metavar="SECONDS",
    )
    rate_limit: float | None = setting(
        "RATE_LIMIT",
        parsers.rate,
        "e.g. `10/s` or `600/m` (both: at most 10 in any second), for every request the run sends (the proxy: every"
        " request it forwards; the rest queue)",
        default=None,
        kinds=EVERY_RUN,
        staging="**set it** (`10/s`)",
        shown=_rate,
        metavar="RATE",
    )
    max_time: float | None = setting(
        "MAX_TIME",
        parsers.seconds,
        "wall-clock budget in seconds; then the run stops and says so (a partial pass)",
        default=None,
        shown=_seconds,
        metavar="SECONDS",
    )
    workers: int | None = setting(
        "WORKERS",
        parsers.count,
        "requests in flight at once (cases, probes, the checks' own requests), all within RATE_LIMIT and the lockout"
        f" rule; unset against the emulator, {HTTP_WORKERS} over loopback and 1 in-process (IN_PROCESS=1: there is no"
        " wire to wait on); what goes one at a time, and why: Workers, below",
        default=ByKind(emulator=None, remote=HTTP_WORKERS),
        shown=lambda value: str(value) if value else "auto",
        metavar="N",
    )
    # ── what the probes send ──
    auth_probes: bool = setting(
        "AUTH_PROBES",
        parsers.flag,
        "send failing signatures with your AK (never more than two in a row, a good request between; the"
        " canonical-encoding requests count too, and are sent either way)",
        default=True,
        staging="safe at 1; `0` if your AK is shared with something that also fails",
        shown=lambda value: str(int(value)),
    )
    method_rejection: str = setting(
        "METHOD_REJECTION",
        parsers.one_of(*METHOD_REJECTIONS),
        "what an undeclared method must get: `405` (+ `Allow`, RFC 9110), `404` (the gateway's `APIG.0101`) or"
        " `any` of both",
        default=ByKind(emulator="405", remote="any"),
        shown=str,
    )
    # ── what the run tells ──
    run_anyway: bool = setting(
        "RUN_ANYWAY",
        parsers.flag,
        "1: run the suite even when the first verdict says the target does not look like the service",
        default=False,
    )
    progress: str = setting(
        "PROGRESS",
        parsers.one_of(*PROGRESS_MODES),
        "`live` (rich display), `plain` (a line every 10 s), `off`; `auto`: live on a terminal, plain in CI or a pipe",
        default="auto",
        kinds=EVERY_RUN,
    )
    verbose: bool = setting("VERBOSE", parsers.flag, "1: show pytest's own output too", default=False)
    reports_dir: Path = setting(
        "REPORTS_DIR",
        parsers.directory,
        "where the run writes its JUnit XML, JSON summary, HTML report and failing exchanges (HAR)",
        default=Path("reports"),
        kinds=EVERY_RUN,
        metavar="DIR",
    )
    # ── the proxy's own ──
    upstream: str | None = setting(
        "UPSTREAM",
        parsers.upstream,
        "where the proxy forwards clients' requests (a base URL; default: DCS_ENDPOINT, else DCS_REGION's endpoint)",
        default=None,
        kinds=PROXY_ONLY,
        staging="your endpoint",
        metavar="URL",
    )
    duration: float | None = setting(
        "DURATION",
        parsers.seconds,
        "the proxy stops after this many seconds, as at Ctrl-C (default: at Ctrl-C)",
        default=None,
        kinds=PROXY_ONLY,
        shown=_seconds,
        metavar="SECONDS",
    )

    # ── not settings: what the reader found ──
    kind: Kind = Kind.EMULATOR  # what is run: the suite against the emulator or a BASE_URL, or the proxy
    sdk: Configuration | None = field(default=None, repr=False)  # a remote target's SDK configuration, resolved once
    notes: tuple[str, ...] = ()  # settings ignored for this kind of target, deprecated names: printed before the run
    in_ci: bool = False  # the environment says CI (`CI` set): no live display in `auto`
    # ── not settings: the harness's knobs (the proofs and the benchmarks) ──
    send: bool = True  # False: generate the cases without sending them (the benchmark's ceiling)
    stop_on_failure: bool = True  # False: send the whole budget past failures (benchmarks against Prism's mock)
    sleep: Callable[[float], None] = field(default=time.sleep, repr=False)  # how the run waits; tests inject one
    spec_path: Path = SPEC_PATH  # the spec the target is tested against (a test's copy may add operations)

    @property
    def slow_after(self) -> float:
        """Answers at least this slow are listed as a warning (never a failure below the timeout)."""
        return min(5.0, self.request_timeout / 2)


def rows() -> Iterator[tuple[str, Row]]:
    """Each setting's field name and row, in the table's order."""
    for each in dataclasses.fields(Settings):
        row = each.metadata.get(ROW)
        if isinstance(row, Row):
            yield each.name, row
