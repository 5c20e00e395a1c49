"""Locations & 3PL: sites, stockrooms, partners; what each holds and what is on its way."""

from __future__ import annotations

from PySide6.QtWidgets import QPushButton

from inventory.commands import ConfirmArrival
from inventory.queries import locations as q
from inventory.queries.common import TableQuery
from inventory.vocab import LOCATION_KINDS

from ..dialogs.places import LaneDialog, LocationDialog
from ..models.format import count, fmt_date, fmt_int, movement_entry
from ..style import kind_label
from .base import FilterDef, TablePage


def _kind_choices():
    return [("All kinds", None), ("Sites & stockrooms", "site,stockroom"),
            ("3PL & MSP", "3pl,msp")] + [(kind_label(k), k) for k in LOCATION_KINDS]


class LocationsPage(TablePage):
    key = "locations"
    title = "Locations & 3PL"
    subtitle = "Sites, stockrooms, logistics partners, and goods in transit"
    search_placeholder = "Search name, code, partner"
    noun = ("location", "locations")
    stretch_column = "name"
    hide_order = ("partner", "parent", "code", "value", "units", "devices")
    detail_placeholder = "Select a location to see its stock, lanes and shipments."
    kinds = ("locations", "stock", "assets", "movements")
    filters = (FilterDef("kind", "Kind", _kind_choices, 150),)

    def make_query(self) -> TableQuery:
        return q.LocationTable()

    def primary_actions(self):
        self.act_new = self.action("New location…", "plus", self.new_location, "Ctrl+N",
                                   primary=True)
        return [self.act_new]

    def make_actions(self):
        self.act_edit = self.action("Edit…", "settings", self.edit, "Ctrl+E")
        self.act_lane = self.action("Lead time…", "truck", self.lane, "",
                                    "Set how long transfers from this 3PL / MSP take")
        self.act_reconcile = self.action("Reconcile statement…", "check", self.reconcile, "",
                                         "Compare the partner's stock statement with the book")
        return [self.act_edit, self.act_lane, self.act_reconcile]

    def _kind_of_current(self) -> str | None:
        item = self.current_id()
        row = self.model.row_of(item) if item is not None else None
        values = self.model.row_values(row) if row is not None else None
        return values[self.model.column_of("kind")] if values else None

    def update_actions(self) -> None:
        one = len(self.selected_ids()) == 1
        self.set_enabled(self.act_edit, one, "select one location", "catalog")
        self.set_enabled(self.act_lane, one and self._kind_of_current() in ("3pl", "msp"),
                         "select a 3PL or MSP", "catalog")
        self.set_enabled(self.act_reconcile,
                         one and self._kind_of_current() in ("3pl", "msp"),
                         "select a 3PL or MSP", "view")
        self.set_enabled(self.act_new, True, "", "catalog")

    def new_location(self) -> None:
        self.open_dialog(LocationDialog(self.ctx, parent=self), self._after_new)

    def _after_new(self, dialog) -> None:
        self.after_dialog(dialog)
        if dialog.result_value:
            self.select_id(dialog.result_value)

    def edit(self) -> None:
        item = self.current_id()
        d = q.detail(item) if item is not None else None
        if d is not None:
            self.open_dialog(LocationDialog(self.ctx, d, self), self.after_dialog)

    def reconcile(self) -> None:
        from ..reconcile_dialog import ReconcileDialog

        item = self.current_id()
        d = q.detail(item) if item is not None else None
        if d is not None:
            self.open_dialog(ReconcileDialog(self.ctx, d.code, self))

    def lane(self) -> None:
        item = self.current_id()
        d = q.detail(item) if item is not None else None
        if d is not None:
            self.open_dialog(LaneDialog(self.ctx, d, self), self.after_dialog)

    def confirm(self, number: str) -> None:
        self.write(ConfirmArrival(number),
                   success=lambda v: f"Shipment {v.number} arrived at {v.destination} "
                                     f"({count(v.lines, 'line')}).")

    def apply_link(self, filters: dict) -> None:
        if "kind" in filters:
            self.set_filter_value("kind", filters["kind"])
        if "id" in filters:
            self.select_id(filters["id"])

    def _shipments(self, title: str, rows: list[q.ShipmentRow], other: str) -> None:
        p = self.detail
        p.section(f"{title} ({len(rows)})")
        data = [(s.number, getattr(s, other), fmt_date(s.shipped_at),
                 fmt_int(s.units)) for s in rows]
        table = p.table(["Shipment", "To" if other == "destination" else "From", "Shipped",
                         "Units"], data, numeric=(3,), empty="Nothing in transit.",
                        max_visible=8, stretch=1)
        if table is not None and self.ctx.may("receive"):
            button = QPushButton("Confirm arrival of selected")
            button.setEnabled(False)
            table.itemSelectionChanged.connect(
                lambda: button.setEnabled(bool(table.selectedItems())))
            button.clicked.connect(lambda: self.confirm(rows[table.currentRow()].number)
                                   if table.currentRow() >= 0 else None)
            p.buttons([button])

    def show_detail(self, item_id: int) -> None:
        d = q.detail(item_id)
        if d is None:
            self.detail.clear("This location no longer exists.")
            return
        p = self.detail
        p.begin(d.name, d.code, None)
        p.field("Kind", kind_label(d.kind))
        p.field("Part of", d.parent)
        if d.partner:
            p.field("Partner", d.partner)
        if d.children:
            p.field("Contains", ", ".join(d.children))
        if d.lanes:
            p.section("Transfer lead times")
            rows = [(f"to {b}" if a == d.name else f"from {a}", f"{days:g} days")
                    for a, b, days in d.lanes]
            p.table(["Lane", "Lead time"], rows, numeric=(1,), stretch=0)
        if d.devices_by_status:
            from ..style import status_label

            p.section("Devices here")
            p.field("", " · ".join(f"{fmt_int(n)} {status_label(s).lower()}"
                                   for s, n in d.devices_by_status))
        p.section(f"Spares held ({len(d.stock)} products, "
                  f"{fmt_int(sum(qty for *_, qty in d.stock))} units)")
        p.table(["Product", "On hand"], [(name, fmt_int(qty)) for name, _kind, qty in d.stock],
                numeric=(1,), empty="No spares here.", max_visible=10, stretch=0)
        if d.inbound or d.kind not in ("3pl", "msp"):
            self._shipments("Arriving", d.inbound, "source")
        if d.outbound or d.kind in ("3pl", "msp"):
            self._shipments("Sent, in transit", d.outbound, "destination")
        p.section("Recent movements")
        p.timeline([movement_entry(mv) for mv in d.movements[:12]], empty="No movements yet.")
        p.finish()
