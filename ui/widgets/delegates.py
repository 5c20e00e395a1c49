"""Painting status cells as pills, so a column of states reads at a glance."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QRectF, Qt
from PySide6.QtGui import QFontMetrics, QPainter
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from .. import style
from ..models.table import KIND_ROLE, VALUE_ROLE


class StatusDelegate(QStyledItemDelegate):
    """Cells whose column kind is "status" become coloured pills; others draw as usual."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        if index.data(KIND_ROLE) != "status":
            super().paint(painter, option, index)
            return
        value = index.data(VALUE_ROLE)
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        opt.text = ""
        widget = opt.widget
        st = widget.style() if widget else None
        if st is not None:
            st.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, widget)
        if not value:
            return
        text = style.status_label(str(value))
        fg, bg = style.status_colours(str(value))
        font = opt.font
        font.setPointSizeF(max(7.5, font.pointSizeF() - 0.5))
        font.setBold(True)
        fm = QFontMetrics(font)
        width = fm.horizontalAdvance(text) + 16
        height = fm.height() + 4
        rect = opt.rect
        box = QRectF(rect.x() + 6, rect.center().y() - height / 2 + 0.5,
                     min(width, rect.width() - 10), height)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(bg)
        painter.drawRoundedRect(box, height / 2, height / 2)
        painter.setPen(fg)
        painter.setFont(font)
        painter.drawText(box, int(Qt.AlignmentFlag.AlignCenter), text)
        painter.restore()
