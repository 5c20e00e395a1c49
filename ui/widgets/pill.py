"""A rounded status label in the status's colours."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel

from .. import style


class Pill(QLabel):
    def __init__(self, value: str = "", text: str | None = None, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("StatusPill")
        self.set_value(value, text)

    def set_value(self, value: str, text: str | None = None) -> None:
        fg, bg = style.STATUS_COLOURS.get(value, ("#374151", "#e5e7eb"))
        self.setStyleSheet(f"QLabel {{ color: {fg}; background: {bg}; border-radius: 9px;"
                           f" padding: 1px 9px; font-weight: 600; }}")
        self.setText(text if text is not None else style.status_label(value) if value else "")
        self.setVisible(bool(self.text()))


def set_colours(label: QLabel, fg: str, bg: str) -> None:
    label.setStyleSheet(f"QLabel {{ color: {fg}; background: {bg}; border-radius: 9px;"
                        f" padding: 1px 9px; }}")
