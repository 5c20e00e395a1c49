"""Receiving a delivery against a purchase order at the scan station: GS1 labels give
GTIN and serial at once, plain GTIN then serial works too, spares come by quantity."""

from __future__ import annotations

from inventory import models as m
from inventory.operators import os_operator
from inventory.services import ordering, purchasing
from inventory.services.verify import verify

from .ui_scan_support import IGNORE_OFFSCREEN, Station, movements, spare_at, stock

pytestmark = IGNORE_OFFSCREEN
GS = "\x1d"


def test_receive_against_an_order_with_gs1_serials(qtbot, demo_db):
    admin = os_operator(demo_db)
    laptop = m.Product.get((m.Product.kind == "device") & (m.Product.category == "Laptop"))
    spare = spare_at()
    other = (m.Product.select().where((m.Product.kind == "spare") & (m.Product.id != spare.id))
             .first())
    supplier = m.Supplier.select().order_by(m.Supplier.id).first().name
    po = purchasing.create_order(demo_db, admin, supplier, "LOC-HQ-SR",
                                 [(laptop.gtin, 3), (spare.gtin, 10)]).number
    ordering.place(demo_db, admin, po)
    on_hand = stock(spare.id, "LOC-HQ-SR")
    station = Station(qtbot, demo_db)
    station.scan("CMD:RECEIVE")
    assert station.page.mode_name == "receive"
    assert station.scan(laptop.gtin, "ean13").state == "refused"
    assert "purchase order first" in station.shown

    assert station.scan(po).accepted
    assert f"{po} · {supplier}" in station.shown and "13 items still to come" in station.shown
    mode = station.page.modes["receive"]
    assert mode.orders.currentData() == po
    assert mode.lines.rowCount() == 2

    out = station.scan(f"]C101{laptop.gtin}21SN-UI-1", "gs1-128")
    assert out.accepted, station.shown
    assert "serial SN-UI-1" in station.shown and "New asset tag" in station.shown
    out = station.scan(f"01{laptop.gtin}21SN-UI-2{GS}10LOT7", "gs1-datamatrix")
    assert out.accepted, station.shown
    # A plain EAN-13 of the laptop, then its serial from the box.
    station.scan(laptop.gtin[1:], "ean13")
    assert "Now scan the serial" in station.shown
    assert station.scan("SN-UI-3", "code128").accepted
    assert f"{po}: 3 of 3 received" in station.shown
    made = list(m.Asset.select().where(m.Asset.serial.startswith("SN-UI-"))
                .order_by(m.Asset.id))
    assert [a.serial for a in made] == ["SN-UI-1", "SN-UI-2", "SN-UI-3"]
    assert {(a.status, a.location.code, a.product_id) for a in made} == {
        ("in_stock", "LOC-HQ-SR", laptop.id)}
    assert all(a.order_line_id for a in made)
    assert made[-1].tag in station.shown

    before = movements()
    out = station.scan(f"]C101{laptop.gtin}21SN-UI-2", "gs1-128")
    assert out.state == "refused" and f"already asset {made[1].tag}" in station.shown
    assert station.scan(other.gtin, "ean13").state == "refused"
    assert "has no line for" in station.shown
    assert movements() == before

    station.scan("CMD:QTY:4")
    assert station.scan(spare.gtin, "ean13").accepted
    assert f"{spare.name} × 4 received" in station.shown
    assert stock(spare.id, "LOC-HQ-SR") == on_hand + 4
    table = {mode.lines.item(r, 0).text(): mode.lines.item(r, 3).text()
             for r in range(mode.lines.rowCount())}
    assert table == {laptop.name: "3", spare.name: "4"}
    assert purchasing.get_order(po).status == "partly_received"
    assert {"assets", "stock", "orders"} <= set(station.topics)

    station.scan("CMD:UNDO")
    assert "Undone" in station.shown
    assert stock(spare.id, "LOC-HQ-SR") == on_hand
    assert purchasing.get_order(po).lines[1][2] == 0
    station.scan("CMD:UNDO")  # nothing more that can be undone: the devices stay
    assert m.Asset.select().where(m.Asset.serial.startswith("SN-UI-")).count() == 3
    report = verify(demo_db)
    assert report.ok, report.stock_differences[:3] + report.asset_differences[:3]


def test_pick_the_order_from_the_list(qtbot, demo_db):
    station = Station(qtbot, demo_db)
    station.mode("receive")
    mode = station.page.modes["receive"]
    assert mode.orders.count() > 1
    mode.orders.setCurrentIndex(1)
    mode.orders.activated.emit(1)
    station.wait()
    assert station.state == "ok" and mode.sheet.number == mode.orders.itemData(1)
    received = m.PurchaseOrder.get(m.PurchaseOrder.status == "received").number
    assert station.scan(received).state == "refused"
    assert "only ordered purchase orders" in station.shown
