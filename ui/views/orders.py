"""Purchase orders: draft, placed, partly received, received; totals and lines."""

from __future__ import annotations

from inventory.commands import CancelOrder, PlaceOrder
from inventory.queries import lookups
from inventory.queries import orders as q
from inventory.queries.common import TableQuery
from inventory.vocab import PO_STATUSES

from ..dialogs.orders import OrderDialog
from ..models.format import fmt_date, fmt_int, fmt_money
from ..style import status_label
from .base import FilterDef, TablePage


def _status_choices():
    return [("Open orders", "open"), ("All orders", None)] + [
        (status_label(s), s) for s in PO_STATUSES]


def _supplier_choices():
    return [("All suppliers", None)] + [(c.label, c.id) for c in lookups.suppliers()]


class OrdersPage(TablePage):
    key = "orders"
    title = "Purchase orders"
    subtitle = "What was ordered, from whom, and what has arrived"
    search_placeholder = "Search order number, supplier, product"
    noun = ("order", "orders")
    stretch_column = "supplier"
    key_columns = ("number", "supplier")
    hide_order = ("ship_to", "created_at", "lines", "received", "expected_at", "total")
    detail_placeholder = "Select an order to see its lines."
    kinds = ("orders", "stock", "assets")
    filters = (
        FilterDef("status", "Status", _status_choices, 130),
        FilterDef("supplier", "Supplier", _supplier_choices, 150),
    )

    def make_query(self) -> TableQuery:
        return q.OrderTable()

    def primary_actions(self):
        self.act_new = self.action("New order…", "plus", self.new_order, "Ctrl+N",
                                   primary=True)
        return [self.act_new]

    def make_actions(self):
        self.act_place = self.action("Place", "check", self.place, "",
                                     "Send the draft to the supplier")
        self.act_receive = self.action("Receive…", "scan", self.receive, "",
                                       "Receive this order at the scan station")
        self.act_cancel = self.action("Cancel order", "close", self.cancel)
        return [self.act_place, self.act_receive, self.act_cancel]

    def overflow_actions(self):
        return [self.act_cancel]

    def _status(self) -> str | None:
        item = self.current_id()
        row = self.model.row_of(item) if item is not None else None
        values = self.model.row_values(row) if row is not None else None
        return values[self.model.column_of("status")] if values else None

    def update_actions(self) -> None:
        one = len(self.selected_ids()) == 1
        status = self._status() if one else None
        self.set_enabled(self.act_place, status == "draft", "select a draft order", "receive")
        self.set_enabled(self.act_receive, status in ("ordered", "partly_received"),
                         "select a placed order", "receive")
        self.set_enabled(self.act_cancel, status in ("draft", "ordered"),
                         "only draft or placed orders can be cancelled", "receive")
        self.set_enabled(self.act_new, True, "", "receive")

    def _number(self) -> str | None:
        item = self.current_id()
        return q.number_of(item) if item is not None else None

    def place(self) -> None:
        if (number := self._number()) and self.act_place.isEnabled():
            self.write(PlaceOrder(number),
                       success=lambda v: f"{v.number} placed with {v.supplier}; expected "
                                         f"{fmt_date(v.expected_at)}.")

    def cancel(self) -> None:
        if (number := self._number()) and self.act_cancel.isEnabled():
            self.write(CancelOrder(number), success=lambda v: f"{v.number} cancelled.")

    def receive(self) -> None:
        if (number := self._number()) is not None:
            self.navigate.emit("scan", {"mode": "receive", "order": number})

    def new_order(self) -> None:
        self.open_dialog(OrderDialog(self.ctx, self), self._after_new)

    def _after_new(self, dialog) -> None:
        self.after_dialog(dialog)
        if dialog.result_value:
            self.set_filter_value("status", "open")
            self.search.setText(dialog.result_value)
            self.search.flush()
            if self.model.ids():
                self.select_id(self.model.ids()[0])

    def activated(self) -> None:
        if self.act_receive.isEnabled():
            self.receive()

    def apply_link(self, filters: dict) -> None:
        for name in ("status", "supplier"):
            if name in filters:
                self.set_filter_value(name, filters[name])
        if "search" in filters:
            self.search.setText(filters["search"])
            self.search.flush()

    def show_detail(self, item_id: int) -> None:
        d = q.detail(item_id)
        if d is None:
            self.detail.clear("This order no longer exists.")
            return
        p = self.detail
        p.begin(d.number, d.supplier, d.status)
        p.field("Deliver to", d.ship_to)
        p.field("Created", f"{fmt_date(d.created_at)}" + (f" by {d.created_by}"
                                                            if d.created_by else ""))
        if d.ordered_at:
            p.field("Ordered", fmt_date(d.ordered_at))
        if d.expected_at and d.status in ("ordered", "partly_received"):
            from inventory.clock import utcnow

            late = d.expected_at < utcnow()
            p.field("Expected", fmt_date(d.expected_at) + (" (late)" if late else ""),
                    "danger" if late else None)
        if d.received_at:
            p.field("Received", fmt_date(d.received_at))
        p.field("Supplier email", d.supplier_email)
        p.field("Total", fmt_money(d.total))
        if d.note:
            p.field("Note", d.note)
        p.section(f"Lines ({len(d.lines)})")
        rows = [(ln.product, fmt_int(ln.quantity), fmt_int(ln.received),
                 fmt_money(ln.unit_price), fmt_money(ln.total)) for ln in d.lines]
        p.table(["Product", "Ordered", "Received", "Price", "Line total"], rows,
                numeric=(1, 2, 3, 4), stretch=0)
        p.finish()
