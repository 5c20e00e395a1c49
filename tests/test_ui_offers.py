"""Supplier offers in the window: created with a new product (one unit of work), added,
edited and removed from the product's detail pane and from the product dialog."""

from __future__ import annotations

from decimal import Decimal

import peewee as pw
from PySide6.QtWidgets import QPushButton

from inventory import models as m
from inventory.queries.offers import for_product
from ui.dialogs.offers import OfferDialog
from ui.dialogs.stock import ProductDialog
from ui.views.stock import StockPage
from ui.widgets.detail import MiniTable

from .ui_support import IGNORE_OFFSCREEN, detail_text, settle, show_page

pytestmark = IGNORE_OFFSCREEN


def offers_of(product_id: int) -> dict[str, m.SupplierOffer]:
    return {o.supplier.name: o for o in m.SupplierOffer.select().where(
        m.SupplierOffer.product == product_id)}


def spare_with_two_offers() -> m.Product:
    return (m.Product.select().join(m.SupplierOffer).where(m.Product.kind == "spare")
            .group_by(m.Product.id).having(pw.fn.COUNT(m.SupplierOffer.id) == 2)
            .order_by(m.Product.id).first())


def opened(qtbot, dialog):
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_a_new_product_with_an_offer_gets_a_reorder_point(qtbot, ctx):
    page = show_page(qtbot, ctx, StockPage)
    qtbot.waitUntil(page.model.query.has_reorder_figures, timeout=10000)
    d = opened(qtbot, ProductDialog(ctx, "spare", parent=page))
    d.name.setText("USB-C dock 8-port")
    d.part.setText("DOCK-8P")
    d.minimum.setText("4")
    d.offer.supplier.setCurrentIndex(1)
    supplier = d.offer.supplier.currentText()
    d.offer.price.setText("-5")
    d.click_ok()
    ctx.ops.wait()
    assert d.isVisible() and "cannot be negative" in d.field_error("unit_price")
    assert not m.Product.select().where(m.Product.part_number == "DOCK-8P").exists()
    d.offer.price.setText("129.00")
    d.offer.lead.setValue(6)
    d.offer.pack.setValue(2)
    d.click_ok()
    ctx.ops.wait()
    assert not d.isVisible()
    product = m.Product.get(m.Product.part_number == "DOCK-8P")
    (offer,) = offers_of(product.id).values()
    assert (offer.supplier.name, offer.unit_price, offer.lead_time_days, offer.pack_size,
            offer.preferred) == (supplier, Decimal("129.00"), 6, 2, True)
    assert "offered by" in d.result_message
    page.load_reorder_figures()
    settle(page)
    page.search.setText("DOCK-8P")
    page.search.flush()
    settle(page)
    assert page.select_id(product.id)
    qtbot.waitUntil(lambda: "Reorder point" in detail_text(page), timeout=5000)
    shown = detail_text(page)
    assert "4 (manual minimum)" in shown and "No supplier offer" not in shown
    assert supplier in shown


def test_an_offer_refused_by_the_database_leaves_no_product_behind(qtbot, ctx):
    d = opened(qtbot, ProductDialog(ctx, "spare"))
    d.name.setText("Cable tie pack")
    d.offer.supplier.setCurrentIndex(1)
    d.offer.price.setText("99999999999")  # beyond the price limit: the service refuses
    d.click_ok()
    ctx.ops.wait()
    assert d.isVisible() and "between 0 and" in d.field_error("unit_price")
    assert not m.Product.select().where(m.Product.name == "Cable tie pack").exists()


def test_edit_and_remove_offers_from_the_detail_pane(qtbot, ctx):
    product = spare_with_two_offers()
    page = show_page(qtbot, ctx, StockPage)
    page.search.setText(product.part_number)
    page.search.flush()
    settle(page)
    assert page.select_id(product.id)
    qtbot.waitUntil(lambda: page.detail.title_text == product.name, timeout=5000)
    body = page.detail.widget()
    edit = body.findChild(QPushButton, "offerEdit")
    remove = body.findChild(QPushButton, "offerRemove")
    assert edit is not None and not edit.isEnabled()  # two offers: pick one first
    (table,) = [t for t in body.findChildren(MiniTable)
                if t.horizontalHeaderItem(0).text() == "Supplier"]
    table.selectRow(1)
    assert edit.isEnabled()
    edit.click()
    dialog = page.dialog
    assert isinstance(dialog, OfferDialog) and not dialog.supplier.isEnabled()
    name = dialog.offer.supplier
    dialog.price.setText("seven")
    dialog.click_ok()
    assert dialog.isVisible() and "Type a number" in dialog.field_error("unit_price")
    dialog.price.setText("7.25")
    dialog.minimum.setValue(12)
    dialog.click_ok()
    ctx.ops.wait()
    qtbot.waitUntil(lambda: page.dialog is None, timeout=2000)
    assert (offers_of(product.id)[name].unit_price, offers_of(product.id)[name].min_order) \
        == (Decimal("7.25"), 12)
    assert f"{name}'s offer" in page.messages.text()

    qtbot.waitUntil(lambda: page.detail.widget().findChild(QPushButton, "offerRemove")
                    is not None and page.detail.widget() is not body, timeout=5000)
    offer_rows = for_product(product.id)
    page.remove_offer(page._detail(), offer_rows[0], confirm=lambda *_: False)
    ctx.ops.wait()
    assert len(offers_of(product.id)) == 2  # asked, and the answer was no
    page.remove_offer(page._detail(), offer_rows[0], confirm=lambda *_: True)
    ctx.ops.wait()
    assert set(offers_of(product.id)) == {offer_rows[1].supplier}
    assert offers_of(product.id)[offer_rows[1].supplier].preferred
    assert remove is not None


def test_the_product_dialog_edits_the_products_offers(qtbot, ctx):
    product = spare_with_two_offers()
    values = {"name": product.name, "kind": product.kind, "part_number": product.part_number,
              "gtin": product.gtin, "unit_cost": product.unit_cost,
              "manufacturer": product.manufacturer, "category": product.category}
    d = opened(qtbot, ProductDialog(ctx, product.kind, product.id, values))
    editor = d.offers
    assert editor.table.rowCount() == 2
    assert editor.table.height() >= editor.table.horizontalHeader().height() * 3
    editor.table.selectRow(0)
    first = editor.current()
    editor.remove(confirm=lambda *_: True)
    ctx.ops.wait()
    assert editor.table.rowCount() == 1 and first.supplier not in offers_of(product.id)
    editor.add()
    add = editor.dialog
    add.supplier.set_code(first.supplier)
    add.price.setText("10.10")
    add.click_ok()
    ctx.ops.wait()
    qtbot.waitUntil(lambda: editor.table.rowCount() == 2, timeout=2000)
    assert offers_of(product.id)[first.supplier].unit_price == Decimal("10.10")
    assert "added" in editor.message
