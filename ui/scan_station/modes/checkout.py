"""Check-out: scan a badge (or pick a person), or a room's or loaner shelf's label, scan
assets (and, for a person, spares), set a due date if wanted, confirm. Each scan is
checked when it is made; nothing is written until the basket is confirmed, and then each
line gets its own status."""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtCore import QDate
from PySide6.QtWidgets import QCheckBox, QDateEdit, QFormLayout, QHBoxLayout, QLabel, QVBoxLayout

from inventory import clock
from inventory.commands import CheckOut, Issue
from inventory.errors import InventoryError
from inventory.services.find import left_message
from inventory.services.resolve import SEP, Resolution

from ...models.format import count, date_edit_format, fmt_date
from ..basket import DONE, FAILED, READY, UNDONE, BasketModel, BasketView, Line
from ..feedback import Outcome, info, ok, refused
from ..jobs import Answer, Step, read
from ..parsing import Parsed
from ..widgets import PersonPicker, QuantityBox
from .base import Context, Mode, buttons

PLACE_KINDS = ("site", "stockroom")  # a meeting room, a loaner shelf: places on a site


def loan_days(settings) -> int:
    """The loan period a check-out proposes (Settings; 14 days without settings)."""
    days = getattr(settings, "loan_days", None)
    return int(days()) if callable(days) else 14


class CheckoutMode(Mode):
    name = "checkout"
    title = "Check-out"
    action = "check_out"
    hint = ("Scan the person's badge (or type a name), or a room or loaner shelf's label; "
            "then the assets and spares.")

    def __init__(self, ctx: Context, parent=None) -> None:
        super().__init__(ctx, parent)
        self.person = PersonPicker(ctx.runner)
        self.person.picked.connect(self._picked)
        self.place: tuple[str, str] | None = None  # (code, name): a place instead of a person
        self.due_on = QCheckBox("&Due back on")
        self.due = QDateEdit(calendarPopup=True)
        self.due.setDisplayFormat(date_edit_format())
        first = clock.today()
        self.due.setMinimumDate(QDate(first.year, first.month, first.day))
        due = first + timedelta(days=loan_days(ctx.settings))  # the loan period (Settings)
        self.due.setDate(QDate(due.year, due.month, due.day))
        self.due.setEnabled(False)
        self.due_on.toggled.connect(self.due.setEnabled)
        self.quantity = QuantityBox()
        self.basket = BasketModel(self)
        self.view = BasketView(self.basket)
        self.summary = QLabel()
        form = QFormLayout()
        form.addRow("Check out &to", self.person)
        self.person.edit.setObjectName("checkoutPerson")
        row = QHBoxLayout()
        row.addWidget(self.due_on)
        row.addWidget(self.due)
        row.addSpacing(24)
        row.addWidget(QLabel("Quantity of next spare"))
        row.addWidget(self.quantity)
        row.addStretch(1)
        form.addRow("", row)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addLayout(form)
        lay.addWidget(self.view, 1)
        lay.addWidget(self.summary)
        lay.addLayout(buttons(self, ("Confirm check-out  (Ctrl+Enter)", "confirm"),
                              ("Undo last scan  (Ctrl+Z)", "undo_last"),
                              ("Clear  (Esc)", "cancel")))
        self._update_summary()

    # -- state ------------------------------------------------------------
    def _picked(self, employee_id: str, label: str) -> None:
        self.place = None
        self._new_transaction()
        self._update_summary()
        self.announced.emit(info(f"Checking out to {label}",
                                 "Now scan the assets and spares; DONE or Ctrl+Enter confirms."))

    def _new_transaction(self) -> None:
        """After a confirmed basket, the next scan starts a fresh one."""
        if self.basket.lines and not self.basket.rows_with(READY):
            self.basket.clear()

    def _due(self) -> date | None:
        return self.due.date().toPython() if self.due_on.isChecked() else None

    def _update_summary(self) -> None:
        ready = self.basket.rows_with(READY)
        done = self.basket.rows_with(DONE)
        who = self.person.chosen.text() if self.person.employee_id or self.place else None
        if done and not ready:
            self.summary.setText(f"{count(len(done), 'item')} checked out. Scan the next "
                                 "badge.")
        elif not ready:
            self.summary.setText(f"To {who} · scan the assets and spares" if who else
                                 "Scan the person's badge, then the assets and spares")
        else:
            self.summary.setText(f"{count(len(ready), 'item')} ready · to "
                                 + (who or "nobody yet: scan the person's badge"))

    # -- scans ------------------------------------------------------------
    def on_scan(self, parsed: Parsed, res: Resolution, source: str) -> Outcome:
        if res.kind == "person":
            if res.status == "left":
                return refused(res.label, left_message(res.label.split(" · ")[0], res.ref))
            self.place = None
            self.person.set_person(res.ref, f"{res.label.split(' · ')[0]} ({res.ref})",
                                   quiet=True)
            self._new_transaction()
            self._update_summary()
            return self._badge(res)
        if res.kind == "location":
            return self._place(res)
        self._new_transaction()
        try:
            if res.kind == "asset":
                return self._asset(res, source)
            if res.kind == "product":
                return self._product(res, source)
            return self.wrong_kind(res, "a badge, asset tags and spares")
        finally:
            self._update_summary()

    def _place(self, res: Resolution) -> Outcome:
        """A room's or a loaner shelf's label: the devices go there, to nobody."""
        if res.status not in PLACE_KINDS:
            return refused(res.label, f"{res.location} is a {res.label.split(SEP)[-1]} "
                                      "location: devices are checked out to a person, or "
                                      "to a place on a site (a meeting room, a loaner shelf).")
        spares = [ln.item for ln in self.basket.lines
                  if ln.kind == "product" and ln.status == READY]
        if spares:
            return refused(res.label, f"{spares[0]} is in the basket: spares are issued to a "
                                      "person. Remove them (Ctrl+Z) first, or scan a badge.")
        self._new_transaction()
        self.place = (res.location_code, res.location)
        self.person.set_person(None)
        self.person.chosen.setText(f"{res.location} (a place)")
        self._update_summary()
        return ok(res.label, "Checking out to this place. Now scan the devices.")

    def _next_step(self) -> str:
        n = len(self.basket.rows_with(READY))
        if self.place is not None:
            return f"In the basket ({n}). Scan more, or DONE / Ctrl+Enter to confirm."
        if not self.person.employee_id:
            return f"In the basket ({n}). Scan the person's badge next."
        return f"In the basket ({n}). Scan more, or DONE / Ctrl+Enter to confirm."

    def _asset(self, res: Resolution, source: str) -> Outcome:
        if res.unavailable:
            return refused(res.label, res.unavailable)
        if self.basket.find(res.ref) is not None:
            return refused(res.label, f"{res.ref} is already in the basket.")
        self.basket.add(Line(res.ref, f"{res.ref} · {res.product}", source=source))
        return ok(res.label, self._next_step())

    def _product(self, res: Resolution, source: str) -> Outcome:
        if res.product_kind == "device":
            return refused(res.label, f"{res.product} is tracked by serial: scan the asset "
                                      "tag of the device you hand out.")
        if res.product_kind == "license":
            return refused(res.label, "License seats are assigned under Licenses.")
        if self.place is not None:
            return refused(res.label, f"Spares are issued to a person, not to "
                                      f"{self.place[1]}. Scan a badge first.")
        qty = self.quantity.take()
        row = self.basket.find(res.ref)
        want = qty + (self.basket.lines[row].quantity if row is not None else 0)
        if (res.on_hand or 0) < want:
            return refused(res.label, f"Only {res.on_hand or 0} × {res.product} in stock at "
                                      "the stockrooms. Take fewer, or transfer some first.")
        if row is not None:
            self.basket.update(row, quantity=want)
        else:
            self.basket.add(Line(res.ref, res.product, qty, kind="product", source=source))
        return ok(f"{res.product} × {want}", self._next_step())

    def _badge(self, res: Resolution) -> Step:
        """A badge: say so, and whether the person has a request ready to hand out."""
        from inventory.queries.requests import ready_requests

        ready = yield from read(ready_requests, res.ref)
        if not ready:
            return ok(res.label, "Checking out to this person. Now scan assets and spares.")
        name = res.label.split(" · ")[0]
        n = len(ready)
        return ok(f"{name} has {n} request{'s' if n != 1 else ''} ready: {ready[0].item}",
                  f"{ready[0].number}: hand it out in Kit (F8), or check out other items "
                  "here.")

    def set_quantity(self, n: int) -> Outcome:
        self.quantity.setValue(n)
        return info(f"Quantity {n}", "For the next spare scanned.")

    # -- actions ----------------------------------------------------------
    def confirm(self) -> Answer:
        ready = self.basket.rows_with(READY)
        if not ready:
            return refused("The basket is empty", "Scan the assets and spares to check out.")
        who = self.person.employee_id
        if not who and self.place is None:
            return refused("Who is it for?", "Scan the person's badge (or type a name), or "
                                             "the label of the room or shelf, before "
                                             "confirming.")
        due = self._due()
        lines = [self.basket.lines[row] for row in ready]
        if self.place is not None:
            code, name = self.place
            commands = [CheckOut(ln.key, location=code, due=due, source=ln.source)
                        for ln in lines]
        else:
            name = self.person.chosen.text()
            commands = [CheckOut(ln.key, person=who, due=due, source=ln.source)
                        if ln.kind == "asset" else
                        Issue(ln.key, ln.quantity, person=who, source=ln.source)
                        for ln in lines]
        return self._confirm(ready, lines, commands, name, due)

    def _confirm(self, ready: list[int], lines: list[Line], commands: list,
                 name: str, due: date | None) -> Step:
        try:
            result = yield from self.execute(*commands)  # the basket: all of it, or nothing
        except InventoryError as e:
            at = getattr(e, "basket_index", None)
            if at is not None:
                self.basket.update(ready[at], status=FAILED, message=str(e))
            self._update_summary()
            what = f"{lines[at].item}: " if at is not None else ""
            return refused(f"Nothing checked out to {name}",
                           f"{what}{e} Nothing was written; confirm again to check out the "
                           "other lines without it.")
        self.basket.update_rows({row: {"status": DONE, "movement": r.movement_id,
                                       "message": f"to {name}"}
                                 for row, r in zip(ready, result.results, strict=True)})
        done = len(ready)
        self._update_summary()
        self.person.clear()
        self.place = None
        self.due_on.setChecked(False)
        self._update_summary()
        when = f", due back {fmt_date(due)}" if due else ""
        return ok(f"Checked out {count(done, 'item')} to {name}",
                  f"Done{when}. Scan the next badge.")

    def undo_last(self) -> Answer:
        lines = self.basket.lines
        if not lines:
            return info("Nothing to undo", "The basket is empty.")
        last = lines[-1]
        if last.status == DONE:
            return self._undo(len(lines) - 1)
        if last.status == UNDONE:
            return info("Nothing more to undo", "The last line was undone already.")
        self.basket.pop()
        self._update_summary()
        return info(f"Removed {last.item}", self._next_step())

    def _undo(self, row: int) -> Step:
        line = self.basket.lines[row]
        out = yield from self.undo_movement(line.movement, line.item)
        self.basket.update(row, status=UNDONE, message="")
        return out

    def cancel(self) -> Outcome:
        self.basket.clear()
        self.person.clear()
        self.place = None
        self.quantity.setValue(1)
        self._update_summary()
        return info("Basket cleared", self.hint)
