"""The operation runner: every write of the window goes through here.

`ops.run(commands, done=..., failed=...)` runs the commands as one unit of work on the
database worker (never on the UI thread), shows a progress dialog when it takes long,
publishes ONE merged change notice from the result, then calls `done(result)` on the UI
thread. A domain error goes to `failed(err)` (a form puts it beside `err.field`), else to
the message bar of whoever asked; a bug goes to the crash handler.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtWidgets import QProgressDialog, QWidget

from inventory.commands import Command
from inventory.errors import InventoryError
from inventory.operations import BasketResult, execute_all
from inventory.operators import OperatorRef

from .events import ChangeBus
from .tasks import TaskRunner

PROGRESS_AFTER_MS = 400  # a write that takes longer shows a progress dialog


class OperationRunner(QObject):
    """Runs commands on the worker; one change notice per result."""

    def __init__(self, store: Any, operator: OperatorRef, bus: ChangeBus, tasks: TaskRunner,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._store = store
        self.operator = operator
        self.bus = bus
        self.tasks = tasks
        self.running = 0

    def run(self, commands: Command | Sequence[Command], *,
            done: Callable[[BasketResult], None] | None = None,
            failed: Callable[[InventoryError], None] | None = None,
            bug: Callable[[BaseException], None] | None = None,
            label: str = "Saving…", parent: QWidget | None = None,
            progress: bool = True) -> None:
        """`bug` takes an error that is not a refusal instead of the crash handler (the
        scan station shows it in its panel); `progress=False` never shows the busy dialog
        (the station keeps taking scans meanwhile)."""
        basket = [commands] if isinstance(commands, Command) else list(commands)
        late = _LateProgress(label, parent) if progress else None
        self.running += 1

        def finished() -> None:
            self.running -= 1
            if late is not None:
                late.close()

        def on_done(result: BasketResult) -> None:
            finished()
            self.bus.publish(result.changes)
            if done is not None:
                done(result)

        def on_failed(exc: BaseException) -> None:
            finished()
            if isinstance(exc, InventoryError):
                if failed is not None:
                    failed(exc)
                else:
                    self.tasks.error_reported.emit(str(exc))
            elif bug is not None:
                bug(exc)
            else:
                sys.excepthook(type(exc), exc, exc.__traceback__)

        self.tasks.run(execute_all, self._store, self.operator, basket, done=on_done,
                       failed=on_failed)

    def wait(self, timeout_ms: int = 30_000) -> bool:
        """Process events until every write was delivered (tests, benchmarks)."""
        return self.tasks.wait_idle(timeout_ms)


class _LateProgress:
    """A busy dialog shown only when the write is still running after a moment."""

    def __init__(self, label: str, parent: QWidget | None) -> None:
        self._dialog: QProgressDialog | None = None
        self._label, self._parent = label, parent
        self._timer = QTimer()
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._show)
        self._timer.start(PROGRESS_AFTER_MS)

    def _show(self) -> None:
        d = QProgressDialog(self._label, "", 0, 0, self._parent)
        d.setCancelButton(None)
        d.setWindowModality(Qt.WindowModality.WindowModal)
        d.setMinimumDuration(0)
        d.show()
        self._dialog = d

    def close(self) -> None:
        self._timer.stop()
        if self._dialog is not None:
            self._dialog.close()
            self._dialog.deleteLater()
            self._dialog = None
