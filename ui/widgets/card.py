"""A titled card on the dashboard and its Business tab: a title, a line saying what it
shows, and a body (a chart, or a muted placeholder while it loads or when there is none)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QLabel, QVBoxLayout, QWidget


class ChartCard(QFrame):
    def __init__(self, title: str, subtitle: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("Card")
        self.layout_ = QVBoxLayout(self)
        self.layout_.setContentsMargins(16, 12, 12, 8)
        self.layout_.setSpacing(2)
        t = QLabel(title)
        t.setObjectName("SectionTitle")
        s = QLabel(subtitle)
        s.setObjectName("Muted")
        s.setWordWrap(True)
        self.layout_.addWidget(t)
        self.layout_.addWidget(s)
        self.body: QWidget | None = None
        self.set_placeholder("Loading…")

    def set_placeholder(self, text: str) -> None:
        label = QLabel(text)
        label.setObjectName("Muted")
        label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        label.setMinimumHeight(220)
        self.set_body(label)

    def set_body(self, widget: QWidget) -> None:
        """Show `widget` in the card, in place of what it showed."""
        if self.body is not None:
            self.layout_.removeWidget(self.body)
            self.body.deleteLater()
        self.body = widget
        self.layout_.addWidget(widget, 1)
