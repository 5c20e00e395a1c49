"""Purchase orders: draft, placed, partly received, received; totals and lines."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import platformdirs
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from inventory.commands import CancelOrder, PlaceOrder
from inventory.queries import lookups
from inventory.queries import orders as q
from inventory.queries.common import TableQuery
from inventory.vocab import PO_STATUSES

from .. import order_documents as docs
from ..dialogs.orders import OrderDialog
from ..models.format import count, fmt_date, fmt_int, fmt_money
from ..style import status_label
from .base import FilterDef, TablePage


def ask_place(parent: QWidget, question: str, info: str) -> bool:
    box = QMessageBox(QMessageBox.Icon.Question, "Place purchase order", question,
                      parent=parent)
    box.setInformativeText(info)
    yes = box.addButton("Place order", QMessageBox.ButtonRole.AcceptRole)
    box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(yes)
    box.exec()
    return box.clickedButton() is yes


def _status_choices():
    return [("Open orders", "open"), ("All orders", None)] + [
        (status_label(s), s) for s in PO_STATUSES]


def _supplier_choices():
    return [("All suppliers", None)] + [(c.label, c.id) for c in lookups.suppliers()]


class OrdersPage(TablePage):
    key = "orders"
    title = "Purchase orders"
    subtitle = "What was ordered, from whom, and what has arrived"
    search_placeholder = "Search order number, supplier, product"
    noun = ("order", "orders")
    stretch_column = "supplier"
    key_columns = ("number", "supplier")
    hide_order = ("ship_to", "created_at", "lines", "received", "expected_at", "total")
    detail_placeholder = "Select an order to see its lines."
    kinds = ("orders", "stock", "assets")
    filters = (
        FilterDef("status", "Status", _status_choices, 130),
        FilterDef("supplier", "Supplier", _supplier_choices, 150),
    )

    def make_query(self) -> TableQuery:
        return q.OrderTable()

    def primary_actions(self):
        self.act_new = self.action("New order…", "plus", self.new_order, "Ctrl+N",
                                   primary=True)
        return [self.act_new]

    def make_actions(self):
        self.act_edit = self.action("Edit draft…", "settings", self.edit, "Ctrl+E",
                                    "Change lines, quantities, prices, delivery location")
        self.act_place = self.action("Place…", "check", self.place, "",
                                     "Order it from the supplier (asks first)")
        self.act_receive = self.action("Receive…", "scan", self.receive, "",
                                       "Receive this order at the scan station")
        self.act_mail = self.action("Email…", "upload", self.email, "",
                                    "Open a mail to the supplier, with the PDF to attach")
        self.act_pdf = self.action("Save PDF…", "printer", self.save_pdf, "",
                                   "The order as a PDF document")
        self.act_csv = self.action("Save CSV…", "upload", self.save_csv, "",
                                   "The order's lines as a spreadsheet file")
        self.act_cancel = self.action("Cancel order", "close", self.cancel)
        return [self.act_edit, self.act_place, self.act_receive, self.act_mail, self.act_pdf,
                self.act_csv, self.act_cancel]

    def overflow_actions(self):
        return [self.act_mail, self.act_pdf, self.act_csv, self.act_cancel]

    # Where "Email…" puts the PDF it asks the mail client to send.
    mail_folder = Path(platformdirs.user_documents_dir()) / "Stockroom" / docs.ORDERS_FOLDER

    def _status(self) -> str | None:
        item = self.current_id()
        row = self.model.row_of(item) if item is not None else None
        values = self.model.row_values(row) if row is not None else None
        return values[self.model.column_of("status")] if values else None

    def update_actions(self) -> None:
        one = len(self.selected_ids()) == 1
        status = self._status() if one else None
        self.set_enabled(self.act_edit, status == "draft", "select a draft order", "receive")
        self.set_enabled(self.act_place, status == "draft", "select a draft order", "receive")
        for act in (self.act_mail, self.act_pdf, self.act_csv):
            self.set_enabled(act, one and status is not None, "select one order", "view")
        self.set_enabled(self.act_receive, status in ("ordered", "partly_received"),
                         "select a placed order", "receive")
        self.set_enabled(self.act_cancel, status in ("draft", "ordered"),
                         "only draft or placed orders can be cancelled", "receive")
        self.set_enabled(self.act_new, True, "", "receive")

    def _number(self) -> str | None:
        item = self.current_id()
        return q.number_of(item) if item is not None else None

    def edit(self) -> None:
        item = self.current_id()
        d = q.detail(item) if item is not None and self.act_edit.isEnabled() else None
        if d is not None:
            self.open_dialog(OrderDialog(self.ctx, self, detail=d), self.after_dialog)

    def place(self, confirm: Callable[[QWidget, str, str], bool] | None = None) -> None:
        item = self.current_id()
        d = q.detail(item) if item is not None and self.act_place.isEnabled() else None
        if d is None:
            return
        lines = count(len(d.lines), "line")
        question = f"Place {d.number} with {d.supplier}?"
        info = (f"{lines}, {fmt_money(d.total)}, delivered to {d.ship_to}. Once placed it is "
                "on order: it can no longer be edited, only received or cancelled.")
        if not (confirm or ask_place)(self, question, info):
            return
        self.write(PlaceOrder(d.number),
                   success=lambda v: f"{v.number} placed with {v.supplier}; expected "
                                     f"{fmt_date(v.expected_at)}. Send it: More ▸ Email…")

    def _export(self, writer, path: Path, done_text: Callable[[Path], str]) -> None:
        number = self._number()
        if number is None:
            return
        self.ctx.runner.run(writer, self.ctx.db, number, path,
                            done=lambda p: self.messages.show_success(done_text(p)),
                            failed=lambda exc: self.messages.show_error(str(exc)))

    def save_pdf(self, path: str | None = None) -> None:
        self._save(docs.write_pdf, "Save the order as PDF", "pdf", "PDF (*.pdf)", path)

    def save_csv(self, path: str | None = None) -> None:
        self._save(docs.write_csv, "Save the order's lines", "csv", "CSV (*.csv)", path)

    def _save(self, writer, title: str, suffix: str, kinds: str, path: str | None) -> None:
        if (number := self._number()) is None:
            return
        path = path or QFileDialog.getSaveFileName(self, title, f"{number}.{suffix}",
                                                   kinds)[0]
        if path:
            self._export(writer, Path(path), lambda p: f"Saved {p}")

    def email(self, opener=None) -> None:
        number = self._number()
        if number is None:
            return

        def ready(result) -> None:
            url, pdf = result
            if docs.open_mail(url, pdf, opener):
                self.messages.show_success(f"Mail to the supplier opened; attach {pdf} "
                                           "(its folder is open).")
            else:
                self.messages.show_info(f"No mail program answered. The PDF is {pdf}: "
                                        "attach it to a mail to the supplier.")

        self.ctx.runner.run(docs.prepare_mail, self.ctx.db, number, self.mail_folder,
                            done=ready, failed=lambda exc: self.messages.show_error(str(exc)))

    def cancel(self) -> None:
        if (number := self._number()) and self.act_cancel.isEnabled():
            self.write(CancelOrder(number), success=lambda v: f"{v.number} cancelled.")

    def receive(self) -> None:
        if (number := self._number()) is not None:
            self.navigate.emit("scan", {"mode": "receive", "order": number})

    def new_order(self) -> None:
        self.open_dialog(OrderDialog(self.ctx, self), self._after_new)

    def _after_new(self, dialog) -> None:
        self.after_dialog(dialog)
        if dialog.result_value:
            self.set_filter_value("status", "open")
            self.search.setText(dialog.result_value)
            self.search.flush()
            if self.model.ids():
                self.select_id(self.model.ids()[0])

    def activated(self) -> None:
        if self.act_receive.isEnabled():
            self.receive()

    def apply_link(self, filters: dict) -> None:
        for name in ("status", "supplier"):
            if name in filters:
                self.set_filter_value(name, filters[name])
        if "search" in filters:
            self.search.setText(filters["search"])
            self.search.flush()
        if "number" in filters:  # one order (a link from the reorder list's approval)
            self.search.setText(filters["number"])
            self.search.flush()
            item = q.id_of(filters["number"])
            if item is not None:
                self.select_id(item)

    def show_detail(self, item_id: int) -> None:
        d = q.detail(item_id)
        if d is None:
            self.detail.clear("This order no longer exists.")
            return
        p = self.detail
        p.begin(d.number, d.supplier, d.status)
        p.field("Deliver to", d.ship_to)
        p.field("Created", f"{fmt_date(d.created_at)}" + (f" by {d.created_by}"
                                                            if d.created_by else ""))
        if d.ordered_at:
            p.field("Ordered", fmt_date(d.ordered_at))
        if d.expected_at and d.status in ("ordered", "partly_received"):
            from inventory.clock import utcnow

            late = d.expected_at < utcnow()
            p.field("Expected", fmt_date(d.expected_at) + (" (late)" if late else ""),
                    "danger" if late else None)
        if d.received_at:
            p.field("Received", fmt_date(d.received_at))
        p.field("Supplier email", d.supplier_email)
        p.field("Total", fmt_money(d.total))
        if d.note:
            p.field("Note", d.note)
        p.section(f"Lines ({len(d.lines)})")
        rows = [(ln.product, fmt_int(ln.quantity), fmt_int(ln.received),
                 fmt_money(ln.unit_price), fmt_money(ln.total)) for ln in d.lines]
        p.table(["Product", "Ordered", "Received", "Price", "Line total"], rows,
                numeric=(1, 2, 3, 4), stretch=0)
        p.finish()
