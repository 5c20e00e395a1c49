"""The scan station: six modes, one big answer to every scan, a camera pane.

Every scan, whatever its source (wedge, serial, camera, typed), goes through
`handle_scan`: repeats within a second are dropped, then the scan joins the station's
queue (`jobs.JobQueue`): `scanners.parse` takes it apart, a command switches mode or
acts, anything else is resolved against the database on the worker and handed to the
current mode, whose writes run through the operation runner (ui/operations.py), never on
the UI thread. Scans, confirms, undos and mode switches are applied one at a time in the
order they were made. Each answer is shown (green / red / blue) with a sound; the
operation runner tells every page what was written.
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
    QVBoxLayout,
    QWidget,
)

from inventory.errors import InventoryError
from inventory.roles import ACTIONS, ROLE_LABELS, allowed, require
from inventory.services.resolve import Resolution, resolve
from scanners.scan import Scan

from ..views.base import AppContext
from ..widgets.page_stack import PageStack
from .camera_pane import CameraPane, setting
from .feedback import INFO, Chime, FeedbackPanel, Outcome, info, refused
from .jobs import Answer, JobQueue, Step, answer, read
from .modes.base import MODE_KEYS, Context, Mode
from .modes.checkin import CheckinMode
from .modes.checkout import CheckoutMode
from .modes.count import CountMode
from .modes.issue import IssueMode
from .modes.kit import KitMode
from .modes.receive import ReceiveMode
from .modes.returns import ReturnMode
from .modes.transfer import TransferMode
from .parsing import parse
from .widgets import ScanField

log = logging.getLogger(__name__)

MODE_CLASSES: tuple[type[Mode], ...] = (CheckoutMode, CheckinMode, ReceiveMode, TransferMode,
                                        CountMode, IssueMode, KitMode, ReturnMode)
MODE_NAMES = tuple(cls.name for cls in MODE_CLASSES)
REPEAT_WINDOW_S = 1.0
# modes whose first scan is a person's badge
BADGE_FIRST_MODES = ("checkout", "issue", "kit", "returns")
MODE_BUTTON_STYLE = (
    "QPushButton { background: #ffffff; color: #111827; border: 1px solid #d1d5db;"
    " border-radius: 6px; padding: 4px 10px; min-height: 36px; }"  # two lines of text
    "QPushButton:hover { background: #f3f4f6; }"
    "QPushButton:focus { border: 2px solid #2563eb; }"
    "QPushButton:checked { background: #2563eb; color: #ffffff; border-color: #1d4ed8;"
    " font-weight: bold; }")


class ScanStationPage(QWidget):
    """`ScanStationPage(ctx)`; the main window forwards every scan to `handle_scan` and
    may call `set_mode(name)`. Both queue their work: the answer arrives as
    `scan_handled(outcome)` once the database has answered (`wait()` in tests)."""

    status_message = Signal(str)
    scan_handled = Signal(object)  # the Outcome of each scan or action (tests, benchmark)

    def __init__(self, app: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("scanStation")
        self.app = app
        self.store, self.operator, self.bus = app.db, app.operator, app.bus
        self.settings = settings = app.settings
        self.repeat_window_s = REPEAT_WINDOW_S
        self._last: tuple[str, str, float] = ("", "", 0.0)
        self._shown_once = False
        self.jobs = JobQueue(app.runner, app.ops, self._show, self)
        self.chime = Chime(self)
        self.chime.enabled = bool(setting(settings, "sound_enabled", True))
        self.feedback = FeedbackPanel()
        ctx = self.ctx = Context(app.db, app.operator, settings, app.runner)
        self.modes: dict[str, Mode] = {}
        self.stack = PageStack()
        self.mode_buttons = QButtonGroup(self)
        self.mode_buttons.setExclusive(True)
        bar = QHBoxLayout()
        bar.setSpacing(6)
        for cls in MODE_CLASSES:
            mode = cls(ctx)
            mode.requested.connect(self._on_request)
            mode.announced.connect(self._show)
            mode.job.connect(self._on_job)
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
        self.bus.changed.connect(self._on_bus)
        changed = getattr(settings, "changed", None)
        if changed is not None and hasattr(changed, "connect"):
            changed.connect(self._settings_changed)
        qapp = QCoreApplication.instance()
        if qapp is not None:
            qapp.aboutToQuit.connect(self.shutdown)
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

    def set_mode(self, name: str) -> None:
        """Switch to "checkout", "checkin", "receive", "transfer", "count" or "issue"
        (in turn with the scans before it)."""
        if name not in self.modes:
            self.status_message.emit(f"No scan station mode '{name}'.")
            return
        self.jobs.submit(lambda: self._switch(name))
        self.focus_field()

    def _switch(self, name: str) -> Step:
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
        yield from answer(mode.activated())
        return info(f"{mode.title} mode", mode.hint)

    def handle_scan(self, scan: Scan) -> bool:
        """Queue one scan; False when it was an ignored repeat. Its answer is shown (and
        emitted as `scan_handled`) once the database has answered."""
        return self._take(scan, from_elsewhere=False)

    def handle_scan_from_elsewhere(self, scan: Scan) -> bool:
        """A scan made while another page was showing. A person's badge starts a check-out
        (unless the station is in a mode that starts with a badge): Receive, Count or
        Transfer would only refuse it."""
        return self._take(scan, from_elsewhere=True)

    def _take(self, scan: Scan, *, from_elsewhere: bool) -> bool:
        now = time.monotonic()
        text, source, at = self._last
        if scan.text == text and scan.source == source and now - at < self.repeat_window_s:
            self.status_message.emit(f"Same scan again within a second, ignored: {scan.text}")
            return False
        self._last = (scan.text, scan.source, now)
        self.jobs.submit(lambda: self._scan(scan, from_elsewhere))
        return True

    def confirm(self) -> None:
        self._queue_action("confirm")

    def undo_last(self) -> None:
        self._queue_action("undo_last")

    def cancel(self) -> None:
        self._queue_action("cancel")

    def wait(self, timeout_ms: int = 30_000) -> bool:
        """Process events until every queued scan and action has answered (tests,
        benchmarks)."""
        return self.jobs.wait(timeout_ms)

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

    def _scan(self, scan: Scan, from_elsewhere: bool) -> Step:
        parsed = parse(scan)
        if parsed.kind == "command":
            return (yield from answer(self._command(parsed.command, parsed.quantity,
                                                    parsed.human_readable)))
        if getattr(parsed, "problem", None):
            # A label that claims to be GS1 but does not read as one: never guess.
            return refused(f"Unreadable code {parsed.human_readable}",
                           f"{parsed.problem} Scan it again, or type the asset tag.")
        self.mode.begin_scan()
        res: Resolution = yield from read(resolve, self.store, parsed.code, gtin=parsed.gtin,
                                          serial=parsed.serial)
        if from_elsewhere and res.kind == "person" and self.mode_name not in BADGE_FIRST_MODES:
            yield from self._switch("checkout")
            self.mode.begin_scan()
        mode = self.mode
        try:
            require(self.operator.role, mode.action)
            return (yield from answer(mode.on_scan(parsed, res, scan.source)))
        except InventoryError as e:
            return refused(mode.title_for(res), str(e))

    def _command(self, command: str | None, quantity: int | None, label: str) -> Answer:
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

    def _queue_action(self, action: str) -> None:
        """An action of the mode that is current when its turn comes."""
        def job() -> Answer:
            fn = getattr(self.mode, action, None)
            return fn() if callable(fn) else None

        self.jobs.submit(job)

    def _on_request(self, action: str) -> None:
        mode = self.sender()
        fn = getattr(mode, action, None)
        if callable(fn):
            self.jobs.submit(fn)
        self.focus_field()

    def _on_job(self, job: Callable[[], Answer]) -> None:
        self.jobs.submit(job)

    def _show(self, outcome: Outcome) -> None:
        self.feedback.show_outcome(outcome)
        if self.isVisible():
            self.focus_field()  # after every action the next scan or code goes in here
        if outcome.state != INFO:
            self.chime.play(outcome.state)
        self.status_message.emit(outcome.title + (f" — {outcome.detail}" if outcome.detail
                                                 else ""))
        self.scan_handled.emit(outcome)

    def _settings_changed(self, group: str = "") -> None:
        self.chime.enabled = bool(setting(self.settings, "sound_enabled", True))

    def _on_bus(self, changes) -> None:
        if self.jobs.writing:
            return  # our own write, published just before its answer reaches the job
        self.jobs.submit(self.mode.refresh)  # lists beside the scans (orders, places)
