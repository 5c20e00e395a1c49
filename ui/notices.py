"""Desktop notifications: what `notify` would mail to the signed-in operator's role
(inventory/notify.py), shown from the system tray while the app runs. Collected on the
worker a little after start and then every few minutes; each item is shown once a session.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QSystemTrayIcon, QWidget

from inventory import clock, notify

from .views.base import AppContext

FIRST_DELAY_MS = 20_000  # after the window has settled
EVERY_MS = 10 * 60_000
SHOWN_LINES = 4


class TrayNotifier(QObject):
    """Shows new digest items for the operator's role; `last_message` keeps the last one
    (what a test, or a desk without a tray, reads)."""

    def __init__(self, ctx: AppContext, window: QWidget | None = None,
                 icon: QIcon | None = None) -> None:
        super().__init__(window)
        self.ctx = ctx
        self.window = window
        self.digests = notify.ROLE_DIGESTS.get(ctx.operator.role, ())
        self.seen: set[str] = set()
        self.last_message: tuple[str, str] | None = None
        self.tray: QSystemTrayIcon | None = None
        if QSystemTrayIcon.isSystemTrayAvailable():
            self.tray = QSystemTrayIcon(icon or QIcon(), self)
            self.tray.setToolTip("Stockroom")
            self.tray.show()
        self.timer = QTimer(self)
        self.timer.setInterval(EVERY_MS)
        self.timer.timeout.connect(self.check_now)

    def start(self) -> None:
        if self.digests:
            QTimer.singleShot(FIRST_DELAY_MS, self.check_now)
            self.timer.start()

    def check_now(self) -> None:
        if not self.digests:
            return
        self.ctx.runner.run(notify.collect, self.ctx.db, clock.today(), self.digests,
                            done=self._show, failed=lambda exc: None, key="tray-notices")

    def _show(self, found: dict[str, list[notify.Item]]) -> None:
        new = [it for items in found.values() for it in items if it.key not in self.seen]
        self.seen.update(it.key for items in found.values() for it in items)
        if not new:
            return
        title = f"Stockroom: {len(new)} new for you" if len(new) != 1 else \
            "Stockroom: 1 new for you"
        lines = [it.text for it in new[:SHOWN_LINES]]
        if len(new) > SHOWN_LINES:
            lines.append(f"… and {len(new) - SHOWN_LINES} more")
        text = "\n".join(lines)
        self.last_message = (title, text)
        if self.tray is not None:
            self.tray.showMessage(title, text, QSystemTrayIcon.MessageIcon.Information, 10_000)
        elif self.window is not None and hasattr(self.window, "statusBar"):
            self.window.statusBar().showMessage(f"{title}: {lines[0]}", 15_000)
