"""Undo by compensating movement, on SQLite and PostgreSQL; the ledger is never edited."""

from __future__ import annotations

from datetime import timedelta

import pytest

from inventory import clock
from inventory import models as m
from inventory.errors import InsufficientStock, InvalidState, NotFound, PermissionDenied
from inventory.services import assets, licenses, ordering, purchasing, receiving, stock, transfers
from inventory.services.undo import undo
from inventory.services.verify import verify

from .world import build


@pytest.fixture
def world(store):
    db, _ = store
    return build(db)


def last_id() -> int:
    return m.Movement.select().order_by(m.Movement.id.desc()).first().id


def consistent(db):
    report = verify(db)
    assert report.ok, report.stock_differences + report.asset_differences


def unchanged(world, fn, error, match=None):
    before = world.movements()
    with pytest.raises(error, match=match):
        fn()
    assert world.movements() == before


def asset_state(tag):
    a = m.Asset.get(m.Asset.tag == tag)
    return a.status, a.location.code, a.holder.employee_id if a.holder_id else None


def test_undo_check_out_puts_it_back_and_only_once(world):
    db, op = world.db, world.admin
    assets.check_out(db, op, "IT-000001", person="E1",
                     due=clock.today() + timedelta(days=7))
    out = last_id()
    view = undo(db, op, out, "wrong laptop", source="usb")
    assert view.kind == "check_in" and view.undone_id == out
    assert "check-out of IT-000001" in view.description
    assert "#" not in view.description  # names, not ledger ids
    assert asset_state("IT-000001") == ("in_stock", "SR-HQ", None)
    assert m.Asset.get(m.Asset.tag == "IT-000001").due_date is None
    comp = m.Movement.get_by_id(view.movement_id)
    assert (comp.reverses_id, comp.source, comp.person.employee_id) == (out, "usb", "E1")
    assert "wrong laptop" in comp.note and "#" not in comp.note
    consistent(db)
    unchanged(world, lambda: undo(db, op, out), InvalidState, match="already undone")
    unchanged(world, lambda: undo(db, op, view.movement_id), InvalidState,
              match="itself an undo")


def test_undo_check_in_gives_it_back_to_the_holder(world):
    db, op = world.db, world.admin
    assets.check_out(db, op, "IT-000001", person="E1")
    assets.check_in(db, op, "IT-000001", damaged=True)
    assert asset_state("IT-000001") == ("in_repair", "REPAIR", None)
    view = undo(db, op, last_id())
    assert view.kind == "check_out"
    assert asset_state("IT-000001") == ("deployed", "SITE-HQ", "E1")
    consistent(db)


def test_an_asset_that_moved_since_is_refused(world):
    db, op = world.db, world.admin
    assets.check_out(db, op, "IT-000001", person="E1")
    out = last_id()
    assets.check_in(db, op, "IT-000001")
    unchanged(world, lambda: undo(db, op, out), InvalidState, match="has moved since")


def test_undo_issue_consume_return(world):
    db, op = world.db, world.admin
    stock.issue(db, op, "CHG65", 3, person="E2", location="SR-HQ")
    undo(db, op, last_id())
    assert world.stock("USB-C charger 65 W", "SR-HQ") == 10
    stock.consume(db, op, "CHG65", 2, location="SR-HQ")
    assert undo(db, op, last_id()).kind == "return"
    assert world.stock("USB-C charger 65 W", "SR-HQ") == 10
    stock.return_stock(db, op, "CHG65", 1, location="SR-HQ", person="E2")
    assert undo(db, op, last_id()).kind == "issue"
    assert world.stock("USB-C charger 65 W", "SR-HQ") == 10
    consistent(db)


def test_undo_adjustments_and_transfers_within_a_site(world):
    db, op = world.db, world.admin
    stock.adjust(db, op, "CHG65", "SR-HQ", new_quantity=12, reason="found two")
    undo(db, op, last_id())
    stock.adjust(db, op, "CHG65", "SR-HQ", delta=-4, reason="broken")
    undo(db, op, last_id())
    assert world.stock("USB-C charger 65 W", "SR-HQ") == 10
    transfers.transfer(db, op, "SR-HQ", "SR-HQ2", items=[("CHG65", 6)],
                       asset_tags=["IT-000002"])
    asset_move, qty_move = last_id(), last_id() - 1
    undo(db, op, asset_move)
    undo(db, op, qty_move)
    assert world.stock("USB-C charger 65 W", "SR-HQ") == 10
    assert world.stock("USB-C charger 65 W", "SR-HQ2") == 0
    assert asset_state("IT-000002") == ("in_stock", "SR-HQ", None)
    consistent(db)


def test_undo_license_assign_and_release(world):
    db, op = world.db, world.admin
    licenses.assign_seat(db, op, "Microsoft 365 E3", person="E1")
    undo(db, op, last_id())
    assert licenses.seats_used(1) == 0
    licenses.assign_seat(db, op, "Microsoft 365 E3", person="E2")
    licenses.release_seat(db, op, "Microsoft 365 E3", person="E2")
    release = last_id()
    undo(db, op, release)
    assert licenses.seats_used(1) == 1
    unchanged(world, lambda: undo(db, op, release), InvalidState, match="already undone")
    consistent(db)


def test_undo_receipt_against_an_order_while_stock_allows(world):
    db, op = world.db, world.admin
    order = purchasing.create_order(db, op, "CDW", "SR-HQ", [("CHG65", 10)]).number
    ordering.place(db, op, order)
    receiving.receive(db, op, "SR-HQ", [receiving.ReceiptLine("CHG65", 4)], order=order)
    assert purchasing.get_order(order).status == "partly_received"
    undo(db, op, last_id())
    view = purchasing.get_order(order)
    assert view.status == "ordered" and view.lines[0][2] == 0
    assert world.stock("USB-C charger 65 W", "SR-HQ") == 10
    receiving.receive(db, op, "SR-HQ", [receiving.ReceiptLine("CHG65", 5)], order=order)
    got = last_id()
    stock.issue(db, op, "CHG65", 12, person="E1", location="SR-HQ")
    unchanged(world, lambda: undo(db, op, got), InsufficientStock)
    assert purchasing.get_order(order).lines[0][2] == 5
    consistent(db)


def test_what_cannot_be_undone_is_refused_clearly(world):
    db, op = world.db, world.admin
    unchanged(world, lambda: undo(db, op, 999_999), NotFound)
    device_receipt = m.Movement.get((m.Movement.kind == "receive")
                                    & m.Movement.asset.is_null(False)).id
    unchanged(world, lambda: undo(db, op, device_receipt), InvalidState,
              match="received device")
    transfers.transfer(db, op, "SR-HQ", "3PL-NW", items=[("CHG65", 2)])
    unchanged(world, lambda: undo(db, op, last_id()), InvalidState, match="shipment")
    assets.mark_lost(db, op, "IT-000003", "gone")
    unchanged(world, lambda: undo(db, op, last_id()), InvalidState, match="counting")


def test_roles(world):
    db, op = world.db, world.admin
    viewer, desk = world.operator("viewer"), world.operator("service_desk")
    assets.check_out(db, desk, "IT-000001", person="E1")
    out = last_id()
    unchanged(world, lambda: undo(db, viewer, out), PermissionDenied)
    stock.adjust(db, op, "CHG65", "SR-HQ", delta=1, reason="x")
    unchanged(world, lambda: undo(db, desk, last_id()), PermissionDenied)
    newest = (m.Movement.select(m.Movement.id).where(m.Movement.operator == desk.id)
              .order_by(m.Movement.id.desc()).scalar())
    assert newest == out, "refused undos posted nothing"
    undo(db, desk, out)
    consistent(db)
