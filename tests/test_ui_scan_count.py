"""A blind count at the scan station: a counter scans a shelf, a manager approves the
variance at their own desk, and the book follows the shelf."""

from __future__ import annotations

from PySide6.QtCore import Qt

from inventory import models as m
from inventory.operators import os_operator
from inventory.services import transfers
from inventory.services.verify import verify

from .ui_scan_support import (
    IGNORE_OFFSCREEN,
    Station,
    asset,
    in_stock,
    movements,
    operator,
    spare_at,
    stock,
)

pytestmark = IGNORE_OFFSCREEN


def test_count_with_variance_approved_by_a_manager(qtbot, demo_db):
    admin = os_operator(demo_db)
    on_shelf, gone, elsewhere = in_stock(3)
    spare = spare_at(at_least=5)
    # Put two devices and five spares on shelf A1 (within the site: moved at once).
    transfers.transfer(demo_db, admin, "LOC-HQ-SR", "LOC-HQ-A1", items=[(spare.gtin, 5)],
                       asset_tags=[on_shelf, gone])
    counter = Station(qtbot, demo_db, operator("supply_chain"))
    counter.key(Qt.Key.Key_5, Qt.KeyboardModifier.AltModifier)
    assert counter.page.mode_name == "count"
    before = movements()

    out = counter.type("LOC-HQ-A1")
    assert out.accepted and "Counting HQ shelf A1" in counter.shown
    assert counter.type(on_shelf).accepted
    assert counter.shown.startswith(f"✔ {on_shelf} · "), "the count is blind: no book status"
    assert "in stock" not in counter.shown
    assert counter.type(elsewhere).accepted  # the book has it in the stockroom
    counter.scan("CMD:QTY:3")
    assert counter.type(spare.gtin).accepted
    assert f"{spare.name} × 3 (counted 3)" in counter.shown
    assert counter.type("IT-999999").state == "refused"
    assert "not counted" in counter.shown

    counter.scan("CMD:DONE")
    mode = counter.page.modes["count"]
    table = mode.table
    assert table.isVisible() and table.rowCount() == 3
    rows = {table.item(r, 0).text(): (table.item(r, 3).text(), table.item(r, 4).text())
            for r in range(table.rowCount())}
    assert rows[f"{gone} · {asset(gone).product.name}"][0] == "-1"
    assert rows[f"{elsewhere} · {asset(elsewhere).product.name}"] == (
        "+1", "unexpected: book: in stock at HQ stockroom")
    assert rows[spare.name] == ("-2", "missing: 2 short")
    assert "3 differences" in counter.shown
    assert not mode.approve_button.isEnabled(), "a supply chain specialist cannot approve"
    assert "A manager approves" in mode.approve_note.text()
    assert movements() == before, "counting writes nothing to the ledger"
    counter.key(Qt.Key.Key_Escape)  # leave the count open for the manager
    assert "open" in counter.shown

    manager = Station(qtbot, demo_db, operator("manager"))
    manager.mode("count")
    out = manager.scan("LOC-HQ-A1")
    assert "Continuing the open count (3 scans so far)" in manager.shown
    manager.do("confirm")
    mode = manager.page.modes["count"]
    assert mode.approve_button.isEnabled()
    mode.reason.setText("monthly shelf check")
    mode.approve_button.click()
    manager.wait()

    assert manager.state == "ok", manager.shown
    assert "approved · 3 adjustments" in manager.shown
    assert f"lost: {gone}" in manager.shown and f"moved here: {elsewhere}" in manager.shown
    assert movements() == before + 3
    assert asset(gone).status == "lost"
    assert (asset(elsewhere).status, asset(elsewhere).location.code) == ("in_stock",
                                                                         "LOC-HQ-A1")
    assert stock(spare.id, "LOC-HQ-A1") == 3
    session = m.CountSession.select().order_by(m.CountSession.id.desc()).first()
    assert (session.status, session.approved_by_id) == ("approved", manager.op.id)
    assert {"assets", "stock"} <= set(manager.topics)
    report = verify(demo_db)
    assert report.ok, report.stock_differences[:3] + report.asset_differences[:3]


def test_undo_a_count_scan_and_cancel_the_count(qtbot, demo_db):
    station = Station(qtbot, demo_db, operator("manager"))
    station.mode("count")
    assert station.scan("LOC-HQ-A2").accepted
    (tag,) = in_stock(1)
    station.scan(tag)
    station.key(Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert f"Removed {tag}" in station.shown
    assert m.CountEntry.select().count() == 0
    station.page.modes["count"].requested.emit("abandon")
    station.wait()
    assert "cancelled" in station.shown
    assert m.CountSession.get().status == "cancelled"
    assert station.scan(tag).state == "refused" and "location label first" in station.shown


def test_a_service_desk_operator_cannot_count(qtbot, demo_db):
    station = Station(qtbot, demo_db, operator("service_desk"))
    station.mode("count")
    assert station.page.role_note.isVisible()
    assert station.scan("LOC-HQ-A1").state == "refused"
    assert "Service desk" in station.shown
    assert m.CountSession.select().count() == 0
