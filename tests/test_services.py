"""The inventory services as a service desk and a supply chain specialist use them,
on SQLite and on PostgreSQL. Every refusal must leave the database as it was."""

from __future__ import annotations

from datetime import timedelta

import peewee as pw
import pytest

from inventory import clock
from inventory import models as m
from inventory.errors import (
    Duplicate,
    InsufficientStock,
    InvalidState,
    NotFound,
    PermissionDenied,
    ValidationError,
)
from inventory.services import assets, licenses, receiving, stock, transfers
from inventory.services.verify import verify

from .world import build


@pytest.fixture
def world(store):
    db, _ = store
    return build(db)


def unchanged(world, fn, error, match=None):
    """Call fn, expect `error`, and check that nothing was written."""
    before = world.movements()
    levels = list(m.StockLevel.select().order_by(m.StockLevel.id).tuples())
    rows = list(m.Asset.select().order_by(m.Asset.id).tuples())
    with pytest.raises(error, match=match):
        fn()
    assert world.movements() == before
    assert list(m.StockLevel.select().order_by(m.StockLevel.id).tuples()) == levels
    assert list(m.Asset.select().order_by(m.Asset.id).tuples()) == rows


def test_receive_makes_assets_with_tags_and_stock(world):
    tags = [a.tag for a in m.Asset.select().order_by(m.Asset.id)]
    assert tags == ["IT-000001", "IT-000002", "IT-000003"]
    assert world.stock("USB-C charger 65 W", "SR-HQ") == 10
    assert verify(world.db).ok


def test_check_out_and_in(world):
    db, op = world.db, world.admin
    due = clock.today() + timedelta(days=14)
    v = assets.check_out(db, op, "IT-000001", person="E1", due=due)
    assert (v.status, v.holder, v.due_date) == ("deployed", "Ada Lovelace", due)
    v = assets.check_in(db, op, "SN-A")  # by serial
    assert (v.status, v.holder, v.location) == ("in_stock", None, "HQ stockroom")
    kinds = [mv.kind for mv in m.Movement.select().where(m.Movement.asset == 1)]
    assert kinds == ["receive", "check_out", "check_in"]
    assert verify(db).ok


def test_damaged_check_in_goes_to_repair_and_cannot_be_issued(world):
    db, op = world.db, world.admin
    assets.check_out(db, op, "IT-000001", person="E1")
    v = assets.check_in(db, op, "IT-000001", damaged=True)
    assert (v.status, v.location) == ("in_repair", "Repair bench")
    unchanged(world, lambda: assets.check_out(db, op, "IT-000001", person="E2"),
              InvalidState, "in repair")
    v = assets.check_in(db, op, "IT-000001", location="SR-HQ")
    assert v.status == "in_stock"


def test_checked_out_asset_has_one_holder(world):
    db, op = world.db, world.admin
    assets.check_out(db, op, "IT-000001", person="E1")
    unchanged(world, lambda: assets.check_out(db, op, "IT-000001", person="E2"),
              InvalidState, "already checked out to Ada Lovelace")


def test_unknown_tag_and_person_are_refused(world):
    db, op = world.db, world.admin
    unchanged(world, lambda: assets.check_out(db, op, "IT-999", person="E1"), NotFound,
              "No asset")
    unchanged(world, lambda: assets.check_out(db, op, "IT-000001", person="E404"), NotFound,
              "No person")


def test_retired_asset_cannot_be_checked_out(world):
    db, op = world.db, world.admin
    unchanged(world, lambda: assets.retire(db, op, "IT-000002", reason=" "), ValidationError)
    assets.retire(db, op, "IT-000002", reason="cracked chassis")
    unchanged(world, lambda: assets.check_out(db, op, "IT-000002", person="E1"),
              InvalidState, "retired")
    v = assets.dispose(db, op, "IT-000002", reason="WEEE collection")
    assert v.status == "disposed"


def test_products_are_found_by_any_gtin_length(world):
    from inventory.services import find

    assert find.product("5012345678900").name == "Latitude 7440"  # EAN-13 as printed
    assert find.product("05012345678900").name == "Latitude 7440"
    assert find.product("LAT7440").name == "Latitude 7440"


def test_no_negative_stock(world):
    db, op = world.db, world.admin
    v = stock.issue(db, op, "CHG65", 4, person="E1")
    assert v.quantity == 6
    unchanged(world, lambda: stock.issue(db, op, "CHG65", 7, person="E1", location="SR-HQ"),
              InsufficientStock, "Only 6")
    unchanged(world, lambda: stock.issue(db, op, "CHG65", 0, person="E1"), ValidationError)
    unchanged(world, lambda: stock.adjust(db, op, "CHG65", "SR-HQ", delta=-7, reason="lost"),
              InsufficientStock)


def test_adjust_needs_a_reason_and_is_recorded(world):
    db, op = world.db, world.admin
    unchanged(world, lambda: stock.adjust(db, op, "CHG65", "SR-HQ", new_quantity=8, reason=""),
              ValidationError, "reason")
    v = stock.adjust(db, op, "CHG65", "SR-HQ", new_quantity=8, reason="shelf count")
    assert v.quantity == 8
    last = m.Movement.select().order_by(m.Movement.id.desc()).first()
    assert (last.kind, last.quantity, last.note) == ("adjust", 2, "shelf count")


def test_tags_unique_and_serials_unique_per_maker(world):
    db, op = world.db, world.admin
    unchanged(world, lambda: receiving.receive(
        db, op, "SR-HQ", [receiving.ReceiptLine("LAT7440", serials=["SN-B"])]), Duplicate,
        "already asset IT-000002")
    # The same serial from another maker is a different device.
    r = receiving.receive(db, op, "SR-HQ", [receiving.ReceiptLine("21HD", serials=["SN-B"])])
    assert r.assets == ["IT-000004"]
    with pytest.raises(pw.IntegrityError):
        with db.atomic():
            m.Asset.create(tag="IT-000001", product=1, manufacturer="X", serial="Z")


def test_license_seats_are_capped_unless_overuse_allowed(world):
    db, op = world.db, world.admin
    lic = m.License.get()
    licenses.assign_seat(db, op, lic.id, person="E1")
    unchanged(world, lambda: licenses.assign_seat(db, op, lic.id, person="E1"), InvalidState,
              "already has a seat")
    licenses.assign_seat(db, op, lic.id, asset="IT-000003")
    m.Person.create(employee_id="E3", name="Grace Hopper")
    unchanged(world, lambda: licenses.assign_seat(db, op, lic.id, person="E3"), InvalidState,
              "All 2 seats")
    m.License.update(allow_overuse=True).where(m.License.id == lic.id).execute()
    v = licenses.assign_seat(db, op, lic.id, person="E3")
    assert (v.seats_used, v.over_entitlement) == (3, 1)
    v = licenses.release_seat(db, op, lic.id, person="E1")
    assert v.seats_used == 2


@pytest.mark.parametrize("role, action", [
    ("viewer", lambda db, op: assets.check_out(db, op, "IT-000001", person="E1")),
    ("service_desk", lambda db, op: stock.adjust(db, op, "CHG65", "SR-HQ", delta=1, reason="x")),
    ("service_desk", lambda db, op: receiving.receive(
        db, op, "SR-HQ", [receiving.ReceiptLine("CHG65", 1)])),
    ("supply_chain", lambda db, op: assets.retire(db, op, "IT-000001", reason="old")),
])
def test_roles_are_enforced(world, role, action):
    op = world.operator(role)
    unchanged(world, lambda: action(world.db, op), PermissionDenied, "may not")


def test_service_desk_can_issue(world):
    op = world.operator("service_desk")
    assert stock.issue(world.db, op, "CHG65", 1, person="E2").quantity == 9


def test_transfer_to_3pl_passes_through_in_transit(world):
    db, op = world.db, world.admin
    ship = transfers.transfer(db, op, "SR-HQ", "3PL-NW", items=[("CHG65", 4)],
                              asset_tags=["IT-000003"])
    assert ship.number.startswith("SH-")
    assert world.stock("USB-C charger 65 W", "IN-TRANSIT") == 4
    assert world.stock("USB-C charger 65 W", "3PL-NW") == 0
    assert assets.get("IT-000003").status == "in_transit"
    unchanged(world, lambda: assets.check_out(db, op, "IT-000003", person="E1"), InvalidState,
              "in transit")
    transfers.confirm_arrival(db, op, ship.number)
    assert world.stock("USB-C charger 65 W", "IN-TRANSIT") == 0
    assert world.stock("USB-C charger 65 W", "3PL-NW") == 4
    a = assets.get("IT-000003")
    assert (a.status, a.location) == ("in_stock", "Northwind 3PL")
    unchanged(world, lambda: transfers.confirm_arrival(db, op, ship.number), InvalidState,
              "already")
    assert verify(db).ok


def test_transfer_within_a_site_is_direct(world):
    db, op = world.db, world.admin
    ship = transfers.transfer(db, op, "SR-HQ", "SR-HQ2", items=[("CHG65", 3)])
    assert ship.status == "arrived"
    assert world.stock("USB-C charger 65 W", "SR-HQ2") == 3
    unchanged(world, lambda: transfers.transfer(db, op, "SR-HQ", "SR-HQ2",
                                                asset_tags=["IT-000001"], items=[("CHG65", 99)]),
              InsufficientStock)


def test_receive_against_order_fills_it(world):
    from inventory.services import ordering, purchasing

    db, op = world.db, world.admin
    po = purchasing.create_order(db, op, "CDW", "SR-HQ", [("CHG65", 20)])
    assert po.number.endswith("-00001")  # five digits, as the demo numbers its orders
    unchanged(world, lambda: receiving.receive(db, op, "SR-HQ", [receiving.ReceiptLine(
        "CHG65", 5)], order=po.number), InvalidState, "only ordered")
    ordering.place(db, op, po.number)
    r = receiving.receive(db, op, "SR-HQ", [receiving.ReceiptLine("CHG65", 15)], order=po.number)
    assert r.order_status == "partly_received"
    unchanged(world, lambda: receiving.receive(db, op, "SR-HQ", [receiving.ReceiptLine(
        "CHG65", 6)], order=po.number), InvalidState, "Receive 5")
    r = receiving.receive(db, op, "SR-HQ", [receiving.ReceiptLine("CHG65", 5)], order=po.number)
    assert r.order_status == "received"
    assert world.stock("USB-C charger 65 W", "SR-HQ") == 30


def test_ledger_is_append_only(world):
    with pytest.raises(pw.DatabaseError, match="append-only"):
        with world.db.atomic():
            m.Movement.update(quantity=99).execute()
    with pytest.raises(pw.DatabaseError, match="append-only"):
        with world.db.atomic():
            m.Movement.delete().execute()


def test_verify_finds_a_projection_that_drifted(world):
    m.StockLevel.update(quantity=m.StockLevel.quantity + 1).execute()
    m.Asset.update(status="lost").where(m.Asset.tag == "IT-000002").execute()
    report = verify(world.db)
    assert not report.ok
    assert any("USB-C charger 65 W at HQ stockroom: ledger says 10" in d
               for d in report.stock_differences)
    assert any(d.startswith("IT-000002") for d in report.asset_differences)


def test_verify_audits_the_rules_on_a_real_database(world):
    """Data written behind the services' back (an old import, a bug) that breaks their
    rules is reported by verify, one line each, and nothing is changed."""
    db, op = world.db, world.admin
    e3 = licenses.assign_seat(db, op, "Microsoft 365 E3", person="E1")
    assert verify(db).ok and e3.seats_used == 1
    lic = m.License.get()
    ada, alan = m.Person.get(employee_id="E1"), m.Person.get(employee_id="E2")
    m.LicenseSeat.create(license=lic, person=ada)  # a second open seat for Ada
    m.LicenseSeat.create(license=lic, person=alan)  # 3 seats in use of 2, no over-use
    left = clock.today() - timedelta(days=30)
    m.Person.update(active=False, left_on=left).where(m.Person.id == alan.id).execute()
    laptop = m.Asset.get(m.Asset.tag == "IT-000001")
    assets.check_out(db, op, "IT-000002", person="E1")
    from inventory.services.ledger import record

    with db.atomic():
        record(op, "check_out", laptop.product_id, asset=laptop, from_location=laptop.location,
               to_location=laptop.location, person=alan, holder=alan, asset_status="deployed")
        record(op, "check_in", laptop.product_id, asset=laptop, from_location=laptop.location,
               to_location=laptop.location, person=alan, asset_status="in_stock")
    m.Asset.update(holder=ada).where(m.Asset.tag == "IT-000003").execute()  # in stock + held
    before = (world.movements(), list(m.LicenseSeat.select().tuples()))
    report = verify(db)
    assert not report.ok
    text = "\n".join(report.rule_problems)
    assert "duplicate seat: Ada Lovelace (E1) holds 2 open seats of Microsoft 365 E3" in text
    assert "over-allocated: Microsoft 365 E3 has 3 seats in use of 2" in text
    assert f"seat to a leaver: Microsoft 365 E3 assigned to Alan Turing (E2) on " \
           f"{clock.today():%Y-%m-%d}, after they left on {left:%Y-%m-%d}" in text
    assert "loan to a leaver: IT-000001 checked out to Alan Turing (E2)" in text
    assert "two places: IT-000003 is in stock but also held by Ada Lovelace" in text
    assert len(report.rule_problems) == 5, report.rule_problems
    assert not report.stock_differences
    assert (world.movements(), list(m.LicenseSeat.select().tuples())) == before
