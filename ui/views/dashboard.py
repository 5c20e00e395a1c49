"""Dashboard: the counts that need attention (each one a link) and three charts."""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from datetime import datetime

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent, QMouseEvent
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QTabWidget,
    QVBoxLayout,
)

from inventory import clock
from inventory.changes import KINDS
from inventory.errors import InventoryError
from inventory.queries import dashboard as q
from inventory.store import Store

from .. import icons, style
from ..coalesce import Coalescer, OnePerTurn
from ..models.format import fmt_date, fmt_int, fmt_month, fmt_time
from ..widgets import charts
from ..widgets.card import ChartCard
from ..widgets.scroll_page import fill, scroll_body
from .base import AppContext, Page
from .business import BusinessTab


@dataclass(frozen=True)
class Figures:
    counts: q.Counts
    spend: list
    value: list
    top: list
    at: datetime
    leavers: list = field(default_factory=list)  # return lists past the leaving date


def read_figures(db: Store) -> Figures:
    """Everything the dashboard shows, read in one go (on the worker thread)."""
    from inventory.queries.requests import outstanding_leavers

    return Figures(q.counts(), q.spend_by_month(db), q.stock_value_by_location_kind(),
                   q.top_consumed(), clock.now(), outstanding_leavers())


class CountCard(QFrame):
    """A number that needs attention; click (or Enter) to see the items behind it."""

    clicked = Signal()

    def __init__(self, title: str, icon: str, hint: str, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("Card")
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setMinimumHeight(112)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 14, 16, 12)
        layout.setSpacing(4)
        top = QHBoxLayout()
        self._icon = QLabel()
        self._icon_name = icon
        self._title = QLabel(title)
        self._title.setStyleSheet(f"color: {style.MUTED}; font-weight: 600;")
        top.addWidget(self._icon)
        top.addWidget(self._title, 1)
        layout.addLayout(top)
        self.number = QLabel("…")
        self.number.setStyleSheet("font-size: 22pt; font-weight: 700;")
        layout.addWidget(self.number)
        self.hint = QLabel(hint)
        self.hint.setObjectName("Muted")
        self.hint.setWordWrap(True)
        layout.addWidget(self.hint)
        self.set_tone("neutral")

    def set_tone(self, tone: str) -> None:
        colour = {"alert": style.DANGER, "warn": style.WARNING, "good": style.SUCCESS,
                  "info": style.ACCENT}.get(tone, "#6b7280")
        self._icon.setPixmap(icons.pixmap(self._icon_name, colour, 18))
        self.number.setStyleSheet(f"font-size: 22pt; font-weight: 700; color: "
                                  f"{colour if tone in ('alert', 'warn') else style.TEXT};")
        border = {"alert": "#fca5a5", "warn": "#fcd34d"}.get(tone, style.BORDER)
        self.setStyleSheet(f"#Card {{ background: white; border: 1px solid {border}; "
                           f"border-radius: 10px; }} #Card:focus {{ border: 2px solid "
                           f"{style.ACCENT}; }} #Card:hover {{ border-color: #9ca3af; }}")

    def set_value(self, n: int, hint: str, tone: str) -> None:
        self.number.setText(fmt_int(n))
        self.hint.setText(hint)
        self.set_tone(tone)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        if event.button() == Qt.MouseButton.LeftButton:
            self.clicked.emit()
        super().mouseReleaseEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space):
            self.clicked.emit()
            return
        super().keyPressEvent(event)


class DashboardPage(Page):
    key = "dashboard"
    title = "Dashboard"
    kinds = KINDS

    def __init__(self, ctx: AppContext, parent=None) -> None:
        super().__init__(ctx, parent)
        self.figures: Figures | None = None
        self.chart_steps = OnePerTurn(self)  # the charts of the last figures
        scroll, layout = scroll_body()
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(scroll, "Today")
        self.business = BusinessTab(ctx)  # the numbers a manager steers by
        self.tabs.addTab(self.business, "Business")
        fill(self, self.tabs)
        name = (ctx.operator.name or ctx.operator.username).split()[0]
        head, self.subtitle_label = self.header("Dashboard", f"Hello {name}: here is what "
                                                             "needs attention today.")
        layout.addLayout(head)
        layout.addWidget(self.messages)

        grid = QGridLayout()
        grid.setSpacing(12)
        self.cards = {
            "reorder": CountCard("Reorder", "reorder", "Spares at or below reorder point"),
            "renewals": CountCard("Renewals due", "licenses", "Licenses to renew now"),
            "overdue": CountCard("Overdue loans", "calendar", "Loaned devices past due"),
            "warranty": CountCard("Warranties ending", "shield", "Within the next 90 days"),
            "transit": CountCard("In transit", "truck", "Shipments on their way"),
        }
        links = {
            "reorder": ("stock", {"special": "low"}),
            "renewals": ("licenses", {"special": "renewal"}),
            "overdue": ("devices", {"special": "overdue"}),
            "warranty": ("devices", {"special": "warranty"}),
            "transit": ("stock", {"special": "transit"}),
        }
        self.links = links
        for i, (key, card) in enumerate(self.cards.items()):
            card.clicked.connect(lambda k=key: self.navigate.emit(*self.links[k]))
            card.setToolTip("Show them")
            grid.addWidget(card, 0, i)
        layout.addLayout(grid)

        self.summary = QLabel("")
        self.summary.setObjectName("Muted")
        layout.addWidget(self.summary)
        self.leavers = QLabel("")
        self.leavers.setWordWrap(True)
        self.leavers.setObjectName("LeaversList")
        self.leavers.setTextFormat(Qt.TextFormat.RichText)
        self.leavers.linkActivated.connect(
            lambda _link: self.navigate.emit("people", {"state": "left_holding"}))
        self.leavers.hide()
        layout.addWidget(self.leavers)

        charts_row = QGridLayout()
        charts_row.setSpacing(12)
        self.spend_card = ChartCard("Spend by month", "Deliveries received, at cost, "
                                                      "last 12 months")
        self.value_card = ChartCard("Stock value by kind of location",
                                    "Spares and devices in stock, at cost: on site, at "
                                    "3PLs, at MSPs")
        self.top_card = ChartCard("Top consumed spares", "Units issued or used, last 90 days")
        charts_row.addWidget(self.spend_card, 0, 0, 1, 2)
        charts_row.addWidget(self.value_card, 1, 0)
        charts_row.addWidget(self.top_card, 1, 1)
        charts_row.setColumnStretch(0, 1)
        charts_row.setColumnStretch(1, 1)
        layout.addLayout(charts_row)
        layout.addStretch(1)
        self.recompute = Coalescer(self._read, parent=self)
        self.refresh()

    def _on_bus(self, changes) -> None:
        if not changes.touches(*self.kinds):
            return
        self.business.mark_stale()
        if self.isVisible():
            self.recompute.poke()  # one read of the figures for a burst of changes
        else:
            self._dirty = True

    def refresh(self) -> None:
        self.recompute.now()

    def _read(self) -> None:
        self.ctx.runner.run(read_figures, self.ctx.db, done=self.show_figures,
                            failed=self._failed, key=f"dashboard-{id(self)}")

    def _failed(self, exc: BaseException) -> None:
        self.recompute.finished()
        self.messages.show_error(str(exc))
        if not isinstance(exc, InventoryError):
            raise exc

    def show_figures(self, f: Figures) -> None:
        self.recompute.finished()
        self.figures = f
        c = f.counts
        if c.reorder_source == "engine":
            # The replenishment engine's list: the Reorder page shows the same lines.
            self.links["reorder"] = ("reorder", {})
            hint = (f"{'Line' if c.below_reorder == 1 else 'Lines'} to buy or transfer now"
                    if c.below_reorder else "Nothing to buy or transfer now")
        else:
            self.links["reorder"] = ("stock", {"special": "low"})
            hint = ("Spares at or below their reorder point" if c.below_reorder
                    else "Every spare is above its reorder point")
        self.cards["reorder"].set_value(c.below_reorder, hint,
                                        "alert" if c.below_reorder else "good")
        self.cards["renewals"].set_value(
            c.renewals_due, "Time to start the renewal paperwork",
            "warn" if c.renewals_due else "good")
        self.cards["overdue"].set_value(
            c.overdue_loans, "Loaned devices past their due date", "alert" if c.overdue_loans
            else "good")
        self.cards["warranty"].set_value(
            c.warranties_ending, "Active devices, warranty ends within 90 days",
            "warn" if c.warranties_ending else "good")
        self.cards["transit"].set_value(
            c.shipments_in_transit, f"{fmt_int(c.units_in_transit)} units on their way",
            "info")
        self.summary.setText(
            f"{fmt_int(c.devices_deployed)} devices deployed · {fmt_int(c.devices_in_stock)} "
            f"in stock · {fmt_int(c.open_orders)} purchase orders open · updated "
            f"{fmt_time(f.at)}")
        self.show_leavers(f.leavers)
        self.chart_steps.replace([lambda: self._spend_chart(f), lambda: self._value_chart(f),
                                  lambda: self._top_chart(f)])

    def _spend_chart(self, f: Figures) -> None:
        months = [fmt_month(datetime.strptime(k, "%Y-%m").date()) for k, _ in f.spend]
        if any(v for _, v in f.spend):
            self.spend_card.set_body(charts.view(charts.bar_chart(
                months, [float(v) for _, v in f.spend])))
        else:
            self.spend_card.set_placeholder("Nothing received in the last 12 months.")

    def _value_chart(self, f: Figures) -> None:
        if f.value:
            self.value_card.set_body(charts.view(charts.stacked_chart(
                [g for g, _, _ in f.value],
                [("Spares", [float(s) for _, s, _ in f.value]),
                 ("Devices in stock", [float(d) for _, _, d in f.value])])))
        else:
            self.value_card.set_placeholder("Nothing in stock.")

    def _top_chart(self, f: Figures) -> None:
        if f.top:
            names = [_short(name) for _, name, _ in f.top]
            self.top_card.set_body(charts.view(charts.horizontal_chart(
                names, [float(n) for *_, n in f.top])))
        else:
            self.top_card.set_placeholder("No spares issued in the last 90 days.")

    def show_leavers(self, leavers: list) -> None:
        """People past their leaving date who still hold something: their return lists."""
        if not leavers:
            self.leavers.hide()
            return
        shown = leavers[:LEAVERS_SHOWN]
        lines = []
        for rl in shown:
            kinds: dict[str, int] = {}
            for it in rl.items:
                kinds[it.kind] = kinds.get(it.kind, 0) + 1
            held = ", ".join(f"{n} {k}{'s' if n != 1 else ''}" for k, n in kinds.items())
            when = fmt_date(rl.leaves_on)
            lines.append(f"{html.escape(rl.person)} ({html.escape(rl.employee_id)}), left "
                         f"{when}: {held}")
        more = (f" and {len(leavers) - LEAVERS_SHOWN} more" if len(leavers) > LEAVERS_SHOWN
                else "")
        self.leavers.setText(
            f"<b>Leavers still holding company property ({len(leavers)})</b> — "
            + " · ".join(lines) + more + " &nbsp; <a href='people'>Show them</a>")
        self.leavers.show()


LEAVERS_SHOWN = 4


def _short(name: str, width: int = 26) -> str:
    return name if len(name) <= width else name[:width - 1] + "…"
