"""Issue spare: scan a badge, set the quantity (or scan QTY 1–10), scan the spare. Each
spare scan is issued at once, from the stockroom at the person's site."""

from __future__ import annotations

from PySide6.QtWidgets import QFormLayout, QVBoxLayout

from inventory.commands import Issue
from inventory.errors import InventoryError
from inventory.services.find import left_message
from inventory.services.resolve import Resolution

from ..basket import DONE, UNDONE, BasketModel, BasketView, Line
from ..feedback import Outcome, info, ok, refused
from ..jobs import Answer, Step
from ..parsing import Parsed
from ..widgets import PersonPicker, QuantityBox
from .base import Context, Mode, buttons


class IssueMode(Mode):
    name = "issue"
    title = "Issue spare"
    action = "check_out"
    hint = "Scan the person's badge, set the quantity (or scan QTY), then scan the spare."

    def __init__(self, ctx: Context, parent=None) -> None:
        super().__init__(ctx, parent)
        self.person = PersonPicker(ctx.runner)
        self.person.edit.setObjectName("issuePerson")
        self.person.picked.connect(lambda _e, label: self.announced.emit(
            info(f"Issuing to {label}", "Set the quantity, then scan the spare.")))
        self.quantity = QuantityBox()
        self.basket = BasketModel(self)
        form = QFormLayout()
        form.addRow("Issue &to", self.person)
        form.addRow("&Quantity", self.quantity)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addLayout(form)
        lay.addWidget(BasketView(self.basket), 1)
        lay.addLayout(buttons(self, ("Undo last issue  (Ctrl+Z)", "undo_last"),
                              ("Next person  (Esc)", "cancel")))

    def on_scan(self, parsed: Parsed, res: Resolution, source: str) -> Answer:
        if res.kind == "person":
            if res.status == "left":
                return refused(res.label, left_message(res.label.split(" · ")[0], res.ref))
            self.person.set_person(res.ref, f"{res.label.split(' · ')[0]} ({res.ref})",
                                   quiet=True)
            return ok(res.label, "Set the quantity (or scan QTY), then scan the spare.")
        if res.kind == "asset" or (res.kind == "product" and res.product_kind == "device"):
            return refused(res.label, "Devices are handed out in Check-out (F2).")
        if res.kind != "product":
            return self.wrong_kind(res, "a badge and spares")
        if res.product_kind not in ("spare", "consumable"):
            return refused(res.label, f"{res.product} is a {res.product_kind}, not a spare.")
        who = self.person.employee_id
        if not who:
            return refused(res.label, "Scan the person's badge (or type a name) first.")
        return self._issue(res, who, self.person.chosen.text(), source)

    def _issue(self, res: Resolution, who: str, name: str, source: str) -> Step:
        qty = self.quantity.take()  # this scan's quantity; the next one starts at 1
        try:
            view, mv = yield from self.posted(Issue(res.ref, qty, person=who, source=source))
        except InventoryError:
            self.quantity.give_back(qty)
            raise
        self.basket.add(Line(res.ref, res.product, qty, status=DONE, movement=mv,
                             message=f"to {name}, {view.quantity} left at {view.location}",
                             kind="product", source=source))
        return ok(f"{res.product} × {qty} · issued to {name}",
                  f"{view.quantity} left at {view.location}.")

    def set_quantity(self, n: int) -> Outcome:
        self.quantity.setValue(n)
        return info(f"Quantity {n}", "Now scan the spare.")

    def undo_last(self) -> Answer:
        lines = self.basket.lines
        if not lines or lines[-1].status != DONE:
            return info("Nothing to undo", "No issue to take back.")
        return self._undo(len(lines) - 1)

    def _undo(self, row: int) -> Step:
        line = self.basket.lines[row]
        out = yield from self.undo_movement(line.movement, f"{line.item} × {line.quantity}")
        self.basket.update(row, status=UNDONE, message="returned to stock")
        return out

    def cancel(self) -> Outcome:
        self.person.clear()
        self.quantity.setValue(1)
        return info("Ready for the next person", self.hint)
