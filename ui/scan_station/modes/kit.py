"""Kit: scan the badge (a reserved request is offered: "Aisha Park has 1 request ready"),
scan the kit's label or pick it, scan each item. The basket shows what the kit still
expects and refuses what does not belong; DONE hands it all out in one transaction (the
devices checked out, the spares issued, the seats assigned, the request fulfilled)."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QFormLayout, QLabel, QVBoxLayout

from inventory.kits import KitFill
from inventory.queries.requests import ReadyRequest, item_choices, kit_fill, ready_requests
from inventory.services.find import left_message
from inventory.services.resolve import Resolution
from inventory.shop_commands import IssueKit

from ..basket import DONE, READY, BasketModel, BasketView, Line
from ..feedback import Outcome, info, ok, refused
from ..jobs import Answer, Step, read
from ..parsing import Parsed
from ..widgets import PersonPicker
from .base import Context, Mode, buttons


def _short(held: str) -> str:
    """A reservation in a few words: a device's tag, a quantity, a seat."""
    if held[:1].isdigit():
        return held.split(" at ")[0] if " × " in held else held
    return held.split(" ", 1)[0]


class KitMode(Mode):
    name = "kit"
    title = "Kit"
    action = "check_out"
    hint = "Scan the person's badge, then the kit's label (or pick it), then each item."

    def __init__(self, ctx: Context, parent=None) -> None:
        super().__init__(ctx, parent)
        self.person = PersonPicker(ctx.runner)
        self.person.edit.setObjectName("kitPerson")
        self.person.picked.connect(lambda eid, label: self.job.emit(
            lambda: self._for_person(eid, label)))
        self.kit_box = QComboBox()
        self.kit_box.setObjectName("kitChoice")
        self.kit_box.setAccessibleName("Kit")
        self.kit_box.activated.connect(lambda _i: self.job.emit(self._picked_kit))
        self.request_note = QLabel("")
        self.request_note.setWordWrap(True)
        self.request_note.setObjectName("kitRequest")
        self.basket = BasketModel(self)
        form = QFormLayout()
        form.addRow("Issue &to", self.person)
        form.addRow("K&it", self.kit_box)
        form.addRow("", self.request_note)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addLayout(form)
        lay.addWidget(BasketView(self.basket), 1)
        lay.addLayout(buttons(self, ("Hand out  (DONE)", "confirm"),
                              ("Undo scan  (Ctrl+Z)", "undo_last"),
                              ("Next  (Esc)", "cancel")))
        self.fill: KitFill | None = None
        self.kit_code = ""
        self.request: ReadyRequest | None = None
        self.scanned: list[tuple[str, int, str]] = []  # (tag or product ref, line, kind)
        self.source = "manual"

    # -- lists ------------------------------------------------------------------------

    def activated(self) -> Step:
        kits = yield from read(item_choices, ("kit",))
        current = self.kit_box.currentData()
        self.kit_box.clear()
        self.kit_box.addItem("Pick a kit, or scan its label", "")
        for c in kits:
            self.kit_box.addItem(c.label, c.code)
        if current:
            self.kit_box.setCurrentIndex(max(self.kit_box.findData(current), 0))
        return None

    def refresh(self) -> Step:
        return self.activated()

    # -- scans ------------------------------------------------------------------------

    def on_scan(self, parsed: Parsed, res: Resolution, source: str) -> Answer:
        self.source = source
        if res.kind == "person":
            if res.status == "left":
                return refused(res.label, left_message(res.label.split(" · ")[0], res.ref))
            name = res.label.split(" · ")[0]
            self.person.set_person(res.ref, f"{name} ({res.ref})", quiet=True)
            return self._for_person(res.ref, name)
        if res.kind == "kit":
            return self._set_kit(res.ref)
        if res.kind not in ("asset", "product"):
            return self.wrong_kind(res, "a badge, a kit's label and the kit's items")
        if self.fill is None:
            return refused(res.label, "Scan the kit's label (or pick the kit) first.")
        if res.kind == "asset":
            if res.unavailable and not self._reserved_here(res.ref):
                return refused(res.label, res.unavailable)
            if any(key == res.ref for key, _, _ in self.scanned):
                return refused(res.label, f"{res.ref} is in the basket already.")
            line = self.fill.place_named(res.product or "", what=f"{res.ref} ({res.product})")
            self.scanned.append((res.ref, line, "asset"))
            self._show_basket()
            return ok(f"{res.ref} · {res.product}", self._still())
        if res.product_kind not in ("spare", "consumable"):
            return refused(res.label, f"{res.product} is a {res.product_kind}: scan the "
                                      "device's own label (its asset tag).")
        line = self.fill.place_named(res.product or "", what=res.product or res.ref)
        self.scanned.append((res.ref, line, "spare"))
        self._show_basket()
        return ok(f"{res.product} × 1", self._still())

    def _for_person(self, employee_id: str, name: str) -> Step:
        ready = yield from read(ready_requests, employee_id)
        if not ready:
            self.request = None
            self.request_note.setText("No request waiting: any kit can be issued.")
            return ok(f"Issuing to {name}", "No request is ready for them. Scan the kit's "
                                            "label, or pick the kit.")
        first = ready[0]
        self.request = first
        fill = yield from read(kit_fill, first.item_code, first.quantity)
        self._start(first.item_code, fill)
        held = f" · reserved: {', '.join(_short(h) for h in first.held)}" if first.held else ""
        self.request_note.setText(f"{first.number} {first.state}{held}")
        n = len(ready)
        more = f" (and {n - 1} more)" if n > 1 else ""
        return ok(f"{name} has {n} request{'s' if n != 1 else ''} ready: "
                  f"{first.item}{more}",
                  "Scan the items (or DONE to hand out what is reserved).")

    def _picked_kit(self) -> Answer:
        code = self.kit_box.currentData()
        if not code:
            return None
        return self._set_kit(code)

    def _set_kit(self, code: str) -> Step:
        if self.request is not None and self.request.item_code != code:
            self.request = None
            self.request_note.setText("Not the kit of their request: issued as a new kit.")
        times = self.request.quantity if self.request is not None else 1
        fill = yield from read(kit_fill, code, times)
        self._start(code, fill)
        return ok(f"Kit: {fill.kit}", f"It expects {fill.expecting()}"
                  + (", and seats assigned on confirm." if fill.seats() else "."))

    def _start(self, code: str, fill: KitFill) -> None:
        self.kit_code, self.fill, self.scanned = code, fill, []
        i = self.kit_box.findData(code)
        if i >= 0:
            self.kit_box.setCurrentIndex(i)
        self._show_basket()

    def _reserved_here(self, tag: str) -> bool:
        return self.request is not None and any(h.split(" ", 1)[0] == tag
                                                for h in self.request.held)

    def _still(self) -> str:
        assert self.fill is not None
        left = self.fill.expecting()
        if left:
            return f"Still expected: {left}."
        return "Complete: DONE (Ctrl+Enter) hands it out."

    def _show_basket(self) -> None:
        """One row per kit line: what it expects, what was scanned for it."""
        self.basket.clear()
        if self.fill is None:
            return
        for i, ln in enumerate(self.fill.lines):
            got = [key for key, line, _ in self.scanned if line == i]
            if ln.kind == "license":
                status, message = READY, "seat on confirm"
            elif self.fill.filled[i] >= ln.need:
                status, message = DONE, ", ".join(got) or "scanned"
            else:
                left = ln.need - self.fill.filled[i]
                status = READY
                message = f"{left} to scan" + (f" ({', '.join(got)})" if got else "")
                if self.request is not None and self.request.held:
                    message += " or reserved"
            self.basket.add(Line(f"line{i}", f"{ln.need} × {ln.label}", self.fill.filled[i],
                                 status=status, message=message, kind="note"))

    # -- actions ----------------------------------------------------------------------

    def confirm(self) -> Answer:
        who = self.person.employee_id
        if not who:
            return refused("Nobody to issue to", "Scan the person's badge first.")
        if self.fill is None:
            return refused("No kit", "Scan the kit's label, or pick the kit.")
        if not self.fill.complete and self.request is None:
            return refused(f"{self.fill.kit} is not complete",
                           f"It still expects {self.fill.expecting()}.")
        return self._post(who)

    def _post(self, who: str) -> Step:
        assert self.fill is not None
        tags = tuple(key for key, _, kind in self.scanned if kind == "asset")
        spares: dict[str, int] = {}
        for key, _, kind in self.scanned:
            if kind == "spare":
                spares[key] = spares.get(key, 0) + 1
        cmd = IssueKit(who, item=self.kit_code,
                       request=self.request.number if self.request else None, tags=tags,
                       spares=tuple(spares.items()), source=self.source)
        result = yield from self.execute(cmd)
        view = result.view[0]
        self._reset()
        return ok(f"{view.kit} · handed to {view.person}", view.describe().split(": ", 1)[1]
                  + (f" · {view.request} fulfilled" if view.request else ""))

    def undo_last(self) -> Outcome:
        if not self.scanned or self.fill is None:
            return info("Nothing to take back", "No item scanned for this kit yet.")
        key, line, kind = self.scanned.pop()
        self.fill.remove(line)
        self._show_basket()
        return info(f"Taken out of the basket: {key}", self._still())

    def cancel(self) -> Outcome:
        self._reset()
        return info("Ready for the next person", self.hint)

    def _reset(self) -> None:
        self.person.clear()
        self.fill, self.kit_code, self.request, self.scanned = None, "", None, []
        self.request_note.setText("")
        self.kit_box.setCurrentIndex(0)
        self.basket.clear()
