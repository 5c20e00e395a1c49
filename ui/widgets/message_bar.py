"""An inline message at the top of a page: what went wrong and what to do, or what worked."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QToolButton

from .. import icons, style

_KINDS = {
    "error": ("alert", style.DANGER, style.DANGER_SOFT, "#fecaca"),
    "success": ("check", style.SUCCESS, style.SUCCESS_SOFT, "#bbf7d0"),
    "info": ("info", "#0369a1", style.INFO_SOFT, "#bae6fd"),
    "warning": ("alert", style.WARNING, style.WARNING_SOFT, "#fde68a"),
}


class MessageBar(QFrame):
    """Hidden until `show_message`; errors stay until closed, other messages fade out."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("MessageBar")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(12, 8, 8, 8)
        layout.setSpacing(10)
        self._icon = QLabel()
        self._icon.setFixedSize(18, 18)
        self._text = QLabel()
        self._text.setWordWrap(True)
        self._text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._close = QToolButton()
        self._close.setIcon(icons.icon("close", "#6b7280"))
        self._close.setAutoRaise(True)
        self._close.setToolTip("Dismiss (Esc)")
        self._close.clicked.connect(self.hide)
        layout.addWidget(self._icon, 0, Qt.AlignmentFlag.AlignTop)
        layout.addWidget(self._text, 1)
        layout.addWidget(self._close, 0, Qt.AlignmentFlag.AlignTop)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.hide)
        self.kind = ""
        self.hide()

    def text(self) -> str:
        return self._text.text() if self.isVisibleTo(self.parentWidget()) else ""

    def show_message(self, text: str, kind: str = "info", timeout_ms: int | None = None) -> None:
        name, fg, bg, border = _KINDS.get(kind, _KINDS["info"])
        self.kind = kind
        self.setStyleSheet(f"#MessageBar {{ background: {bg}; border: 1px solid {border};"
                           f" border-radius: 8px; }} #MessageBar QLabel {{ color: {fg}; }}")
        self._icon.setPixmap(icons.pixmap(name, fg, 18))
        self._text.setText(text)
        self.show()
        if timeout_ms is None:
            timeout_ms = 0 if kind == "error" else 7000
        if timeout_ms:
            self._timer.start(timeout_ms)
        else:
            self._timer.stop()

    def show_error(self, text: str) -> None:
        self.show_message(text, "error")

    def show_success(self, text: str) -> None:
        self.show_message(text, "success")

    def show_info(self, text: str) -> None:
        self.show_message(text, "info")
