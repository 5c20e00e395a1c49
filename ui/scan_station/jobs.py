"""The station's work queue: every scan and action is a job, run one at a time, in order,
with its database work on the worker and the UI thread free in between.

A job is a generator. It runs on the UI thread (reading widgets, filling the basket) and
yields what it needs from the database:

    res = yield Read(resolve, code)               # a lookup, on the worker (ui/tasks.py)
    result = yield Write((CheckIn(tag),))          # a write, through ui/operations.py

and is sent the answer (or has the refusal raised at the `yield`) when it arrives; what it
returns is the `Outcome` the station shows. A scan made while a job waits for the database
is queued behind it, so scans are applied in the order they were made and each one sees
the state the previous one left (the person scanned, the basket, the open count). A mode
method that needs no database returns its `Outcome` at once; `answer(...)` treats both
alike.
"""

from __future__ import annotations

import logging
import time
from collections import deque
from collections.abc import Callable, Generator, Mapping
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QCoreApplication, QDeadlineTimer, QObject

from inventory.commands import Command
from inventory.errors import InventoryError
from inventory.operations import BasketResult

from ..operations import OperationRunner
from ..tasks import TaskRunner
from .feedback import Outcome, refused

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Read:
    """Call `fn(*args, **kwargs)` on the database worker; the job gets its value."""

    fn: Callable[..., Any]
    args: tuple[Any, ...] = ()
    kwargs: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Write:
    """Run the commands as one unit of work (ui/operations.py); the job gets the
    `BasketResult`, or the refusal raised where it yielded."""

    commands: tuple[Command, ...]


Request = Read | Write
Step = Generator[Request, Any, Outcome | None]
Answer = Outcome | Step | None


def read(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Generator[Request, Any, Any]:
    """`value = yield from read(fn, ...)`: a lookup on the worker."""
    return (yield Read(fn, args, kwargs))


def write(*commands: Command) -> Generator[Request, Any, BasketResult]:
    """`result = yield from write(cmd, ...)`: one unit of work, all or nothing."""
    result: BasketResult = yield Write(tuple(commands))
    return result


def answer(value: Answer) -> Step:
    """`return (yield from answer(mode.confirm()))`: an Outcome or a job, alike."""
    if isinstance(value, Generator):
        return (yield from value)
    return value


FAILED_TITLE = "Something went wrong; nothing was changed"
FAILED_DETAIL = ("The details are in the log. Scan again, or tell IT support if it keeps "
                 "happening.")


class JobQueue(QObject):
    """One job at a time, in the order submitted; `shown(outcome)` for each answer."""

    def __init__(self, runner: TaskRunner, ops: OperationRunner,
                 shown: Callable[[Outcome], None], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.runner, self.ops = runner, ops
        self._shown = shown
        self._jobs: deque[Callable[[], Answer]] = deque()
        self._current: Step | None = None
        self._pumping = False
        self.writing = False  # a write of the current job is on the worker

    # -- submitting --------------------------------------------------------------------

    def submit(self, job: Callable[[], Answer]) -> None:
        """Queue `job` (called with no arguments when its turn comes)."""
        self._jobs.append(job)
        self._pump()

    def waiting(self) -> int:
        """Jobs not finished yet (the one in progress included)."""
        return len(self._jobs) + (self._current is not None)

    def busy(self) -> bool:
        return self.waiting() > 0

    def wait(self, timeout_ms: int = 30_000) -> bool:
        """Process events until every job has answered (tests, benchmarks)."""
        deadline = QDeadlineTimer(timeout_ms)
        while (self.busy() or self.runner.is_busy()) and not deadline.hasExpired():
            QCoreApplication.processEvents()
            if self.busy() or self.runner.is_busy():
                time.sleep(0.001)  # lets go of the GIL: the worker is doing the job
        return not self.busy()

    # -- running -----------------------------------------------------------------------

    def _pump(self) -> None:
        """Start queued jobs until one waits for the database (or none is left)."""
        if self._pumping:
            return
        self._pumping = True
        try:
            while self._current is None and self._jobs:
                job = self._jobs.popleft()
                try:
                    value = job()
                except Exception as exc:  # noqa: BLE001 - shown, logged when a bug
                    self._show(_refusal(exc))
                    continue
                if isinstance(value, Generator):
                    self._current = value
                    self._step(value, None, None)
                elif value is not None:
                    self._show(value)
        finally:
            self._pumping = False

    def _step(self, job: Step, value: Any, exc: BaseException | None) -> None:
        """Resume `job` with a value (or an exception) until it yields or ends."""
        try:
            request = job.throw(exc) if exc is not None else job.send(value)
        except StopIteration as stop:
            self._end(stop.value)
        except Exception as err:  # noqa: BLE001 - shown, logged when a bug
            self._end(_refusal(err))
        else:
            self._request(job, request)

    def _request(self, job: Step, request: Request) -> None:
        def done(v: Any) -> None:
            self.writing = False
            self._resume(job, v, None)

        def failed(e: BaseException) -> None:
            self.writing = False
            self._resume(job, None, e)

        if isinstance(request, Read):
            self.runner.run(request.fn, *request.args, done=done, failed=failed,
                            **request.kwargs)
        elif isinstance(request, Write):
            self.writing = True
            self.ops.run(request.commands, done=done, failed=failed, bug=failed,
                         progress=False)
        else:
            self._resume(job, None, TypeError(f"a station job yielded {request!r}"))

    def _resume(self, job: Step, value: Any, exc: BaseException | None) -> None:
        self._step(job, value, exc)
        self._pump()

    def _end(self, outcome: Outcome | None) -> None:
        self._current = None
        if outcome is not None:
            self._show(outcome)

    def _show(self, outcome: Outcome) -> None:
        try:
            self._shown(outcome)
        except Exception:  # noqa: BLE001 - showing must not stop the queue
            log.exception("showing a scan station answer failed")


def _refusal(exc: BaseException) -> Outcome:
    if isinstance(exc, InventoryError):
        return refused("Not done", str(exc))
    log.error("scan station failed", exc_info=exc)
    return refused(FAILED_TITLE, FAILED_DETAIL)
