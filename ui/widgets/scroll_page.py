"""A page body that scrolls: the frameless scroll area the dashboard, its Business tab and
Settings lay themselves out in, so a short window scrolls instead of squashing the cards."""

from __future__ import annotations

from PySide6.QtWidgets import QFrame, QScrollArea, QVBoxLayout, QWidget


def scroll_body(*, margins: tuple[int, int, int, int] = (22, 18, 22, 18),
                spacing: int = 14) -> tuple[QScrollArea, QVBoxLayout]:
    """A frameless scroll area whose body is as wide as the view, and the body's layout."""
    scroll = QScrollArea()
    scroll.setWidgetResizable(True)
    scroll.setFrameShape(QFrame.Shape.NoFrame)
    body = QWidget()
    scroll.setWidget(body)
    layout = QVBoxLayout(body)
    layout.setContentsMargins(*margins)
    layout.setSpacing(spacing)
    return scroll, layout


def fill(owner: QWidget, child: QWidget) -> None:
    """Make `child` the whole of `owner`, edge to edge."""
    outer = QVBoxLayout(owner)
    outer.setContentsMargins(0, 0, 0, 0)
    outer.addWidget(child)
