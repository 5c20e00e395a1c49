"""Transfer: from one place to another (site ↔ 3PL / MSP goes through in-transit), and
confirming a shipment's arrival by scanning its number."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QFormLayout, QLabel, QVBoxLayout

from inventory.commands import ConfirmArrival, Transfer
from inventory.errors import InventoryError
from inventory.services import station
from inventory.services.resolve import Resolution

from ...models.format import count
from ..basket import DONE, FAILED, READY, UNDONE, BasketModel, BasketView, Line
from ..feedback import Outcome, info, ok, refused
from ..jobs import Answer, Step, read
from ..parsing import Parsed
from ..widgets import QuantityBox
from .base import Context, Mode, buttons


class TransferMode(Mode):
    name = "transfer"
    title = "Transfer"
    action = "receive"
    hint = ("Scan the From and To location labels (or pick them), then the items; "
            "scan a shipment number to confirm its arrival.")

    def __init__(self, ctx: Context, parent=None) -> None:
        super().__init__(ctx, parent)
        self.source = QComboBox(objectName="transferFrom")
        self.dest = QComboBox(objectName="transferTo")
        self.quantity = QuantityBox()
        self.basket = BasketModel(self)
        self.note = QLabel()
        form = QFormLayout()
        form.addRow("&From", self.source)
        form.addRow("T&o", self.dest)
        form.addRow("&Quantity of next spare", self.quantity)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addLayout(form)
        lay.addWidget(self.note)
        lay.addWidget(BasketView(self.basket), 1)
        lay.addLayout(buttons(self, ("Send  (Ctrl+Enter)", "confirm"),
                              ("Undo last scan  (Ctrl+Z)", "undo_last"),
                              ("Clear  (Esc)", "cancel")))
        self._loaded = False
        self.source.currentIndexChanged.connect(self._update_note)
        self.dest.currentIndexChanged.connect(self._update_note)

    def activated(self) -> Step | None:
        return None if self._loaded else self.refresh()

    def refresh(self) -> Step:
        places = yield from read(station.places)
        for box in (self.source, self.dest):
            keep = box.currentData()
            box.blockSignals(True)
            box.clear()
            box.addItem("— scan or pick —", None)
            for code, label in places:
                box.addItem(label, code)
            box.setCurrentIndex(max(box.findData(keep), 0) if keep else 0)
            box.blockSignals(False)
        self._loaded = True
        self._update_note()
        return None

    def _update_note(self) -> None:
        src, dst = self.source.currentData(), self.dest.currentData()
        if not (src and dst):
            self.note.setText("")  # the hint is in the panel above: shown once
        elif src == dst:
            self.note.setText("From and To are the same place: pick another destination.")
        else:
            def show(in_transit: bool) -> None:
                if (self.source.currentData(), self.dest.currentData()) == (src, dst):
                    self.note.setText(
                        "Travels as a shipment: in transit until its number is scanned at "
                        "the destination." if in_transit else "Within one site: moved at once.")

            self.ctx.runner.run(station.goes_in_transit, src, dst, done=show,
                                failed=lambda _e: None, key=f"transfer-note-{id(self)}")

    def _set(self, box: QComboBox, code: str) -> Step:
        if not self._loaded:
            yield from self.refresh()
        i = box.findData(code)
        if i >= 0:
            box.setCurrentIndex(i)
        return None

    # -- scans --------------------------------------------------------------
    def on_scan(self, parsed: Parsed, res: Resolution, source: str) -> Answer:
        if res.kind == "shipment":
            return self._arrived(res, source)
        if res.kind == "location":
            return self._location(res)
        self._new_after_send()
        src = self.source.currentData()
        if not src:
            if res.known:
                return refused(res.label, "Scan the From location label first.")
            return refused(res.label, res.reason)
        if res.kind == "asset":
            return self._asset(res, src, source)
        if res.kind == "product":
            return self._product(res, src, source)
        return self.wrong_kind(res, "location labels, assets, spares and shipment numbers")

    def _arrived(self, res: Resolution, source: str) -> Step:
        view, _ = yield from self.posted(ConfirmArrival(res.ref, source=source))
        self.basket.add(Line(view.number, f"{view.number} · {view.source} → "
                                 f"{view.destination}", status=DONE, kind="note",
                                 message=f"arrived, {count(view.lines, 'line')}",
                                 source=source))
        return ok(f"{view.number} · arrived at {view.destination}",
                  f"{count(view.lines, 'line')} from {view.source}: now in stock there.")

    def _new_after_send(self) -> bool:
        if self.basket.lines and not self.basket.rows_with(READY):
            self.basket.clear()
            return True
        return False

    def _location(self, res: Resolution) -> Step:
        if self.source.currentData() is None or (
                self.dest.currentData() is not None and not self.basket.rows_with(READY)):
            yield from self._set(self.source, res.ref)
            self.dest.setCurrentIndex(0)
            return ok(f"From {res.location}", "Now scan the To location label.")
        if res.ref == self.source.currentData():
            return refused(res.label, "That is the From location; scan where it goes.")
        yield from self._set(self.dest, res.ref)
        return ok(f"To {res.location}", "Now scan the assets and spares to send.")

    def _asset(self, res: Resolution, src: str, source: str) -> Outcome:
        if res.status != "in_stock":
            held = f" to {res.holder}" if res.holder else ""
            return refused(res.label, f"{res.ref} is {(res.status or '').replace('_', ' ')}"
                                      f"{held}; only devices in stock can be transferred.")
        if res.location_code != src:
            return refused(res.label, f"Wrong location: {res.ref} is at {res.location}, not "
                                      f"at {self.source.currentText()}. Transfer it from "
                                      "where it is.")
        if self.basket.find(res.ref) is not None:
            return refused(res.label, f"{res.ref} is already in this transfer.")
        self.basket.add(Line(res.ref, f"{res.ref} · {res.product}", source=source))
        return ok(res.label, self._next())

    def _product(self, res: Resolution, src: str, source: str) -> Answer:
        if res.product_kind not in ("spare", "consumable"):
            return refused(res.label, f"{res.product} is tracked by serial: scan each asset "
                                      "tag." if res.product_kind == "device"
                           else f"{res.product} is not stock that moves.")
        return self._add_spare(res, src, source)

    def _add_spare(self, res: Resolution, src: str, source: str) -> Step:
        qty = self.quantity.take()
        have = yield from read(station.stock_at, res.ref, src)
        row = self.basket.find(res.ref)
        want = qty + (self.basket.lines[row].quantity if row is not None else 0)
        if have < want:
            return refused(res.label, f"Only {have} × {res.product} at "
                                      f"{self.source.currentText()}; cannot send {want}.")
        if row is not None:
            self.basket.update(row, quantity=want)
        else:
            self.basket.add(Line(res.ref, res.product, qty, kind="product", source=source))
        return ok(f"{res.product} × {want}", self._next())

    def _next(self) -> str:
        n = len(self.basket.rows_with(READY))
        if not self.dest.currentData():
            return f"{n} in this transfer. Scan the To location label."
        return f"{n} in this transfer. Scan more, or DONE / Ctrl+Enter to send."

    def set_quantity(self, n: int) -> Outcome:
        self.quantity.setValue(n)
        return info(f"Quantity {n}", "For the next spare scanned.")

    # -- actions --------------------------------------------------------------
    def confirm(self) -> Answer:
        rows = self.basket.rows_with(READY)
        if not rows:
            return refused("Nothing to send", "Scan the assets and spares first.")
        src, dst = self.source.currentData(), self.dest.currentData()
        if not (src and dst):
            return refused("Where to?", "Scan (or pick) both the From and To locations.")
        return self._send(rows, src, dst)

    def _send(self, rows: list[int], src: str, dst: str) -> Step:
        lines = [self.basket.lines[r] for r in rows]
        items = [(ln.key, ln.quantity) for ln in lines if ln.kind == "product"]
        tags = [ln.key for ln in lines if ln.kind == "asset"]
        try:
            result = yield from self.execute(Transfer(src, dst, items=tuple(items),
                                                      asset_tags=tuple(tags),
                                                      source_kind=lines[-1].source))
        except InventoryError as e:
            for r in rows:
                self.basket.update(r, status=FAILED, message="not sent")
            return refused("Transfer refused; nothing was sent", str(e))
        # The service posts the spares first, then the devices, one movement each. A
        # shipment is undone by sending the goods back, so its lines keep no movement.
        view = result.view[0]
        posted = [] if view.number else list(result.movement_ids)
        order = [r for r in rows if self.basket.lines[r].kind == "product"] + \
                [r for r in rows if self.basket.lines[r].kind == "asset"]
        for i, r in enumerate(order):
            mv = posted[i] if i < len(posted) else None
            self.basket.update(r, status=DONE, movement=mv,
                               message=f"in transit ({view.number})" if view.number
                               else f"at {view.destination}")
        if view.number:
            return ok(f"Shipment {view.number}: {count(len(rows), 'line')} in transit",
                      f"From {view.source} to {view.destination}. Scan {view.number} there "
                      "to confirm arrival.")
        return ok(f"Moved {count(len(rows), 'line')} to {view.destination}",
                  f"From {view.source}.")

    def undo_last(self) -> Answer:
        lines = self.basket.lines
        if not lines:
            return info("Nothing to undo", "Nothing scanned yet.")
        last = lines[-1]
        if last.status == READY:
            self.basket.pop()
            return info(f"Removed {last.item}", self._next())
        if last.status == DONE and last.movement:
            return self._undo(len(lines) - 1)
        return refused(f"Cannot undo {last.item}", "Goods in transit come back by "
                       "transferring them back once they arrive.")

    def _undo(self, row: int) -> Step:
        line = self.basket.lines[row]
        out = yield from self.undo_movement(line.movement, line.item)
        self.basket.update(row, status=UNDONE, message="moved back")
        return out

    def cancel(self) -> Outcome:
        self.basket.clear()
        self.source.setCurrentIndex(0)
        self.dest.setCurrentIndex(0)
        self.quantity.setValue(1)
        return info("Transfer cleared", self.hint)
