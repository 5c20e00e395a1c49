"""Slow database work off the UI thread: one worker, results delivered by signal.

The shape is Anki's task manager: `runner.run(fn, done=...)` queues `fn` on a single
worker thread (it gets its own database connection: peewee keeps one per thread) and
calls `done(result)` back on the UI thread. Tasks given the same `key` replace each
other: a queued task whose key has a newer task is skipped, and only the newest
result is delivered, so a fast typist never waits for stale searches.
"""

from __future__ import annotations

import itertools
import logging
import queue
import sys
from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import QCoreApplication, QDeadlineTimer, QObject, QThread, Signal

from inventory.dberrors import is_driver_error, translate
from inventory.errors import InventoryError
from inventory.live import reconnect_if_lost
from inventory.store import Store

log = logging.getLogger(__name__)

_STOP = object()
UI_SWITCH_INTERVAL_S = 0.001


class _Worker(QThread):
    task_finished = Signal(int, str, object)  # task id, "ok" / "error" / "skipped", value

    def __init__(self, jobs: queue.Queue, latest: dict[str, int], db: Store | None) -> None:
        super().__init__()
        self.setObjectName("stockroom-worker")
        self._jobs = jobs
        self._latest = latest
        self._db = db

    def run(self) -> None:
        try:
            while True:
                job = self._jobs.get()
                if job is _STOP:
                    break
                tid, key, fn, args, kwargs = job
                if key is not None and self._latest.get(key) != tid:
                    self.task_finished.emit(tid, "skipped", None)
                    continue
                try:
                    if self._db is not None:
                        reconnect_if_lost(self._db)  # the server was away and is back
                    value = fn(*args, **kwargs)
                except BaseException as exc:  # noqa: BLE001 - delivered to the UI thread
                    if is_driver_error(exc):  # e.g. the server went away: said, not a crash
                        exc = translate(exc)
                    self.task_finished.emit(tid, "error", exc)
                else:
                    self.task_finished.emit(tid, "ok", value)
        finally:
            if self._db is not None and not self._db.is_closed():
                self._db.close()  # this thread's connection only


class TaskRunner(QObject):
    """Runs functions on one worker thread; `done` / `failed` are called on the UI thread.

    `failed` gets the exception. Without it, a domain error is emitted as
    `error_reported(message)` and a bug goes to `sys.excepthook` (logged, polite dialog).
    """

    error_reported = Signal(str)
    busy_changed = Signal(bool)

    def __init__(self, db: Store | None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._db = db
        self._jobs: queue.Queue = queue.Queue()
        self._latest: dict[str, int] = {}
        self._pending: dict[int, tuple[str | None, Callable | None, Callable | None]] = {}
        self._ids = itertools.count(1)
        self._worker: _Worker | None = None
        self._closed = False
        self._expected: set[QObject] = set()  # asked to wait for a task soon to be run

    def run(self, fn: Callable[..., Any], *args: Any, done: Callable[[Any], None] | None = None,
            failed: Callable[[BaseException], None] | None = None, key: str | None = None,
            **kwargs: Any) -> int:
        if self._closed:
            # The window is closing: a timer that fires now (a coalesced recompute, a
            # page's refresh) asks for work nobody will see. Dropped, not an error.
            log.debug("task %r dropped: the task runner was shut down", fn)
            return 0
        if self._worker is None:
            # The UI thread paints through thousands of short Python calls; each time it
            # lets go of the GIL a busy worker may keep it for a whole switch interval
            # (5 ms by default), so one repaint can wait many times over. 1 ms keeps
            # the window responsive while the worker reads.
            sys.setswitchinterval(UI_SWITCH_INTERVAL_S)
            self._worker = _Worker(self._jobs, self._latest, self._db)
            self._worker.task_finished.connect(self._deliver)
            self._worker.start()
        tid = next(self._ids)
        if key is not None:
            self._latest[key] = tid
        was_idle = not self._pending
        self._pending[tid] = (key, done, failed)
        self._jobs.put((tid, key, fn, args, kwargs))
        if was_idle:
            self.busy_changed.emit(True)
        return tid

    def is_busy(self) -> bool:
        return bool(self._pending)

    def _deliver(self, tid: int, outcome: str, value: object) -> None:
        key, done, failed = self._pending.pop(tid, (None, None, None))
        try:
            if outcome == "skipped" or (key is not None and self._latest.get(key) != tid):
                return
            if outcome == "ok":
                if done is not None:
                    done(value)
            elif failed is not None:
                failed(value)
            elif isinstance(value, InventoryError):
                self.error_reported.emit(str(value))
            else:
                sys.excepthook(type(value), value, value.__traceback__)
        finally:
            if not self._pending:
                self.busy_changed.emit(False)

    def expect(self, source: QObject) -> None:
        """`source` will run a task soon (a stale page, once painted): until `unexpect`,
        `wait_idle` waits for it too."""
        self._expected.add(source)

    def unexpect(self, source: QObject) -> None:
        self._expected.discard(source)

    def _waiting(self) -> bool:
        self._expected = {s for s in self._expected if shiboken6.isValid(s)}  # (deleted)
        return bool(self._pending or self._expected)

    def wait_idle(self, timeout_ms: int = 10_000) -> bool:
        """Process events until every queued task was delivered (tests, benchmarks, an
        export of a page still reading)."""
        deadline = QDeadlineTimer(timeout_ms)
        while self._waiting() and not deadline.hasExpired():
            QCoreApplication.processEvents()
            QThread.msleep(1)
        return not self._waiting()

    def shutdown(self, timeout_ms: int = 10_000) -> None:
        """Finish the task under way, drop the rest, end the thread."""
        self._closed = True
        worker, self._worker = self._worker, None
        if worker is None:
            return
        self._latest.clear()
        while True:
            try:
                self._jobs.get_nowait()
            except queue.Empty:
                break
        self._jobs.put(_STOP)
        if not worker.wait(QDeadlineTimer(timeout_ms)):
            log.warning("the worker thread did not end within %d ms", timeout_ms)
        worker.task_finished.disconnect(self._deliver)
        self._pending.clear()
        worker.deleteLater()
