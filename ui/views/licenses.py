"""Licenses: seats used and free, renewals coming due, who holds each seat."""

from __future__ import annotations

from PySide6.QtWidgets import QPushButton

from inventory.commands import ReleaseSeat
from inventory.queries import licenses as q
from inventory.queries.common import TableQuery
from inventory.vocab import LICENSE_TYPES

from ..dialogs.licenses import AssignSeatDialog, LicenseDialog
from ..models.format import days_phrase, fmt_date, fmt_int, fmt_money
from ..style import kind_label
from .base import FilterDef, TablePage


def _type_choices():
    return [("All types", None)] + [(kind_label(t), t) for t in LICENSE_TYPES]


def _special_choices():
    return [("Everything", None), ("Renewal due", "renewal")]


class LicensesPage(TablePage):
    key = "licenses"
    title = "Licenses"
    subtitle = "Seats, assignments and renewals"
    search_placeholder = "Search license, vendor, reference"
    noun = ("license", "licenses")
    stretch_column = "product"
    hide_order = ("vendor", "type", "cost", "free", "seats", "ends_on", "used")
    detail_placeholder = "Select a license to see its seats and who holds them."
    kinds = ("licenses", "people")
    filters = (
        FilterDef("type", "Type", _type_choices, 130),
        FilterDef("special", "Show", _special_choices, 130),
    )

    def make_query(self) -> TableQuery:
        return q.LicenseTable()

    def primary_actions(self):
        self.act_new = self.action("New license…", "plus", self.new_license, "Ctrl+N",
                                   primary=True)
        return [self.act_new]

    def make_actions(self):
        self.act_assign = self.action("Assign seat…", "user", self.assign, "Ctrl+O",
                                      "Give a seat to a person or a device")
        return [self.act_assign]

    def update_actions(self) -> None:
        self.set_enabled(self.act_assign, len(self.selected_ids()) == 1, "select one license",
                         "check_out")
        self.set_enabled(self.act_new, True, "", "catalog")

    def assign(self) -> None:
        item = self.current_id()
        if item is not None:
            self.open_dialog(AssignSeatDialog(self.ctx, license_id=item, parent=self),
                             self.after_dialog)

    def new_license(self) -> None:
        self.open_dialog(LicenseDialog(self.ctx, self), self._after_new)

    def _after_new(self, dialog) -> None:
        self.after_dialog(dialog)
        if dialog.result_value:
            self.select_id(dialog.result_value)

    def activated(self) -> None:
        self.assign()

    def apply_link(self, filters: dict) -> None:
        for name in ("type", "special"):
            if name in filters:
                self.set_filter_value(name, filters[name])
        if "id" in filters:
            self.select_id(filters["id"])

    def release(self, license_id: int, seat: q.SeatRow) -> None:
        kwargs = {"person": seat.employee_id} if seat.employee_id else {"asset": seat.asset_tag}
        self.write(ReleaseSeat(license_id, **kwargs),
                   success=lambda v: f"Seat released: {v.seats_used} of {v.seats} "
                                     f"{v.product} seats in use.")

    def show_detail(self, item_id: int) -> None:
        d = q.detail(item_id)
        if d is None:
            self.detail.clear("This license no longer exists.")
            return
        p = self.detail
        p.begin(d.product, " · ".join(x for x in (d.vendor, kind_label(d.license_type)) if x),
                d.state)
        p.meter(d.used, d.seats, f"{fmt_int(d.used)} of {fmt_int(d.seats)} seats used")
        if d.free < 0:
            p.field("Over-used", f"{-d.free} seats beyond the entitlement", "danger")
        else:
            p.field("Free seats", fmt_int(d.free))
        if d.reclaimable:
            p.field("Reclaimable", f"{d.reclaimable} held by people who have left", "warning")
        p.field("Cost", f"{fmt_money(d.cost_per_seat)} per seat · "
                        f"{fmt_money(d.annual_cost)} a year")
        p.field("Term", f"{fmt_date(d.starts_on)} – {fmt_date(d.ends_on) or 'open-ended'}")
        if d.renew_by is not None:
            from inventory.clock import today

            days = (d.renew_by - today()).days
            tone = "danger" if d.state == "expired" else "warning" if \
                d.state == "renewal_due" else None
            p.field("Renew by", f"{fmt_date(d.renew_by)} ({days_phrase(days)})", tone)
            p.field("Start by", fmt_date(d.due_from), tone)
        p.field("Over-use", "allowed (true-up later)" if d.allow_overuse else "not allowed")
        if d.reference:
            p.field("Reference", d.reference)
        p.section(f"Assignments ({fmt_int(d.used)})")
        rows = [((s.assignee + ("  (left)" if s.left else "")), s.employee_id or s.asset_tag
                 or "", fmt_date(s.assigned_at)) for s in d.assignments]
        table = p.table(["Assigned to", "Id / tag", "Since"], rows,
                        empty="No seat assigned yet.", max_visible=14, stretch=0)
        if table is not None and self.ctx.may("check_out"):
            release = QPushButton("Release selected seat")
            release.setEnabled(False)
            table.itemSelectionChanged.connect(
                lambda: release.setEnabled(bool(table.selectedItems())))
            release.clicked.connect(lambda: self.release(
                d.id, d.assignments[table.currentRow()]) if table.currentRow() >= 0 else None)
            p.buttons([release])
            if len(d.assignments) < d.used:
                p.text(f"Showing the first {len(d.assignments)} assignments.", muted=True)
        p.finish()
