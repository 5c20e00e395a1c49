"""Purchase orders in the window: a draft edited (lines, quantities, prices, delivery
location), placed after a confirmation, saved as PDF (a real document, read back with
Qt's PDF reader) and CSV, handed to the mail client; the orders an approval on the
reorder list made are linked from its message."""

from __future__ import annotations

import csv
from decimal import Decimal
from urllib.parse import parse_qs, unquote, urlparse

import pytest

from inventory import models as m
from inventory import operations
from inventory.commands import CreateOrder
from inventory.commands_admin import SaveLetterhead
from ui.dialogs.orders import OrderDialog
from ui.views.orders import OrdersPage

from .ui_support import IGNORE_OFFSCREEN, settle, show_page

pytestmark = IGNORE_OFFSCREEN


def offered(n: int) -> tuple[str, list[m.SupplierOffer]]:
    """A supplier with at least `n` offers, and n of them."""
    for sup in m.Supplier.select().order_by(m.Supplier.id):
        offers = list(m.SupplierOffer.select().where(m.SupplierOffer.supplier == sup.id)
                      .order_by(m.SupplierOffer.id).limit(n))
        if len(offers) == n:
            return sup.name, offers
    raise AssertionError("no supplier with enough offers in the demo")


def code(p: m.Product) -> str:
    return p.gtin or p.part_number or p.name


@pytest.fixture
def draft(ctx):
    """A new draft of two lines (found again by its number)."""
    supplier, offers = offered(3)
    ship = m.Location.get(m.Location.kind == "stockroom")
    view = operations.execute(ctx.db, ctx.operator, CreateOrder(
        supplier, ship.code, tuple((code(o.product), 5) for o in offers[:2]))).view
    return m.PurchaseOrder.get(m.PurchaseOrder.number == view.number), offers


def open_page(qtbot, ctx, po) -> OrdersPage:
    page = show_page(qtbot, ctx, OrdersPage)
    page.set_filter_value("status", "draft")
    settle(page)
    assert page.select_id(po.id)
    qtbot.waitUntil(lambda: page.detail.title_text == po.number, timeout=3000)
    return page


def lines_of(po) -> list[tuple[str, int, Decimal]]:
    return [(ln.product.name, ln.quantity, ln.unit_price) for ln in
            m.PurchaseOrderLine.select().where(m.PurchaseOrderLine.order == po.id)
            .order_by(m.PurchaseOrderLine.id)]


def test_edit_a_draft_lines_quantities_prices_and_delivery(qtbot, ctx, draft):
    po, offers = draft
    page = open_page(qtbot, ctx, po)
    assert page.act_edit.isEnabled()
    page.act_edit.trigger()
    d = page.dialog
    assert isinstance(d, OrderDialog) and not d.supplier.isEnabled()
    assert [r[1].value() for r in d.editor.rows] == [5, 5]
    first = d.editor.rows[0]
    first[1].setValue(12)
    first[2].setText("-1")
    d.click_ok()
    assert d.isVisible() and "cannot be negative" in d.field_error("lines")
    first[2].setText("19.99")
    d.editor.add_line(code(offers[0].product), 3)  # the same product twice
    d.click_ok()
    assert d.isVisible() and "on two lines" in d.field_error("lines")
    d.editor.remove_line(d.editor.rows[-1])
    d.editor.remove_line(d.editor.rows[1])  # the second product goes
    d.editor.add_line(code(offers[2].product), 7)  # a third comes, at its offer's price
    other = m.Location.select().where((m.Location.kind == "stockroom")
                                      & (m.Location.id != po.ship_to_id)).first()
    d.ship_to.set_code(other.code)
    before = lines_of(po)
    assert before == lines_of(po)  # nothing written yet
    d.click_ok()
    ctx.ops.wait()
    qtbot.waitUntil(lambda: page.dialog is None, timeout=2000)
    assert lines_of(po) == [(offers[0].product.name, 12, Decimal("19.99")),
                            (offers[2].product.name, 7, offers[2].unit_price)]
    assert m.PurchaseOrder.get_by_id(po.id).ship_to_id == other.id
    assert f"Draft {po.number} saved: 2 lines" in page.messages.text()


def test_a_placed_order_is_no_longer_edited(ctx, draft):
    from inventory.commands import EditOrder, PlaceOrder
    from inventory.errors import InvalidState

    po, offers = draft
    operations.execute(ctx.db, ctx.operator, PlaceOrder(po.number))
    with pytest.raises(InvalidState, match="only a draft can be changed"):
        operations.execute(ctx.db, ctx.operator, EditOrder(
            po.number, lines=((code(offers[0].product), 1, None),)))
    assert [q for _, q, _ in lines_of(po)] == [5, 5]


def test_place_asks_first(qtbot, ctx, draft):
    po, _ = draft
    page = open_page(qtbot, ctx, po)
    asked = []
    page.place(confirm=lambda _p, question, info: asked.append((question, info)) or False)
    ctx.ops.wait()
    assert m.PurchaseOrder.get_by_id(po.id).status == "draft"
    (question, info), = asked
    assert question.startswith(f"Place {po.number} with ") and "2 lines" in info
    assert "can no longer be edited" in info
    page.place(confirm=lambda *_: True)
    ctx.ops.wait()
    assert m.PurchaseOrder.get_by_id(po.id).status == "ordered"
    assert f"{po.number} placed" in page.messages.text()


def pdf_text(path) -> str:
    from PySide6.QtPdf import QPdfDocument

    doc = QPdfDocument()
    assert doc.load(str(path)) == QPdfDocument.Error.None_
    return "\n".join(doc.getAllText(i).text() for i in range(doc.pageCount()))


def test_the_pdf_is_a_document_with_letterhead_table_and_total(qtbot, ctx, draft, tmp_path):
    po, offers = draft
    operations.execute(ctx.db, ctx.operator, SaveLetterhead((
        ("company", "Northwind Traders IT"), ("address", "12 Harbour Road\nLeeds LS1 4AB"),
        ("email", "buying@northwind.example"), ("terms", "Payment 30 days net."))))
    page = open_page(qtbot, ctx, po)
    out = tmp_path / "po.pdf"
    page.save_pdf(str(out))
    settle(page)
    assert f"Saved {out}" in page.messages.text()
    text = pdf_text(out)
    for expected in ("Northwind Traders IT", "12 Harbour Road", "PURCHASE ORDER", po.number,
                     po.supplier.name, po.ship_to.name, "Description", "Unit price",
                     "Order total", "Payment 30 days net.", offers[0].product.name):
        assert expected in text, expected
    total = sum(q * p for _, q, p in lines_of(po))
    assert f"{total:,.2f}" in text


def test_csv_export_and_bad_path(qtbot, ctx, draft, tmp_path):
    po, _ = draft
    page = open_page(qtbot, ctx, po)
    out = tmp_path / "po.csv"
    page.save_csv(str(out))
    settle(page)
    with open(out, encoding="utf-8-sig") as f:  # with a BOM, for Excel
        rows = list(csv.reader(f))
    assert rows[0][:4] == ["supplier_part", "part_number", "product", "quantity"]
    assert [r[2] for r in rows[1:]] == [name for name, _, _ in lines_of(po)]
    page.save_pdf(str(tmp_path / "po.csv" / "inside-a-file.pdf"))
    settle(page)
    assert page.messages.kind == "error" and "Traceback" not in page.messages.text()


def test_email_opens_a_mail_to_the_supplier_naming_the_pdf(qtbot, ctx, draft, tmp_path):
    po, _ = draft
    page = open_page(qtbot, ctx, po)
    page.mail_folder = tmp_path / "outbox"
    opened = []
    page.email(opener=lambda url: opened.append(url.toString()) or True)
    settle(page)
    mail, folder = opened
    parts = urlparse(mail)
    assert parts.scheme == "mailto" and unquote(parts.path) == po.supplier.email
    query = parse_qs(parts.query)
    pdf = page.mail_folder / f"{po.number}.pdf"
    assert query["subject"] == [f"Purchase order {po.number}"]
    assert str(pdf) in query["body"][0] and pdf.read_bytes().startswith(b"%PDF-")
    assert folder == f"file://{page.mail_folder}"
    assert "attach" in page.messages.text()
    page.email(opener=lambda url: False)  # no mail program: say where the file is
    settle(page)
    assert str(pdf) in page.messages.text() and "No mail program" in page.messages.text()


def test_the_orders_an_approval_made_are_linked_from_its_message(qtbot, window):
    from inventory.replenishment.engine import BUY

    reorder = window.show_page("reorder")
    qtbot.waitUntil(lambda: any(ln.action == BUY for ln in reorder.visible_lines()),
                    timeout=20000)
    buys = [ln for ln in reorder.visible_lines() if ln.action == BUY][:2]
    reorder.selected_lines = lambda: buys
    reorder.approve_selected()
    window.ctx.ops.wait()
    qtbot.waitUntil(lambda: bool(reorder.approved), timeout=5000)
    made = reorder.approved[0].number
    assert f'href="order:{made}"' in reorder.status.text()
    reorder.status.linkActivated.emit(f"order:{made}")
    assert window.current_key == "orders"
    orders = window.show_page("orders")
    qtbot.waitUntil(lambda: orders.detail.title_text == made, timeout=5000)
