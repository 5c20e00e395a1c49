"""The scan station checks devices out to a place: a meeting room's or a loaner shelf's
label instead of a badge (spares still go to a person)."""

from __future__ import annotations

from inventory import models as m

from .ui_scan_support import IGNORE_OFFSCREEN, Station

pytestmark = IGNORE_OFFSCREEN


def test_scan_a_room_label_then_devices_then_done(qtbot, demo_db):
    station = Station(qtbot, demo_db)
    tags = [a.tag for a in m.Asset.select().where(m.Asset.status == "in_stock")
            .order_by(m.Asset.id).limit(2)]
    room = m.Location.select().where(m.Location.kind == "stockroom").order_by(
        m.Location.id.desc()).first()
    out = station.scan(room.code)
    assert out.accepted and "place" in out.detail
    for tag in tags:
        assert station.scan(tag).accepted
    done = station.do("confirm")
    assert done.accepted, done.detail
    for a in m.Asset.select().where(m.Asset.tag.in_(tags)):
        assert (a.status, a.location_id, a.holder_id) == ("deployed", room.id, None)


def test_a_place_takes_no_spares_and_a_3pl_is_no_place(qtbot, demo_db):
    station = Station(qtbot, demo_db)
    partner = m.Location.get(m.Location.kind == "3pl")
    out = station.scan(partner.code)
    assert not out.accepted and "place on a site" in out.detail
    room = m.Location.select().where(m.Location.kind == "stockroom").first()
    assert station.scan(room.code).accepted
    spare = (m.Product.select().join(m.StockLevel).where(
        (m.Product.kind == "spare") & (m.StockLevel.quantity > 0)).first())
    code = spare.gtin or spare.part_number or spare.name
    before = m.Movement.select().count()
    out = station.scan(code)
    assert not out.accepted and "issued to a person" in out.detail
    assert m.Movement.select().count() == before
