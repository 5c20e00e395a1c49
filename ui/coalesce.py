"""When the window's heavier work runs: one recompute for a burst of changes (the reorder
list, the dashboard's figures), chart steps one per turn, a stale page's read after its
first paint.

`poke()` after each change notice: the job runs once the changes have been quiet for
`quiet_ms`, and at the latest `max_wait_ms` after the first poke of a burst, so steady
scanning still sees fresh figures. A job already running on the worker is never
stacked: a poke meanwhile schedules exactly one more run after it.
"""

from __future__ import annotations

from collections.abc import Callable

import shiboken6
from PySide6.QtCore import QElapsedTimer, QEvent, QObject, QTimer
from PySide6.QtWidgets import QWidget

from .tasks import TaskRunner


class Coalescer(QObject):
    def __init__(self, job: Callable[[], None], *, quiet_ms: int = 1_500,
                 max_wait_ms: int = 5_000, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._job = job
        self.quiet_ms, self.max_wait_ms = quiet_ms, max_wait_ms
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._fire)
        self._since = QElapsedTimer()
        self._running = False
        self._again = False
        self.runs = 0  # how many times the job ran (benchmarks count recomputes)

    def poke(self) -> None:
        """A change arrived."""
        if self._running:
            self._again = True
            return
        if not self._timer.isActive():
            self._since.start()
        left = self.max_wait_ms - self._since.elapsed()
        self._timer.start(max(0, min(self.quiet_ms, left)))

    def now(self) -> None:
        """Run at once (the page was just shown, or the user asked)."""
        self._timer.stop()
        if self._running:
            self._again = True
            return
        self._fire()

    def pending(self) -> bool:
        return self._timer.isActive() or self._running

    def _fire(self) -> None:
        self._running = True
        self._again = False
        self.runs += 1
        self._job()

    def finished(self) -> None:
        """The job's result arrived (call from its `done` / `failed`)."""
        self._running = False
        if self._again:
            self._again = False
            self.poke()


class OnePerTurn(QObject):
    """Steps run one per turn of the event loop: building a chart is tens of milliseconds
    of UI-thread work, and a scan at the counter must not wait for a whole page of them.
    `replace(steps)` drops the steps of the last figures not run yet."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._steps: list[Callable[[], None]] = []
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self._next)

    def replace(self, steps: list[Callable[[], None]]) -> None:
        self._steps = list(steps)
        self._timer.start()

    def pending(self) -> bool:
        return bool(self._steps)

    def _next(self) -> None:
        if self._steps:
            self._steps.pop(0)()
        if self._steps:
            self._timer.start()


class AfterPaint(QObject):
    """`fn` on the turn after `widget` is next painted: a stale page shows what it had at
    once, and its read starts on the worker only then. Started during the show, the read
    holds the interpreter while the page is laid out and painted, and that turn takes
    twice as long. Widgets paint up to a frame after they are shown, when their window
    handles its update request, so that is what is watched. `fallback_ms`: when no paint
    comes (the window is covered), `fn` runs anyway."""

    def __init__(self, widget: QWidget, fn: Callable[[], None], runner: TaskRunner, *,
                 fallback_ms: int = 100) -> None:
        super().__init__(widget)
        self._widget, self._fn, self.fallback_ms = widget, fn, fallback_ms
        self._runner = runner  # told a read is on its way (its wait_idle waits for it)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._fire)
        self._watched: QWidget | None = None

    def arm(self) -> None:
        if self._watched is not None:
            return
        self._watched = self._widget.window()
        self._watched.installEventFilter(self)  # only until it fires
        self._runner.expect(self)
        self._timer.start(self.fallback_ms)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt name)
        if event.type() in _PAINTING:
            self._timer.start(0)  # the next turn: this one paints
        return False

    def _fire(self) -> None:
        watched, self._watched = self._watched, None
        if watched is not None:
            if shiboken6.isValid(watched):
                watched.removeEventFilter(self)
            try:
                self._fn()
            finally:
                self._runner.unexpect(self)


_PAINTING = (QEvent.Type.UpdateRequest, QEvent.Type.Paint)
