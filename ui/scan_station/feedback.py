"""The big answer to every scan: what it was, green when accepted, red with the reason
when refused, and a sound.

Sound: QtMultimedia ships in PySide6-Addons but needs the system's PulseAudio/ALSA
libraries to load (on a machine without libpulse `import QtMultimedia` fails), so the
station uses QApplication.beep(): one beep for accepted, two for refused.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QFont, QPainter, QPaintEvent
from PySide6.QtWidgets import QApplication, QFrame, QLabel, QSizePolicy, QVBoxLayout, QWidget

from .. import style

OK, REFUSED, INFO, IDLE = "ok", "refused", "info", "idle"

# Background / text colours: readable from a distance, and not only by colour (the
# title starts with a mark as well).
_STYLES = {
    OK: ("#15803d", "#ffffff", "✔ "),
    REFUSED: ("#b91c1c", "#ffffff", "✖ "),
    INFO: ("#1d4ed8", "#ffffff", ""),
    IDLE: ("#e5e7eb", "#111827", ""),
}
_LABELS = (f"#scanFeedback QLabel {{ background: transparent; color: {_STYLES[OK][1]}; }}"
           f'#scanFeedback QLabel[tone="dark"] {{ color: {_STYLES[IDLE][1]}; }}')


@dataclass(frozen=True)
class Outcome:
    """What a scan or an action led to."""

    state: str  # OK / REFUSED / INFO
    title: str  # big text: what the scan resolved to
    detail: str = ""  # the reason, or what happened, or what to do next

    @property
    def accepted(self) -> bool:
        return self.state == OK


def ok(title: str, detail: str = "") -> Outcome:
    return Outcome(OK, title, detail)


def refused(title: str, detail: str = "") -> Outcome:
    return Outcome(REFUSED, title, detail)


def info(title: str, detail: str = "") -> Outcome:
    return Outcome(INFO, title, detail)


class Chime(QObject):
    """One beep for accepted, two for refused; `played` says which (tests listen)."""

    played = Signal(str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.enabled = True

    def play(self, state: str) -> None:
        if state not in (OK, REFUSED):
            return
        if self.enabled:
            QApplication.beep()
            if state == REFUSED:
                QTimer.singleShot(160, self, QApplication.beep)
        self.played.emit(state)


class FeedbackPanel(QFrame):
    """Large coloured panel at the top of the station.

    The colour is painted, and the text colour set by palette: a style sheet set for
    each scan made Qt parse and re-polish the panel every time, milliseconds of UI-thread
    work per scan."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("scanFeedback")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setMinimumHeight(118)
        # It paints every pixel of itself (the window colour in the corners), so a scan
        # repaints the panel only, not the page and the window beneath it.
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self._corners = QColor(style.WINDOW)
        self.title = QLabel(objectName="scanFeedbackTitle")
        self.detail = QLabel(objectName="scanFeedbackDetail")
        for label, size, bold in ((self.title, 22, True), (self.detail, 13, False)):
            f = QFont(label.font())
            f.setPointSize(size)
            f.setBold(bold)
            label.setFont(f)
            label.setWordWrap(True)
            label.setTextFormat(Qt.TextFormat.PlainText)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(18, 12, 18, 12)
        lay.setSpacing(4)
        lay.addWidget(self.title)
        lay.addWidget(self.detail)
        lay.addStretch(1)
        self.setStyleSheet(_LABELS)  # once; the colour of a scan is painted
        self._bg = QColor(_STYLES[IDLE][0])
        self.state = IDLE
        self.show_outcome(Outcome(IDLE, "Ready to scan", ""))

    def show_outcome(self, outcome: Outcome) -> None:
        bg, fg, mark = _STYLES.get(outcome.state, _STYLES[INFO])
        self.state = outcome.state
        if bg != self._bg.name():
            self._bg = QColor(bg)
            self.update()
        tone = "dark" if fg == _STYLES[IDLE][1] else "light"
        if tone != self.title.property("tone"):
            for label in (self.title, self.detail):
                label.setProperty("tone", tone)
                label.style().unpolish(label)
                label.style().polish(label)
        self.title.setText(mark + outcome.title)
        self.detail.setText(outcome.detail)
        self.detail.setVisible(bool(outcome.detail))
        self.setAccessibleName(f"{outcome.title}. {outcome.detail}")

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 (Qt name)
        painter = QPainter(self)
        painter.fillRect(event.rect(), self._corners)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(self._bg)
        painter.drawRoundedRect(self.rect(), 8, 8)
        painter.end()

    def text(self) -> str:
        """Title and detail as shown (for the status bar and tests)."""
        return "\n".join(t for t in (self.title.text(), self.detail.text()) if t)
