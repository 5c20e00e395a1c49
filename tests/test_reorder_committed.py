"""Approved requests are committed demand with a date: the reorder list buys in time for
the needed-by date and names the requests (a textbook case, on SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from inventory import clock
from inventory import models as m
from inventory.operations import execute
from inventory.replenishment.engine import reorder_list
from inventory.shop_commands import (
    ApproveRequest,
    CancelRequest,
    CreateCatalogItem,
    CreateRequest,
)

from .shop_world import build_shop, role, stock_row


@pytest.fixture
def world(store):
    db, _ = store
    w = build_shop(db)
    execute(db, w.admin, CreateCatalogItem("Docking station", "product", code="CAT-DOCK",
                                           product="DOCK-WD19"))
    return w


def _approved(world, item: str, quantity: int, in_days: int, person: str = "E3") -> str:
    number = execute(world.db, role(world, "service_desk"), CreateRequest(
        person, item, quantity=quantity,
        needed_by=clock.today() + timedelta(days=in_days))).view.number
    assert execute(world.db, role(world, "manager"),
                   ApproveRequest(number)).view.state == "approved"  # too few to reserve
    return number


def _line(world, product: str):
    lines = reorder_list(world.db, today=clock.today(), alerts_only=False)
    return next(ln for ln in lines if ln.product == product and ln.location == "SR-HQ")


def test_the_order_by_date_moves_with_the_needed_by_date(world):
    today = clock.today()
    quiet = _line(world, "USB-C dock")
    assert not quiet.alert and quiet.position == 3  # no demand, 3 on the shelf
    # 5 docks needed in 30 days, 3 on hand, bought in 10 days: order 2 by day 20
    first = _approved(world, "CAT-DOCK", 5, 30)
    assert stock_row("USB-C dock", "SR-HQ") == (3, 0)
    ln = _line(world, "USB-C dock")
    assert ln.alert and ln.action == "buy" and ln.lead_time_days == 10
    assert ln.order_by == today + timedelta(days=20)
    assert ln.quantity >= 2
    reasons = "\n".join(ln.reasons())
    assert f"{first}: 5 for Aisha Park, needed by {today + timedelta(days=30):%Y-%m-%d}" in reasons
    assert "exceeds what will be on hand" in reasons and "by 2" in reasons
    # needed ten days later: ordered ten days later
    execute(world.db, role(world, "service_desk"), CancelRequest(first, "moved"))
    second = _approved(world, "CAT-DOCK", 5, 40)
    ln = _line(world, "USB-C dock")
    assert ln.order_by == today + timedelta(days=30) and second in "\n".join(ln.reasons())
    # needed sooner than the lead time: order today, and say it is late
    execute(world.db, role(world, "service_desk"), CancelRequest(second, "moved"))
    _approved(world, "CAT-DOCK", 5, 4)
    ln = _line(world, "USB-C dock")
    assert ln.order_by == today and "already late" in "\n".join(ln.reasons())


def test_committed_demand_within_the_position_raises_no_alert(world):
    _approved(world, "CAT-DOCK", 4, 30)  # 4 > 3 free: approved, not reserved
    from inventory.services import receiving

    receiving.receive(world.db, world.admin, "SR-HQ",
                      [receiving.ReceiptLine("DOCK-WD19", quantity=5)])
    ln = _line(world, "USB-C dock")
    assert not ln.alert and any("covered by the position" in r for r in ln.reasons())


def test_a_device_nobody_keeps_spares_of_is_planned_when_a_request_needs_it(world):
    number = _approved(world, "KIT-LAPTOP", 3, 21)  # 3 laptops, 1 ThinkPad in stock
    ln = _line(world, "ThinkPad T14")
    assert ln.alert and ln.position == 1
    assert any(number in r for r in ln.reasons())
    assert ln.order_by == clock.today() + timedelta(days=21 - 14)  # no offer: 14 days


def test_committed_demand_and_reserved_devices_give_the_reference_answers(world):
    """Approved requests and a device held for one: the set-based list equals the
    item-by-item reference (tests/reorder_reference.py) value for value."""
    from msgspec.structs import fields

    from inventory.replenishment import engine
    from inventory.replenishment.engine import ReorderLine, load_settings

    from . import reorder_reference as reference

    _approved(world, "CAT-DOCK", 5, 30)
    number = execute(world.db, role(world, "service_desk"), CreateRequest(
        "E1", "KIT-LAPTOP", needed_by=clock.today() + timedelta(days=10))).view.number
    assert execute(world.db, role(world, "manager"),  # a ThinkPad in stock: held for it
                   ApproveRequest(number)).view.state == "reserved"
    _approved(world, "KIT-LAPTOP", 2, 20)  # then none left: committed demand
    db = world.db
    assert any(r.asset_id for r in m.Reservation.select().where(m.Reservation.state == "held"))
    cfg = load_settings(db)
    got = engine._compute(db, clock.today(), cfg)
    want = reference.compute(db, clock.today(), cfg)
    assert len(got) == len(want) and any(ln.commitments for ln in got)
    for a, b in zip(got, want, strict=True):
        for f in fields(ReorderLine):
            x, y = getattr(a, f.name), getattr(b, f.name)
            assert x == y and type(x) is type(y), (a.product, a.location, f.name, x, y)
