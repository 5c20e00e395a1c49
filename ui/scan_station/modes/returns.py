"""Return all: scan a leaver's badge (someone who has left too), scan each device back
(tick Damaged before a scan for one in poor condition) and any spares, then DONE: the
devices are checked in, the seats released, in one transaction. Whatever is not handed
back stays on their return list (the dashboard lists it after the leaving date)."""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QFormLayout, QHBoxLayout, QLabel, QVBoxLayout

from inventory.queries.requests import return_list
from inventory.services.resolve import Resolution
from inventory.shop_commands import ReturnAll

from ...models.format import fmt_date
from ..basket import DONE, READY, BasketModel, BasketView, Line
from ..feedback import Outcome, info, ok, refused
from ..jobs import Answer, Step, read
from ..parsing import Parsed
from ..widgets import PersonPicker
from .base import Context, Mode, buttons


class ReturnMode(Mode):
    name = "returns"
    title = "Return all"
    action = "check_out"
    hint = "Scan the person's badge, then each device and spare they hand back; DONE."

    def __init__(self, ctx: Context, parent=None) -> None:
        super().__init__(ctx, parent)
        self.person = PersonPicker(ctx.runner)
        self.person.edit.setObjectName("returnPerson")
        self.person.picked.connect(lambda eid, label: self.job.emit(
            lambda: self._load(eid, label)))
        self.damaged = QCheckBox("Next device is &damaged (goes to repair)")
        self.summary = QLabel("")
        self.summary.setWordWrap(True)
        self.basket = BasketModel(self)
        form = QFormLayout()
        form.addRow("Returned &by", self.person)
        row = QHBoxLayout()
        row.addWidget(self.damaged)
        row.addStretch(1)
        form.addRow("", row)
        form.addRow("", self.summary)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addLayout(form)
        lay.addWidget(BasketView(self.basket), 1)
        lay.addLayout(buttons(self, ("Confirm  (DONE)", "confirm"),
                              ("Undo scan  (Ctrl+Z)", "undo_last"),
                              ("Next  (Esc)", "cancel")))
        self.employee_id = ""
        self.name = ""
        self.returned: list[tuple[str, bool]] = []  # (tag, damaged)
        self.spares: dict[str, int] = {}
        self.items: tuple = ()
        self.source = "manual"

    def on_scan(self, parsed: Parsed, res: Resolution, source: str) -> Answer:
        self.source = source
        if res.kind == "person":  # someone who has left may still hand things back
            name = res.label.split(" · ")[0]
            self.person.set_person(res.ref, f"{name} ({res.ref})", quiet=True)
            return self._load(res.ref, name)
        if not self.employee_id:
            return refused(res.label, "Scan the person's badge first.")
        if res.kind == "asset":
            row = self.basket.find(res.ref)
            if row is None:
                done = self.basket.find(res.ref, DONE)
                why = ("is scanned already" if done is not None else
                       f"is not on {self.name}'s return list")
                return refused(res.label, f"{res.ref} {why}.")
            damaged = self.damaged.isChecked()
            self.damaged.setChecked(False)
            self.returned.append((res.ref, damaged))
            self.basket.update(row, status=DONE,
                               message="back, damaged: to repair" if damaged else "back")
            return ok(f"{res.ref} · back" + (" (damaged)" if damaged else ""), self._left())
        if res.kind == "product" and res.product_kind in ("spare", "consumable"):
            row = self.basket.find(f"spare:{res.product}")
            if row is None:
                return refused(res.label, f"No {res.product} is on {self.name}'s return list.")
            line = self.basket.lines[row]
            got = self.spares.get(res.ref, 0) + 1
            if got > line.quantity:
                return refused(res.label, f"{self.name} had {line.quantity} × {res.product}.")
            self.spares[res.ref] = got
            self.basket.update(row, message=f"{got} of {line.quantity} back")
            return ok(f"{res.product} × 1 · back", self._left())
        return self.wrong_kind(res, "a badge, then the devices and spares handed back")

    def _load(self, employee_id: str, name: str) -> Step:
        rl = yield from read(return_list, employee_id)
        self.employee_id, self.name = employee_id, rl.person
        self.returned, self.spares, self.items = [], {}, rl.items
        self.basket.clear()
        for it in rl.items:
            if it.kind == "device":
                self.basket.add(Line(it.code, f"{it.code} {it.what}", 1, status=READY,
                                     message="to return"))
            elif it.kind == "spare":
                self.basket.add(Line(f"spare:{it.what}", it.what, it.quantity, status=READY,
                                     message="to return", kind="product"))
            else:
                self.basket.add(Line(f"seat:{it.what}", f"Seat of {it.what}", 1,
                                     status=READY, message="released on confirm",
                                     kind="note"))
        when = (f"leaves on {fmt_date(rl.leaves_on)}" if rl.leaves_on and rl.active else
                f"left on {fmt_date(rl.leaves_on)}" if rl.leaves_on else "no leaving date")
        self.summary.setText(f"{rl.person} ({rl.employee_id}), {when}: "
                             f"{len(rl.items)} item{'s' if len(rl.items) != 1 else ''} to "
                             "return")
        if not rl.items:
            return ok(f"{rl.person} holds nothing", "Nothing to return.")
        return ok(f"{rl.person}: {len(rl.items)} item{'s' if len(rl.items) != 1 else ''} to "
                  "return", "Scan each device and spare as it is handed back, then DONE.")

    def _left(self) -> str:
        waiting = [ln for ln in self.basket.lines if ln.status == READY and ln.kind != "note"]
        return (f"{len(waiting)} still to come; DONE when that is all." if waiting else
                "Everything is back: DONE (Ctrl+Enter) to confirm.")

    def confirm(self) -> Answer:
        if not self.employee_id:
            return refused("Nobody to take back from", "Scan the person's badge first.")
        return self._post()

    def _post(self) -> Step:
        cmd = ReturnAll(self.employee_id, returned=tuple(self.returned),
                        spares=tuple(self.spares.items()), source=self.source)
        result = yield from self.execute(cmd)
        rl = result.view[0]
        back = len(self.returned) + sum(self.spares.values())
        left = (f"Still outstanding: {', '.join(it.describe() for it in rl.items)}."
                if rl.items else "Nothing is outstanding.")
        name = self.name
        self._reset()
        return ok(f"{back} item{'s' if back != 1 else ''} back from {name}; seats released",
                  left)

    def undo_last(self) -> Outcome:
        if not self.returned:
            return info("Nothing to take back", "No device scanned back yet.")
        tag, _ = self.returned.pop()
        row = self.basket.find(tag, DONE)
        if row is not None:
            self.basket.update(row, status=READY, message="to return")
        return info(f"Not returned after all: {tag}", self._left())

    def cancel(self) -> Outcome:
        self._reset()
        return info("Ready for the next person", self.hint)

    def _reset(self) -> None:
        self.person.clear()
        self.employee_id, self.name, self.returned, self.spares = "", "", [], {}
        self.summary.setText("")
        self.damaged.setChecked(False)
        self.basket.clear()
