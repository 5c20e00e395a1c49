"""Small QtCharts helpers: bar charts that look like the rest of the app."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSeries,
    QBarSet,
    QChart,
    QChartView,
    QHorizontalBarSeries,
    QStackedBarSeries,
    QValueAxis,
)
from PySide6.QtCore import QMargins, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPen

from .. import style


def scale_for(values: Sequence[float]) -> tuple[float, str]:
    """Divide by 1, 1,000 or 1,000,000 so axis labels stay short."""
    top = max([abs(v) for v in values] or [0])
    if top >= 5_000_000:
        return 1_000_000.0, "millions"
    if top >= 10_000:
        return 1_000.0, "thousands"
    return 1.0, ""


def _font(size: float, bold: bool = False) -> QFont:
    f = QFont()
    f.setPointSizeF(size)
    f.setBold(bold)
    return f


def _chart() -> QChart:
    chart = QChart()
    chart.setBackgroundVisible(False)
    chart.setPlotAreaBackgroundVisible(False)
    chart.setMargins(QMargins(4, 4, 8, 4))
    chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
    chart.legend().setVisible(False)
    chart.legend().setFont(_font(8.5))
    chart.legend().setLabelColor(QColor(style.MUTED))
    return chart


def _value_axis(top: float, title: str = "") -> QValueAxis:
    axis = QValueAxis()
    axis.setRange(0, top * 1.12 if top > 0 else 1)
    axis.applyNiceNumbers()
    axis.setLabelFormat("%.0f")
    axis.setLabelsFont(_font(8))
    axis.setLabelsColor(QColor(style.MUTED))
    axis.setGridLineColor(QColor("#eef0f3"))
    axis.setLinePen(QPen(Qt.PenStyle.NoPen))
    if title:
        axis.setTitleText(title)
        axis.setTitleFont(_font(8))
        axis.setTitleBrush(QColor(style.MUTED))
    return axis


def _category_axis(labels: Sequence[str]) -> QBarCategoryAxis:
    axis = QBarCategoryAxis()
    axis.append(list(labels))
    axis.setLabelsFont(_font(8))
    axis.setLabelsColor(QColor("#4b5563"))
    axis.setGridLineVisible(False)
    axis.setLinePen(QPen(QColor(style.BORDER)))
    axis.setTruncateLabels(False)
    return axis


def view(chart: QChart) -> QChartView:
    v = QChartView(chart)
    v.setRenderHint(QPainter.RenderHint.Antialiasing)
    v.setStyleSheet("background: transparent;")
    v.setMinimumHeight(220)
    return v


def bar_chart(labels: Sequence[str], values: Sequence[float], colour: str = style.ACCENT,
              unit: str = "") -> QChart:
    """Vertical bars, one series."""
    factor, word = scale_for(values)
    chart = _chart()
    bars = QBarSet("")
    bars.append([v / factor for v in values])
    bars.setColor(QColor(colour))
    bars.setBorderColor(QColor(colour))
    series = QBarSeries()
    series.append(bars)
    series.setBarWidth(0.62)
    chart.addSeries(series)
    x = _category_axis(labels)
    y = _value_axis(max([v / factor for v in values] or [0]),
                    " ".join(t for t in (unit, word and f"({word})") if t))
    chart.addAxis(x, Qt.AlignmentFlag.AlignBottom)
    chart.addAxis(y, Qt.AlignmentFlag.AlignLeft)
    series.attachAxis(x)
    series.attachAxis(y)
    return chart


def _sets_chart(series: QBarSeries | QStackedBarSeries, labels: Sequence[str],
                series_values: Sequence[tuple[str, Sequence[float]]], factor: float,
                top: float, unit: str, word: str) -> QChart:
    """A chart of one bar set per (name, values), scaled by `factor`, with category and
    value axes and a legend on top (the stacked and the grouped charts)."""
    chart = _chart()
    for i, (name, vals) in enumerate(series_values):
        s = QBarSet(name)
        s.append([v / factor for v in vals])
        colour = QColor(style.CHART_COLOURS[i % len(style.CHART_COLOURS)])
        s.setColor(colour)
        s.setBorderColor(colour)
        series.append(s)
    chart.addSeries(series)
    x = _category_axis(labels)
    y = _value_axis(top, " ".join(t for t in (unit, word and f"({word})") if t))
    chart.addAxis(x, Qt.AlignmentFlag.AlignBottom)
    chart.addAxis(y, Qt.AlignmentFlag.AlignLeft)
    series.attachAxis(x)
    series.attachAxis(y)
    chart.legend().setVisible(True)
    chart.legend().setAlignment(Qt.AlignmentFlag.AlignTop)
    return chart


def stacked_chart(labels: Sequence[str], series_values: Sequence[tuple[str, Sequence[float]]],
                  unit: str = "") -> QChart:
    """Vertical stacked bars with a legend: one set per (name, values)."""
    totals = [sum(vals[i] for _, vals in series_values) for i in range(len(labels))]
    factor, word = scale_for(totals)
    series = QStackedBarSeries()
    series.setBarWidth(0.55)
    return _sets_chart(series, labels, series_values, factor,
                       max([t / factor for t in totals] or [0]), unit, word)


def grouped_chart(labels: Sequence[str], series_values: Sequence[tuple[str, Sequence[float]]],
                  unit: str = "") -> QChart:
    """Side-by-side bars with a legend: one set per (name, values)."""
    factor, word = scale_for([v for _, vals in series_values for v in vals])
    return _sets_chart(QBarSeries(), labels, series_values, factor,
                       max([v / factor for _, vals in series_values for v in vals] or [0]),
                       unit, word)


def horizontal_chart(labels: Sequence[str], values: Sequence[float],
                     colour: str = style.CHART_COLOURS[1], unit: str = "") -> QChart:
    """Horizontal bars, largest at the top."""
    chart = _chart()
    bars = QBarSet("")
    bars.append(list(reversed(values)))
    bars.setColor(QColor(colour))
    bars.setBorderColor(QColor(colour))
    series = QHorizontalBarSeries()
    series.append(bars)
    series.setBarWidth(0.66)
    series.setLabelsVisible(True)
    series.setLabelsPosition(QHorizontalBarSeries.LabelsPosition.LabelsInsideEnd)
    bars.setLabelColor(QColor("white"))
    bars.setLabelFont(_font(8, True))
    chart.addSeries(series)
    y = _category_axis(list(reversed(labels)))
    x = _value_axis(max(values or [0]), unit)
    chart.addAxis(y, Qt.AlignmentFlag.AlignLeft)
    chart.addAxis(x, Qt.AlignmentFlag.AlignBottom)
    series.attachAxis(x)
    series.attachAxis(y)
    return chart
