"""The Reorder view for managers: what to buy or move and why, approve to purchase orders.

Left: the reorder list (filters by location, supplier, demand class). Right: the
selected line's reasons and a chart of its stock history, the projection of its
inventory position and its reorder point. Other tabs: license alerts, warranty
ends and overdue loans. The list is computed on the database worker, once for a burst
of changes (ui/coalesce.py), and not at all while the page is hidden: it is then only
marked stale and computed when shown. Approving writes through the operation runner.
"""

from __future__ import annotations

from datetime import date, datetime, time
from html import escape

from PySide6.QtCharts import QChart, QChartView, QDateTimeAxis, QLineSeries, QValueAxis
from PySide6.QtCore import QAbstractTableModel, QDateTime, QModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QPainter, QPen
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableView,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from inventory.changes import Changes
from inventory.commands import ApproveReorder
from inventory.errors import InventoryError
from inventory.replenishment.engine import BUY, TRANSFER, ReorderLine, reorder_list
from inventory.replenishment.history import projection, stock_history
from inventory.replenishment.licenses import asset_alerts, license_alerts
from inventory.services import ordering

from ..coalesce import Coalescer
from ..models.format import fmt_money
from ..models.rows import RowsModel
from .base import AppContext, Page
from .reorder_whatif import WhatIfTab

ALL = "All"
CLASSES = ("smooth", "erratic", "intermittent", "lumpy", "none")
COLUMNS = ("Product", "Location", "Action", "From", "Qty", "Cost", "Order by", "Stock-out",
           "Cover (d)", "Demand/mo", "Class", "Lead (d)", "ROP", "Position")


def _cell(ln: ReorderLine, col: int):
    return (
        ln.product, ln.location_name, ln.action, ln.source, ln.quantity,
        f"{ln.cost:,.2f}" if ln.action == BUY else "",
        ln.order_by.isoformat() if ln.order_by else "",
        ln.stockout.isoformat() if ln.stockout else "",
        f"{ln.days_of_cover:.0f}" if ln.days_of_cover is not None else "",
        f"{ln.demand_per_month:.2f}", ln.demand_class, f"{ln.lead_time_days:.1f}",
        f"{ln.reorder_point:.0f}", f"{ln.position:.0f}",
    )[col]


class ReorderModel(QAbstractTableModel):
    """The reorder lines (plain dataclasses, no database access from here)."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.lines: list[ReorderLine] = []

    def set_lines(self, lines: list[ReorderLine]) -> None:
        self.beginResetModel()
        self.lines = list(lines)
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self.lines)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not (0 <= index.row() < len(self.lines)):
            return None
        ln = self.lines[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return str(_cell(ln, index.column()))
        if role == Qt.ItemDataRole.ToolTipRole:
            return "\n".join(ln.reasons())
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() >= 4 and \
                index.column() != 10:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole and index.column() == 2:
            colour = {BUY: "#1f5fa8", TRANSFER: "#2e7d32"}.get(ln.action, "#9a6700")
            return QBrush(QColor(colour))
        return None

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return COLUMNS[section]
        return None


class StockChart(QChartView):
    """Stock on hand (history), the position run down at the forecast, the reorder point."""

    def __init__(self, parent=None):
        self._chart = QChart()
        super().__init__(self._chart, parent)
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self._chart.setMargins(self._chart.margins())
        self._chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
        self.setMinimumHeight(260)

    def clear(self, title: str = "") -> None:
        self._chart.removeAllSeries()
        for axis in self._chart.axes():
            self._chart.removeAxis(axis)
        self._chart.setTitle(title)

    @staticmethod
    def _ms(d: date) -> float:
        return float(QDateTime(datetime.combine(d, time(12))).toMSecsSinceEpoch())

    def show_line(self, ln: ReorderLine, history: list[tuple[date, float]],
                  ahead: list[tuple[date, float]]) -> None:
        self.clear(f"{ln.product} at {ln.location_name}")
        stock = QLineSeries(name="On hand")
        for d, q in history:
            stock.append(self._ms(d), q)
        proj = QLineSeries(name="Projected position (no new orders)")
        proj.setPen(QPen(QColor("#1f5fa8"), 2, Qt.PenStyle.DashLine))
        for d, q in ahead:
            proj.append(self._ms(d), q)
        first = history[0][0] if history else ahead[0][0]
        last = ahead[-1][0] if ahead else history[-1][0]
        rop = QLineSeries(name=f"Reorder point {ln.reorder_point:.0f}")
        rop.setPen(QPen(QColor("#c62828"), 2))
        rop.append(self._ms(first), ln.reorder_point)
        rop.append(self._ms(last), ln.reorder_point)
        x = QDateTimeAxis()
        x.setFormat("MMM yy")
        x.setTickCount(7)
        y = QValueAxis()
        y.setLabelFormat("%d")
        top = max([q for _, q in history + ahead] + [ln.reorder_point, 1.0])
        y.setRange(0, top * 1.15)
        y.applyNiceNumbers()
        self._chart.addAxis(x, Qt.AlignmentFlag.AlignBottom)
        self._chart.addAxis(y, Qt.AlignmentFlag.AlignLeft)
        for s in (stock, proj, rop):
            self._chart.addSeries(s)
            s.attachAxis(x)
            s.attachAxis(y)
        stock.setPen(QPen(QColor("#37474f"), 2))
        x.setRange(QDateTime(datetime.combine(first, time())),
                   QDateTime(datetime.combine(last, time(23))))


LICENSE_COLUMNS = ("License", "Vendor", "Seats used", "Ends", "Start renewal by", "True-up",
                   "Why")
ASSET_COLUMNS = ("Alert", "Asset", "Product", "Holder / place", "Date")


def read_alerts(db, today: date | None, alerts_only: bool):
    """Everything the page shows, read and formatted on the worker: reorder lines, and
    the license and asset alerts as rows of text (with their tooltips)."""
    lines = reorder_list(db, today=today, alerts_only=alerts_only)
    lic = license_alerts(db, today=today, alerts_only=True)
    warranty, loans = asset_alerts(db, today=today)
    lic_rows = [(a.product, a.vendor, f"{a.used} / {a.seats}",
                 a.ends_on.isoformat() if a.ends_on else "",
                 a.alert_from.isoformat() if a.alert_from else "",
                 f"{a.true_up:,.2f}" if a.over else "",
                 "; ".join((["Renewal due"] if a.renewal_due else []) + a.reasons()[1:]))
                for a in lic]
    lic_tips = ["\n".join(a.reasons()) for a in lic]
    asset_rows = [("Overdue loan" if a.kind == "overdue_loan" else "Warranty ends", a.tag,
                   a.product, a.holder or a.location, a.date.isoformat())
                  for a in loans + warranty]
    return lines, (lic_rows, lic_tips), asset_rows


class ReorderPage(Page):
    """The Reorder screen."""

    key = "reorder"
    title = "Reorder"
    kinds = ("stock", "orders", "movements", "assets", "licenses", "catalog", "locations")

    def __init__(self, ctx: AppContext, parent=None):
        super().__init__(ctx, parent)
        self.db, self.operator = ctx.db, ctx.operator
        self.today: date | None = None  # None: the real today (tests may pin it)
        self._all_lines: list[ReorderLine] = []
        self.recompute = Coalescer(self._start_read, parent=self)
        self.approved: list = []  # the draft orders the last approval made
        self._note = ""  # what the last approval did, shown with the next list
        self._sized: set[QTableView] = set()  # tables whose columns were fitted

        self.location = QComboBox()
        self.supplier = QComboBox()
        self.demand_class = QComboBox()
        self.demand_class.addItems([ALL, *CLASSES])
        self.show_all = QCheckBox("Include items above their reorder point")
        self.approve_button = QPushButton("Approve selected → draft orders")
        self.approve_button.setProperty("primary", True)
        self.approve_button.setToolTip("Buy lines become draft purchase orders, one per "
                                       "supplier and delivery location")
        self.export_button = QPushButton("Export…")
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setObjectName("reorderStatus")
        self.status.linkActivated.connect(self._open_order)  # the orders an approval made
        filters = QHBoxLayout()
        for label, widget in (("Location", self.location), ("Supplier / source", self.supplier),
                              ("Class", self.demand_class)):
            filters.addWidget(QLabel(label))
            filters.addWidget(widget)
        filters.addWidget(self.show_all)
        filters.addStretch(1)

        self.model = ReorderModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.detail = QTextBrowser()
        self.chart = StockChart()
        right = QSplitter(Qt.Orientation.Vertical)
        right.addWidget(self.detail)
        right.addWidget(self.chart)
        right.setSizes([220, 320])
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.table)
        split.addWidget(right)
        split.setSizes([760, 520])
        reorder_tab = QWidget()
        lay = QVBoxLayout(reorder_tab)
        lay.addLayout(filters)
        lay.addWidget(split, 1)
        lay.addWidget(self.status)

        self.license_rows = RowsModel(LICENSE_COLUMNS, right=(2, 5), parent=self)
        self.asset_rows = RowsModel(ASSET_COLUMNS, parent=self)
        self.licenses, self.assets = QTableView(), QTableView()
        for t, model in ((self.licenses, self.license_rows), (self.assets, self.asset_rows)):
            t.setModel(model)
            t.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
            t.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
            t.setAlternatingRowColors(True)
            t.verticalHeader().setVisible(False)
            t.horizontalHeader().setStretchLastSection(True)
        for t in (self.table, self.licenses, self.assets):
            # Fit columns to a sample of rows, not to all of them: at 100,000 assets the
            # lists run to thousands of rows and measuring each stalled the UI thread.
            t.horizontalHeader().setResizeContentsPrecision(200)
        self.tabs = QTabWidget()
        self.tabs.addTab(reorder_tab, "Reorder list")
        self.tabs.addTab(self.licenses, "Licenses")
        self.tabs.addTab(self.assets, "Warranty and loans")
        self.whatif = WhatIfTab(self, ctx.runner)
        self.tabs.addTab(self.whatif, "What if")
        title = QLabel("Reorder")
        title.setObjectName("PageTitle")
        subtitle = QLabel("What to buy or move, when, how much, and why")
        subtitle.setObjectName("PageSubtitle")
        heading = QVBoxLayout()
        heading.setSpacing(0)
        heading.addWidget(title)
        heading.addWidget(subtitle)
        head = QHBoxLayout()
        head.addLayout(heading)
        head.addStretch(1)
        head.addWidget(self.export_button)
        head.addWidget(self.approve_button)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(22, 18, 22, 14)
        outer.addLayout(head)
        outer.addWidget(self.tabs)

        for combo in (self.location, self.supplier, self.demand_class):
            combo.currentIndexChanged.connect(self._apply_filters)
        self.show_all.toggled.connect(self.refresh)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self.approve_button.clicked.connect(self.approve_selected)
        self.export_button.clicked.connect(self._ask_export)
        self.refresh()

    # -- data -------------------------------------------------------------------------
    def _on_bus(self, changes: Changes) -> None:
        if not changes.touches(*self.kinds):
            return
        if self.isVisible():
            self.recompute.poke()  # one recompute for a burst of scans
        else:
            self._dirty = True  # computed when shown, not while hidden

    def refresh(self) -> None:
        """Compute the list again now (on the worker)."""
        self.recompute.now()

    def _start_read(self) -> None:
        self.ctx.runner.run(read_alerts, self.db, self.today, not self.show_all.isChecked(),
                            done=self._show_read, failed=self._read_failed,
                            key=f"reorder-{id(self)}")

    def _read_failed(self, exc: BaseException) -> None:
        self.recompute.finished()
        if not isinstance(exc, InventoryError):
            raise exc
        self.status.setText(str(exc))

    def _show_read(self, read) -> None:
        self.recompute.finished()
        self._all_lines, lic, asset_list = read
        self._fill_combo(self.location, sorted({ln.location_name for ln in self._all_lines}))
        self._fill_combo(self.supplier, sorted({ln.source for ln in self._all_lines
                                                if ln.source}))
        self._apply_filters()
        self._fill_licenses(lic)
        self._fill_assets(asset_list)

    @staticmethod
    def _fill_combo(combo: QComboBox, items: list[str]) -> None:
        current = combo.currentText()
        combo.blockSignals(True)
        combo.clear()
        combo.addItems([ALL, *items])
        i = combo.findText(current)
        combo.setCurrentIndex(max(i, 0))
        combo.blockSignals(False)

    def visible_lines(self) -> list[ReorderLine]:
        return list(self.model.lines)

    def _apply_filters(self) -> None:
        loc, sup, cls = (c.currentText() for c in (self.location, self.supplier,
                                                    self.demand_class))
        lines = [ln for ln in self._all_lines
                 if (loc in ("", ALL) or ln.location_name == loc)
                 and (sup in ("", ALL) or sup in (ln.source, ln.supplier))
                 and (cls in ("", ALL) or ln.demand_class == cls)]
        self.model.set_lines(lines)
        self._size_columns(self.table, bool(lines))
        buys = sum(ln.action == BUY for ln in lines)
        moves = sum(ln.action == TRANSFER for ln in lines)
        note, self._note = self._note, ""
        self.status.setText(f"{note}{len(lines)} lines: {buys} to buy, {moves} to transfer, "
                            f"{len(lines) - buys - moves} waiting for a 3PL delivery.")
        if lines:
            self.table.selectRow(0)
        else:
            self.detail.setHtml("<p>Nothing to reorder with these filters.</p>")
            self.chart.clear("")

    def _fill_licenses(self, alerts) -> None:
        rows, tips = alerts
        self.license_rows.set_rows(rows, tips)
        self._size_columns(self.licenses, bool(rows))

    def _fill_assets(self, rows) -> None:
        self.asset_rows.set_rows(rows)
        self._size_columns(self.assets, bool(rows))

    def _size_columns(self, table: QTableView, filled: bool) -> None:
        """Fit the columns to the first rows shown, once: a recompute keeps the widths
        (the person's own among them) and costs the UI thread no measuring."""
        if filled and table not in self._sized:
            self._sized.add(table)
            table.resizeColumnsToContents()  # from a sample of rows (precision above)

    # -- selection, detail, chart ------------------------------------------------------
    def selected_lines(self) -> list[ReorderLine]:
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        return [self.model.lines[r] for r in rows]

    def _selection_changed(self, *_) -> None:
        lines = self.selected_lines()
        if not lines:
            return
        ln = lines[0]
        items = "".join(f"<li>{escape(r)}</li>" for r in ln.reasons())
        flag = " <b style='color:#9a6700'>low confidence</b>" if ln.low_confidence else ""
        self.detail.setHtml(f"<h3>{escape(ln.product)} — {escape(ln.location_name)}{flag}</h3>"
                            f"<ul>{items}</ul>")

        def failed(exc: BaseException) -> None:
            if not isinstance(exc, InventoryError):
                raise exc
            self.status.setText(str(exc))

        self.ctx.runner.run(stock_history, self.db, ln.product_id, ln.location_id, days=365,
                            today=self.today, key=f"reorder-chart-{id(self)}", failed=failed,
                            done=lambda history: self.chart.show_line(
                                ln, history, projection(ln, today=self.today)))

    # -- actions -----------------------------------------------------------------------
    def approve_selected(self) -> None:
        """The selected buy lines become draft purchase orders (`approved` holds them)."""
        lines = self.selected_lines()
        buys = [ln for ln in lines if ln.action == BUY]
        skipped = len(lines) - len(buys)
        if not buys:
            self.status.setText("Select buy lines to approve; transfers are made from the "
                                "3PL with a transfer.")
            return

        def done(result) -> None:
            views = result.view[0]
            self.approved = views
            made = ", ".join(
                f'<a href="order:{escape(v.number)}">{escape(v.number)}</a> '
                f"({escape(v.supplier)}, {fmt_money(v.total)})" for v in views)
            note = f" {skipped} transfer/wait lines left as they are." if skipped else ""
            self._note = f"Draft purchase orders: {made}.{note} Open one to check it, then " \
                         "place it. "
            self.status.setText(self._note)
            self.refresh()

        self.ctx.ops.run(ApproveReorder(tuple(buys)), done=done,
                         failed=lambda exc: self.status.setText(str(exc)), parent=self)

    def _open_order(self, link: str) -> None:
        if link.startswith("order:"):
            self.navigate.emit("orders", {"status": "open", "number": link[len("order:"):]})

    def export_to(self, path: str) -> None:
        """Write the visible lines to `path` (.xlsx, else CSV)."""
        lines = self.visible_lines()
        try:
            ordering.lines_export(lines, path)
        except InventoryError as exc:
            self.status.setText(str(exc))
            return
        self.status.setText(f"Exported {len(lines)} lines to {path}")

    def _ask_export(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Export the reorder list", "reorder.xlsx",
                                              "Excel workbook (*.xlsx);;CSV (*.csv)")
        if path:
            self.export_to(path)
