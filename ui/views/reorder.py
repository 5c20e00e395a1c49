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
from PySide6.QtGui import QAction, QBrush, QColor, QPainter, QPen
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
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
from inventory.queries import lookups
from inventory.queries.reorder import line_history, page_alerts
from inventory.replenishment.engine import BUY, TRANSFER, ReorderLine
from inventory.replenishment.history import projection
from inventory.services import ordering
from inventory.store import Store

from .. import icons
from ..coalesce import Coalescer
from ..models.format import fmt_date, fmt_int, fmt_money, fmt_number
from ..models.rows import RowsModel
from ..widgets.action_bar import ActionBar
from ..widgets.columns import ColumnPolicy
from ..widgets.flow import flow_row
from .base import AppContext, Page
from .reorder_whatif import WhatIfTab
from .reorder_words import plain_reasons

ALL = "All"
CLASSES = ("smooth", "erratic", "intermittent", "lumpy", "none")
COLUMNS = ("Product", "Location", "Action", "From", "Qty", "Cost", "Order by", "Stock-out",
           "Cover (d)", "Demand/mo", "Class", "Lead (d)", "ROP", "Position")


# The column policy (ui/widgets/columns.py): the product stretches; what to do, how many
# and what it costs are never hidden; the statistics go first when space runs out.
STRETCH = 0
KEYS = (0, 2, 4, 5)
HIDE_ORDER = (13, 12, 11, 10, 9, 8, 7, 3, 6, 1)


# Lines whose cells are formatted on the worker with the read: the first screens, and the
# rows the column policy measures (ui/widgets/columns.py SAMPLE_ROWS). Others are formatted
# when first shown, once.
PREFORMATTED = 400


def _texts(ln: ReorderLine, names: dict[str, str]) -> tuple[str, ...]:
    """The cells of one line as the table shows them."""
    return (
        ln.product, ln.location_name, ln.action,
        names.get(ln.source, ln.source),  # a transfer's source: its name, as Location shows
        fmt_int(ln.quantity), fmt_money(ln.cost) if ln.action == BUY else "",
        fmt_date(ln.order_by), fmt_date(ln.stockout),
        fmt_number(ln.days_of_cover) if ln.days_of_cover is not None else "",
        fmt_number(ln.demand_per_month, 1), ln.demand_class, fmt_number(ln.lead_time_days),
        fmt_number(ln.reorder_point), fmt_number(ln.position),
    )


class ReorderModel(QAbstractTableModel):
    """The reorder lines (plain dataclasses, no database access from here)."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.lines: list[ReorderLine] = []
        self.names: dict[str, str] = {}  # location code -> name
        self.texts: dict[int, tuple[str, ...]] = {}  # id(line) -> its cells, formatted once

    def set_lines(self, lines: list[ReorderLine]) -> None:
        self.beginResetModel()
        self.lines = list(lines)
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self.lines)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def row_texts(self, row: int) -> tuple[str, ...] | None:
        """The cells of a row as shown, formatted once (the column policy reads them)."""
        if not 0 <= row < len(self.lines):
            return None
        ln = self.lines[row]
        texts = self.texts.get(id(ln))
        if texts is None:
            texts = self.texts[id(ln)] = _texts(ln, self.names)
        return texts

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not (0 <= index.row() < len(self.lines)):
            return None
        ln = self.lines[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            texts = self.row_texts(index.row())
            return texts[index.column()] if texts is not None else None
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
        self.setMinimumHeight(200)

    def clear(self, title: str = "") -> None:
        self._chart.removeAllSeries()
        for axis in self._chart.axes():
            self._chart.removeAxis(axis)
        self._chart.setTitle(title)

    @staticmethod
    def _ms(d: date) -> float:
        # Noon local time, in ms since the epoch, as QDateTime(datetime) gives it (which
        # costs ~50 µs a point through the bindings; a year of history is 365 points).
        return datetime.combine(d, time(12)).timestamp() * 1000.0

    def show_line(self, ln: ReorderLine, history: list[tuple[date, float]],
                  ahead: list[tuple[date, float]]) -> None:
        self.clear(f"{ln.product} at {ln.location_name}")
        stock = QLineSeries(name="On hand")
        for d, q in history:
            stock.append(self._ms(d), q)
        proj = QLineSeries(name="Projected")  # the position with no new orders
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
        x.setTickCount(max(3, min(7, self.width() // 80)))
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


def chart_points(db: Store, ln: ReorderLine, today: date | None
                 ) -> tuple[list[tuple[date, float]], list[tuple[date, float]]]:
    """A line's stock over the last year and its projection, on the worker."""
    return (line_history(db, ln.product_id, ln.location_id, days=365, today=today),
            projection(ln, today=today))


def read_alerts(db: Store, today: date | None, alerts_only: bool):
    """Everything the page shows, read and formatted on the worker: reorder lines, and
    the license and asset alerts as rows of text (with their tooltips)."""
    got = page_alerts(db, today, alerts_only)
    lines, lic, warranty, loans = got.lines, got.licenses, got.warranty, got.loans
    names = {c.code: c.label for c in lookups.locations(active=False)}
    lic_rows = [(a.product, a.vendor, f"{fmt_int(a.used)} of {fmt_int(a.seats)}",
                 fmt_date(a.ends_on), fmt_date(a.alert_from),
                 fmt_money(a.true_up) if a.over else "",
                 "; ".join((["Renewal due"] if a.renewal_due else []) + a.reasons()[1:]))
                for a in lic]
    lic_tips = ["\n".join(a.reasons()) for a in lic]
    asset_rows = [("Overdue loan" if a.kind == "overdue_loan" else "Warranty ends", a.tag,
                   a.product, a.holder or a.location, fmt_date(a.date))
                  for a in loans + warranty]
    texts = {id(ln): _texts(ln, names) for ln in lines[:PREFORMATTED]}
    return lines, (lic_rows, lic_tips), asset_rows, names, texts


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

        self.location = QComboBox()
        self.supplier = QComboBox()
        self.demand_class = QComboBox()
        self.demand_class.addItems([ALL, *CLASSES])
        self.show_all = QCheckBox("Include items above their reorder point")
        # The page's actions, as on every page: icon and text, in the header's action bar.
        self.approve_action = QAction(icons.icon("check", "#ffffff", "#ffffff"),
                                      "Approve selected → draft orders", self)
        self.approve_action.setToolTip("Buy lines become draft purchase orders, one per "
                                       "supplier and delivery location")
        self.export_action = QAction(icons.icon("upload"), "Export…", self)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setObjectName("reorderStatus")
        self.status.linkActivated.connect(self._open_order)  # the orders an approval made
        # Tab reaches the links too, Enter opens one (keyboard only, as with the mouse).
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.LinksAccessibleByMouse
                                            | Qt.TextInteractionFlag.LinksAccessibleByKeyboard)
        filters_box, filters = flow_row()
        for label, widget in (("Location", self.location), ("Supplier / source", self.supplier),
                              ("Class", self.demand_class)):
            pair = QWidget()
            pair_row = QHBoxLayout(pair)
            pair_row.setContentsMargins(0, 0, 0, 0)
            pair_row.addWidget(QLabel(label))
            pair_row.addWidget(widget)
            filters.add_widget(pair)
        filters.add_widget(self.show_all)

        self.model = ReorderModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        self.table.setWordWrap(False)
        self.table_columns = ColumnPolicy(
            self.table, stretch=STRETCH, keys=KEYS, hide_order=HIDE_ORDER,
            recall=lambda: ctx.settings.column_choice("reorder"),
            remember=lambda shown, hidden, widths: ctx.settings.set_column_choice(
                "reorder", shown, hidden, widths))
        self.detail = QTextBrowser()
        self.detail.setOpenLinks(False)
        self.detail.anchorClicked.connect(self._toggle_statistics)
        self._statistics = False
        self.chart = StockChart()
        right = QSplitter(Qt.Orientation.Vertical)
        right.addWidget(self.detail)
        right.addWidget(self.chart)
        right.setSizes([220, 320])
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.table)
        split.addWidget(right)
        split.setSizes([800, 480])
        self.split, self.right = split, right
        reorder_tab = QWidget()
        lay = QVBoxLayout(reorder_tab)
        lay.addWidget(filters_box)
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
            t.setWordWrap(False)
        # License, its end and when to start the renewal stay; vendor and the reasons go first.
        self.license_columns = ColumnPolicy(self.licenses, stretch=0, keys=(2, 3, 4),
                                            hide_order=(1, 6, 5))
        self.asset_columns = ColumnPolicy(self.assets, stretch=2, keys=(0, 1, 4),
                                          hide_order=(3,))
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
        head.addWidget(ActionBar([self.export_action], primary=[self.approve_action]), 1)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(22, 18, 22, 14)
        outer.addLayout(head)
        outer.addWidget(self.tabs)

        for combo in (self.location, self.supplier, self.demand_class):
            combo.currentIndexChanged.connect(self._apply_filters)
        self.show_all.toggled.connect(self.refresh)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self.approve_action.triggered.connect(lambda _=False: self.approve_selected())
        self.export_action.triggered.connect(lambda _=False: self._ask_export())
        self.refresh()

    # -- layout -----------------------------------------------------------------------
    NARROW = 1300  # below this page width (1440 px windows too) the reasons and chart go
    # under the list: the list keeps its location, cost and order-by date in view

    def resizeEvent(self, event) -> None:  # noqa: N802
        super().resizeEvent(event)
        narrow = event.size().width() < self.NARROW
        want = Qt.Orientation.Vertical if narrow else Qt.Orientation.Horizontal
        if self.split.orientation() != want:
            self.split.setOrientation(want)
            self.right.setOrientation(Qt.Orientation.Horizontal if narrow
                                      else Qt.Orientation.Vertical)
            total = self.split.height() if narrow else self.split.width()
            self.split.setSizes([int(total * 0.55), int(total * 0.45)] if narrow
                                else [int(total * 0.62), int(total * 0.38)])

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
        self._all_lines, lic, asset_list, self.model.names, self.model.texts = read
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

    def _fill_assets(self, rows) -> None:
        self.asset_rows.set_rows(rows)

    # -- selection, detail, chart ------------------------------------------------------
    def selected_lines(self) -> list[ReorderLine]:
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        return [self.model.lines[r] for r in rows]

    def _selection_changed(self, *_) -> None:
        lines = self.selected_lines()
        if not lines:
            return
        ln = lines[0]
        self._show_reasons(ln)

        def failed(exc: BaseException) -> None:
            if not isinstance(exc, InventoryError):
                raise exc
            self.status.setText(str(exc))

        self.ctx.runner.run(chart_points, self.db, ln, self.today,
                            key=f"reorder-chart-{id(self)}", failed=failed,
                            done=lambda points: self.chart.show_line(ln, *points))

    def _show_reasons(self, ln: ReorderLine) -> None:
        """The line in plain words; its statistics under a link that shows them."""
        source = self.model.names.get(ln.source, ln.source)
        items = "".join(f"<li>{escape(r)}</li>" for r in plain_reasons(ln, source))
        flag = " <b style='color:#9a6700'>few demand events: a rough estimate</b>" \
            if ln.low_confidence else ""
        html = f"<h3>{escape(ln.product)} — {escape(ln.location_name)}{flag}</h3><ul>{items}</ul>"
        if self._statistics:
            stats = "".join(f"<li>{escape(r)}</li>" for r in ln.reasons())
            html += f"<p><a href='statistics'>Hide the statistics</a></p><ul>{stats}</ul>"
        else:
            html += "<p><a href='statistics'>Show the statistics (method, σ, distribution)</a></p>"
        self.detail.setHtml(html)

    def _toggle_statistics(self, _url) -> None:
        self._statistics = not self._statistics
        lines = self.selected_lines()
        if lines:
            self._show_reasons(lines[0])

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
