"""Horizontal stacked bars painted row by row, one row per label, so that every label is
drawn however many rows there are: a chart library drops the labels that would overlap
(every other cost centre on a small window). A row is at least `ROW_MIN` pixels high;
with more rows than fit, the chart grows and its scroll area scrolls. A label longer than
its column is elided and the full text is in the row's tooltip, with each part's amount.
Clicking a row emits `activated(label)`."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from PySide6.QtCore import QPoint, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPen
from PySide6.QtWidgets import QFrame, QScrollArea, QToolTip, QWidget

from .. import style
from ..models.format import fmt_money, fmt_number
from .charts import scale_for

ROW_MIN = 15  # px: an 8-point label and a little air
LEGEND_H = 20
AXIS_H = 18
PAD = 4
RIGHT = 22  # px right of the plot: room for the last tick's label
MOST = 240  # px: the tallest the chart asks its scroll area to be; beyond it scrolls


@dataclass(frozen=True)
class Row:
    label: str  # the full label
    text: str  # as drawn (elided where it did not fit)
    label_rect: QRectF
    bar_rect: QRectF  # the whole row's band to the right of the labels
    parts: tuple[tuple[int, QRectF], ...]  # (series index, rectangle) of each part drawn


def nice_step(top: float, ticks: int) -> float:
    """A step of 1, 2 or 5 × 10^k giving about `ticks` intervals up to `top`."""
    if top <= 0 or ticks < 1:
        return 1.0
    raw = top / ticks
    power = 10 ** math.floor(math.log10(raw))
    return next(f * power for f in (1, 2, 5, 10) if f * power >= raw)


class StackedRows(QWidget):
    """The chart itself; `chart()` wraps it in a scroll area."""

    activated = Signal(str)

    def __init__(self, labels: Sequence[str],
                 series: Sequence[tuple[str, Sequence[float]]],
                 money: Callable[[float], str] = fmt_money,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.labels = list(labels)
        self.series = [(name, [max(0.0, float(v)) for v in vals]) for name, vals in series]
        self.money = money
        self.totals = [sum(vals[i] for _, vals in self.series) for i in range(len(labels))]
        self.font_ = QFont(self.font())
        self.font_.setPointSizeF(8)
        self.setFont(self.font_)
        self.setMouseTracking(True)
        self.setMinimumHeight(self.minimumSizeHint().height())
        self.setAccessibleName("Cost per cost centre, stacked by kind")

    # -- geometry ----------------------------------------------------------------------

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        return QSize(240, LEGEND_H + AXIS_H + 2 * PAD + ROW_MIN * max(1, len(self.labels)))

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        return self.minimumSizeHint()

    def _label_width(self) -> int:
        fm = QFontMetrics(self.font_)
        want = max([fm.horizontalAdvance(t) for t in self.labels] or [0]) + 10
        return min(want, max(60, self.width() // 3))

    def _scale(self) -> tuple[float, str, float, float]:
        """(factor, suffix, step, top) of the value axis, in scaled units."""
        factor, word = scale_for(self.totals)
        suffix = {"thousands": "k", "millions": "M"}.get(word, "")
        top = max(self.totals or [0]) / factor
        plot_w = max(1, self.width() - self._label_width() - PAD - RIGHT)
        step = nice_step(top, max(2, min(6, plot_w // 90)))
        return factor, suffix, step, (math.ceil(top / step) * step if top > 0 else step)

    def rows(self) -> list[Row]:
        """Every row as painted: its label (elided or not) and its parts' rectangles."""
        fm = QFontMetrics(self.font_)
        lw = self._label_width()
        factor, _suffix, _step, top = self._scale()
        x0 = PAD + lw
        plot_w = max(1.0, self.width() - x0 - RIGHT)
        y0 = PAD + LEGEND_H
        n = max(1, len(self.labels))
        row_h = max(float(ROW_MIN), (self.height() - y0 - AXIS_H - PAD) / n)
        out = []
        for i, label in enumerate(self.labels):
            y = y0 + i * row_h
            text = fm.elidedText(label, Qt.TextElideMode.ElideRight, lw - 8)
            parts = []
            x = float(x0)
            for k, (_name, vals) in enumerate(self.series):
                w = vals[i] / factor / top * plot_w
                if w > 0:
                    parts.append((k, QRectF(x, y + row_h * 0.18, w, row_h * 0.64)))
                    x += w
            out.append(Row(label, text, QRectF(PAD, y, lw - 8, row_h),
                           QRectF(x0, y, plot_w, row_h), tuple(parts)))
        return out

    def row_at(self, pos: QPoint) -> Row | None:
        return next((r for r in self.rows()
                     if r.label_rect.top() <= pos.y() < r.label_rect.bottom()), None)

    # -- painting ----------------------------------------------------------------------

    def paintEvent(self, event) -> None:  # noqa: N802 - Qt's name
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.setFont(self.font_)
        fm = QFontMetrics(self.font_)
        rows = self.rows()
        factor, suffix, step, top = self._scale()
        x0 = PAD + self._label_width()
        plot_w = max(1.0, self.width() - x0 - RIGHT)
        y_top = PAD + LEGEND_H
        y_bottom = rows[-1].label_rect.bottom() if rows else y_top
        # the legend, centred above the plot
        items = [(style.CHART_COLOURS[k % len(style.CHART_COLOURS)], name)
                 for k, (name, _) in enumerate(self.series)]
        width = sum(12 + fm.horizontalAdvance(name) + 14 for _, name in items)
        x = x0 + max(0.0, (plot_w - width) / 2)
        for colour, name in items:
            p.fillRect(QRectF(x, PAD + 6, 8, 8), QColor(colour))
            p.setPen(QColor(style.MUTED))
            p.drawText(QRectF(x + 12, PAD, fm.horizontalAdvance(name) + 2, 20),
                       Qt.AlignmentFlag.AlignVCenter, name)
            x += 12 + fm.horizontalAdvance(name) + 14
        # grid lines and the value axis below the rows
        ticks = int(round(top / step))
        for t in range(ticks + 1):
            gx = x0 + plot_w * t / max(1, ticks)
            p.setPen(QPen(QColor("#eef0f3")))
            p.drawLine(int(gx), int(y_top), int(gx), int(y_bottom))
            value = t * step
            text = fmt_number(value, 0 if step >= 1 else 1) + (suffix if value else '')
            p.setPen(QColor(style.MUTED))
            p.drawText(QRectF(gx - 40, y_bottom + 2, 80, AXIS_H - 4),
                       Qt.AlignmentFlag.AlignCenter, text)
        # the rows: label, parts
        for row in rows:
            p.setPen(QColor("#4b5563"))
            p.drawText(row.label_rect, Qt.AlignmentFlag.AlignVCenter
                       | Qt.AlignmentFlag.AlignRight, row.text)
            for k, rect in row.parts:
                p.fillRect(rect, QColor(style.CHART_COLOURS[k % len(style.CHART_COLOURS)]))
        p.setPen(QPen(QColor(style.BORDER)))
        p.drawLine(int(x0), int(y_top), int(x0), int(y_bottom))
        p.end()

    # -- the user ----------------------------------------------------------------------

    def tooltip_for(self, row: Row) -> str:
        i = self.labels.index(row.label)
        parts = [f"{name} {self.money(vals[i])}" for name, vals in self.series if vals[i]]
        return "\n".join([f"{row.label}: {self.money(self.totals[i])}", *parts])

    def event(self, event) -> bool:
        if event.type() == event.Type.ToolTip:
            row = self.row_at(event.pos())
            if row is None:
                QToolTip.hideText()
            else:
                QToolTip.showText(event.globalPos(), self.tooltip_for(row), self)
            return True
        return super().event(event)

    def mousePressEvent(self, event) -> None:  # noqa: N802 - Qt's name
        row = self.row_at(event.position().toPoint())
        if row is not None and event.button() == Qt.MouseButton.LeftButton:
            self.activated.emit(row.label)
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event) -> None:  # noqa: N802 - Qt's name
        row = self.row_at(event.position().toPoint())
        self.setCursor(Qt.CursorShape.PointingHandCursor if row is not None
                       else Qt.CursorShape.ArrowCursor)
        super().mouseMoveEvent(event)


def chart(labels: Sequence[str], series: Sequence[tuple[str, Sequence[float]]],
          money: Callable[[float], str] = fmt_money) -> QScrollArea:
    """The chart in a frameless scroll area that asks for the room its rows need (up to
    `MOST`; it scrolls only when they do not fit at `ROW_MIN` each); the chart is
    `area.widget()`."""
    area = QScrollArea()
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setWidgetResizable(True)
    area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    rows = StackedRows(labels, series, money)
    area.setWidget(rows)
    area.setMinimumHeight(min(rows.minimumSizeHint().height(), MOST))
    area.setStyleSheet("QScrollArea { background: transparent; }")
    return area
