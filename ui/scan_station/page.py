"""The scan station: six modes, one big answer to every scan, a camera pane.

Every scan, whatever its source (wedge, serial, camera, typed), goes through
`handle_scan`: repeats within a second are dropped, `scanners.parse` takes it apart,
a command switches mode or acts, anything else is resolved against the database and
handed to the current mode. The answer is shown at once (green / red / blue) with a
sound, and the change bus hears about every write.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import QCoreApplication, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QButtonGroup,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from inventory.errors import InventoryError
from inventory.roles import ACTIONS, ROLE_LABELS, allowed, require
from inventory.services.resolve import resolve
from scanners.scan import Scan

from .camera_pane import CameraPane, setting
from .feedback import INFO, Chime, FeedbackPanel, Outcome, info, refused
from .modes.base import MODE_KEYS, Context, Mode
from .modes.checkin import CheckinMode
from .modes.checkout import CheckoutMode
from .modes.count import CountMode
from .modes.issue import IssueMode
from .modes.receive import ReceiveMode
from .modes.transfer import TransferMode
from .parsing import parse
from .widgets import ScanField

log = logging.getLogger(__name__)

MODE_CLASSES: tuple[type[Mode], ...] = (CheckoutMode, CheckinMode, ReceiveMode, TransferMode,
                                        CountMode, IssueMode)
MODE_NAMES = tuple(cls.name for cls in MODE_CLASSES)
REPEAT_WINDOW_S = 1.0
BADGE_FIRST_MODES = ("checkout", "issue")  # modes whose first scan is a person's badge
MODE_BUTTON_STYLE = (
    "QPushButton { background: #ffffff; color: #111827; border: 1px solid #d1d5db;"
    " border-radius: 6px; padding: 4px 10px; min-height: 36px; }"  # two lines of text
    "QPushButton:hover { background: #f3f4f6; }"
    "QPushButton:focus { border: 2px solid #2563eb; }"
    "QPushButton:checked { background: #2563eb; color: #ffffff; border-color: #1d4ed8;"
    " font-weight: bold; }")


class ScanStationPage(QWidget):
    """`ScanStationPage(db, operator, bus, settings)`; the main window forwards every
    scan to `handle_scan` and may call `set_mode(name)`."""

    status_message = Signal(str)
    scan_handled = Signal(object)  # the Outcome of each scan or action (tests, benchmark)

    def __init__(self, db, operator, bus=None, settings=None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("scanStation")
        self.db, self.operator, self.bus, self.settings = db, operator, bus, settings
        self.repeat_window_s = REPEAT_WINDOW_S
        self._last: tuple[str, str, float] = ("", "", 0.0)
        self._emitting = False
        self._shown_once = False
        self.chime = Chime(self)
        self.chime.enabled = bool(setting(settings, "sound_enabled", True))
        self.feedback = FeedbackPanel()
        ctx = self.ctx = Context(db, operator, settings)
        self.modes: dict[str, Mode] = {}
        self.stack = QStackedWidget()
        self.mode_buttons = QButtonGroup(self)
        self.mode_buttons.setExclusive(True)
        bar = QHBoxLayout()
        bar.setSpacing(6)
        for cls in MODE_CLASSES:
            mode = cls(ctx)
            mode.requested.connect(self._on_request)
            mode.announced.connect(self._show)
            self.modes[cls.name] = mode
            self.stack.addWidget(mode)
            global_key, local_key = MODE_KEYS[cls.name]
            button = QPushButton(f"{cls.title}\n{global_key} · {local_key}")
            button.setToolTip(f"{cls.title}: {global_key} anywhere in Stockroom, {local_key} "
                              "in the scan station, or scan its command barcode")
            button.setObjectName(f"mode_{cls.name}")
            button.setCheckable(True)
            button.setMinimumHeight(46)
            button.setStyleSheet(MODE_BUTTON_STYLE)
            button.clicked.connect(lambda _=False, n=cls.name: self.set_mode(n))
            self.mode_buttons.addButton(button)
            bar.addWidget(button)
            self._action(f"{cls.title} mode", local_key, lambda n=cls.name: self.set_mode(n))
        self.field = ScanField(objectName="scanField")
        self.field.setPlaceholderText("Scan, or type a code and press Enter  (Ctrl+L)")
        self.field.setAccessibleName("Scan or type a code")
        f = self.field.font()
        f.setPointSize(f.pointSize() + 3)
        self.field.setFont(f)
        self.field.setMinimumHeight(36)
        self.field.returnPressed.connect(self._typed)
        self.role_note = QLabel(objectName="scanRoleNote")
        self.role_note.setWordWrap(True)
        self.role_note.setStyleSheet("#scanRoleNote { color: #92400e; }")
        self.camera = CameraPane(settings)
        self.camera.scan_received.connect(self.handle_scan)
        # The camera gives way first on a narrow window (the basket needs the width).
        self.camera.setMinimumWidth(240)
        self.camera.setMaximumWidth(330)
        entry = QHBoxLayout()
        scan_label = QLabel("&Scan")
        scan_label.setBuddy(self.field)
        entry.addWidget(scan_label)
        entry.addWidget(self.field, 1)
        body = QHBoxLayout()
        body.addWidget(self.stack, 1)
        body.addSpacing(12)
        body.addWidget(self.camera)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(16, 12, 16, 12)
        lay.setSpacing(10)
        lay.addLayout(bar)
        lay.addWidget(self.feedback)
        lay.addLayout(entry)
        lay.addWidget(self.role_note)
        lay.addLayout(body, 1)
        self._shortcuts()
        if bus is not None:
            bus.changed.connect(self._on_bus)
        changed = getattr(settings, "changed", None)
        if changed is not None and hasattr(changed, "connect"):
            changed.connect(self._settings_changed)
        app = QCoreApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self.shutdown)
        self.mode = self.modes["checkout"]
        self.set_mode("checkout")
        self.setFocusProxy(self.field)

    def _action(self, text: str, keys: str | list[str], slot) -> QAction:
        """A station shortcut as a QAction of the page (so F1 lists it)."""
        action = QAction(text, self)
        action.setShortcuts([QKeySequence(k) for k in ([keys] if isinstance(keys, str)
                                                       else keys)])
        action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        action.triggered.connect(lambda _checked=False: slot())
        self.addAction(action)
        return action

    def _shortcuts(self) -> None:
        for text, keys, slot in (
                ("Confirm (DONE)", ["Ctrl+Return", "Ctrl+Enter"], self.confirm),
                ("Undo the last scan", "Ctrl+Z", self.undo_last),
                ("Clear, or leave the open step", "Escape", self.cancel),
                ("Camera on or off", "Ctrl+K", self.camera.toggle),
                ("Cursor to the Scan field", "Ctrl+L", self.focus_field)):
            self._action(text, keys, slot)

    # -- public API ---------------------------------------------------------------
    @property
    def mode_name(self) -> str:
        return self.mode.name

    def set_mode(self, name: str) -> Outcome | None:
        """Switch to "checkout", "checkin", "receive", "transfer", "count" or "issue"."""
        if name not in self.modes:
            self.status_message.emit(f"No scan station mode '{name}'.")
            return None
        outcome = self._run(lambda: self._switch(name))
        self.focus_field()
        return outcome

    def _switch(self, name: str) -> Outcome:
        mode = self.modes[name]
        self.mode = mode
        self.stack.setCurrentWidget(mode)
        for b in self.mode_buttons.buttons():
            b.setChecked(b.objectName() == f"mode_{name}")
        may = allowed(self.operator.role, mode.action)
        role = ROLE_LABELS.get(self.operator.role, self.operator.role)
        self.role_note.setText("" if may else
                               f"Your role ({role}) may look codes up here, but may not "
                               f"{ACTIONS[mode.action]}. Scans are checked, nothing is "
                               "changed.")
        self.role_note.setVisible(not may)
        mode.activated()
        return info(f"{mode.title} mode", mode.hint)

    def handle_scan(self, scan: Scan) -> Outcome | None:
        """Act on one scan; returns what was shown (None for an ignored repeat)."""
        now = time.monotonic()
        text, source, at = self._last
        if scan.text == text and scan.source == source and now - at < self.repeat_window_s:
            self.status_message.emit(f"Same scan again within a second, ignored: {scan.text}")
            return None
        self._last = (scan.text, scan.source, now)
        return self._run(lambda: self._dispatch(scan))

    def handle_scan_from_elsewhere(self, scan: Scan) -> Outcome | None:
        """A scan made while another page was showing. A person's badge starts a check-out
        (unless the station is in a mode that starts with a badge): Receive, Count or
        Transfer would only refuse it."""
        if self.mode_name not in BADGE_FIRST_MODES:
            parsed = parse(scan)
            if parsed.kind != "command" and not getattr(parsed, "problem", None) and resolve(
                    self.db, parsed.code, gtin=parsed.gtin, serial=parsed.serial).kind == "person":
                self._switch("checkout")
        return self.handle_scan(scan)

    def confirm(self) -> Outcome | None:
        return self._run(self.mode.confirm)

    def undo_last(self) -> Outcome | None:
        return self._run(self.mode.undo_last)

    def cancel(self) -> Outcome | None:
        return self._run(self.mode.cancel)

    def focus_field(self) -> None:
        self.field.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def showEvent(self, event) -> None:  # noqa: N802 (Qt name)
        super().showEvent(event)
        # However the station was reached (side bar, Ctrl+2, a link, a scan elsewhere),
        # typing goes into the Scan field: after the side bar or menu has taken its click.
        QTimer.singleShot(0, self.focus_field)
        if not self._shown_once:
            self._shown_once = True
            if setting(self.settings, "camera_enabled", False):
                self.camera.start()  # a camera that does not open is a state, not an error

    def shutdown(self) -> None:
        """Stop the camera (the main window calls this when it closes)."""
        self.camera.stop()

    # -- scans ----------------------------------------------------------------------
    def _typed(self) -> None:
        text = self.field.text().strip()
        self.field.clear()
        if text:
            self.handle_scan(Scan(text, "unknown", "manual", datetime.now()))

    def _dispatch(self, scan: Scan) -> Outcome:
        parsed = parse(scan)
        if parsed.kind == "command":
            return self._command(parsed.command, parsed.quantity, parsed.human_readable)
        if getattr(parsed, "problem", None):
            # A label that claims to be GS1 but does not read as one: never guess.
            return refused(f"Unreadable code {parsed.human_readable}",
                           f"{parsed.problem} Scan it again, or type the asset tag.")
        res = resolve(self.db, parsed.code, gtin=parsed.gtin, serial=parsed.serial)
        mode = self.mode
        try:
            require(self.operator.role, mode.action)
            return mode.on_scan(parsed, res, scan.source)
        except InventoryError as e:
            return refused(mode.title_for(res), str(e))

    def _command(self, command: str | None, quantity: int | None, label: str) -> Outcome:
        if command in self.modes:
            return self._switch(command)
        if command == "done":
            return self.mode.confirm()
        if command == "undo":
            return self.mode.undo_last()
        if command == "cancel":
            return self.mode.cancel()
        if command == "quantity" and quantity:
            return self.mode.set_quantity(quantity)
        return info(f"Command {label}", "Not used by the scan station.")

    def _on_request(self, action: str) -> None:
        fn = getattr(self.sender(), action, None)
        if callable(fn):
            self._run(fn)
        self.focus_field()

    def _run(self, fn: Callable[[], Outcome]) -> Outcome:
        try:
            outcome = fn()
        except InventoryError as e:
            outcome = refused("Not done", str(e))
        except Exception:
            log.exception("scan station failed")
            outcome = refused("Something went wrong; nothing was changed",
                              "The details are in the log. Scan again, or tell IT support "
                              "if it keeps happening.")
        self._show(outcome)
        return outcome

    def _show(self, outcome: Outcome) -> None:
        self.feedback.show_outcome(outcome)
        if self.isVisible():
            self.focus_field()  # after every action the next scan or code goes in here
        if outcome.state != INFO:
            self.chime.play(outcome.state)
        self.status_message.emit(outcome.title + (f" — {outcome.detail}" if outcome.detail
                                                 else ""))
        changes = self.ctx.take_changes()
        if self.bus is not None and changes:
            self._emitting = True
            try:
                self.bus.publish(changes)  # one notice for everything this scan wrote
            finally:
                self._emitting = False
        self.scan_handled.emit(outcome)

    def _settings_changed(self, group: str = "") -> None:
        self.chime.enabled = bool(setting(self.settings, "sound_enabled", True))

    def _on_bus(self, changes) -> None:
        if self._emitting:
            return
        try:
            self.mode.refresh()
        except Exception:  # noqa: BLE001 - a failed refresh must not break scanning
            log.exception("scan station refresh failed")
