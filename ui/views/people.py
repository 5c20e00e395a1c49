"""People: who holds what, by department and site."""

from __future__ import annotations

from PySide6.QtWidgets import QPushButton

from inventory.queries import lookups
from inventory.queries import people as q
from inventory.queries.common import TableQuery

from ..dialogs.licenses import AssignSeatDialog
from ..dialogs.people import PersonDialog
from ..models.format import fmt_date, movement_entry
from .base import FilterDef, TablePage


def _department_choices():
    return [("All departments", None)] + [(d, d) for d in q.departments()]


def _site_choices():
    return [("All sites", None)] + [(c.label, c.id) for c in lookups.locations(("site",))]


def _state_choices():
    return [("Active people", "active"), ("Holding devices", "holding"),
            ("Left, still holding", "left_holding"), ("Left", "left"), ("Everyone", None)]


class PeoplePage(TablePage):
    key = "people"
    title = "People"
    subtitle = "Everyone who can hold devices, spares and license seats"
    search_placeholder = "Search name, employee id, email, department"
    noun = ("person", "people")
    stretch_column = "name"
    hide_order = ("email", "site", "seats", "department", "devices", "state")
    detail_placeholder = "Select a person to see what they hold."
    kinds = ("people", "assets", "licenses", "movements")
    filters = (
        FilterDef("department", "Department", _department_choices, 140),
        FilterDef("site", "Site", _site_choices, 130),
        FilterDef("state", "Show", _state_choices, 150),
    )

    def make_query(self) -> TableQuery:
        return q.PeopleTable()

    def primary_actions(self):
        self.act_new = self.action("New person…", "plus", self.new_person, "Ctrl+N",
                                   primary=True)
        return [self.act_new]

    def make_actions(self):
        self.act_devices = self.action("Devices", "devices", self.show_devices, "",
                                       "Show the devices this person holds")
        self.act_seat = self.action("Assign seat…", "licenses", self.assign_seat, "",
                                    "Give this person a license seat")
        self.act_edit = self.action("Edit…", "settings", self.edit, "Ctrl+E")
        return [self.act_devices, self.act_seat, self.act_edit]

    def overflow_actions(self):
        self.act_request = self.action("New request…", "plus", self.new_request, "",
                                       "Record a request on this person's behalf")
        self.act_left = self.action("Mark as left…", "user", self.mark_left, "",
                                    "Nothing more is issued to them; their return list stays")
        self.act_joiner = self.action("New joiner…", "calendar", self.new_joiner, "",
                                      "A start date and the kit of their role")
        return [self.act_request, self.act_joiner, self.act_left]

    def update_actions(self) -> None:
        one = len(self.selected_ids()) == 1
        self.set_enabled(self.act_devices, one, "select one person")
        self.set_enabled(self.act_seat, one, "select one person", "check_out")
        self.set_enabled(self.act_edit, one, "select one person", "catalog")
        self.set_enabled(self.act_new, True, "", "catalog")
        self.set_enabled(self.act_request, one, "select one person", "request")
        self.set_enabled(self.act_left, one, "select one person", "catalog")
        self.set_enabled(self.act_joiner, one, "select one person", "request")

    def _detail(self):
        item = self.current_id()
        return q.detail(item) if item is not None else None

    def show_devices(self) -> None:
        if (d := self._detail()) is not None:
            self.navigate.emit("devices", {"search": d.employee_id, "status": None})

    def assign_seat(self) -> None:
        if (d := self._detail()) is not None:
            self.open_dialog(AssignSeatDialog(self.ctx, person_code=d.employee_id, parent=self),
                             self.after_dialog)

    def edit(self) -> None:
        if (d := self._detail()) is not None:
            self.open_dialog(PersonDialog(self.ctx, d, self), self.after_dialog)

    def new_request(self) -> None:
        from ..dialogs.requests import NewRequestDialog

        if (d := self._detail()) is not None:
            self.open_dialog(NewRequestDialog(self.ctx, d.employee_id, self), self.after_dialog)

    def new_joiner(self) -> None:
        from ..dialogs.leavers import JoinerDialog

        if (d := self._detail()) is not None:
            self.open_dialog(JoinerDialog(self.ctx, d.employee_id, d.name, self),
                             self.after_dialog)

    def mark_left(self) -> None:
        from ..dialogs.leavers import MarkLeftDialog

        if (d := self._detail()) is not None:
            if not d.active:
                self.messages.show_error(f"{d.name} is marked as left already.")
                return
            self.open_dialog(MarkLeftDialog(self.ctx, d.employee_id, self), self.after_dialog)

    def new_person(self) -> None:
        self.open_dialog(PersonDialog(self.ctx, parent=self), self._after_new)

    def _after_new(self, dialog) -> None:
        self.after_dialog(dialog)
        if dialog.result_value and not self.select_id(dialog.result_value):
            self.set_filter_value("state", None)
            self.search.setText(dialog.employee_id.text().strip())
            self.search.flush()
            self.select_id(dialog.result_value)

    def activated(self) -> None:
        self.show_devices()

    def apply_link(self, filters: dict) -> None:
        for name in ("department", "site", "state"):
            if name in filters:
                self.set_filter_value(name, filters[name])
        if "id" in filters and not self.select_id(filters["id"]):
            self.set_filter_value("state", None)
            code = lookups.person_code(filters["id"]) or ""
            self.search.setText(code)
            self.search.flush()
            self.select_id(filters["id"])

    def show_detail(self, item_id: int) -> None:
        d = q.detail(item_id)
        if d is None:
            self.detail.clear("This person no longer exists.")
            return
        p = self.detail
        p.begin(d.name, " · ".join(x for x in (d.employee_id, d.department, d.site) if x),
                "active" if d.active else "left")
        p.field("Email", d.email)
        p.field("Cost centre", d.cost_centre)
        if not d.active:
            p.field("Left on", fmt_date(d.left_on),
                    "warning" if d.devices or d.seats else None)
            if d.devices or d.seats:
                p.text("Still holds company property: recover the devices and release the "
                       "seats.", muted=True)
        p.section(f"Devices held ({len(d.devices)})")
        rows = [(h.tag, h.product, fmt_date(h.due_date)) for h in d.devices]
        p.table(["Tag", "Model", "Due back"], rows, empty="No devices.",
                max_visible=10, stretch=1,
                on_activate=lambda r: self.navigate.emit("devices",
                                                         {"id": d.devices[r].asset_id}))
        p.section(f"License seats ({len(d.seats)})")
        p.table(["License"], [(name,) for _, name in d.seats], empty="No license seats.",
                max_visible=8,
                on_activate=lambda r: self.navigate.emit("licenses", {"id": d.seats[r][0]}))
        buttons = []
        if self.ctx.may("check_out"):
            b = QPushButton("Assign a seat…")
            b.clicked.connect(self.assign_seat)
            buttons.append(b)
        b = QPushButton("Show in History")
        b.clicked.connect(lambda: self.navigate.emit("history", {"search": d.employee_id}))
        buttons.append(b)
        p.buttons(buttons)
        p.section("Recent movements")
        p.timeline([movement_entry(mv) for mv in d.movements[:12]], empty="No movements yet.")
        p.finish()
