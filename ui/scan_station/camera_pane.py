"""Camera pane: live preview with the outline of each code found, start / stop, and a
plain state (on, off, or why the camera did not open). Scans go to the station."""

from __future__ import annotations

import logging

from PySide6.QtCore import QPointF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QImage, QPainter, QPen, QPixmap, QPolygonF
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from scanners.scan import Scan

log = logging.getLogger(__name__)

PREVIEW = QSize(320, 180)


def setting(settings, name: str, default):
    """A value from the app settings, whatever shape they have (method or attribute)."""
    value = getattr(settings, name, None)
    if callable(value):
        try:
            value = value()
        except Exception:  # noqa: BLE001 - a bad setting falls back to the default
            log.exception("reading setting %s failed", name)
            value = None
    return default if value is None else value


def draw_outlines(image: QImage, outlines: list) -> QPixmap:
    """The frame with each code's outline (four (x, y) points) drawn on it."""
    pix = QPixmap.fromImage(image)
    if outlines:
        p = QPainter(pix)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.setPen(QPen(QColor("#39ff14"), max(3, image.width() // 200)))
        for outline in outlines:
            points = [QPointF(float(x), float(y)) for x, y in outline]
            if len(points) >= 2:
                p.drawPolygon(QPolygonF(points))
        p.end()
    return pix


class CameraPane(QWidget):
    scan_received = Signal(Scan)
    state_changed = Signal(str)

    def __init__(self, settings=None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._settings = settings
        self._scanner = None
        self.state = "off"
        self.view = QLabel(objectName="cameraPreview")
        self.view.setFixedSize(PREVIEW)
        self.view.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.view.setWordWrap(True)
        self.view.setStyleSheet("#cameraPreview { background: #202124; color: #e8eaed; "
                                "border-radius: 6px; padding: 8px; }")
        self.status = QLabel(objectName="cameraState")
        self.status.setWordWrap(True)
        self.source = QLineEdit(str(setting(settings, "camera_index", 0)))
        self.source.setAccessibleName("Camera number or video file")
        self.source.setToolTip("Camera number (0 is the first) or a video / image file")
        self.button = QPushButton("Start camera  (Ctrl+K)")
        self.button.setObjectName("cameraToggle")
        self.button.clicked.connect(self.toggle)
        src_row = QHBoxLayout()
        src_row.addWidget(QLabel("Source"))
        src_row.addWidget(self.source, 1)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        title = QLabel("Camera")
        f = title.font()
        f.setBold(True)
        title.setFont(f)
        lay.addWidget(title)
        lay.addWidget(self.view)
        lay.addWidget(self.status)
        lay.addLayout(src_row)
        lay.addWidget(self.button)
        lay.addStretch(1)
        self._show_state("off")

    # -- control ----------------------------------------------------------------
    def toggle(self) -> None:
        if self.state in ("on", "starting"):
            self.stop()
        else:
            self.start()

    def start(self, source: int | str | None = None) -> None:
        text = str(source if source is not None else self.source.text()).strip() or "0"
        src: int | str = int(text) if text.isdigit() else text
        try:
            if self._scanner is None:
                from scanners.camera import CameraScanner  # loads OpenCV: only when needed

                formats = setting(self._settings, "enabled_symbologies", None)
                self._scanner = CameraScanner(self, formats=set(formats) if formats else None)
                self._scanner.scan_received.connect(self.scan_received)
                self._scanner.preview.connect(self._preview)
                self._scanner.state_changed.connect(self._show_state)
            self._show_state("starting")
            self._scanner.start(src)
        except Exception as e:  # noqa: BLE001 - no camera must never break the station
            log.exception("camera failed to start")
            self._show_state(f"error: {e}")

    def stop(self) -> None:
        if self._scanner is not None:
            try:
                self._scanner.stop()
            except Exception:  # noqa: BLE001
                log.exception("camera failed to stop")
        self._show_state("off")

    # -- display ------------------------------------------------------------------
    def _preview(self, image: QImage, outlines: list) -> None:
        pix = draw_outlines(image, outlines)
        self.view.setPixmap(pix.scaled(self.view.size(), Qt.AspectRatioMode.KeepAspectRatio,
                                       Qt.TransformationMode.SmoothTransformation))

    def _show_state(self, state: str) -> None:
        if state == self.state and self.status.text():
            return
        self.state = state
        if state == "on":
            text, button = "Camera on: hold a code in front of it.", "Stop camera  (Ctrl+K)"
        elif state == "starting":
            text, button = "Opening the camera…", "Stop camera  (Ctrl+K)"
        elif state.startswith("error"):
            reason = state.partition(":")[2].strip() or "it did not open"
            text = (f"No camera: {reason}. Check that it is plugged in and not used by "
                    "another program, or try another number.")
            button = "Try again  (Ctrl+K)"
        else:
            text, button = "Camera off.", "Start camera  (Ctrl+K)"
        self.status.setText(text)
        self.button.setText(button)
        if state != "on":
            self.view.clear()
            self.view.setText({"starting": "Opening…"}.get(state, "No picture")
                              if not state.startswith("error") else "No camera")
        self.state_changed.emit(state)
