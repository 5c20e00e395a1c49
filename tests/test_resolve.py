"""What a scanned code is, looked up in the demo database: exact matches only."""

from __future__ import annotations

import pytest

from inventory import models as m
from inventory.operators import os_operator
from inventory.services import receiving
from inventory.services.resolve import KINDS, gtin_forms, resolve, search_people


@pytest.fixture
def demo(demo_db):
    return demo_db


def in_stock_asset() -> m.Asset:
    return (m.Asset.select().where(m.Asset.status == "in_stock")
            .order_by(m.Asset.id).first())


def test_asset_by_tag_shows_tag_model_and_status(demo):
    a = in_stock_asset()
    r = resolve(demo, a.tag)
    assert (r.kind, r.ref, r.status, r.holder) == ("asset", a.tag, "in_stock", None)
    assert r.label == f"{a.tag} · {a.product.name} · in stock at {a.location.name}"
    assert r.unavailable is None and r.known


def test_deployed_asset_names_holder_and_why_it_cannot_go_out(demo):
    a = m.Asset.select().where(m.Asset.status == "deployed").first()
    r = resolve(demo, a.tag)
    assert r.holder == a.holder.name
    assert r.label.endswith(f"deployed to {a.holder.name}")
    assert "already checked out to" in r.unavailable and a.holder.employee_id in r.unavailable


def test_asset_by_serial_and_surrounding_blanks(demo):
    a = in_stock_asset()
    assert resolve(demo, a.serial).ref == a.tag
    assert resolve(demo, f"  {a.tag}\n").ref == a.tag


def test_no_fuzzy_match(demo):
    a = in_stock_asset()
    for near in (a.tag.lower(), a.tag[:-1], a.tag + "0", a.serial[1:]):
        r = resolve(demo, near)
        assert r.kind == "unknown", near
        assert r.reason and not r.ref


def test_product_by_gtin_any_length_and_by_part_number(demo):
    p = m.Product.select().where((m.Product.kind == "spare") & m.Product.gtin.is_null(False)
                                 ).first()
    assert len(p.gtin) == 14
    for code in (p.gtin, p.gtin[1:], p.part_number):
        r = resolve(demo, code)
        assert (r.kind, r.ref, r.product) == ("product", p.gtin, p.name), code
        assert r.on_hand is not None and f"{r.on_hand} in stock" in r.label


def test_upc_stored_as_12_digits_found_from_ean13_and_gtin14(demo):
    upc = "036000291452"  # valid UPC-A
    m.Product.create(name="Label tape", kind="consumable", gtin=upc)
    assert set(gtin_forms("00" + upc)) >= {"00" + upc, "0" + upc, upc}
    for code in (upc, "0" + upc, "00" + upc):
        assert resolve(demo, code).product == "Label tape"


def test_person_location_order_shipment(demo):
    person = m.Person.select().where(m.Person.active).first()
    r = resolve(demo, person.employee_id)
    assert (r.kind, r.ref) == ("person", person.employee_id)
    assert person.name in r.label
    r = resolve(demo, "LOC-HQ-SR")
    assert (r.kind, r.ref, r.label) == ("location", "LOC-HQ-SR",
                                        "HQ stockroom · LOC-HQ-SR · stockroom")
    po = m.PurchaseOrder.select().where(m.PurchaseOrder.status == "ordered").first()
    r = resolve(demo, po.number)
    assert (r.kind, r.ref, r.status) == ("order", po.number, "ordered")
    assert r.location == po.ship_to.name
    sh = m.Shipment.select().first()
    r = resolve(demo, sh.number)
    assert (r.kind, r.ref, r.status) == ("shipment", sh.number, "in_transit")
    assert "→" in r.label


def test_person_who_left_is_still_recognised(demo):
    gone = m.Person.select().where(~m.Person.active).first()
    r = resolve(demo, gone.employee_id)
    assert r.kind == "person" and r.status == "left" and "has left" in r.label


def test_gs1_label_known_serial_is_the_asset(demo):
    a = in_stock_asset()
    r = resolve(demo, a.product.gtin, gtin=a.product.gtin, serial=a.serial)
    assert (r.kind, r.ref) == ("asset", a.tag)


def test_gs1_label_new_serial_is_the_product_with_that_serial(demo):
    a = in_stock_asset()
    r = resolve(demo, "", gtin=a.product.gtin[1:], serial="NEW-SERIAL-1")
    assert (r.kind, r.product, r.serial, r.product_kind) == (
        "product", a.product.name, "NEW-SERIAL-1", "device")
    assert "serial NEW-SERIAL-1" in r.label


def test_gs1_unknown_gtin_and_valid_but_unknown_ean(demo):
    r = resolve(demo, "x", gtin="09501101530003", serial="S1")
    assert r.kind == "unknown" and "09501101530003" in r.reason
    r = resolve(demo, "9501101530003")
    assert r.kind == "unknown" and "GTIN" in r.reason


def test_ambiguous_serial_and_part_number_are_unknown_not_guessed(demo):
    op = os_operator(demo)
    a = in_stock_asset()
    other = (m.Product.select().where((m.Product.kind == "device")
                                      & (m.Product.manufacturer != a.manufacturer)).first())
    receiving.receive(demo, op, "LOC-HQ-SR",
                      [receiving.ReceiptLine(other.part_number, serials=[a.serial])])
    r = resolve(demo, a.serial)
    assert r.kind == "unknown" and "several makers" in r.reason
    m.Product.create(name="Twin A", kind="spare", part_number="DUP-1")
    m.Product.create(name="Twin B", kind="spare", part_number="DUP-1")
    r = resolve(demo, "DUP-1")
    assert r.kind == "unknown" and "several products" in r.reason


def test_empty_and_every_kind_is_known(demo):
    assert resolve(demo, "   ").kind == "unknown"
    assert set(KINDS) == {"asset", "product", "person", "location", "order", "shipment",
                          "kit", "unknown"}


def test_search_people_by_name_start_and_id(demo):
    p = m.Person.select().where(m.Person.active).order_by(m.Person.id).first()
    first, last = p.name.split()
    assert (p.employee_id, p.name, p.department) in search_people(first[:3].lower())
    assert (p.employee_id, p.name, p.department) in search_people(last[:3].upper())
    assert search_people(p.employee_id)[0][0] == p.employee_id
    assert search_people("%") == []
