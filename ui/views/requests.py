"""Requests: what people asked for, what is waiting for a manager, what is reserved and
ready to hand out, and the loan pool's calendar."""

from __future__ import annotations

from PySide6.QtWidgets import QPushButton

from inventory.queries import requests as q
from inventory.queries.common import TableQuery
from inventory.shop_commands import ApproveRequest, ReserveRequest

from ..dialogs.requests import LoanCalendarDialog, NewRequestDialog, ReasonDialog
from ..models.format import fmt_date, fmt_datetime
from ..style import status_label
from .base import FilterDef, TablePage


def _state_choices():
    return [("Open", "open"), ("Awaiting approval", "waiting"),
            ("Approved, waiting for stock", "approved"), ("Reserved, ready", "ready"),
            ("Closed", "closed"), ("Everything", "all")]


class RequestsPage(TablePage):
    key = "requests"
    title = "Requests"
    subtitle = "Approvals, reservations, loans"
    search_placeholder = "Search request, person, item, department"
    noun = ("request", "requests")
    detail_placeholder = "Select a request to see its kit, what is reserved and its history."
    kinds = ("requests", "stock", "assets", "bookings")
    filters = (FilterDef("state", "Show", _state_choices, 210),)
    stretch_column = "item"
    key_columns = ("number", "person", "item")
    hide_order = ("department", "created_at", "needed_by", "quantity", "state")

    def make_query(self) -> TableQuery:
        return q.RequestTable()

    def primary_actions(self):
        self.act_new = self.action("New request…", "plus", self.new_request, "Ctrl+N",
                                   primary=True)
        return [self.act_new]

    def make_actions(self):
        self.act_approve = self.action("Approve", "check", self.approve, "Ctrl+Return",
                                       "Approve the request: its stock is reserved if it is "
                                       "there")
        self.act_reject = self.action("Reject…", "close", self.reject, "",
                                      "Refuse the request, saying why")
        self.act_calendar = self.action("Loan calendar…", "calendar", self.calendar,
                                        "Ctrl+L", "Loans and bookings of a device or model")
        return [self.act_approve, self.act_calendar]

    def overflow_actions(self):
        self.act_reserve = self.action("Reserve now", "stock", self.reserve, "",
                                       "Reserve an approved request whose stock has arrived")
        self.act_cancel = self.action("Cancel request…", "close", self.cancel, "",
                                      "Withdraw the request; what it holds goes back")
        self.act_item = self.action("New catalogue item or kit…", "plus", self.new_item, "",
                                    "A product, a license or a kit people can request")
        return [self.act_reject, self.act_reserve, self.act_cancel, self.act_item]

    def update_actions(self) -> None:
        one = len(self.selected_ids()) == 1
        state = self._current_state if one else None
        self.set_enabled(self.act_new, True, "", "request")
        self.set_enabled(self.act_approve, state == "requested",
                         "select a request awaiting approval", "approve")
        self.set_enabled(self.act_reject, state in ("requested", "approved"),
                         "select an open request not yet reserved", "approve")
        self.set_enabled(self.act_reserve, state == "approved",
                         "select an approved request", "request")
        self.set_enabled(self.act_cancel, state in ("requested", "approved", "reserved"),
                         "select an open request", "request")
        self.set_enabled(self.act_calendar, True, "", "view")
        self.set_enabled(self.act_item, True, "", "catalog")

    _current_state: str | None = None
    _current_number: str | None = None

    def show_detail(self, item_id: int) -> None:
        d = q.detail(item_id)
        if d is None:
            self._current_state = self._current_number = None
            self.detail.clear("This request no longer exists.")
            self.update_actions()
            return
        self._current_state, self._current_number = d.state, d.number
        self.update_actions()
        p = self.detail
        qty = f"{d.quantity} × " if d.quantity != 1 else ""
        p.begin(f"{d.number} · {qty}{d.item}", f"for {d.person} ({d.employee_id})"
                + (f" · {d.department}" if d.department else ""), d.state)
        p.field("Needed by", fmt_date(d.needed_by) or "no date")
        p.field("From", d.location or "—")
        if d.note:
            p.field("Note", d.note)
        p.section("The kit")
        for line in d.lines:
            p.text(line)
        p.section("Reserved")
        if d.held:
            for line in d.held:
                p.text(line)
        elif d.state == "approved":
            p.text("Nothing yet: the stock is not there. The reorder list plans for it "
                   "(committed demand).", muted=True)
        else:
            p.text("Nothing is held.", muted=True)
        p.section("History")
        # A timeline, not a table: the notes wrap in the narrow pane instead of being cut.
        p.timeline([(f"{status_label(before)} → {status_label(after)}" if before else
                     status_label(after), fmt_datetime(at),
                     " · ".join(x for x in (f"by {who}" if who else "", note) if x))
                    for at, who, before, after, note in reversed(d.events)],
                   empty="No history.")
        if d.state == "requested" and self.ctx.may("approve"):
            approve = QPushButton("Approve")
            approve.clicked.connect(self.approve)
            p.buttons([approve])
        p.finish()

    def new_request(self) -> None:
        self.open_dialog(NewRequestDialog(self.ctx, parent=self), self.after_dialog)

    def new_item(self) -> None:
        from ..dialogs.requests import CatalogItemDialog

        self.open_dialog(CatalogItemDialog(self.ctx, self), self.after_dialog)

    def approve(self) -> None:
        if self._current_number:
            self.write(ApproveRequest(self._current_number), success=lambda v: (
                f"{v.number} approved and reserved." if v.state == "reserved" else
                f"{v.number} approved; not reserved yet: {'; '.join(v.shortages)}."))

    def reserve(self) -> None:
        if self._current_number:
            self.write(ReserveRequest(self._current_number),
                       success=lambda v: f"{v.number} reserved.")

    def reject(self) -> None:
        if self._current_number:
            self.open_dialog(ReasonDialog(self.ctx, self._current_number, True, self),
                             self.after_dialog)

    def cancel(self) -> None:
        if self._current_number:
            self.open_dialog(ReasonDialog(self.ctx, self._current_number, False, self),
                             self.after_dialog)

    def calendar(self) -> None:
        from inventory.queries.bookings import pool_models

        models = pool_models()
        LoanCalendarDialog(self.ctx, models[0] if models else "", self).open()

    def activated(self) -> None:
        if self._current_state == "requested" and self.ctx.may("approve"):
            self.approve()

    def apply_link(self, filters: dict) -> None:
        if "state" in filters:
            self.set_filter_value("state", filters["state"])
        if "id" in filters:
            self.select_id(filters["id"])
