"""Count: a blind stocktake. Scan the location label, then everything present; DONE shows
the variance (missing, unexpected, quantity differences); a manager approves it and the
adjustments are posted. The book is never shown while counting."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from inventory.commands import (
    ApproveCount,
    CancelCount,
    CountScan,
    RemoveCountEntry,
    StartCount,
)
from inventory.errors import InventoryError
from inventory.roles import ROLE_LABELS, allowed
from inventory.services import counting
from inventory.services.resolve import Resolution

from ...models.format import count
from ..basket import DONE, UNDONE, BasketModel, BasketView, Line
from ..feedback import Outcome, info, ok, refused
from ..jobs import Answer, Step, read
from ..parsing import Parsed
from ..widgets import QuantityBox
from .base import PRIMARY_STYLE, Context, Mode, buttons, heading

_ROW_COLOUR = {"missing": "#f8d7da", "unexpected": "#fff3cd"}


class CountMode(Mode):
    name = "count"
    title = "Count"
    action = "receive"
    hint = "Scan the location label, then everything on it; DONE shows the variance."

    def __init__(self, ctx: Context, parent=None) -> None:
        super().__init__(ctx, parent)
        self.count_id: int | None = None
        self.location = ""
        self.location_code = ""
        self.variance: counting.Variance | None = None
        self.header = heading("No count running: scan the location label.")
        self.quantity = QuantityBox()
        self.basket = BasketModel(self)
        self.table = QTableWidget(0, 5)
        self.table.setObjectName("countVariance")
        self.table.setHorizontalHeaderLabels(["Item", "Book", "Counted", "Difference", "Note"])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(False)
        h = self.table.horizontalHeader()
        h.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        h.setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        self.table.setVisible(False)
        self.reason = QLineEdit(objectName="countReason")
        self.reason.setPlaceholderText("Why the book changes, e.g. quarterly stocktake")
        self.approve_button = QPushButton("&Approve and post adjustments")
        self.approve_button.setObjectName("count_approve")
        self.approve_button.setStyleSheet(PRIMARY_STYLE)
        self.approve_button.clicked.connect(lambda: self.requested.emit("approve"))
        self.may_approve = allowed(ctx.operator.role, "adjust")
        who = ROLE_LABELS.get(ctx.operator.role, ctx.operator.role)
        self.approve_note = QLabel("" if self.may_approve else
                                   f"A manager approves counts (you are {who}): ask one to "
                                   "scan this location at their desk and approve.")
        self.approve_note.setWordWrap(True)
        self.approve_note.setVisible(not self.may_approve)
        form = QFormLayout()
        form.addRow("&Quantity of next spare", self.quantity)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.header)
        lay.addLayout(form)
        lay.addWidget(BasketView(self.basket), 1)
        lay.addWidget(self.table, 1)
        approve = QHBoxLayout()
        approve.addWidget(QLabel("&Reason"))
        approve.itemAt(0).widget().setBuddy(self.reason)
        approve.addWidget(self.reason, 1)
        approve.addWidget(self.approve_button)
        lay.addLayout(approve)
        lay.addWidget(self.approve_note)
        lay.addLayout(buttons(self, ("Review variance  (Ctrl+Enter)", "confirm"),
                              ("Undo last scan  (Ctrl+Z)", "undo_last"),
                              ("Leave count open  (Esc)", "cancel"),
                              ("Cancel this count", "abandon")))
        self._show()

    def _show(self) -> None:
        running = self.count_id is not None
        if running:
            n = len(self.basket.rows_with(DONE))
            self.header.setText(f"Counting {self.location} · {count(n, 'scan')}")
        else:
            self.header.setText("No count running: scan the location label.")
        self.approve_button.setEnabled(running and self.variance is not None
                                       and self.may_approve)
        self.reason.setEnabled(running and self.may_approve)

    def title_for(self, res: Resolution) -> str:
        # Blind: never show the book (status, location, stock) while counting.
        if res.kind == "asset":
            return f"{res.ref} · {res.product}"
        if res.kind == "product":
            return res.product or res.code
        return res.label

    # -- scans ------------------------------------------------------------------
    def on_scan(self, parsed: Parsed, res: Resolution, source: str) -> Answer:
        if res.kind == "location":
            return self._location(res)
        if self.count_id is None:
            if res.known:
                return refused(self.title_for(res), "Scan the location label first.")
            return refused(res.label, res.reason)
        if res.kind not in ("asset", "product", "unknown"):
            return self.wrong_kind(res, "the location label, then assets and spares")
        return self._counted(self.count_id, parsed, res, source)

    def _counted(self, count_id: int, parsed: Parsed, res: Resolution, source: str) -> Step:
        qty = self.quantity.take()  # this scan's quantity; the next one starts at 1
        try:
            seen, _ = yield from self.posted(CountScan(count_id, parsed.code or res.code, qty,
                                                       gtin=parsed.gtin, serial=parsed.serial,
                                                       source=source))
        except InventoryError:
            self.quantity.give_back(qty)
            raise
        self.basket.add(Line(seen.asset or seen.product, seen.label, seen.quantity,
                             status=DONE, entry=seen.entry_id, kind="asset" if seen.asset
                             else "product", source=source))
        self._forget_variance()
        return ok(seen.label, f"Counted at {self.location}. Scan the next item, or DONE "
                              "when the shelf is done.")

    def _location(self, res: Resolution) -> Answer:
        if self.count_id is not None:
            if res.ref == self.location_code:
                return info(f"Counting {self.location}", "Carry on scanning.")
            return refused(res.label, f"The count of {self.location} is running. Review it "
                                      "(DONE) and leave it (Esc) before counting another "
                                      "place.")
        return self._start(res)

    def _start(self, res: Resolution) -> Step:
        cid = yield from read(counting.open_count, res.ref)
        resumed = cid is not None
        if cid is None:
            cid, _ = yield from self.posted(StartCount(res.ref))
        view = yield from read(counting.count_view, cid)
        self.count_id, self.location, self.location_code = cid, view.location, res.ref
        self.basket.clear()
        self._forget_variance()
        self.reason.setText(f"Stocktake of {view.location}")
        if resumed:
            return ok(f"Counting {view.location}",
                      f"Continuing the open count ({count(view.scans, 'scan')} so far). Scan "
                      "everything on it.")
        return ok(f"Counting {view.location}",
                  "Blind count: scan everything on it, DONE when finished.")

    def set_quantity(self, n: int) -> Outcome:
        self.quantity.setValue(n)
        return info(f"Quantity {n}", "For the next spare scanned.")

    # -- variance and approval -----------------------------------------------------
    def _forget_variance(self) -> None:
        self.variance = None
        self.table.setVisible(False)
        self._show()

    def confirm(self) -> Answer:
        if self.count_id is None:
            return refused("No count running", "Scan the location label to start one.")
        return self._review(self.count_id)

    def _review(self, count_id: int) -> Step:
        v = yield from read(counting.variance, self.ctx.store, count_id)
        self.variance = v
        self._fill(v)
        self._show()
        if v.ok:
            return ok(f"{v.location}: the shelf matches the book",
                      f"{count(v.matched_assets, 'device')} and "
                      f"{count(v.matched_products, 'product')} as expected. Approve to close "
                      "the count.")
        devices = [ln for ln in v.lines if ln.asset]
        missing = sum(1 for ln in devices if ln.kind == "missing")
        extra = len(devices) - missing
        qty = len(v.differences)
        return info(f"{v.location}: {count(len(v.lines), 'difference')} with the book",
                    f"Devices: {missing} missing, {extra} unexpected. Quantities: "
                    f"{count(qty, 'product')} differ{'s' if qty == 1 else ''}. "
                    + ("Check the list, then approve to post the adjustments."
                       if self.may_approve else "A manager approves the adjustments."))

    def _fill(self, v: counting.Variance) -> None:
        self.table.setRowCount(len(v.lines))
        for r, ln in enumerate(v.lines):
            item = f"{ln.asset} · {ln.product}" if ln.asset else ln.product
            values = (item, ln.book, ln.counted, f"{ln.difference:+d}", f"{ln.kind}: {ln.note}")
            for c, value in enumerate(values):
                cell = QTableWidgetItem(str(value))
                if c in (1, 2, 3):
                    cell.setTextAlignment(Qt.AlignmentFlag.AlignRight
                                          | Qt.AlignmentFlag.AlignVCenter)
                cell.setBackground(QBrush(QColor(_ROW_COLOUR[ln.kind])))
                self.table.setItem(r, c, cell)
        self.table.setVisible(True)

    def approve(self) -> Answer:
        if self.count_id is None:
            return refused("No count running", "Scan the location label to start one.")
        if self.variance is None:
            return refused("Review the variance first", "DONE or Ctrl+Enter shows it.")
        return self._approve(self.count_id, self.reason.text())

    def _approve(self, count_id: int, reason: str) -> Step:
        done, _ = yield from self.posted(ApproveCount(count_id, reason))
        parts = []
        if done.lost:
            parts.append(f"lost: {', '.join(done.lost)}")
        if done.moved:
            parts.append(f"moved here: {', '.join(done.moved)}")
        for product, change in done.adjusted.items():
            parts.append(f"{product} {change:+d}")
        self._close()
        return ok(f"Count of {done.location} approved · {count(done.movements, 'adjustment')}",
                  "; ".join(parts) or "Nothing to adjust.")

    def _close(self) -> None:
        self.count_id, self.location, self.location_code = None, "", ""
        self.basket.clear()
        self._forget_variance()

    def undo_last(self) -> Answer:
        lines = self.basket.lines
        if self.count_id is None or not lines or lines[-1].status != DONE:
            return info("Nothing to undo", "No scan in this count to take back.")
        return self._undo(self.count_id, len(lines) - 1)

    def _undo(self, count_id: int, row: int) -> Step:
        last = self.basket.lines[row]
        yield from self.posted(RemoveCountEntry(count_id, last.entry))
        self.basket.update(row, status=UNDONE, message="not counted")
        self._forget_variance()
        return info(f"Removed {last.item}", "That scan no longer counts.")

    def cancel(self) -> Outcome:
        if self.count_id is None:
            return info("No count running", self.hint)
        where = self.location
        self._close()
        return info(f"Left the count of {where} open",
                    "Scan its location label again to carry on.")

    def abandon(self) -> Answer:
        if self.count_id is None:
            return info("No count running", self.hint)
        return self._abandon(self.count_id)

    def _abandon(self, count_id: int) -> Step:
        yield from self.posted(CancelCount(count_id))
        where = self.location
        self._close()
        return info(f"Count of {where} cancelled", "Nothing was posted.")
