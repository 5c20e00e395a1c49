"""Licenses: seats used and free, renewals coming due, who holds each seat."""

from __future__ import annotations

from PySide6.QtWidgets import QPushButton

from inventory.commands import ReleaseSeat
from inventory.queries import licenses as q
from inventory.queries.common import TableQuery
from inventory.vocab import LICENSE_TYPES

from ..dialogs.licenses import (
    AssignSeatDialog,
    EditLicenseDialog,
    LicenseDialog,
    RenewLicenseDialog,
    RetireLicenseDialog,
)
from ..models.format import days_phrase, fmt_date, fmt_int, fmt_money
from ..style import kind_label
from .base import FilterDef, TablePage


def _type_choices():
    return [("All types", None)] + [(kind_label(t), t) for t in LICENSE_TYPES]


def _special_choices():
    return [("Everything", None), ("Renewal due", "renewal"), ("Retired", "retired")]


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
        self.act_renew = self.action("Renew…", "calendar", self.renew, "",
                                     "A new term: dates, seats, cost; the seats carry over")
        self.act_edit = self.action("Edit license…", "settings", self.edit, "Ctrl+E")
        self.act_retire = self.action("Retire license…", "close", self.retire, "",
                                      "No longer used: release its seats")
        return [self.act_assign, self.act_renew, self.act_edit, self.act_retire]

    def overflow_actions(self):
        return [self.act_edit, self.act_retire]

    def _state(self) -> str | None:
        item = self.current_id()
        row = self.model.row_of(item) if item is not None else None
        values = self.model.row_values(row) if row is not None else None
        return values[self.model.column_of("state")] if values else None

    def update_actions(self) -> None:
        one = len(self.selected_ids()) == 1
        live = one and self._state() != "retired"
        why = "select one license" if not one else "this license is retired"
        self.set_enabled(self.act_assign, live, why, "check_out")
        for act in (self.act_renew, self.act_edit, self.act_retire):
            self.set_enabled(act, live, why, "catalog")
        self.set_enabled(self.act_new, True, "", "catalog")

    def _open_on_detail(self, make) -> None:
        item = self.current_id()
        d = q.detail(item) if item is not None else None
        if d is not None and d.retired_on is None:
            self.open_dialog(make(self.ctx, d, self), self.after_dialog)

    def renew(self) -> None:
        self._open_on_detail(RenewLicenseDialog)

    def edit(self) -> None:
        self._open_on_detail(EditLicenseDialog)

    def retire(self) -> None:
        self._open_on_detail(RetireLicenseDialog)

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
        if d.retired_on is not None:
            p.field("Retired", fmt_date(d.retired_on), "warning")
        elif d.renew_by is not None:
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
        if table is not None and self.ctx.may("check_out") and d.retired_on is None:
            release = QPushButton("Release selected seat")
            release.setEnabled(False)
            table.itemSelectionChanged.connect(
                lambda: release.setEnabled(bool(table.selectedItems())))
            release.clicked.connect(lambda: self.release(
                d.id, d.assignments[table.currentRow()]) if table.currentRow() >= 0 else None)
            p.buttons([release])
            if len(d.assignments) < d.used:
                p.text(f"Showing the first {len(d.assignments)} assignments.", muted=True)
        if d.terms:
            p.section(f"Earlier terms ({len(d.terms)})")
            for t in d.terms[:6]:  # wrapping lines: nothing cut off in a narrow pane
                p.text(f"{fmt_date(t.starts_on)} – {fmt_date(t.ends_on) or 'open-ended'}: "
                       f"{fmt_int(t.seats)} seats at {fmt_money(t.cost_per_seat)}"
                       + (f" ({t.reference})" if t.reference else ""))
        p.finish()
