"""Receive against a purchase order: pick or scan the order, scan GTINs and serials (a GS1
label gives both at once), quantities for spares. Every scan is booked at once, so the
order lines and the stock move as you go; each new device gets its asset tag."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from inventory.commands import Receive
from inventory.errors import InventoryError
from inventory.services import receiving, station
from inventory.services.resolve import Resolution

from ...models.format import count
from ..basket import DONE, UNDONE, BasketModel, BasketView, Line
from ..feedback import Outcome, info, ok, refused
from ..jobs import Answer, Step, read
from ..parsing import Parsed
from ..widgets import QuantityBox
from .base import Context, Mode, buttons


class ReceiveMode(Mode):
    name = "receive"
    title = "Receive"
    action = "receive"
    hint = "Scan or pick the purchase order, then the GTINs, serials and quantities."

    def __init__(self, ctx: Context, parent=None) -> None:
        super().__init__(ctx, parent)
        self.sheet: station.OrderSheet | None = None
        self.device: Resolution | None = None  # waiting for serials of this product
        self.orders = QComboBox()
        self.orders.setObjectName("receiveOrder")
        self.orders.setAccessibleName("Purchase order")
        self.orders.activated.connect(self._picked)
        self.quantity = QuantityBox()
        self.expecting = QLabel()
        self.lines = QTableWidget(0, 5)
        self.lines.setHorizontalHeaderLabels(["Product", "Kind", "Ordered", "Received",
                                              "Still to come"])
        self.lines.verticalHeader().hide()
        self.lines.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.lines.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.lines.setMaximumHeight(150)
        self.basket = BasketModel(self)
        form = QFormLayout()
        form.addRow("Purchase &order", self.orders)
        form.addRow("&Quantity of next spare", self.quantity)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addLayout(form)
        lay.addWidget(self.lines)
        lay.addWidget(self.expecting)
        lay.addWidget(BasketView(self.basket), 1)
        lay.addLayout(buttons(self, ("Undo last receipt  (Ctrl+Z)", "undo_last"),
                              ("Finish order  (Esc)", "cancel")))
        self._loaded = False
        self._show_sheet()

    # -- order --------------------------------------------------------------
    def activated(self) -> Step | None:
        return None if self._loaded else self.refresh()

    def refresh(self) -> Step:
        orders = yield from read(station.open_orders)
        current = self.sheet.number if self.sheet else None
        sheet = (yield from read(station.order_sheet, current)) if current else None
        self._fill_orders(orders, sheet)
        return None

    def _fill_orders(self, orders: list[tuple[str, str]], sheet: station.OrderSheet | None
                     ) -> None:
        self.orders.blockSignals(True)
        self.orders.clear()
        self.orders.addItem("— scan or pick an order —", None)
        for number, label in orders:
            self.orders.addItem(label, number)
        if sheet is not None:
            i = self.orders.findData(sheet.number)
            if i < 0:
                self.orders.addItem(f"{sheet.number} · {sheet.status.replace('_', ' ')}",
                                    sheet.number)
                i = self.orders.count() - 1
            self.orders.setCurrentIndex(i)
            self.sheet = sheet
        self.orders.blockSignals(False)
        self._loaded = True
        self._show_sheet()

    def _picked(self, index: int) -> None:
        number = self.orders.itemData(index)
        if number:
            self.job.emit(lambda: self.select(number))

    def select(self, number: str) -> Step:
        sheet = yield from read(station.order_sheet, number)
        if sheet.status not in station.RECEIVABLE:
            return refused(f"{sheet.number} · {sheet.supplier}",
                           f"It is {sheet.status.replace('_', ' ')}; only ordered purchase "
                           "orders can be received.")
        self.sheet, self.device = sheet, None
        if not self._loaded:
            self._fill_orders((yield from read(station.open_orders)), sheet)
        i = self.orders.findData(number)
        if i >= 0:
            self.orders.setCurrentIndex(i)
        self._show_sheet()
        left = sum(ln.remaining for ln in sheet.lines)
        return ok(f"{sheet.number} · {sheet.supplier}",
                  f"{count(left, 'item')} still to come, to {sheet.ship_to_name}. Scan GTINs and "
                  "serials.")

    def _show_sheet(self) -> None:
        lines = self.sheet.lines if self.sheet else []
        self.lines.setRowCount(len(lines))
        for r, ln in enumerate(lines):
            for c, v in enumerate((ln.product, ln.kind, ln.ordered, ln.received, ln.remaining)):
                item = QTableWidgetItem(str(v))
                self.lines.setItem(r, c, item)
        if self.device:
            self.expecting.setText(f"Scanning serials of {self.device.product} — each scan "
                                   "is one device.")
        else:
            self.expecting.setText("Scan a GTIN, a GS1 label, or a serial after its GTIN.")

    # -- scans ----------------------------------------------------------------
    def on_scan(self, parsed: Parsed, res: Resolution, source: str) -> Answer:
        if res.kind == "order":
            return self.select(res.ref)
        if self.sheet is None:
            if res.known:
                return refused(res.label, "Scan or pick the purchase order first.")
            return refused(res.label, res.reason + " (No purchase order picked yet.)")
        if res.kind == "product":
            if res.product_kind == "device":
                if res.serial:
                    return self._device(res.ref, res.product, res.serial, source)
                self.device = res
                self._show_sheet()
                return ok(res.label, f"Now scan the serial of each {res.product}.")
            if res.product_kind in ("spare", "consumable"):
                return self._quantity(res, source)
            return refused(res.label, "Licenses are added under Licenses.")
        if res.kind == "asset":
            return refused(res.label, f"Serial {res.serial} is already asset {res.ref}. "
                                      "Scan the next device, or look that asset up.")
        if res.kind == "unknown" and self.device is not None and parsed.kind == "plain" \
                and parsed.code:
            return self._device(self.device.ref, self.device.product, parsed.code, source)
        if res.kind == "unknown":
            return refused(res.label, res.reason + " To receive a device, scan its GTIN "
                                                   "first, then its serial.")
        return self.wrong_kind(res, "an order, GTINs and serials")

    def _receive(self, product: str, qty: int, serials: list[str], source: str):
        """Book one receipt, then read the order sheet again (both on the worker)."""
        sheet = self.sheet
        assert sheet is not None
        line = receiving.ReceiptLine(product, qty, serials)
        view, mv = yield from self.posted(Receive(sheet.ship_to, (line,), order=sheet.number,
                                                  source=source))
        self.sheet = yield from read(station.order_sheet, sheet.number)
        self._show_sheet()
        return view, mv

    def _progress(self, product: str) -> str:
        assert self.sheet is not None
        for ln in self.sheet.lines:
            if ln.product == product:
                return f"{self.sheet.number}: {ln.received} of {ln.ordered} received"
        return self.sheet.number

    def _device(self, ref: str, product: str, serial: str, source: str) -> Step:
        view, mv = yield from self._receive(ref, 1, [serial], source)
        tag = view.assets[0]
        self.basket.add(Line(tag, f"{tag} · {product} · {serial}", status=DONE, movement=mv,
                             message="new asset tag", source=source))
        return ok(f"{tag} · {product} · serial {serial}",
                  f"New asset tag {tag} (print its label later). {self._progress(product)}.")

    def _quantity(self, res: Resolution, source: str) -> Step:
        qty = self.quantity.take()  # this scan's quantity; the next one starts at 1
        try:
            _, mv = yield from self._receive(res.ref, qty, [], source)
        except InventoryError:
            self.quantity.give_back(qty)
            raise
        self.device = None
        self._show_sheet()
        self.basket.add(Line(res.ref, res.product, qty, status=DONE, movement=mv,
                             kind="product", source=source))
        assert self.sheet is not None
        stock = yield from read(station.stock_at, res.ref, self.sheet.ship_to)
        return ok(f"{res.product} × {qty} received",
                  f"{self._progress(res.product)}; {stock} now at {self.sheet.ship_to_name}.")

    def set_quantity(self, n: int) -> Outcome:
        self.quantity.setValue(n)
        return info(f"Quantity {n}", "For the next spare scanned.")

    def undo_last(self) -> Answer:
        lines = self.basket.lines
        if not lines or lines[-1].status != DONE:
            return info("Nothing to undo", "No receipt to take back.")
        return self._undo(len(lines) - 1)

    def _undo(self, row: int) -> Step:
        last = self.basket.lines[row]
        out = yield from self.undo_movement(last.movement, f"{last.item} × {last.quantity}")
        self.basket.update(row, status=UNDONE, message="taken off the order")
        if self.sheet:
            self.sheet = yield from read(station.order_sheet, self.sheet.number)
            self._show_sheet()
        return out

    def cancel(self) -> Outcome:
        self.sheet, self.device = None, None
        self.basket.clear()
        self.quantity.setValue(1)
        self.orders.setCurrentIndex(0)
        self._show_sheet()
        return info("Order finished", self.hint)
