"""What a state-changing request did besides what it asked (RESTler's use-after-free, namespace, resource-hierarchy
and leakage checkers; OWASP API1/API5 2023): checks across operations, like `checks.family`, that read the tasks
the run knows before and after a change.

* `other_tasks_unchanged_by_changes`: after each state-changing request that succeeded, and after the probes'
  refused ones (another tenant's deletion, IDs mixed across tenants, unsigned and tampered requests, undeclared
  methods), every task the run knows (readable, known to fail, offered to it, another project's when its
  credentials are given) is still there, and after a success every task listed before on that instance but the
  one changed; a status only moves forward (CREATED/WAITING → EXECUTING → SUCCESS or FAILED, both final);
* `task_count_drops_by_deleted`: an instance's `task_count` changes exactly as its listed tasks did: down by the
  tasks deleted, up by those someone else created meanwhile;
* `repeated_deletion_answers_404`: a task this run deleted answers 404 to another deletion (sent once more right
  after the first success, and any the run sends later): never 2xx (RFC 9110 §9.3.5), never 5xx.

Economical, and counted in the run's requests like every other: each instance holding a known task is listed
once before the probes (when one of them changes state) and once after them, then once after the first
success of a change; the changed instance right before each request that may be the first to succeed on an
offered task (`before_change`, told by the sender), and after every success (the listing `deleted_task_is_gone`
already read, `FamilyChecks.after_deletion`). A read-only run whose probes change nothing sends two listings per
known instance. An instance whose listing is known to fail is read task by task (their progress).

Tolerated, for a shared service others change during the run: statuses moving on by themselves (forward), a
task created by someone else after the run started (listed with a later `created_at`; the count rises by it),
and, between reads further apart than one request, unknown tasks vanishing (someone else deleted them; the count
drops with them). Never tolerated: a known task gone, a status going back or leaving SUCCESS or FAILED, a task
created before the run that appears from nowhere, and any other task gone between the read right before a
change and the read right after it.
"""

from __future__ import annotations

import contextlib
import datetime
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from dcs_tasks import parse_timestamp
from requests.auth import AuthBase
from schemathesis import BaseSchema, CheckContext, Response
from schemathesis.checks import CheckFunction
from schemathesis.specs.openapi.schemas import OpenApiSchema

from ..record.answers import AnyCase, json_object
from ..record.recording import Recorder
from ..spec.api import ApiSpec, changes_state, spec_of
from ..spec.ids import KnownTask, id_key
from ..target.model import Target
from .base import FAILED, LISTING, PROGRESS, SKIPPED, case_key, listed_tasks, operation_of, task_count
from .family import LISTED, RANK, SUCCESS, WHOLE_LISTING, FamilyChecks, Pages, TaskKey, progress_state

OTHERS, COUNT = "other_tasks_unchanged_by_changes", "task_count_drops_by_deleted"
FINAL = frozenset({SUCCESS, FAILED})
MAX_PAGES = 10  # of WHOLE_LISTING tasks each: an instance with more is judged on what those show
MAX_PRIMINGS = 2  # reads before requests at one task that did not succeed (then the change is judged as usual)
Instance = tuple[str, str]


@dataclass(frozen=True)
class Shown:
    """One task as read once: its status as shown (listed, or the progress' state), how far that is, its creation."""

    status: str
    state: str  # a `RANK` key, or the status itself when the spec documents no such value
    created: datetime.datetime | None


@dataclass
class Seen:
    """An instance as read once: its tasks by lower-cased ID, and its `task_count` (None when read task by task)."""

    tasks: dict[str, Shown] = field(default_factory=dict)
    count: int | None = None
    answer: Response | None = None  # the last answer read, shown with a failure


def went_back(before: str, after: str) -> bool:
    """Whether a task went from state `before` to `after` against the one way a task goes."""
    if before in FINAL:
        return after != before
    return before in RANK and after in RANK and RANK[after] < RANK[before]


def _created(task: dict[str, Any]) -> datetime.datetime | None:
    value = task.get("created_at")
    try:
        return parse_timestamp(value).replace(microsecond=0) if isinstance(value, str) else None
    except ValueError:
        return None


def _from_listing(pages: Iterable[dict[str, Any]]) -> Seen:
    seen = Seen()
    for body in pages:
        seen.count = task_count(body)  # the last page's: what the service says now
        for task in listed_tasks(body):
            status = str(task.get("status"))
            seen.tasks[str(task.get("id", "")).lower()] = Shown(status, LISTED.get(status, status), _created(task))
    return seen


class StateChecks:
    """The state checks of one run: what it last saw of each instance holding a known task, and what it changed."""

    def __init__(self, target: Target, family: FamilyChecks, recorder: Recorder) -> None:
        self.target, self.family, self.recorder = target, family, recorder
        self.schema: BaseSchema | None = None  # the run's schema (`Validator.watch`): what the reads are made of
        self.seen: dict[Instance, Seen] = {}
        self.changed: set[tuple[str, TaskKey]] = set()  # (operation, task) a state-changing request succeeded on
        self.deleted_once: set[TaskKey] = set()  # tasks a deletion succeeded on: another one must answer 404
        self.reread = False  # every known instance read again after the first success
        self._judged: tuple[Response, list[str], list[str]] | None = None  # the last change's problems
        self.failures: list[str] = []  # what the answers to the reads failed (they are compared all the same)
        self.primed: AnyCase | None = None  # the request whose instance was read right before it was sent
        self.primings: Counter[tuple[str, TaskKey]] = Counter()  # reads before a change, by operation and task
        self.pending: tuple[list[str], list[str]] = ([], [])  # what those reads found, judged with the change

    @property
    def all(self) -> list[CheckFunction]:
        return [
            self.other_tasks_unchanged_by_changes,
            self.task_count_drops_by_deleted,
            self.repeated_deletion_answers_404,
        ]

    # -- reading ---------------------------------------------------------------------------------

    @property
    def spec(self) -> ApiSpec:
        assert self.schema is not None
        return spec_of(self.schema)

    def _known(self) -> dict[Instance, tuple[AuthBase | None, tuple[KnownTask, ...]]]:
        """Each instance holding a task the run knows, the credentials it is read with, and those tasks."""
        target = self.target
        known: dict[Instance, tuple[AuthBase | None, tuple[KnownTask, ...]]] = {}
        own = dict.fromkeys((*target.readable_tasks, *target.faulty_tasks, *target.changeable_tasks))
        groups: list[tuple[AuthBase | None, Iterable[KnownTask]]] = [(None, own)]
        if target.foreign_auth is not None:
            groups.append((target.foreign_auth, target.foreign_readable))
        for auth, tasks in groups:
            for task in tasks:
                instance = _instance(task)
                _, held = known.get(instance, (auth, ()))
                known[instance] = (auth, (*held, task))
        return known

    def _read(self, instance: Instance, auth: AuthBase | None, tasks: tuple[KnownTask, ...]) -> Seen:
        """The instance now: every page of its listing, or, where its listing is known to fail, each task's progress."""
        spec = self.spec
        listing = spec.by_id[min(op for op in spec.with_schema(LISTING) if not spec.by_id[op].takes_task)]
        ids = {"project_id": tasks[0].project_id, "instance_id": tasks[0].instance_id}
        if instance in self.target.faulty_keys(listing):
            return self._progresses(spec, auth, tasks)
        pages: list[dict[str, Any]] = []
        seen, offset = Seen(), 0
        paged = {"offset", "limit"} <= set(listing.query_parameters)
        for _ in range(MAX_PAGES):
            query: dict[str, str | int] = {"offset": offset, "limit": WHOLE_LISTING} if paged else {}
            seen.answer = answer = self.family.fetch(
                self._schema, listing.operation_id, ids, query, auth=auth, failures=self.failures
            )
            body = json_object(answer) if 200 <= answer.status_code < 300 else None
            if body is None:
                raise AssertionError(f"listing instance {instance[1]!r} answered {answer.status_code}")
            pages.append(body)
            offset += len(listed_tasks(body))
            total = task_count(body)
            if not paged or len(listed_tasks(body)) < WHOLE_LISTING or (total is not None and offset >= total):
                break
        read = _from_listing(pages)
        read.answer = seen.answer
        return read

    def _progresses(self, spec: ApiSpec, auth: AuthBase | None, tasks: tuple[KnownTask, ...]) -> Seen:
        show = spec.by_id[min(op for op in spec.with_schema(PROGRESS) if not spec.by_id[op].changes_state)]
        seen, failing = Seen(), self.target.faulty_keys(show)
        for task in tasks:
            if not task.task_id or id_key(task.as_path_parameters()) in failing:
                continue
            ids = task.as_path_parameters()
            seen.answer = answer = self.family.fetch(
                self._schema, show.operation_id, ids, auth=auth, failures=self.failures
            )
            body = json_object(answer) if answer.status_code == 200 else None
            state = progress_state(body) if body is not None else None
            if state is not None:
                seen.tasks[task.task_id.lower()] = Shown(f"{state} (by its progress)", state, None)
        return seen

    @property
    def _schema(self) -> OpenApiSchema:
        assert isinstance(self.schema, OpenApiSchema)
        return self.schema

    # -- judging ---------------------------------------------------------------------------------

    def _compare(self, instance: Instance, now: Seen, gone: set[str], whole: bool) -> tuple[list[str], list[str]]:
        """What changed on `instance` since it was last seen, but the tasks `gone` (changed by the run): problems
        for `other_tasks_unchanged_by_changes` and for `task_count_drops_by_deleted`; `whole`: every task listed
        counts, not only the known ones. `now` becomes what was last seen."""
        before = self.seen.get(instance)
        self.seen[instance] = now
        if before is None:
            return [], []
        gone = gone | {task for *where, task in self.family.deleted if tuple(where) == instance}
        known = {task.task_id.lower() for task in self._known().get(instance, (None, ()))[1]}
        where, others = f"instance {instance[1]!r}", []
        for task_id, then in before.tasks.items():
            if task_id in gone:
                continue
            shown = now.tasks.get(task_id)
            if shown is None and (whole or task_id in known):
                others.append(f"task {task_id!r} of {where}, {then.status} before, is gone")
            elif shown is not None and went_back(then.state, shown.state):
                others.append(f"task {task_id!r} of {where} went from {then.status} back to {shown.status}")
        appeared = [task_id for task_id in now.tasks if task_id not in before.tasks]
        for task_id in appeared:
            created = now.tasks[task_id].created
            if created is not None and created >= self.family.started:
                self.family.excused["task created by someone else while the run changed state"] += 1
            elif before.count is not None:  # a listing read whole both times
                others.append(
                    f"task {task_id!r} of {where}, created at {created or 'an unknown time'} (before the "
                    "run), was not listed before and is now"
                )
        counts: list[str] = []
        if before.count is not None and now.count is not None:
            vanished = len(before.tasks.keys() - now.tasks.keys())
            expected = before.count - vanished + len(appeared)
            if now.count != expected:
                counts.append(
                    f"task_count of {where} went from {before.count} to {now.count}, but {vanished} listed task(s) "
                    f"went ({len(gone & before.tasks.keys())} deleted by the run) and {len(appeared)} came: "
                    f"expected {expected}"
                )
        return others, counts

    def _drained(self) -> list[str]:
        """What the answers to the reads since the last judgement failed (each once)."""
        failed, self.failures = self.failures, []
        return list(dict.fromkeys(failed))

    def _record(self, check: str, problems: list[str], answer: Response | None) -> None:
        self.recorder.report.checks[check] += 1
        if problems:
            request = answer.request if answer is not None else None
            self.recorder.record(check, problems[0], "\n".join(problems), request, answer)

    @contextlib.contextmanager
    def around_probes(self, methods: Iterable[str]) -> Iterator[None]:
        """The known instances read before and after the probes when one of them changes state (`methods`): the
        refused requests must have changed nothing."""
        if self.schema is None or not any(map(changes_state, methods)):
            yield
            return
        known = self._known()
        problems = self._read_each(known)  # before: nothing to compare with yet
        yield
        others: list[str] = []
        counts: list[str] = []
        last: Response | None = None
        for instance, (auth, tasks) in known.items():
            try:
                now = self._read(instance, auth, tasks)
            except AssertionError as error:
                problems.append(str(error))
                continue
            found, miscounted = self._compare(instance, now, set(), whole=False)
            others += found
            counts += miscounted
            last = now.answer if found or miscounted else last
        problems += self._drained()
        self._record(OTHERS, [*problems, *(f"after the probes' refused changes: {p}" for p in others)], last)
        self._record(COUNT, [f"after the probes' refused changes: {p}" for p in counts], last)

    def _read_each(self, known: dict[Instance, tuple[AuthBase | None, tuple[KnownTask, ...]]]) -> list[str]:
        """Read every known instance, keeping what each shows; the problems reading them."""
        problems = []
        for instance, (auth, tasks) in known.items():
            try:
                self.seen[instance] = self._read(instance, auth, tasks)
            except AssertionError as error:
                problems.append(str(error))
        return problems

    def before_change(self, case: AnyCase) -> None:
        """Right before a request aimed at a task offered to it: its instance read, when the request may be the first
        to succeed on that task (not yet changed, not known to fail there, not a negative case), so that what the
        change alone did is judged on every task listed there (`whole`), not only on the known ones."""
        operation, key = operation_of(case), case_key(case)
        negative = case.meta is not None and case.meta.generation.mode.is_negative
        if operation is None or self.schema is None or negative or (operation.operation_id, key) in self.changed:
            return
        failing = id_key(case.path_parameters, operation.id_parameters) in self.target.faulty_keys(operation)
        if failing or self.primings[operation.operation_id, key] >= MAX_PRIMINGS:
            return
        self.primings[operation.operation_id, key] += 1
        instance = (key[0], key[1])
        auth, tasks = self._known().get(instance, (None, (KnownTask(*key),)))
        try:
            now = self._read(instance, auth, tasks)
        except AssertionError as error:  # judged with the change's answer
            self.failures.append(str(error))
            return
        # What the refused requests since the last read did, judged with the change's answer.
        others, counts = self._compare(instance, now, set(), whole=False)
        self.pending = (self.pending[0] + others, self.pending[1] + counts)
        self.primed = case

    def _change(self, response: Response, case: AnyCase) -> tuple[list[str], list[str]] | None:
        """After the first success of a state-changing request for a task: what changed besides it (problems for
        the other tasks, for the count); None for any other answer. Judged once per answer, for both checks."""
        if self._judged is not None and self._judged[0] is response:
            return self._judged[1], self._judged[2]
        operation, key = operation_of(case), case_key(case)
        signed = self.target.auth.authenticated(response.request)
        success = operation is not None and response.status_code in operation.success_statuses
        if operation is None or not operation.changes_state or not operation.takes_task or not signed or not success:
            return None
        if (operation.operation_id, key) in self.changed or self.schema is None:
            return None
        self.changed.add((operation.operation_id, key))
        known, instance = self._known(), (key[0], key[1])
        listing = self.family.after_deletion.pop(key, None)
        auth, tasks = known.get(instance, (None, (KnownTask(*case_key(case)),)))
        now = _from_pages(listing) if listing is not None else self._read(instance, auth, tasks)
        others, counts = self._compare(instance, now, {key[2]}, whole=self.primed is case)
        self.primed = None
        if not self.reread:  # once: every other instance the run knows, read again
            self.reread = True
            for other, (other_auth, other_tasks) in known.items():
                if other != instance:
                    found, miscounted = self._compare(other, self._read(other, other_auth, other_tasks), set(), False)
                    others, counts = others + found, counts + miscounted
        earlier, self.pending = self.pending, ([], [])
        others = [*self._drained(), *(f"before it: {p}" for p in earlier[0]), *others]
        counts = [*(f"before it: {p}" for p in earlier[1]), *counts]
        self._judged = (response, others, counts)
        return others, counts

    def other_tasks_unchanged_by_changes(self, _ctx: CheckContext, response: Response, case: AnyCase) -> bool | None:
        """After a state-changing request succeeded on a task, every other task the run knows, and every other task
        listed before on its instance, is still there, its status moved only forward, SUCCESS and FAILED final."""
        judged = self._change(response, case)
        if judged is None:
            return SKIPPED
        if judged[0]:
            raise AssertionError(f"after {case.method} of task {case_key(case)[2]!r}: " + "; ".join(judged[0]))
        return None

    def task_count_drops_by_deleted(self, _ctx: CheckContext, response: Response, case: AnyCase) -> bool | None:
        """After a state-changing request succeeded, each instance's `task_count` changed exactly as its listed tasks
        did: down by the tasks deleted, up by those someone else created meanwhile."""
        judged = self._change(response, case)
        if judged is None:
            return SKIPPED
        if judged[1]:
            raise AssertionError(f"after {case.method} of task {case_key(case)[2]!r}: " + "; ".join(judged[1]))
        return None

    def repeated_deletion_answers_404(self, _ctx: CheckContext, response: Response, case: AnyCase) -> bool | None:
        """A task this run deleted answers 404 to another deletion (sent once more right after the first success,
        and any later one the run sends): never 2xx, never 5xx (RFC 9110 §9.3.5, §9.2.2)."""
        operation, key = operation_of(case), case_key(case)
        deletion = operation is not None and operation.method == "DELETE" and operation.takes_task
        if not deletion or not self.target.auth.authenticated(response.request) or self.schema is None:
            return SKIPPED
        assert operation is not None
        negative = case.meta is not None and case.meta.generation.mode.is_negative
        if key in self.deleted_once:
            _expect_404(response, negative, "a deletion of a task this run had deleted")
            return None
        if response.status_code not in operation.success_statuses:
            return SKIPPED
        self.deleted_once.add(key)
        ids = {name: str(case.path_parameters[name]) for name in operation.id_parameters}
        again = self.family.fetch(self._schema, operation.operation_id, ids)
        _expect_404(again, False, "the same deletion, sent again right after it succeeded,")
        return None


def _expect_404(response: Response, negative: bool, what: str) -> None:
    allowed = {404, 400} if negative else {404}  # a negative case may be refused before any lookup
    if response.status_code not in allowed:
        raise AssertionError(f"{what} answered {response.status_code}, expected 404")


def _instance(task: KnownTask) -> Instance:
    project, instance = id_key(task.as_path_parameters(), ("project_id", "instance_id"))
    return project, instance


def _from_pages(listing: Pages) -> Seen:
    return _from_listing(body for _, body in listing.pages)
