"""Edit device covers what a person would correct: model, serial, where an in-stock device
stands (a move kept in the ledger), cost, purchase date, supplier, order number, warranty,
notes; the books still prove out afterwards. The check-out dialog proposes the station's
loan period as its due date."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from inventory import clock
from inventory import models as m
from inventory.queries import devices as q
from inventory.services.verify import verify
from ui.dialogs.assets import CheckOutDialog, EditDeviceDialog

from .ui_support import IGNORE_OFFSCREEN

pytestmark = IGNORE_OFFSCREEN


def open_edit(qtbot, ctx, asset: m.Asset) -> EditDeviceDialog:
    d = EditDeviceDialog(ctx, q.detail(asset.id))
    qtbot.addWidget(d)
    d.show()
    return d


def test_edit_device_changes_every_field_a_person_would_correct(qtbot, ctx, demo_db):
    a = (m.Asset.select().where((m.Asset.status == "in_stock") & m.Asset.order_line.is_null())
         .order_by(m.Asset.id).first())
    other_model = (m.Product.select().where((m.Product.kind == "device")
                                            & (m.Product.id != a.product_id) & m.Product.active)
                   .order_by(m.Product.id).first())
    other_place = (m.Location.select().where((m.Location.kind == "stockroom")
                                             & (m.Location.id != a.location_id)
                                             & m.Location.active).order_by(m.Location.id).first())
    supplier = m.Supplier.select().order_by(m.Supplier.id).first()
    moves_before = m.Movement.select().where(m.Movement.asset == a.id).count()
    d = open_edit(qtbot, ctx, a)
    d.product.set_code(other_model.gtin or other_model.part_number or other_model.name)
    d.location.set_code(other_place.code)
    d.cost.setText("1234.50")
    d.bought.set_value(clock.today() - timedelta(days=40))
    d.supplier.set_code(supplier.name)
    d.order.setText("INV-77-ABC")
    d.warranty.set_value(clock.today() + timedelta(days=700))
    d.notes.setPlainText("Box kept in the loft")
    d.click_ok()
    ctx.ops.wait()
    assert d.result() == d.DialogCode.Accepted, d.form_error.text()
    b = m.Asset.get_by_id(a.id)
    assert b.product_id == other_model.id and b.manufacturer == other_model.manufacturer
    assert b.location_id == other_place.id and b.status == "in_stock"
    assert b.purchase_cost == Decimal("1234.50")
    assert b.purchase_date == clock.today() - timedelta(days=40)
    assert b.supplier_id == supplier.id and b.order_reference == "INV-77-ABC"
    assert b.warranty_end == clock.today() + timedelta(days=700)
    assert b.notes == "Box kept in the loft"
    # The new place is one move in the ledger, so the books still agree.
    assert m.Movement.select().where(m.Movement.asset == a.id).count() == moves_before + 1
    assert verify(demo_db).ok
    shown = q.detail(a.id)
    assert shown.supplier == supplier.name and shown.order_number == "INV-77-ABC"


def test_an_order_number_of_ours_links_the_device_to_that_order(qtbot, ctx):
    line = (m.PurchaseOrderLine.select().join(m.Product)
            .where(m.Product.kind == "device").order_by(m.PurchaseOrderLine.id).first())
    a = (m.Asset.select().where((m.Asset.product == line.product_id)
                                & ((m.Asset.order_line != line.id)
                                   | m.Asset.order_line.is_null()))
         .order_by(m.Asset.id).first())
    number = line.order.number
    d = open_edit(qtbot, ctx, a)
    d.order.setText(number)
    d.click_ok()
    ctx.ops.wait()
    assert m.Asset.get_by_id(a.id).order_line_id == line.id
    assert q.detail(a.id).order_number == number and q.detail(a.id).order_linked


def test_a_deployed_device_has_no_place_field_and_bad_input_changes_nothing(qtbot, ctx):
    a = m.Asset.select().where(m.Asset.status == "deployed").order_by(m.Asset.id).first()
    d = open_edit(qtbot, ctx, a)
    assert d.location is None  # where it is follows its holder: check it in to move it
    d.cost.setText("twelve")
    d.bought.set_value(clock.today() + timedelta(days=3))
    d.click_ok()
    assert "number" in d.field_error("cost")
    assert "future" in d.field_error("bought")
    assert m.Asset.get_by_id(a.id).purchase_cost == a.purchase_cost


def test_check_out_proposes_the_stations_loan_period(qtbot, ctx, ui_settings):
    ui_settings.set_loan_days(21)
    a = m.Asset.select().where(m.Asset.status == "in_stock").order_by(m.Asset.id).first()
    d = CheckOutDialog(ctx, [a.tag])
    qtbot.addWidget(d)
    d.due.check.setChecked(True)
    assert d.due.value() == clock.today() + timedelta(days=21)
