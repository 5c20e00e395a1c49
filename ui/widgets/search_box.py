"""Search-as-you-type: a line edit that reports what to look for once typing pauses."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QLineEdit

from .. import icons

DEBOUNCE_MS = 25  # merges keys typed faster than 40 a second; short enough to feel instant


class SearchBox(QLineEdit):
    """Emits `search_changed(text)` after typing pauses for `DEBOUNCE_MS`; Esc clears."""

    search_changed = Signal(str)
    down_pressed = Signal()  # Down: move into the results
    entered = Signal()  # Enter (after the search was reported)

    def __init__(self, placeholder: str = "Search", parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("SearchBox")
        self.setPlaceholderText(placeholder)
        self.setClearButtonEnabled(True)
        self.addAction(icons.icon("search", "#9ca3af"), QLineEdit.ActionPosition.LeadingPosition)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DEBOUNCE_MS)
        self._timer.timeout.connect(self._fire)
        self._last = ""
        self.textChanged.connect(lambda _: self._timer.start())

    def _fire(self) -> None:
        text = self.text().strip()
        if text != self._last:
            self._last = text
            self.search_changed.emit(text)

    def flush(self) -> None:
        """Report the text now (Enter, tests)."""
        self._timer.stop()
        self._fire()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        if event.key() == Qt.Key.Key_Escape and self.text():
            self.clear()
            self.flush()
            return
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.flush()
            super().keyPressEvent(event)
            self.entered.emit()
            return
        if event.key() == Qt.Key.Key_Down and not event.modifiers():
            self.flush()
            self.down_pressed.emit()
            return
        super().keyPressEvent(event)
