"""The dashboard's Business tab: the numbers a manager steers by (inventory.costing.kpi),
with charts where a picture reads faster (stock value and turns, supplier OTIF)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from inventory.costing import kpi
from inventory.errors import InventoryError

from .. import style
from ..coalesce import AfterPaint, OnePerTurn
from ..models.format import fmt_money
from ..widgets import charts
from ..widgets.card import ChartCard
from ..widgets.scroll_page import fill, scroll_body
from .base import AppContext


def read_kpis(db) -> kpi.Kpis:
    return kpi.compute(db)


def _pct(v: float | None) -> str:
    return "—" if v is None else f"{v:.0%}" if v >= 0.1 else f"{v:.1%}"


class Tile(QFrame):
    """One KPI: its name, its value, what it means."""

    def __init__(self, title: str, definition: str, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("Card")
        self.setStyleSheet(f"#Card {{ background: white; border: 1px solid {style.BORDER}; "
                           "border-radius: 10px; }")
        self.setToolTip(definition)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 10, 14, 10)
        layout.setSpacing(2)
        t = QLabel(title)
        t.setStyleSheet(f"color: {style.MUTED}; font-weight: 600;")
        self.value = QLabel("…")
        self.value.setStyleSheet("font-size: 18pt; font-weight: 700;")
        self.note = QLabel("")
        self.note.setObjectName("Muted")
        self.note.setWordWrap(True)
        for w in (t, self.value, self.note):
            layout.addWidget(w)

    def set(self, value: str, note: str) -> None:
        self.value.setText(value)
        self.note.setText(note)


class BusinessTab(QWidget):
    """Read on the worker when first shown and after a change (the dashboard pokes it)."""

    def __init__(self, ctx: AppContext, parent=None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.kpis: kpi.Kpis | None = None
        self.chart_steps = OnePerTurn(self)  # one chart per turn of the event loop
        self._stale = True
        self._after_paint = AfterPaint(self, self._refresh_if_stale, ctx.runner)
        scroll, layout = scroll_body(margins=(22, 12, 22, 18), spacing=12)
        fill(self, scroll)
        self.error = QLabel("")
        self.error.setStyleSheet(f"color: {style.DANGER};")
        self.error.hide()
        layout.addWidget(self.error)
        grid = QGridLayout()
        grid.setSpacing(10)
        self.tiles = {
            "turns": Tile("Inventory turns", "Value issued or deployed over the last 12 "
                          "months ÷ average stock on hand at cost"),
            "supply": Tile("Days of supply", "Stock on hand ÷ value issued per day"),
            "aged": Tile("Aged stock", "Value in stock for more than 90 (180) days"),
            "fill": Tile("Fill rate", "Demand met from stock, last 12 months"),
            "service": Tile("Service target met", "Items × locations whose availability "
                            "reached the reorder policy's target"),
            "licenses": Tile("License utilisation", "Seats used ÷ seats owned; the "
                             "monthly cost of idle seats"),
            "employee": Tile("Cost per employee", "Last month's showback per active person"),
            "budget": Tile("Spend vs budget", "This year to date, cost centres with a budget"),
        }
        for i, tile in enumerate(self.tiles.values()):
            grid.addWidget(tile, i // 4, i % 4)
        for c in range(4):
            grid.setColumnStretch(c, 1)
        layout.addLayout(grid)
        row = QGridLayout()
        row.setSpacing(12)
        self.trend_card = ChartCard("Stock value and issues", "Stock on hand at cost on the "
                                    "first of each month, and the value issued or deployed "
                                    "in it")
        self.otif_card = ChartCard("Supplier on time in full", "Orders received in the last "
                                   "12 months, % on time and in full")
        self.location_card = ChartCard("Stock value by location", "Each site, 3PL and MSP by "
                                       "name, at cost")
        self.dept_card = ChartCard("Cost per employee by department", "Last complete month")
        row.addWidget(self.trend_card, 0, 0, 1, 2)
        row.addWidget(self.otif_card, 1, 0)
        row.addWidget(self.location_card, 1, 1)
        row.addWidget(self.dept_card, 2, 0, 1, 2)
        row.setColumnStretch(0, 1)
        row.setColumnStretch(1, 1)
        layout.addLayout(row)
        layout.addStretch(1)

    def showEvent(self, event) -> None:  # noqa: N802
        super().showEvent(event)
        if self._stale:
            self._after_paint.arm()  # read once on screen

    def _refresh_if_stale(self) -> None:
        if self._stale and self.isVisible():
            self.refresh()

    def mark_stale(self) -> None:
        self._stale = True
        if self.isVisible():
            self.refresh()

    def refresh(self) -> None:
        self._stale = False
        self.ctx.runner.run(read_kpis, self.ctx.db, done=self.show_kpis, failed=self._failed,
                            key=f"business-{id(self)}")

    def _failed(self, exc: BaseException) -> None:
        self.error.setText(str(exc))
        self.error.show()
        if not isinstance(exc, InventoryError):
            raise exc

    def show_kpis(self, k: kpi.Kpis) -> None:
        self.kpis = k
        self.error.hide()
        t = self.tiles
        t["turns"].set("—" if k.turns is None else f"{k.turns:.1f}×",
                       f"{fmt_money(k.issued_value)} issued ÷ {fmt_money(k.average_stock)} "
                       "average stock")
        t["supply"].set("—" if k.days_of_supply is None else f"{k.days_of_supply:.0f} days",
                        f"{fmt_money(k.stock_now)} on hand")
        t["aged"].set(fmt_money(k.aged_90), f"over 90 days; {fmt_money(k.aged_180)} over 180")
        t["fill"].set(_pct(k.fill_rate), f"{k.stockout_days:,} stock-out days")
        t["service"].set(f"{k.meeting_target:,} of {k.service_items:,}",
                         f"{len(k.below_target):,} below target")
        t["licenses"].set(_pct(k.seats_used / k.seats_owned if k.seats_owned else None),
                          f"idle seats {fmt_money(k.idle_cost)} a month")
        people = sum(n for _, n, _ in k.per_employee)
        total = sum(n * c for _, n, c in k.per_employee)
        t["employee"].set(fmt_money(total / people) if people else "—",
                          f"a month, {k.cost_month}")
        budget = sum(b for _, b, _ in k.budgets)
        spent = sum(s for _, _, s in k.budgets)
        t["budget"].set(_pct(spent / budget if budget else None),
                        f"{fmt_money(spent)} of {fmt_money(budget)}")
        self.chart_steps.replace([lambda: self._trend_chart(k), lambda: self._otif_chart(k),
                                  lambda: self._location_chart(k), lambda: self._dept_chart(k)])

    def _trend_chart(self, k: kpi.Kpis) -> None:
        months = [m[5:] + "/" + m[2:4] for m, _, _ in k.trend]
        if k.trend:
            self.trend_card.set_body(charts.view(charts.grouped_chart(
                months, [("Stock on hand", [v for _, v, _ in k.trend]),
                         ("Issued or deployed", [u for _, _, u in k.trend])])))
        else:
            self.trend_card.set_placeholder("No stock history yet")

    def _otif_chart(self, k: kpi.Kpis) -> None:
        if k.suppliers:
            self.otif_card.set_body(charts.view(charts.horizontal_chart(
                [f"{name} ({n})" for name, n, *_ in k.suppliers],
                [round(100 * otif, 1) for _, _, otif, *_ in k.suppliers], unit="%")))
        else:
            self.otif_card.set_placeholder("No orders received in the last 12 months")

    def _location_chart(self, k: kpi.Kpis) -> None:
        if k.by_location:
            self.location_card.set_body(charts.view(charts.horizontal_chart(
                [name for name, _ in k.by_location], [v for _, v in k.by_location])))
        else:
            self.location_card.set_placeholder("Nothing in stock")

    def _dept_chart(self, k: kpi.Kpis) -> None:
        if k.per_employee:
            self.dept_card.set_body(charts.view(charts.bar_chart(
                [d for d, _, _ in k.per_employee], [c for _, _, c in k.per_employee])))
        else:
            self.dept_card.set_placeholder("No costs charged to departments last month")

