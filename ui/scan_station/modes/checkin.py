"""Check-in: scan each device coming back; good ones go to stock, damaged ones to repair."""

from __future__ import annotations

from PySide6.QtWidgets import QButtonGroup, QHBoxLayout, QLabel, QRadioButton, QVBoxLayout

from inventory.commands import CheckIn
from inventory.errors import InventoryError
from inventory.services.resolve import Resolution

from ..basket import DONE, UNDONE, BasketModel, BasketView, Line
from ..feedback import Outcome, info, ok, refused
from ..jobs import Answer, Step
from ..parsing import Parsed
from .base import Context, Mode, buttons


class CheckinMode(Mode):
    name = "checkin"
    title = "Check-in"
    action = "check_out"
    hint = "Set the condition, then scan each device coming back."

    def __init__(self, ctx: Context, parent=None) -> None:
        super().__init__(ctx, parent)
        self.good = QRadioButton("&Good — back to stock")
        self.damaged = QRadioButton("&Damaged — to repair")
        self.good.setChecked(True)
        group = QButtonGroup(self)
        group.addButton(self.good)
        group.addButton(self.damaged)
        self._damaged = False  # the condition taken for the scan in progress
        self.basket = BasketModel(self)
        row = QHBoxLayout()
        row.addWidget(QLabel("Condition of the next device:"))
        row.addWidget(self.good)
        row.addWidget(self.damaged)
        row.addStretch(1)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addLayout(row)
        lay.addWidget(BasketView(self.basket), 1)
        lay.addLayout(buttons(self, ("Undo last check-in  (Ctrl+Z)", "undo_last"),
                              ("Clear list  (Esc)", "cancel")))

    def begin_scan(self) -> None:
        # The condition belongs to this scan: taken before its lookup, so a click on
        # "Damaged" while it is on the worker is for the next device.
        self._damaged = self.damaged.isChecked()
        self.good.setChecked(True)  # damaged is the exception: ask again for the next one

    def _give_back(self) -> None:
        """The scan was refused: the condition chosen for it stands for the next one."""
        if self._damaged and self.good.isChecked():
            self.damaged.setChecked(True)

    def on_scan(self, parsed: Parsed, res: Resolution, source: str) -> Answer:
        if res.kind != "asset":
            self._give_back()
            if res.kind == "product" and res.product_kind in ("spare", "consumable"):
                return refused(res.label, "Spares coming back are counted back in (Count, "
                                          "F6) or returned under Spares & stock.")
            return self.wrong_kind(res, "asset tags or serials")
        return self._check_in(res, source)

    def _check_in(self, res: Resolution, source: str) -> Step:
        damaged = self._damaged
        try:
            view, mv = yield from self.posted(CheckIn(res.ref, damaged=damaged,
                                                      source=source))
        except InventoryError:
            self._give_back()
            raise
        came_from = f" (returned by {res.holder})" if res.holder else ""
        where = view.location or "stock"
        state = "damaged, to repair" if damaged else "in stock"
        self.basket.add(Line(res.ref, f"{res.ref} · {res.product}", status=DONE,
                             message=f"{state} at {where}{came_from}", movement=mv,
                             source=source))
        title = f"{res.ref} · {res.product} · checked in"
        return ok(title, f"{'Damaged: sent to' if damaged else 'Back in stock at'} "
                         f"{where}{came_from}.")

    def undo_last(self) -> Answer:
        lines = self.basket.lines
        if not lines or lines[-1].status != DONE:
            return info("Nothing to undo", "No check-in to take back.")
        return self._undo(len(lines) - 1)

    def _undo(self, row: int) -> Step:
        out = yield from self.undo_movement(self.basket.lines[row].movement,
                                            self.basket.lines[row].item)
        self.basket.update(row, status=UNDONE, message="")
        return out

    def cancel(self) -> Outcome:
        self.basket.clear()
        self.good.setChecked(True)
        return info("List cleared", self.hint)
