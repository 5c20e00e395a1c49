"""One recompute for a burst of changes (the reorder list, the dashboard's figures).

`poke()` after each change notice: the job runs once the changes have been quiet for
`quiet_ms`, and at the latest `max_wait_ms` after the first poke of a burst, so steady
scanning still sees fresh figures. A job already running on the worker is never
stacked: a poke meanwhile schedules exactly one more run after it.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QElapsedTimer, QObject, QTimer


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
