"""Devices: every serialized asset, who holds it, where it is, and its full history."""

from __future__ import annotations

from PySide6.QtWidgets import QPushButton

from inventory import lifecycle
from inventory.clock import today
from inventory.queries import devices as q
from inventory.queries import lookups
from inventory.queries.common import TableQuery
from inventory.vocab import ASSET_STATUSES

from .. import style
from ..dialogs.assets import (
    CheckInDialog,
    CheckOutDialog,
    EditDeviceDialog,
    EndOfLifeDialog,
    NewDeviceDialog,
    TransferDialog,
)
from ..dialogs.licenses import AssignSeatDialog
from ..models.format import count, days_phrase, fmt_date, fmt_money, movement_entry
from .base import FilterDef, TablePage


def _status_choices() -> list[tuple[str, object]]:
    return [("Active devices", "active"), ("All devices", None)] + [
        (style.status_label(s), s) for s in ASSET_STATUSES]


def _location_choices() -> list[tuple[str, object]]:
    return [("All locations", None)] + [(c.label, c.id) for c in lookups.locations()]


def _category_choices() -> list[tuple[str, object]]:
    return [("All categories", None)] + [(c, c) for c in q.categories()]


def _special_choices() -> list[tuple[str, object]]:
    return [("Everything", None), ("Overdue loans", "overdue"),
            ("Warranty ends in 90 days", "warranty")]


def print_asset_labels(parent, rows: list[tuple[str, str | None, str]]) -> None:
    """The label dialog for (tag, serial, model) rows."""
    from ..labels.content import LabelContent
    from ..labels.dialog import LabelDialog

    contents = [LabelContent(tag, model + (f" · SN {serial}" if serial else ""), "asset")
                for tag, serial, model in rows]
    LabelDialog(contents, parent, title=f"Print {count(len(contents), 'asset label')}").exec()


class DevicesPage(TablePage):
    key = "devices"
    title = "Devices"
    subtitle = "Laptops, monitors, phones… tracked one by one"
    search_placeholder = "Search tag, serial, model, person, place"
    noun = ("device", "devices")
    stretch_column = "model"
    key_columns = ("tag", "model")
    hide_order = ("category", "due_date", "warranty_end", "location", "serial", "holder",
                  "status")
    detail_placeholder = "Select a device to see who holds it, where it is, and its history."
    kinds = ("assets", "people", "locations", "movements")
    record_table = "asset"
    filters = (
        FilterDef("status", "Status", _status_choices, 130),
        FilterDef("location", "Location", _location_choices, 170),
        FilterDef("category", "Category", _category_choices, 130),
        FilterDef("special", "Show", _special_choices, 150),
    )

    def make_query(self) -> TableQuery:
        return q.DeviceTable()

    def primary_actions(self):
        self.act_new = self.action("Receive devices…", "plus", self.new_devices, "Ctrl+N",
                                   "Book new devices into stock by serial", primary=True)
        return [self.act_new]

    def make_actions(self):
        self.act_out = self.action("Check out…", "user", self.check_out, "Ctrl+O",
                                   "Check the selected devices out to a person")
        self.act_in = self.action("Check in…", "check", self.check_in, "Ctrl+I",
                                  "Take the selected devices back")
        self.act_transfer = self.action("Transfer…", "truck", self.transfer, "Ctrl+T",
                                        "Send the selected devices to another location")
        self.act_seat = self.action("Assign seat…", "licenses", self.assign_seat, "",
                                    "Give this device a license seat")
        self.act_edit = self.action("Edit…", "settings", self.edit, "Ctrl+E",
                                    "Correct the model, serial, place, cost, supplier, order, "
                                    "warranty or notes")
        self.act_retire = self.action("Retire…", "close", lambda: self.end_of_life("retire"))
        self.act_lost = self.action("Mark lost…", "alert", lambda: self.end_of_life("lost"))
        self.act_dispose = self.action("Dispose…", "close", lambda: self.end_of_life("dispose"))
        self.act_label = self.action("Print label…", "printer", self.print_labels, "Ctrl+P")
        return [self.act_out, self.act_in, self.act_transfer, self.act_seat, self.act_edit,
                self.act_retire, self.act_lost, self.act_dispose, self.act_label]

    def overflow_actions(self):
        return [self.act_edit, self.act_retire, self.act_lost, self.act_dispose,
                self.act_label]

    # -- selection state ----------------------------------------------------------------

    def selected_rows(self) -> list[tuple[int, str, str, str | None]]:
        """(id, tag, status, location name) of each selected device."""
        out = []
        col_tag, col_status = self.model.column_of("tag"), self.model.column_of("status")
        col_loc = self.model.column_of("location")
        for r in sorted({i.row() for i in self.table.selectionModel().selectedRows()}):
            values = self.model.row_values(r)
            if values is not None:
                out.append((self.model.id_at(r), values[col_tag], values[col_status],
                            values[col_loc]))
        return out

    def selected_tags(self) -> list[str]:
        return [tag for _, tag, _, _ in self.selected_rows()]

    def update_actions(self) -> None:
        rows = self.selected_rows()
        states = {s for _, _, s, _ in rows}
        some = bool(rows)

        def may(action: str) -> bool:  # the one lifecycle table, as the services use it
            return lifecycle.allows(states, action)

        self.set_enabled(self.act_out, may("check_out"), lifecycle.WHY_NOT["check_out"],
                         "check_out")
        self.set_enabled(self.act_in, may("check_in"), lifecycle.WHY_NOT["check_in"],
                         "check_out")
        self.set_enabled(self.act_transfer, may("transfer")
                         and len({loc for *_, loc in rows}) == 1,
                         lifecycle.WHY_NOT["transfer"], "receive")
        self.set_enabled(self.act_seat, len(rows) == 1, "select one device", "check_out")
        self.set_enabled(self.act_edit, len(rows) == 1, "select one device", "catalog")
        self.set_enabled(self.act_retire, may("retire"), lifecycle.WHY_NOT["retire"], "adjust")
        self.set_enabled(self.act_lost, may("lost"), lifecycle.WHY_NOT["lost"], "adjust")
        self.set_enabled(self.act_dispose, may("dispose"), lifecycle.WHY_NOT["dispose"],
                         "adjust")
        self.set_enabled(self.act_label, some, "select devices")
        self.set_enabled(self.act_new, True, "", "receive")

    # -- actions ------------------------------------------------------------------------

    def check_out(self) -> None:
        if self.act_out.isEnabled():
            self.open_dialog(CheckOutDialog(self.ctx, self.selected_tags(), self),
                             self.after_dialog)

    def check_in(self) -> None:
        if self.act_in.isEnabled():
            self.open_dialog(CheckInDialog(self.ctx, self.selected_tags(), self),
                             self.after_dialog)

    def transfer(self) -> None:
        if not self.act_transfer.isEnabled():
            return
        detail = q.detail(self.selected_rows()[0][0])
        source = None
        if detail is not None and detail.location:
            source = next((c.code for c in lookups.locations(active=False)
                           if c.label == detail.location), None)
        self.open_dialog(TransferDialog(self.ctx, self.selected_tags(), source or "", self),
                         self.after_dialog)

    def end_of_life(self, mode: str) -> None:
        self.open_dialog(EndOfLifeDialog(self.ctx, self.selected_tags(), mode, self),
                         self.after_dialog)

    def assign_seat(self) -> None:
        tags = self.selected_tags()
        if len(tags) == 1:
            self.open_dialog(AssignSeatDialog(self.ctx, asset_tag=tags[0], parent=self),
                             self.after_dialog)

    def edit(self) -> None:
        item = self.current_id()
        detail = q.detail(item) if item is not None else None
        if detail is not None:
            self.open_dialog(EditDeviceDialog(self.ctx, detail, self), self.after_dialog)

    def new_devices(self) -> None:
        self.open_dialog(NewDeviceDialog(self.ctx, self), self._after_new)

    def _after_new(self, dialog) -> None:
        self.after_dialog(dialog)
        view = dialog.result_value
        if view is not None and view.assets:
            first = self.model.ids()
            if first:
                self.search.setText(view.assets[0] if len(view.assets) == 1 else "")
                self.search.flush()

    def print_labels(self) -> None:
        c_tag, c_serial, c_model = (self.model.column_of(k) for k in ("tag", "serial", "model"))
        rows = []
        for r in sorted({i.row() for i in self.table.selectionModel().selectedRows()}):
            values = self.model.row_values(r)
            if values is not None:
                rows.append((values[c_tag], values[c_serial], values[c_model]))
        if rows:
            print_asset_labels(self, rows)

    def activated(self) -> None:
        if self.act_out.isEnabled():
            self.check_out()
        elif self.act_in.isEnabled():
            self.check_in()

    # -- links --------------------------------------------------------------------------

    def apply_link(self, filters: dict) -> None:
        for name in ("status", "location", "category", "special"):
            if name in filters:
                self.set_filter_value(name, filters[name])
        if "special" in filters:
            self.set_filter_value("status", "active" if filters["special"] else None)
        if "search" in filters:
            self.search.setText(filters["search"])
            self.search.flush()
        if "id" in filters:
            if not self.select_id(filters["id"]):
                self.search.setText(q.tag_of(filters["id"]) or "")
                self.search.flush()
                self.select_id(filters["id"])

    # -- detail -------------------------------------------------------------------------

    def show_detail(self, item_id: int) -> None:
        d = q.detail(item_id)
        if d is None:
            self.detail.clear("This device no longer exists.")
            return
        p = self.detail
        p.begin(d.tag, f"{d.product}", d.status)
        p.field("Serial", d.serial)
        p.field("Model", " · ".join(x for x in (d.manufacturer, d.category) if x))
        if d.holder:
            who = d.holder + (f" · {d.holder_employee_id}" if d.holder_employee_id else "")
            if d.holder_department:
                who += f" · {d.holder_department}"
            p.field("Held by", who)
        p.field("Location", d.location)
        if d.status == "deployed":
            tone = "danger" if d.overdue else None
            due = f"{fmt_date(d.due_date)} ({days_phrase((d.due_date - today()).days)})" \
                if d.due_date else "Not a loan"
            p.field("Due back", due, tone)
        left = d.warranty_days_left
        if d.warranty_end is None:
            p.field("Warranty", None)
        else:
            tone = "danger" if left < 0 else "warning" if left <= q.WARRANTY_WINDOW_DAYS else None
            word = "ended" if left < 0 else "ends"
            p.field("Warranty", f"{word} {fmt_date(d.warranty_end)} ({days_phrase(left)})", tone)
        bought = " · ".join(x for x in (fmt_date(d.purchase_date), fmt_money(d.purchase_cost),
                                        d.supplier or "", d.order_number or "") if x)
        p.field("Purchased", bought)
        if d.seats:
            p.field("License seats", ", ".join(d.seats))
        if d.notes:
            p.field("Notes", d.notes)
        links = []
        if d.holder_id:
            b = QPushButton(f"Open {d.holder.split()[0]}'s record")
            b.clicked.connect(lambda: self.navigate.emit("people", {"id": d.holder_id}))
            links.append(b)
        b = QPushButton("Show in History")
        b.clicked.connect(lambda: self.navigate.emit("history", {"search": d.tag}))
        links.append(b)
        p.buttons(links)
        self._repairs(d.tag)
        p.section(f"Movement history ({len(d.movements)})")
        p.timeline([movement_entry(mv) for mv in reversed(d.movements)],
                   empty="No movements recorded.")
        p.finish()

    def _repairs(self, tag: str) -> None:
        """The device's repair records (issue 14), newest first."""
        from inventory.costing.repairs import repairs

        records = repairs(self.ctx.db, tag=tag)
        if records:
            self.detail.section(f"Repairs ({len(records)})")
            self.detail.table(
                ["Opened", "Vendor", "Reference", "Returned", "Cost", "Outcome", "Charged to"],
                [(fmt_date(r.opened_on), r.vendor, r.reference, fmt_date(r.returned_on),
                  fmt_money(r.cost), (r.outcome or "open").replace("_", " "), r.cost_centre)
                 for r in records])
