"""The Reorder view's "What if" tab: the policy replayed on this department's own ledger.

Run replays the last N months for the selected reorder lines (or every item): the policy
at each product's service target and the team's min/max, per demand class, and the policy
at several targets for the trade-off chart (achieved service against mean stock value).
The work runs on the app's worker (ui/tasks.py) with a progress bar; the window stays
usable. "Service targets…" edits the targets per category and ABC class.
"""

from __future__ import annotations

from PySide6.QtCharts import (
    QChart,
    QChartView,
    QLineSeries,
    QScatterSeries,
    QValueAxis,
    QXYSeries,
)
from PySide6.QtCore import QMargins, QObject, Qt, Signal
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from inventory.commands import SaveServiceTargets
from inventory.queries.reorder import replay, service_targets
from inventory.replenishment.backtest import WhatIf
from inventory.replenishment.targets import ABC, ABC_CLASSES, CATEGORY
from inventory.store import Store

from ..models.format import fmt_date, fmt_money
from ..operations import OperationRunner
from ..tasks import TaskRunner

SELECTED, EVERYTHING = "Selected lines", "All items"
RESULT_COLUMNS = ("Rule", "Class", "Items", "Target", "Service", "Fill rate",
                  "Stock value", "Orders", "Days out")
RESULT_TIPS = ("Policy: the reorder points at each product's target; Min/max: your "
               "products' min/max, else 1 month of usage as min and 2 as max",
               "Demand class when the replay began", "Items × locations replayed",
               "Service target (mean over the items, by cycles)",
               "Cycle service level: share of deliveries before which nothing was owed",
               "Share of the demand served from stock on the day it was asked for",
               "Mean stock on hand at cost over the replayed days", "Orders placed",
               "Days on which demand waited for stock (summed over items)")


def _pct(x: float | None) -> str:
    return "–" if x is None else f"{x:.1%}"


class _Progress(QObject):
    """Carries progress from the worker to the bar (a queued signal across threads)."""

    changed = Signal(str, int)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._last = -1

    def reset(self) -> None:
        self._last = -1

    def __call__(self, stage: str, done: int, total: int) -> None:  # on the worker
        percent = int(100 * done / total) if total else 100
        if percent != self._last:
            self._last = percent
            self.changed.emit(stage, percent)


class TradeoffChart(QChartView):
    """Achieved service (cycle service level and fill rate) against mean stock value."""

    def __init__(self, parent: QWidget | None = None) -> None:
        self._chart = QChart()
        super().__init__(self._chart, parent)
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self._chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
        self.setMinimumHeight(220)
        self._chart.setMargins(QMargins(4, 4, 4, 4))
        self.points: list = []

    def show_points(self, points: list) -> None:
        self.points = list(points)
        c = self._chart
        c.removeAllSeries()
        for axis in c.axes():
            c.removeAxis(axis)
        c.setTitle("")
        self.setToolTip("Service achieved against mean stock value: the policy replayed at "
                        "each target, and your min/max")
        policy = [p for p in points if p.target is not None and p.csl is not None]
        base = [p for p in points if p.target is None and p.csl is not None]
        if not policy:
            return
        csl = QLineSeries(name="Policy: cycles served")
        csl.setPen(QPen(QColor("#1f5fa8"), 2))
        fill = QLineSeries(name="Policy: fill rate")
        fill.setPen(QPen(QColor("#2e7d32"), 2, Qt.PenStyle.DashLine))
        marks = QScatterSeries(name="Target")
        marks.setMarkerSize(9)
        marks.setColor(QColor("#1f5fa8"))
        marks.setPointLabelsVisible(True)
        marks.setPointLabelsClipping(False)
        for k, p in enumerate(policy):
            csl.append(p.stock_value / 1000, 100 * p.csl)
            if p.fill_rate is not None:
                fill.append(p.stock_value / 1000, 100 * p.fill_rate)
            marks.append(p.stock_value / 1000, 100 * p.csl)
            marks.setPointConfiguration(
                k, {QXYSeries.PointConfiguration.LabelFormat: p.label})
        series = [csl, fill, marks]
        for p in base:
            b = QScatterSeries(name=f"Your min/max: {p.csl:.1%} of cycles")
            b.setMarkerShape(QScatterSeries.MarkerShape.MarkerShapeRectangle)
            b.setMarkerSize(12)
            b.setColor(QColor("#c62828"))
            b.append(p.stock_value / 1000, 100 * p.csl)
            series.append(b)
        x, y = QValueAxis(), QValueAxis()
        x.setTitleText("Mean stock value at cost (thousands)")
        x.setLabelFormat("%.0f")
        y.setTitleText("Service %")
        y.setTickCount(6)
        y.setLabelFormat("%.0f")
        values = [p.stock_value / 1000 for p in policy + base]
        shares = [100 * v for p in policy + base for v in (p.csl, p.fill_rate) if v is not None]
        span = max(values) - min(values) or max(values) or 1.0
        x.setRange(max(0.0, min(values) - 0.08 * span), max(values) + 0.08 * span)
        x.applyNiceNumbers()
        y.setRange(max(0.0, min(shares) - 3), min(100.0, max(shares) + 2))
        c.addAxis(x, Qt.AlignmentFlag.AlignBottom)
        c.addAxis(y, Qt.AlignmentFlag.AlignLeft)
        for s in series:
            c.addSeries(s)
            s.attachAxis(x)
            s.attachAxis(y)
        for marker in c.legend().markers(marks):
            marker.setVisible(False)  # the labelled dots explain themselves


class WhatIfTab(QWidget):
    """The tab. ``page`` is the ReorderPage (its context, pinned day and selection)."""

    finished = Signal()

    def __init__(self, page, runner: TaskRunner | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.page = page
        self.runner = runner or TaskRunner(page.db, self)
        self.result: WhatIf | None = None
        self.months = QSpinBox()
        self.months.setRange(1, 36)
        self.months.setValue(12)
        self.months.setSuffix(" months")
        self.scope = QComboBox()
        self.scope.addItems([EVERYTHING, SELECTED])
        self.run_button = QPushButton("Run backtest")
        self.run_button.setProperty("primary", True)
        self.run_button.setToolTip("Replay the last months of your own ledger with the "
                                   "reorder policy and with your min/max")
        self.targets_button = QPushButton("Service targets…")
        self.progress = QProgressBar()
        self.progress.setRange(0, 100)
        self.progress.setTextVisible(True)
        self.progress.hide()
        self.summary = QLabel("Run the backtest to see what the reorder points would have "
                              "done over your own history, against your min/max.")
        self.summary.setWordWrap(True)
        self.summary.setObjectName("Muted")
        bar = QHBoxLayout()
        for w in (QLabel("Replay the last"), self.months, QLabel("for"), self.scope,
                  self.run_button):
            bar.addWidget(w)
        bar.addWidget(self.progress, 1)
        bar.addStretch(0)
        bar.addWidget(self.targets_button)

        self.table = QTableWidget(0, len(RESULT_COLUMNS))
        self.table.setHorizontalHeaderLabels(RESULT_COLUMNS)
        for col, tip in enumerate(RESULT_TIPS):
            self.table.horizontalHeaderItem(col).setToolTip(tip)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.setAlternatingRowColors(True)
        head = self.table.horizontalHeader()
        head.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.setSizeAdjustPolicy(QAbstractItemView.SizeAdjustPolicy.AdjustToContents)
        self.table.setMaximumHeight(self._table_height(6))
        self.chart = TradeoffChart()
        lay = QVBoxLayout(self)
        lay.addLayout(bar)
        lay.addWidget(self.summary)
        lay.addWidget(self.table)
        lay.addWidget(self.chart, 1)

        self._progress = _Progress(self)
        self._progress.changed.connect(self._show_progress)
        self.run_button.clicked.connect(self.run)
        self.targets_button.clicked.connect(self.edit_targets)

    # -- running ----------------------------------------------------------------------
    def items(self) -> list[tuple[int, int]] | None:
        if self.scope.currentText() != SELECTED:
            return None
        return [(ln.product_id, ln.location_id) for ln in self.page.selected_lines()]

    def run(self) -> None:
        items = self.items()
        if items == []:
            self.summary.setText("Select lines in the reorder list first, or replay all items.")
            return
        self.run_button.setEnabled(False)
        self.progress.setValue(0)
        self.progress.setFormat("reading the ledger…")
        self.progress.show()
        self._progress.reset()
        self.runner.run(replay, self.page.db, today=self.page.today,
                        months=self.months.value(), items=items, progress=self._progress,
                        done=self._done, failed=self._failed, key=f"whatif-{id(self)}")

    def _show_progress(self, stage: str, percent: int) -> None:
        self.progress.setValue(percent)
        self.progress.setFormat(f"{stage}: %p%")

    def _failed(self, exc: BaseException) -> None:
        self._end()
        self.summary.setText(str(exc))

    def _end(self) -> None:
        self.run_button.setEnabled(True)
        self.progress.hide()
        self.finished.emit()

    def _done(self, result: WhatIf) -> None:
        self.result = result
        self._end()
        r = result.report
        self._fill(r)
        self.chart.show_points(result.points)
        if not r.rows:
            self.summary.setText("No demand in this period for these items: nothing to replay.")
            return
        pol, base = r.result("policy"), r.result("baseline")
        self.summary.setText(
            f"{fmt_date(r.start)} – {fmt_date(r.end)}, {r.rows} products × locations, each at its "
            f"service target (mean {_pct(pol.target)}). The policy served {_pct(pol.csl)} of "
            f"cycles and {_pct(pol.fill_rate)} of demand from stock with "
            f"{fmt_money(pol.stock_value)} of stock on average; your min/max served "
            f"{_pct(base.csl)} and {_pct(base.fill_rate)} with {fmt_money(base.stock_value)}.")

    def _table_height(self, rows: int) -> int:
        """Room for ``rows`` rows and the header: the chart gets the rest of the tab."""
        row = self.table.verticalHeader().defaultSectionSize()
        header = self.table.horizontalHeader().sizeHint().height()
        return header + row * max(rows, 1) + 2 * self.table.frameWidth() + 2

    def _fill(self, report) -> None:
        self.table.setRowCount(len(report.results))
        self.table.setMaximumHeight(self._table_height(min(len(report.results), 8)))
        for row, g in enumerate(report.results):
            values = ["Policy" if g.rule == "policy" else "Min/max", g.group, str(g.rows),
                      _pct(g.target), _pct(g.csl), _pct(g.fill_rate), fmt_money(g.stock_value),
                      str(g.orders), str(g.stockout_days)]
            for col, v in enumerate(values):
                item = QTableWidgetItem(v)
                if col >= 2:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight
                                          | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(row, col, item)

    # -- targets ----------------------------------------------------------------------
    def edit_targets(self) -> None:
        """Read the targets and categories on the worker, then open the dialog."""
        self.targets_button.setEnabled(False)
        self.runner.run(_target_rows, self.page.db, done=self._open_targets,
                        failed=self._failed_targets)

    def _failed_targets(self, exc: BaseException) -> None:
        self.targets_button.setEnabled(True)
        self.summary.setText(str(exc))

    def _open_targets(self, rows) -> None:
        self.targets_button.setEnabled(True)
        # Saved through the operation runner: its change notice ("catalog") makes the
        # reorder list compute again with the new targets.
        self.targets_dialog = ServiceTargetsDialog(rows, self.page.ctx.ops, self)
        self.targets_dialog.open()


def _target_rows(db: Store) -> list[tuple[str, str, str, str, float | None]]:
    """(scope, key, label, products, current target) for the dialog, read on the worker."""
    targets, in_use = service_targets(db)
    current = {(t.scope, t.key): t.service_level for t in targets}
    rows = [(ABC, k, f"ABC class {k}", "") for k in ABC_CLASSES]
    rows += [(CATEGORY, c, c, str(n)) for c, n in in_use]
    return [(s, k, label, n, current.get((s, k))) for s, k, label, n in rows]


class ServiceTargetsDialog(QDialog):
    """Targets per ABC class and per category; an empty cell means no target there."""

    def __init__(self, rows, ops: OperationRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ops = ops
        self.setWindowTitle("Service targets")
        self.setMinimumSize(480, 440)
        intro = QLabel("The share of replenishment cycles to get through without running "
                       "out. A product's own target comes first, then its category's, then "
                       "its ABC class's (A: the products making 80 % of annual value, B: the "
                       "next 15 %, C: the rest), then the default. Leave a cell empty for "
                       "no target.")
        intro.setWordWrap(True)
        intro.setObjectName("Muted")
        self.rows: list[tuple[str, str, QDoubleSpinBox]] = []
        self.table = QTableWidget(0, 3)
        self.table.setHorizontalHeaderLabels(["Applies to", "Products", "Target"])
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.setColumnWidth(2, 120)
        for scope, key, label, count, level in rows:
            r = self.table.rowCount()
            self.table.insertRow(r)
            self.table.setItem(r, 0, QTableWidgetItem(label))
            self.table.setItem(r, 1, QTableWidgetItem(count))
            spin = QDoubleSpinBox()
            spin.setRange(49.9, 99.9)  # 49.9 shows as empty: no target
            spin.setDecimals(1)
            spin.setSuffix(" %")
            spin.setSpecialValueText("—")
            spin.setValue(100 * (level if level is not None else 0.499))
            self.table.setCellWidget(r, 2, spin)
            self.rows.append((scope, key, spin))
        self.error = QLabel()
        self.error.setObjectName("Error")
        self.error.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(intro)
        lay.addWidget(self.table, 1)
        lay.addWidget(self.error)
        lay.addWidget(buttons)
        self._initial = {(s, k): spin.value() for s, k, spin in self.rows}

    def changes(self) -> list[tuple[str, str, float | None]]:
        out = []
        for scope, key, spin in self.rows:
            if abs(spin.value() - self._initial[(scope, key)]) < 1e-9:
                continue
            out.append((scope, key, None if spin.value() < 50 else round(spin.value() / 100, 4)))
        return out

    def save(self) -> None:
        changes = self.changes()
        if not changes:
            self.accept()
            return
        self.ops.run(SaveServiceTargets(tuple(changes)), done=lambda _result: self.accept(),
                     failed=lambda exc: self.error.setText(str(exc)),
                     label="Saving the service targets…", parent=self)
