"""The status bar: the database, who is signed in, and each scanner's state."""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QLabel, QStatusBar, QWidget

from .. import icons
from .pill import set_colours

_GREEN = ("#166534", "#dcfce7")
_AMBER = ("#92400e", "#fef3c7")
_GREY = ("#4b5563", "#eef0f3")
_RED = ("#991b1b", "#fee2e2")


def _labelled(icon: str, text: str) -> tuple[QWidget, QLabel]:
    w = QWidget()
    row = QHBoxLayout(w)
    row.setContentsMargins(6, 0, 6, 0)
    row.setSpacing(5)
    ic = QLabel()
    ic.setPixmap(icons.pixmap(icon, "#6b7280", 14))
    label = QLabel(text)
    row.addWidget(ic)
    row.addWidget(label)
    return w, label


class StatusBar(QStatusBar):
    def __init__(self, database: str, operator: str, parent=None) -> None:
        super().__init__(parent)
        self.setSizeGripEnabled(False)
        db_box, self.database = _labelled("database", database)
        op_box, self.operator = _labelled("user", operator)
        self.database.setObjectName("statusDatabase")
        self.operator.setObjectName("statusOperator")
        self.addPermanentWidget(db_box)
        self.addPermanentWidget(op_box)
        self.wedge = QLabel()
        self.wedge.setObjectName("statusWedge")
        self.serial = QLabel()
        self.serial.setObjectName("statusSerial")
        self.camera = QLabel()
        self.camera.setObjectName("statusCamera")
        for w in (self.wedge, self.serial, self.camera):
            self.addPermanentWidget(w)
        self.set_wedge("ready")
        self.set_serial("off")
        self.set_camera("off")

    def set_reachable(self, up: bool) -> None:
        """The database's label turns red while the server cannot be reached."""
        base = self.database.property("baseText") or self.database.text()
        self.database.setProperty("baseText", base)
        if up:
            self.database.setText(base)
            self.database.setStyleSheet("")
            self.database.setToolTip("")
            self.database.updateGeometry()
        else:
            self.database.setText("Database unreachable — retrying…")
            set_colours(self.database, *_RED)
            self.clearMessage()  # what happened before matters less than this
            self.database.updateGeometry()
            self.database.setToolTip(f"{base}: the server does not answer. Scans stay in the "
                                     "basket; confirm once it is back.")

    def set_wedge(self, state: str) -> None:
        text = {"ready": "Wedge ready", "off": "Wedge off",
                "missing": "Wedge unavailable"}.get(state, f"Wedge {state}")
        self.wedge.setText(text)
        set_colours(self.wedge, *(_GREEN if state == "ready" else _GREY))
        self.wedge.setToolTip("USB barcode scanners typing as a keyboard are recognised "
                              "anywhere in the app" if state == "ready" else
                              "Turn it on under Settings")

    def set_serial(self, state: str, detail: str = "") -> None:
        words = {"connected": "Serial connected", "waiting": "Serial waiting",
                 "stopped": "Serial off", "off": "Serial off"}
        self.serial.setText(words.get(state, f"Serial {state}"))
        colours = {"connected": _GREEN, "waiting": _AMBER}.get(state, _GREY)
        set_colours(self.serial, *colours)
        self.serial.setToolTip(detail or "Pick a serial port under Settings")

    def set_camera(self, state: str) -> None:
        if state.startswith("error"):
            self.camera.setText("Camera error")
            set_colours(self.camera, *_RED)
            self.camera.setToolTip(state.removeprefix("error:").strip())
            return
        on = state in ("on", "starting")
        self.camera.setText("Camera on" if on else "Camera off")
        set_colours(self.camera, *(_GREEN if on else _GREY))
        self.camera.setToolTip("The scan station's camera (Ctrl+K there)")
