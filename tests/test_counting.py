"""Blind stocktake on SQLite and PostgreSQL: scan, variance, manager approval."""

from __future__ import annotations

import pytest

from inventory import models as m
from inventory.errors import InvalidState, NotFound, PermissionDenied, ValidationError
from inventory.services import assets, counting, receiving
from inventory.services.verify import verify

from .world import LAPTOP_GTIN, build


@pytest.fixture
def world(store):
    db, _ = store
    w = build(db)  # SR-HQ: IT-000001..3 (SN-A..C), 10 × CHG65
    receiving.receive(db, w.admin, "SR-BR", [
        receiving.ReceiptLine("21HD", serials=["LN-1"]),  # IT-000004 at the branch
    ])
    return w


def unchanged(world, fn, error, match=None):
    before = world.movements()
    entries = m.CountEntry.select().count()
    with pytest.raises(error, match=match):
        fn()
    assert world.movements() == before
    assert m.CountEntry.select().count() == entries


def test_blind_count_variance_and_approval(world):
    db, admin = world.db, world.admin
    counter, manager = world.operator("supply_chain"), world.operator("manager")
    assets.check_out(db, admin, "IT-000002", person="E1")  # book: Ada has it
    cid = counting.start_count(db, counter, "SR-HQ")
    seen = counting.record_count(db, counter, cid, "IT-000001", source="usb")
    assert (seen.asset, seen.product, seen.label) == ("IT-000001", "Latitude 7440",
                                                      "IT-000001 · Latitude 7440")
    counting.record_count(db, counter, cid, "SN-B")  # by serial: deployed in the book
    counting.record_count(db, counter, cid, "IT-000004")  # the book has it at the branch
    counting.record_count(db, counter, cid, "CHG65", 5)
    seen = counting.record_count(db, counter, cid, "CHG65", 2)
    assert (seen.counted, seen.quantity) == (7, 2)  # blind: says nothing about the book
    # IT-000003 is not scanned: missing

    v = counting.variance(db, cid)
    assert v.location == "HQ stockroom" and not v.ok
    assert [(ln.asset, ln.book, ln.counted) for ln in v.missing if ln.asset] == [
        ("IT-000003", 1, 0)]
    unexpected = {ln.asset: ln.note for ln in v.unexpected}
    assert "Ada Lovelace" in unexpected["IT-000002"]
    assert "Branch stockroom" in unexpected["IT-000004"]
    assert [(ln.product, ln.book, ln.counted, ln.difference, ln.kind)
            for ln in v.differences] == [("USB-C charger 65 W", 10, 7, -3, "missing")]
    assert v.matched_assets == 1

    before = world.movements()
    done = counting.approve_count(db, manager, cid, "quarterly stocktake")
    assert done.lost == ["IT-000003"]
    assert sorted(done.moved) == ["IT-000002", "IT-000004"]
    assert done.adjusted == {"USB-C charger 65 W": -3}
    assert world.movements() == before + 4 == before + done.movements
    assert world.stock("USB-C charger 65 W", "SR-HQ") == 7
    states = {a.tag: (a.status, a.location.code, a.holder_id) for a in m.Asset.select()}
    assert states["IT-000003"] == ("lost", "SR-HQ", None)
    assert states["IT-000002"] == ("in_stock", "SR-HQ", None)
    assert states["IT-000004"] == ("in_stock", "SR-HQ", None)
    kinds = {mv.kind for mv in m.Movement.select().where(m.Movement.reference == f"COUNT-{cid}")}
    assert kinds == {"lost", "count"}
    assert m.CountSession.get_by_id(cid).status == "approved"
    report = verify(db)
    assert report.ok, report.stock_differences + report.asset_differences
    assert counting.variance(db, cid).ok  # the book now agrees with the shelf


def test_quantity_over_and_product_not_in_the_book(world):
    db, manager = world.db, world.operator("manager")
    receiving.receive(db, world.admin, "SR-BR", [receiving.ReceiptLine("CHG65", quantity=4)])
    cid = counting.start_count(db, manager, "SR-BR")
    counting.record_count(db, manager, cid, "IT-000004")
    counting.record_count(db, manager, cid, "CHG65", 6)
    v = counting.variance(db, cid)
    assert [(ln.kind, ln.book, ln.counted, ln.note) for ln in v.lines] == [
        ("unexpected", 4, 6, "2 over")]
    counting.approve_count(db, manager, cid, "found a box")
    assert world.stock("USB-C charger 65 W", "SR-BR") == 6
    assert verify(db).ok


def test_refusals_change_nothing(world):
    db = world.db
    desk, counter = world.operator("service_desk"), world.operator("supply_chain")
    unchanged(world, lambda: counting.start_count(db, desk, "SR-HQ"), PermissionDenied)
    unchanged(world, lambda: counting.start_count(db, counter, "NOWHERE"), NotFound)
    cid = counting.start_count(db, counter, "SR-HQ")
    unchanged(world, lambda: counting.start_count(db, counter, "SR-HQ"), InvalidState,
              match="still open")
    unchanged(world, lambda: counting.record_count(db, counter, cid, "NOPE-1"), NotFound,
              match="not counted")
    unchanged(world, lambda: counting.record_count(db, counter, cid, "LAT7440"),
              ValidationError, match="tracked by serial")
    unchanged(world, lambda: counting.record_count(db, counter, cid, "CHG65", 0),
              ValidationError)
    counting.record_count(db, counter, cid, "IT-000001")
    unchanged(world, lambda: counting.record_count(db, counter, cid, "SN-A"), InvalidState,
              match="already counted")
    unchanged(world, lambda: counting.approve_count(db, desk, cid, "x"), PermissionDenied)
    unchanged(world, lambda: counting.approve_count(db, counter, cid, "x"), PermissionDenied,
              match="Supply chain")
    manager = world.operator("manager")
    unchanged(world, lambda: counting.approve_count(db, manager, cid, "  "), ValidationError)
    assert m.CountSession.get_by_id(cid).status == "open"
    counting.approve_count(db, manager, cid, "weekly")
    unchanged(world, lambda: counting.approve_count(db, manager, cid, "again"), InvalidState,
              match="already approved")
    unchanged(world, lambda: counting.record_count(db, counter, cid, "IT-000002"),
              InvalidState, match="already approved")
    unchanged(world, lambda: counting.cancel_count(db, counter, cid), InvalidState)
    assert verify(db).ok


def test_locations_that_cannot_be_counted_and_goods_in_transit(world):
    db, counter = world.db, world.operator("supply_chain")
    from inventory.services import transfers

    transfers.transfer(db, world.admin, "SR-HQ", "3PL-NW", asset_tags=["IT-000003"])
    unchanged(world, lambda: counting.start_count(db, counter, "IN-TRANSIT"),
              ValidationError, match="cannot be counted")
    cid = counting.start_count(db, counter, "3PL-NW")
    unchanged(world, lambda: counting.record_count(db, counter, cid, "IT-000003"),
              InvalidState, match="in transit")


def test_cancel_and_remove_a_scan(world):
    db, counter = world.db, world.operator("supply_chain")
    cid = counting.start_count(db, counter, "SR-HQ")
    assert counting.open_count("SR-HQ") == cid
    a = counting.record_count(db, counter, cid, "IT-000001")
    counting.record_count(db, counter, cid, "CHG65", 3)
    gs1 = counting.record_count(db, counter, cid, "", gtin=LAPTOP_GTIN[1:], serial="SN-C")
    assert gs1.asset == "IT-000003"
    gone = counting.remove_entry(db, counter, cid, a.entry_id)
    assert gone.asset == "IT-000001"
    assert counting.count_view(cid).scans == 2
    before = world.movements()
    view = counting.cancel_count(db, counter, cid)
    assert view.status == "cancelled" and world.movements() == before
    assert counting.open_count("SR-HQ") is None
    manager = world.operator("manager")
    unchanged(world, lambda: counting.approve_count(db, manager, cid, "x"), InvalidState,
              match="cancelled")


def test_approval_is_one_transaction(world, monkeypatch):
    db, manager = world.db, world.operator("manager")
    cid = counting.start_count(db, manager, "SR-HQ")
    counting.record_count(db, manager, cid, "CHG65", 4)  # IT-000001..3 missing, 6 short
    calls = {"n": 0}
    real = counting.record

    def failing(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 3:
            raise InvalidState("disk trouble halfway")
        return real(*args, **kwargs)

    monkeypatch.setattr(counting, "record", failing)
    unchanged(world, lambda: counting.approve_count(db, manager, cid, "x"), InvalidState)
    assert m.CountSession.get_by_id(cid).status == "open"
    assert {a.status for a in m.Asset.select()} == {"in_stock"}
    assert world.stock("USB-C charger 65 W", "SR-HQ") == 10
    assert verify(db).ok
