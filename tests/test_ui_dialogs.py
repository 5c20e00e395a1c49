"""Create / edit dialogs: bad input is refused with the message beside the field it is
about, the dialog stays open, and nothing changes in the database."""

from __future__ import annotations

import pytest

from inventory import models as m
from ui.dialogs.licenses import LicenseDialog
from ui.dialogs.orders import OrderDialog
from ui.dialogs.people import PersonDialog
from ui.dialogs.places import LocationDialog
from ui.dialogs.stock import ProductDialog

from .ui_support import IGNORE_OFFSCREEN, scan

pytestmark = IGNORE_OFFSCREEN

TABLES = (m.Person, m.Product, m.Location, m.License, m.PurchaseOrder, m.Movement)


def counts() -> dict:
    return {t.__name__: t.select().count() for t in TABLES}


@pytest.fixture
def open_dialog(qtbot):
    def make(dialog):
        qtbot.addWidget(dialog)
        dialog.show()
        return dialog
    return make


def test_new_person_refuses_bad_input_beside_each_field(ctx, open_dialog):
    before = counts()
    d = open_dialog(PersonDialog(ctx))
    d.email.setText("not-an-address")
    d.click_ok()
    d.ctx.ops.wait()
    assert d.isVisible()
    assert d.field_error("name") == "Type the person's name."
    assert "employee id is needed" in d.field_error("employee_id")
    assert "not an email address" in d.field_error("email")
    assert d.widget("email").property("invalid") is True
    # The service refuses a duplicate badge: shown beside the employee id.
    d.name.setText("New Starter")
    d.employee_id.setText(m.Person.select().first().employee_id)
    d.email.setText("new.starter@example.com")
    d.click_ok()
    d.ctx.ops.wait()
    assert d.isVisible()
    assert "already used" in d.field_error("employee_id")
    assert not d.field_error("name") and not d.field_error("email")
    assert counts() == before
    # Fixed: accepted, one person more.
    d.employee_id.setText("E99999")
    d.click_ok()
    d.ctx.ops.wait()
    assert not d.isVisible()
    assert m.Person.get(m.Person.employee_id == "E99999").name == "New Starter"


def test_new_product_refuses_a_bad_gtin_and_a_bad_cost(ctx, open_dialog):
    before = counts()
    d = open_dialog(ProductDialog(ctx))
    d.name.setText("USB-C charger 140 W")
    d.gtin.setText("4006381333932")  # check digit wrong (…931 is right)
    d.cost.setText("twelve")
    d.click_ok()
    d.ctx.ops.wait()
    assert "check digit is wrong" in d.field_error("gtin")
    assert "Type a number" in d.field_error("unit_cost")
    assert not d.field_error("name")
    assert counts() == before
    d.gtin.setText(m.Product.select().where(m.Product.gtin.is_null(False)).first().gtin)
    d.cost.setText("59.90")
    d.click_ok()
    d.ctx.ops.wait()
    assert "already belongs" in d.field_error("gtin")
    assert counts() == before
    # A scanned box barcode lands in the GTIN field.
    d.accept_scan(scan("4006381333931"))
    assert d.gtin.text() == "4006381333931"
    d.click_ok()
    d.ctx.ops.wait()
    assert not d.isVisible()
    from decimal import Decimal

    assert m.Product.get(m.Product.name == "USB-C charger 140 W").unit_cost == Decimal("59.90")


def test_new_location_refuses_a_used_code(ctx, open_dialog):
    before = counts()
    d = open_dialog(LocationDialog(ctx))
    d.name.setText("Shelf B1")
    d.code.setText("LOC HQ B1")
    d.click_ok()
    d.ctx.ops.wait()
    assert "No spaces" in d.field_error("code")
    d.code.setText("LOC-HQ-SR")
    d.click_ok()
    d.ctx.ops.wait()
    assert "already used" in d.field_error("code")
    d.kind.setCurrentIndex(d.kind.findData("3pl"))
    d.code.setText("LOC-3PL-NEW")
    d.click_ok()
    d.ctx.ops.wait()
    assert "Name the company" in d.field_error("partner")
    assert counts() == before


def test_new_license_and_new_order_refuse_incomplete_input(ctx, open_dialog):
    before = counts()
    lic = open_dialog(LicenseDialog(ctx))
    lic.cost.setText("-3")
    lic.click_ok()
    lic.ctx.ops.wait()
    assert "Name the license" in lic.field_error("product")
    assert "cannot be negative" in lic.field_error("cost")
    order = open_dialog(OrderDialog(ctx))
    order.editor.rows[0][0].setText("A product nobody sells")
    order.click_ok()
    order.ctx.ops.wait()
    assert "Pick who the order goes to" in order.field_error("supplier")
    assert "Not in the catalogue" in order.field_error("lines")
    assert counts() == before
    # Filled in properly, the order is created as a draft.
    order.supplier.setCurrentIndex(1)
    order.ship_to.set_code("LOC-3PL-NW")
    order.editor.rows[0][0].setText(order.editor.products[0].label)
    order.click_ok()
    order.ctx.ops.wait()
    assert not order.isVisible()
    assert m.PurchaseOrder.select().count() == before["PurchaseOrder"] + 1


def test_check_out_to_a_leaver_says_what_the_scan_station_says(ctx, open_dialog, qtbot):
    from ui.dialogs.assets import CheckOutDialog

    from .ui_scan_support import Station

    gone = m.Person.select().where(~m.Person.active).order_by(m.Person.id).first()
    tag = m.Asset.select().where(m.Asset.status == "in_stock").order_by(m.Asset.id).first().tag
    before = counts()
    d = open_dialog(CheckOutDialog(ctx, [tag]))
    d.person.setText(gone.employee_id)
    d.click_ok()
    assert d.isVisible()
    station = Station(qtbot, ctx.db)
    out = station.scan(gone.employee_id)
    assert not out.accepted
    assert d.field_error("person") == out.detail
    assert d.field_error("person") == f"{gone.name} ({gone.employee_id}) has left; items " \
                                      "cannot be issued to them."
    assert counts() == before
