"""Showback (managers): what each cost centre cost in a month, against its budget; a
stacked bar per cost centre; the items behind a line; the statements PDF."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from inventory import clock
from inventory.costing import report, showback
from inventory.costing.calendar import Month
from inventory.costing.charges import KINDS
from inventory.errors import InventoryError

from ..models.format import fmt_money
from ..widgets import stacked_rows
from ..widgets.columns import ColumnPolicy
from .base import AppContext, Page

MONTHS_BACK = 24
LINE_COLUMNS = ["Cost centre", *[report.KIND_LABELS[k] for k in KINDS], "Total",
                "Budget used"]
# The column policy's roles per items table: the column that stretches, the ones never
# hidden, the others least important first.
ITEM_POLICY: dict[str, tuple[int, tuple[int, ...], tuple[int, ...]]] = {
    "devices": (1, (0, 6), (7, 5, 3, 4, 2)),
    "licenses": (0, (1, 4), (5, 3, 2)),
    "spares": (1, (0, 5), (6, 4, 3, 2)),
    "repairs": (1, (0, 7), (8, 3, 6, 5, 4, 2)),
    "cloud": (1, (0, 5), (6, 4, 3, 2)),
}


def read_month(db, month: Month, basis: str) -> showback.Showback:
    return showback.showback(db, month, basis)


def read_items(db, month: Month, cost_centre: str, basis: str) -> dict[str, list[dict]]:
    return showback.items(db, month, cost_centre, basis)


def _cell(value, money: bool = False) -> QTableWidgetItem:
    item = QTableWidgetItem(fmt_money(value) if money else ("" if value is None else str(value)))
    if money or isinstance(value, int | float):
        item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
    return item


def _table(headers: list[str]) -> QTableWidget:
    t = QTableWidget(0, len(headers))
    t.setHorizontalHeaderLabels(headers)
    t.verticalHeader().setVisible(False)
    t.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    t.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    t.setAlternatingRowColors(True)
    t.setWordWrap(False)
    t.horizontalHeader().setStretchLastSection(True)
    t.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    return t


class ShowbackPage(Page):
    key = "showback"
    title = "Showback"
    kinds = ("costs", "assets", "licenses", "stock", "people", "movements")

    def __init__(self, ctx: AppContext, parent=None) -> None:
        super().__init__(ctx, parent)
        self.sb: showback.Showback | None = None
        outer = QVBoxLayout(self)
        outer.setContentsMargins(22, 18, 22, 12)
        outer.setSpacing(10)
        head, self.subtitle_label = self.header(
            "Showback", "What each cost centre cost, and how it stands against its budget")
        self.total_label = QLabel("")
        self.total_label.setObjectName("SectionTitle")
        head.addWidget(self.total_label)
        outer.addLayout(head)
        outer.addWidget(self.messages)

        bar = QHBoxLayout()
        bar.addWidget(QLabel("Month"))
        self.month = QComboBox()
        self.month.setAccessibleName("Month")
        self.month.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.month.setMinimumContentsLength(14)  # "September 2026" whole at 1024 px
        this = Month.of(clock.today())
        for i in range(MONTHS_BACK + 1):
            mo = this.shift(-i)
            self.month.addItem(mo.label(), str(mo))
        self.month.setCurrentIndex(1)  # the last complete month
        bar.addWidget(self.month)
        bar.addSpacing(12)
        bar.addWidget(QLabel("Basis"))
        self.basis = QComboBox()
        self.basis.setAccessibleName("Basis")
        self.basis.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.basis.addItem("Cost", "cost")
        self.basis.addItem("Price (rate card)", "price")
        self.basis.setToolTip("Price: the rate card's price where a rate is set, the cost "
                              "elsewhere; each line says which")
        bar.addWidget(self.basis)
        bar.addStretch(1)
        self.settings_button = QPushButton("Rates and budgets…")
        self.settings_button.setToolTip("Budgets per cost centre, the rate card, useful "
                                        "lives and residual values")
        bar.addWidget(self.settings_button)
        self.export_button = QPushButton("Export ▾")
        self.export_button.setObjectName("Primary")
        self.export_button.setToolTip("The statements PDF (one page per cost centre: what it "
                                      "holds, what it cost, against its budget), or this "
                                      "table as CSV or Excel")
        menu = QMenu(self.export_button)
        self.export_statements = menu.addAction("Statements, one page per cost centre (PDF)…")
        self.export_table = menu.addAction("This table (CSV or Excel)…")
        self.export_button.setMenu(menu)
        bar.addWidget(self.export_button)
        outer.addLayout(bar)

        self.lines = _table(LINE_COLUMNS)
        self.lines.setAccessibleName("Cost centres")
        self.lines.verticalHeader().setDefaultSectionSize(26)
        total = LINE_COLUMNS.index("Total")
        self.line_columns = ColumnPolicy(self.lines, stretch=0, keys=(total,),
                                         hide_order=(4, 5, 7, 3, 1, 2))

        self.below = below = QWidget()
        below_layout = QVBoxLayout(below)
        below_layout.setContentsMargins(0, 6, 0, 0)
        self.items_title = QLabel("Select a cost centre to see the items behind its figure.")
        self.items_title.setObjectName("SectionTitle")
        below_layout.addWidget(self.items_title)
        self.items = QTabWidget()
        self.chart_box = QWidget()
        self.chart_layout = QVBoxLayout(self.chart_box)
        self.chart_layout.setContentsMargins(0, 0, 0, 0)
        self.chart_view: QWidget | None = None
        self.items.addTab(self.chart_box, "Chart")
        self.item_tables: dict[str, QTableWidget] = {}
        for kind in KINDS:
            headers = [label for _, label in report.ITEM_COLUMNS[kind]]
            t = _table(headers)
            t.setAccessibleName(f"{report.KIND_LABELS[kind]} items")
            t.verticalHeader().setDefaultSectionSize(26)
            stretch, keys, order = ITEM_POLICY[kind]
            ColumnPolicy(t, stretch=stretch, keys=keys, hide_order=order)
            self.item_tables[kind] = t
            self.items.addTab(t, report.KIND_LABELS[kind])
        below_layout.addWidget(self.items, 1)

        self.split = split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.lines)
        split.addWidget(below)
        split.setStretchFactor(0, 0)  # the lines keep the height fitted to them; a taller
        split.setStretchFactor(1, 1)  # window gives the chart and the items more room
        # the lines get the height they need (again at each resize) until the user drags
        self._dragged = False
        split.splitterMoved.connect(self._user_dragged)
        outer.addWidget(split, 1)

        self.month.currentIndexChanged.connect(self.refresh)
        self.basis.currentIndexChanged.connect(self.refresh)
        self.lines.itemSelectionChanged.connect(self._selected)
        self.settings_button.clicked.connect(self.open_settings)
        self.export_table.triggered.connect(self._export_table)
        self.export_statements.triggered.connect(self._export_statements)
        self.refresh()

    # -- reading -----------------------------------------------------------------------

    @property
    def chosen_month(self) -> Month:
        return Month.parse(self.month.currentData())

    @property
    def chosen_basis(self) -> str:
        return self.basis.currentData()

    def refresh(self) -> None:
        self.total_label.setText("Reading…")
        self.ctx.runner.run(read_month, self.ctx.db, self.chosen_month, self.chosen_basis,
                            done=self.show_month, failed=self._failed,
                            key=f"showback-{id(self)}")

    def _failed(self, exc: BaseException) -> None:
        self.total_label.setText("")
        self.messages.show_error(str(exc))
        if not isinstance(exc, InventoryError):
            raise exc

    def show_month(self, sb: showback.Showback) -> None:
        self.sb = sb
        selected = self.selected_cost_centre()
        self.lines.setRowCount(0)
        rows = [*sb.lines, None]
        self.lines.setRowCount(len(rows))
        for r, line in enumerate(rows):
            if line is None:
                values = ["Total", *[sb.kind_total(k) for k in KINDS], sb.total]
                used = ""
            else:
                values = [line.cost_centre, *[line.amounts[k] for k in KINDS], line.total]
                used = f"{line.budget_used:.0%}" if line.budget_used is not None else ""
            self.lines.setItem(r, 0, _cell(values[0]))
            for c, v in enumerate(values[1:], 1):
                self.lines.setItem(r, c, _cell(v, money=True))
            self.lines.setItem(r, len(values), _cell(used))
            if line is not None:
                self.lines.item(r, 0).setToolTip(
                    f"{line.basis} basis"
                    + (f"; budget {fmt_money(line.budget)}, spent to date "
                       f"{fmt_money(line.spent_to_date)}" if line.budget else
                       "; no budget set"))
            else:
                font = self.lines.item(r, 0).font()
                font.setBold(True)
                for c in range(self.lines.columnCount()):
                    if self.lines.item(r, c) is not None:
                        self.lines.item(r, c).setFont(font)
        self._chart(sb)
        self._fit_lines()
        self.total_label.setText(f"{sb.month.label()}: {fmt_money(sb.total)}")
        again = next((r for r, ln in enumerate(sb.lines) if ln.cost_centre == selected), None)
        if again is not None:
            self.lines.selectRow(again)
        elif selected is None:
            for t in self.item_tables.values():
                t.setRowCount(0)

    def _fit_lines(self) -> None:
        """Every line and the total in view where the window has room (at most 60 % of
        the splitter, and never the room the chart below needs for every cost centre's
        label), the items or the chart below; until the user drags the splitter."""
        total = sum(self.split.sizes())  # 0 until the splitter is laid out (a hidden page)
        if self._dragged or self.split.height() < 100 or total < 100:
            return
        want = (self.lines.horizontalHeader().height() + 4
                + self.lines.verticalHeader().defaultSectionSize() * self.lines.rowCount())
        top = max(60, min(want, int(total * 0.6), total - self.below.minimumSizeHint().height()))
        self.split.setSizes([top, total - top])

    def _user_dragged(self, *_args) -> None:
        self._dragged = True

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        if self.sb is not None and not self._dragged:
            QTimer.singleShot(0, self, self._fit_lines)  # once the splitter has its height

    def _chart(self, sb: showback.Showback) -> None:
        if self.chart_view is not None:
            self.chart_layout.removeWidget(self.chart_view)
            self.chart_view.deleteLater()
        names = [ln.cost_centre for ln in sb.lines]
        series = [(report.KIND_LABELS[k], [max(0.0, ln.amounts[k]) for ln in sb.lines])
                  for k in KINDS if any(ln.amounts[k] for ln in sb.lines)]
        if series:  # every cost centre's label drawn, a click opens its items
            self.chart_view = stacked_rows.chart(names, series, fmt_money)
            self.chart_view.widget().activated.connect(self.select)
        else:
            self.chart_view = QLabel("Nothing was charged in this month.")
        self.chart_layout.addWidget(self.chart_view)

    def selected_cost_centre(self) -> str | None:
        rows = {i.row() for i in self.lines.selectedItems()}
        if not rows or self.sb is None:
            return None
        row = rows.pop()
        return self.sb.lines[row].cost_centre if row < len(self.sb.lines) else None

    def select(self, cost_centre: str) -> None:
        """Show the items behind one cost centre's line (a link, a test)."""
        if self.sb is None:
            return
        for r, ln in enumerate(self.sb.lines):
            if ln.cost_centre == cost_centre:
                self.lines.selectRow(r)

    def _selected(self) -> None:
        cc = self.selected_cost_centre()
        if cc is None:
            return
        self.items_title.setText(f"{cc}: the items behind its figure, "
                                 f"{self.chosen_month.label()}")
        self.ctx.runner.run(read_items, self.ctx.db, self.chosen_month, cc, self.chosen_basis,
                            done=self.show_items, failed=self._failed,
                            key=f"showback-items-{id(self)}")

    def show_items(self, items: dict[str, list[dict]]) -> None:
        if self.items.currentIndex() == 0:
            self.items.setCurrentIndex(1)  # from the chart to the devices behind the line
        for i, kind in enumerate(KINDS, 1):
            headers, rows = report.item_rows(kind, items[kind])
            t = self.item_tables[kind]
            t.setRowCount(len(rows))
            money = {n for n, (k, _) in enumerate(report.ITEM_COLUMNS[kind])
                     if k in report.MONEY}
            for r, row in enumerate(rows):
                for c, v in enumerate(row):
                    t.setItem(r, c, _cell(v, money=c in money))
            self.items.setTabText(i, f"{report.KIND_LABELS[kind]} ({len(rows)})")

    # -- settings ------------------------------------------------------------------------

    def open_settings(self) -> None:
        """Budgets (for the chosen month's year), the rate card and depreciation, read on
        the worker, then shown in the dialog."""
        from ..showback.cost_settings import CostSettingsDialog, read_settings

        self.settings_button.setEnabled(False)

        def show(settings) -> None:
            self.settings_button.setEnabled(True)
            dialog = CostSettingsDialog(self.ctx, settings, self)

            def saved(_dialog) -> None:
                if dialog.result_message:
                    self.messages.show_success(dialog.result_message)

            self.open_dialog(dialog, saved)

        def failed(exc: BaseException) -> None:
            self.settings_button.setEnabled(True)
            self._failed(exc)

        self.ctx.runner.run(read_settings, self.ctx.db, self.chosen_month.year, done=show,
                            failed=failed)

    # -- files ---------------------------------------------------------------------------

    def _export_table(self) -> None:
        if self.sb is None:
            return
        from ..export_actions import ask_path

        path = ask_path(self, f"showback-{self.sb.month}")
        if path is None:
            return
        from inventory.exchange.export import write_rows

        try:
            n = write_rows(path, report.line_headers(self.sb), report.line_rows(self.sb),
                           sheet="Showback")
        except InventoryError as exc:
            self.messages.show_error(str(exc))
            return
        self.messages.show_success(f"Wrote {n} rows to {path}.")

    def _export_statements(self) -> None:
        if self.sb is None:
            return
        name, _ = QFileDialog.getSaveFileName(self, "Export statements",
                                              f"statements-{self.sb.month}.pdf",
                                              "PDF (*.pdf)")
        if name:
            self.write_statements(Path(name))

    def write_statements(self, path: Path) -> None:
        """The statements PDF: the items read on the worker, painted here (QPainter on a
        QPdfWriter)."""
        from ..showback.statements import read_items, write_statements

        sb = self.sb
        assert sb is not None
        self.messages.show_info(f"Writing the statements of {len(sb.lines)} cost centres…")

        def paint(items) -> None:
            try:
                write_statements(self.ctx.db, sb, path, items=items)
            except InventoryError as exc:
                self.messages.show_error(str(exc))
                return
            self.messages.show_success(f"Wrote the statements of {len(sb.lines)} cost "
                                       f"centres to {path}.")
            self.status_message.emit(f"Statements written to {path}")

        self.ctx.runner.run(read_items, self.ctx.db, sb, done=paint, failed=self._failed)
