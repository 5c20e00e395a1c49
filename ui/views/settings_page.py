"""Settings: the database, the scanners (wedge, serial, camera), symbologies, feedback;
the operators and the purchase-order letterhead (settings_admin.py)."""

from __future__ import annotations

import importlib
import logging

from PySide6.QtCore import Qt
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
)

from inventory.dburl import describe, is_postgres
from inventory.roles import ROLE_LABELS

from ..models.format import count, locale_currency
from ..settings import ALL_SYMBOLOGIES, RESOLUTIONS
from ..widgets.scroll_page import fill, scroll_body
from .base import AppContext, Page
from .settings_admin import LetterheadBox, OperatorsBox

log = logging.getLogger(__name__)

SYMBOLOGY_LABELS = {
    "code128": "Code 128", "code39": "Code 39", "ean13": "EAN-13", "ean8": "EAN-8",
    "upca": "UPC-A", "upce": "UPC-E", "qr": "QR Code", "datamatrix": "Data Matrix",
    "gs1-128": "GS1-128", "gs1-datamatrix": "GS1 DataMatrix", "gs1-qr": "GS1 QR Code",
    "itf": "ITF (Interleaved 2 of 5)",
}


def serial_ports() -> list[str]:
    try:
        mod = importlib.import_module("scanners.serial_reader")
        return list(mod.available_ports())
    except Exception:  # noqa: BLE001 - no pyserial or no ports: offer none
        log.exception("listing serial ports failed")
        return []


def visible_text(text: str) -> str:
    """Control characters shown as names: a suffix is often Enter or Tab."""
    names = {"\r": "⏎CR", "\n": "⏎LF", "\t": "⇥TAB", "\x1d": "‹GS›"}
    return "".join(names.get(c, c) for c in text)


def _spin(lo: int, hi: int, value: int, suffix: str = "") -> QSpinBox:
    s = QSpinBox()
    s.setRange(lo, hi)
    s.setValue(value)
    if suffix:
        s.setSuffix(suffix)
    s.setMaximumWidth(140)
    return s


CURRENCIES = ("AUD", "CAD", "CHF", "CNY", "DKK", "EUR", "GBP", "INR", "JPY", "NOK", "NZD",
              "PLN", "SEK", "SGD", "USD", "ZAR")


class SettingsPage(Page):
    key = "settings"
    title = "Settings"
    kinds = ("operators",)  # another desk's admin may change them

    def refresh(self) -> None:
        self.operators.reload()

    def __init__(self, ctx: AppContext, parent=None) -> None:
        super().__init__(ctx, parent)
        self.s = ctx.settings
        self._camera = None
        scroll, layout = scroll_body()
        fill(self, scroll)
        head, _ = self.header("Settings", "Where the data lives and how the scanners talk to "
                                          "Stockroom. Changes apply at once.")
        layout.addLayout(head)
        layout.addWidget(self.messages)
        grid = QGridLayout()
        grid.setSpacing(14)
        grid.addWidget(self._database_box(), 0, 0)
        grid.addWidget(self._wedge_box(), 1, 0)
        grid.addWidget(self._symbology_box(), 2, 0)
        grid.addWidget(self._serial_box(), 0, 1)
        grid.addWidget(self._camera_box(), 1, 1, 2, 1)
        grid.addWidget(self._display_box(), 3, 0)
        from .mail_settings import MailBox

        self.mail_box = MailBox(ctx, self.messages)
        grid.addWidget(self.mail_box, 4, 0, 1, 2)
        self.operators = OperatorsBox(self)
        self.letterhead = LetterheadBox(self)
        grid.addWidget(self.operators, 5, 0)
        grid.addWidget(self.letterhead, 5, 1)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)
        layout.addLayout(grid)
        layout.addStretch(1)

    # -- database -----------------------------------------------------------------------

    def _database_box(self) -> QGroupBox:
        box = QGroupBox("Database")
        form = QFormLayout(box)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft)
        current = QLabel(describe(self.ctx.url) if self.ctx.url else "—")
        current.setWordWrap(True)
        current.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        form.addRow("In use", current)
        op = self.ctx.operator
        form.addRow("Signed in as", QLabel(f"{op.name or op.username} "
                                           f"({ROLE_LABELS.get(op.role, op.role)})"))
        row = QHBoxLayout()
        self.db_url = QLineEdit(self.s.database_url())
        self.db_url.setObjectName("databaseUrl")
        self.db_url.setPlaceholderText("A .sqlite file, or postgresql://user@host/db")
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._browse)
        row.addWidget(self.db_url, 1)
        row.addWidget(browse)
        form.addRow("Next start", row)
        save = QPushButton("Use this database from the next start")
        save.clicked.connect(self._save_database)
        form.addRow("", save)
        note = QLabel("The --database option and $STOCKROOM_DATABASE win over this setting. "
                      "A team points every desk at one PostgreSQL server.")
        note.setObjectName("Muted")
        note.setWordWrap(True)
        form.addRow("", note)
        return box

    def _browse(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, "Database file", self.db_url.text() or "stockroom.sqlite",
            "SQLite database (*.sqlite *.db);;All files (*)",
            options=QFileDialog.Option.DontConfirmOverwrite)
        if path:
            self.db_url.setText(path)

    def _save_database(self) -> None:
        url = self.db_url.text().strip()
        if url and not is_postgres(url) and "://" in url:
            self.messages.show_error("Give a file path, or a postgresql:// address.")
            return
        self.s.set_database_url(url)
        self.messages.show_success(
            f"From the next start Stockroom opens {describe(url)}." if url else
            "From the next start Stockroom opens the default database.")

    # -- keyboard wedge -----------------------------------------------------------------

    def _wedge_box(self) -> QGroupBox:
        box = QGroupBox("USB scanner (keyboard wedge)")
        form = QFormLayout(box)
        self.wedge_on = QCheckBox("Recognise scanner bursts anywhere in the app")
        self.wedge_on.setChecked(self.s.wedge_enabled())
        self.wedge_on.toggled.connect(self.s.set_wedge_enabled)
        form.addRow(self.wedge_on)  # across the box: the window's narrow size keeps 2 columns
        self.prefix = QLineEdit(self.s.wedge_prefix())
        self.prefix.setPlaceholderText("none: recognise by timing")
        self.prefix.setMaximumWidth(300)
        self.prefix.editingFinished.connect(lambda: self.s.set_wedge_prefix(self.prefix.text()))
        form.addRow("Prefix", self.prefix)
        self.suffix = QLineEdit(self.s.wedge_suffix())
        self.suffix.setPlaceholderText("none: Enter or Tab ends a scan")
        self.suffix.setMaximumWidth(300)
        self.suffix.editingFinished.connect(lambda: self.s.set_wedge_suffix(self.suffix.text()))
        form.addRow("Suffix", self.suffix)
        self.min_length = _spin(1, 64, self.s.wedge_min_length(), " characters")
        self.min_length.valueChanged.connect(self.s.set_wedge_min_length)
        form.addRow("Shortest scan", self.min_length)
        self.max_gap = _spin(5, 200, self.s.wedge_max_gap_ms(), " ms")
        self.max_gap.valueChanged.connect(self.s.set_wedge_max_gap_ms)
        form.addRow("Gap between keys", self.max_gap)
        self.silence = _spin(20, 1000, self.s.wedge_end_silence_ms(), " ms")
        self.silence.valueChanged.connect(self.s.set_wedge_end_silence_ms)
        form.addRow("Silence ends a scan", self.silence)
        self.test_field = QLineEdit()
        self.test_field.setObjectName("wedgeTest")
        self.test_field.setPlaceholderText("Click here and scan a barcode to test")
        self.test_field.textEdited.connect(self._typed)
        form.addRow("Test", self.test_field)
        how = QLabel(
            "How a scan is told from typing: with a prefix set, anything that starts with it "
            "is a scan. Otherwise a scan is at least “Shortest scan” characters, each within "
            "“Gap between keys” of the last, ended by Enter, Tab, the suffix or “Silence ends "
            "a scan”. Inside a text field of a dialog, fast typing (a pasted text, a "
            "remote-desktop tool) stays in the field: there only a burst with the prefix, or "
            "ending with the suffix, is a scan. Program the scanner with a prefix or suffix "
            "to scan into dialogs.")
        how.setObjectName("wedgeHow")
        how.setWordWrap(True)
        how.setProperty("muted", True)
        how.setStyleSheet("color: #6b7280;")
        form.addRow("", how)
        self.detected = QLabel("Nothing scanned yet.")
        self.detected.setObjectName("wedgeDetected")
        self.detected.setWordWrap(True)
        self.detected.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        form.addRow("Detected", self.detected)
        return box

    # -- display and the counter --------------------------------------------------------

    def _display_box(self) -> QGroupBox:
        box = QGroupBox("Money and loans")
        form = QFormLayout(box)
        self.currency = QComboBox()
        self.currency.setObjectName("currency")
        own = locale_currency()
        self.currency.addItem(f"The locale's ({own})", "")
        for code in CURRENCIES:
            self.currency.addItem(code, code)
        chosen = self.s.currency()
        if chosen and self.currency.findData(chosen) < 0:
            self.currency.addItem(chosen, chosen)
        self.currency.setCurrentIndex(max(0, self.currency.findData(chosen)))
        self.currency.currentIndexChanged.connect(
            lambda _i: self.s.set_currency(self.currency.currentData() or ""))
        form.addRow("Show money in", self.currency)
        note = QLabel("Amounts are shown with this currency; what is stored does not change.")
        note.setObjectName("Muted")
        note.setWordWrap(True)
        form.addRow("", note)
        self.loan_days = _spin(1, 365, self.s.loan_days(), " days")
        self.loan_days.setObjectName("loanDays")
        self.loan_days.valueChanged.connect(self.s.set_loan_days)
        form.addRow("Loan period", self.loan_days)
        hint = QLabel("The due date a check-out proposes (dialog and scan station).")
        hint.setObjectName("Muted")
        hint.setWordWrap(True)
        form.addRow("", hint)
        return box

    def _typed(self, text: str) -> None:
        self.detected.setStyleSheet("color: #92400e;")
        self.detected.setText(f"Typed by hand, not recognised as a scan: “{text}”. If this was "
                              "the scanner, lower “Shortest scan” or raise “Gap between keys”.")

    def accept_scan(self, scan) -> bool:
        """While Settings is shown, a scan is displayed here (the wedge test)."""
        self.detected.setStyleSheet("color: #15803d; font-weight: 600;")
        source = {"usb": "USB wedge", "serial": "serial", "camera": "camera"}.get(
            scan.source, scan.source)
        self.detected.setText(f"“{visible_text(scan.text)}” · {scan.symbology} · from "
                              f"{source} at {scan.at:%H:%M:%S}")
        self.test_field.clear()
        return True

    # -- serial -------------------------------------------------------------------------

    def _serial_box(self) -> QGroupBox:
        box = QGroupBox("Serial scanner")
        form = QFormLayout(box)
        row = QHBoxLayout()
        self.port = QComboBox()
        self.port.setObjectName("serialPort")
        self.port.setMinimumWidth(220)
        refresh = QPushButton("Look again")
        refresh.clicked.connect(self._fill_ports)
        row.addWidget(self.port, 1)
        row.addWidget(refresh)
        form.addRow("Port", row)
        self.baud = QComboBox()
        for b in (9600, 19200, 38400, 57600, 115200):
            self.baud.addItem(str(b), b)
        self.baud.setCurrentIndex(max(0, self.baud.findData(self.s.serial_baudrate())))
        self.baud.currentIndexChanged.connect(
            lambda _i: self.s.set_serial_baudrate(self.baud.currentData()))
        form.addRow("Speed", self.baud)
        self.serial_state = QLabel("")
        self.serial_state.setObjectName("Muted")
        self.serial_state.setWordWrap(True)
        form.addRow("State", self.serial_state)
        self._fill_ports()
        self.port.currentIndexChanged.connect(
            lambda _i: self.s.set_serial_port(self.port.currentData() or ""))
        return box

    def _fill_ports(self) -> None:
        current = self.s.serial_port()
        self.port.blockSignals(True)
        self.port.clear()
        self.port.addItem("Off (no serial scanner)", "")
        ports = serial_ports()
        for p in ports:
            self.port.addItem(p, p)
        if current and current not in ports:
            self.port.addItem(f"{current} (not connected)", current)
        self.port.setCurrentIndex(max(0, self.port.findData(current)))
        self.port.blockSignals(False)
        self.serial_state.setText(f"{count(len(ports), 'port')} found. Stockroom keeps waiting for "
                                  "the chosen port when it is unplugged.")

    def set_serial_state(self, state: str) -> None:
        self.serial_state.setText(state)

    # -- camera -------------------------------------------------------------------------

    def _camera_box(self) -> QGroupBox:
        box = QGroupBox("Camera")
        col = QVBoxLayout(box)
        form = QFormLayout()
        self.camera_index = _spin(0, 16, self.s.camera_index())
        self.camera_index.valueChanged.connect(self.s.set_camera_index)
        form.addRow("Camera number", self.camera_index)
        self.resolution = QComboBox()
        for w, h in RESOLUTIONS:
            self.resolution.addItem(f"{w} × {h}", f"{w}x{h}")
        w, h = self.s.camera_resolution()
        self.resolution.setCurrentIndex(max(0, self.resolution.findData(f"{w}x{h}")))
        self.resolution.currentIndexChanged.connect(self._save_resolution)
        form.addRow("Resolution", self.resolution)
        col.addLayout(form)
        self.preview = QLabel("Preview off")
        self.preview.setObjectName("cameraPreview")
        self.preview.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.preview.setFixedHeight(220)
        self.preview.setMinimumWidth(320)
        self.preview.setStyleSheet("background: #111827; color: #9ca3af; border-radius: 8px;")
        col.addWidget(self.preview)
        row = QHBoxLayout()
        self.preview_button = QPushButton("Start preview")
        self.preview_button.setCheckable(True)
        self.preview_button.toggled.connect(self._toggle_preview)
        row.addWidget(self.preview_button)
        row.addStretch(1)
        self.sharpness = QLabel("")
        self.sharpness.setObjectName("cameraSharpness")
        self.sharpness.setToolTip("How sharp the code in view is (variance of the Laplacian). "
                                  "Move the label nearer or further until it is highest.")
        row.addWidget(self.sharpness)
        col.addLayout(row)
        note = QLabel("The scan station has its own camera pane (Ctrl+K there); the preview "
                      "here is for aiming and focus.")
        note.setObjectName("Muted")
        note.setWordWrap(True)
        col.addWidget(note)
        col.addStretch(1)
        return box

    def _save_resolution(self, _index: int) -> None:
        w, h = (int(v) for v in self.resolution.currentData().split("x"))
        self.s.set_camera_resolution((w, h))

    def _toggle_preview(self, on: bool) -> None:
        if on:
            self.start_preview()
        else:
            self.stop_preview()

    def start_preview(self, source: int | str | None = None) -> None:
        try:
            if self._camera is None:
                from scanners.camera import CameraScanner  # loads OpenCV: only when asked

                self._camera = CameraScanner(self)
                self._camera.preview.connect(self._show_frame)
                self._camera.state_changed.connect(self._camera_state)
                self._camera.scan_received.connect(self.accept_scan)
                self._camera.sharpness_measured.connect(self._show_sharpness)
            self._camera.start(self.camera_index.value() if source is None else source)
            self.preview_button.setText("Stop preview")
        except Exception as exc:  # noqa: BLE001 - no camera support must not break Settings
            log.exception("camera preview failed")
            self.preview.setText(f"No camera: {exc}")
            self.preview_button.setChecked(False)

    def stop_preview(self) -> None:
        if self._camera is not None:
            self._camera.stop()
        self.preview_button.setText("Start preview")
        self.preview.setPixmap(QPixmap())
        self.preview.setText("Preview off")
        self.sharpness.setText("")

    def _show_sharpness(self, value: float) -> None:
        self.sharpness.setText(f"Sharpness {value:,.0f}")

    def _camera_state(self, state: str) -> None:
        if state.startswith("error"):
            self.preview.setPixmap(QPixmap())
            self.preview.setText(f"Camera {state}")

    def _show_frame(self, image: QImage, _outlines: list) -> None:
        self.preview.setPixmap(QPixmap.fromImage(image).scaled(
            self.preview.size(), Qt.AspectRatioMode.KeepAspectRatio,
            Qt.TransformationMode.SmoothTransformation))

    def hideEvent(self, event) -> None:  # noqa: N802
        if self.preview_button.isChecked():
            self.preview_button.setChecked(False)
        super().hideEvent(event)

    def shutdown(self) -> None:
        if self._camera is not None:
            self._camera.stop()

    # -- symbologies --------------------------------------------------------------------

    def _symbology_box(self) -> QGroupBox:
        box = QGroupBox("Barcode types")
        grid = QGridLayout(box)
        enabled = set(self.s.enabled_symbologies())
        self.symbologies: dict[str, QCheckBox] = {}
        for i, sym in enumerate(ALL_SYMBOLOGIES):
            cb = QCheckBox(SYMBOLOGY_LABELS.get(sym, sym))
            cb.setChecked(sym in enabled)
            cb.toggled.connect(self._save_symbologies)
            self.symbologies[sym] = cb
            grid.addWidget(cb, i // 3, i % 3)
        self.sound = QCheckBox("Sound for accepted and refused scans")
        self.sound.setChecked(self.s.sound_enabled())
        self.sound.toggled.connect(self.s.set_sound_enabled)
        grid.addWidget(self.sound, len(ALL_SYMBOLOGIES) // 3 + 1, 0, 1, 3)
        return box

    def _save_symbologies(self) -> None:
        self.s.set_enabled_symbologies([s for s, cb in self.symbologies.items()
                                        if cb.isChecked()])
