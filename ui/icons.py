"""Icons from resources/icons: line drawings tinted to the colour each place needs."""

from __future__ import annotations

from functools import cache
from importlib import resources

from PySide6.QtCore import QByteArray, QRectF, QSize, Qt
from PySide6.QtGui import QIcon, QPainter, QPixmap
from PySide6.QtSvg import QSvgRenderer


@cache
def _svg(name: str) -> str:
    return (resources.files("resources") / "icons" / f"{name}.svg").read_text(encoding="utf-8")


def pixmap(name: str, colour: str = "#374151", size: int = 18, ratio: float = 2.0) -> QPixmap:
    data = QByteArray(_svg(name).replace("currentColor", colour).encode())
    renderer = QSvgRenderer(data)
    px = QPixmap(QSize(int(size * ratio), int(size * ratio)))
    px.fill(Qt.GlobalColor.transparent)
    painter = QPainter(px)
    renderer.render(painter, QRectF(0, 0, size * ratio, size * ratio))
    painter.end()
    px.setDevicePixelRatio(ratio)
    return px


def icon(name: str, colour: str = "#374151", active: str | None = None,
         size: int = 18) -> QIcon:
    """An icon in `colour`, and in `active` when selected (side bar, buttons)."""
    ic = QIcon()
    ic.addPixmap(pixmap(name, colour, size), QIcon.Mode.Normal, QIcon.State.Off)
    if active:
        ic.addPixmap(pixmap(name, active, size), QIcon.Mode.Selected, QIcon.State.Off)
        ic.addPixmap(pixmap(name, active, size), QIcon.Mode.Active, QIcon.State.Off)
    ic.addPixmap(pixmap(name, "#9ca3af", size), QIcon.Mode.Disabled, QIcon.State.Off)
    return ic
