"""Catalogue items, kits, requests and reservations, on SQLite and PostgreSQL: each state
change is one transaction recorded with who and when; refusals change nothing."""

from __future__ import annotations

from datetime import timedelta

import peewee as pw
import pytest

from inventory import clock
from inventory import models as m
from inventory.commands import CheckOut, Issue
from inventory.errors import InsufficientStock, InvalidState, PermissionDenied, ValidationError
from inventory.operations import execute
from inventory.services.verify import verify
from inventory.shop_commands import (
    ApproveRequest,
    CancelRequest,
    CreateCatalogItem,
    CreateRequest,
    IssueKit,
    RejectRequest,
    ReserveRequest,
)

from .shop_world import BUNDLE, build_shop, role, stock_row
from .test_services import unchanged


@pytest.fixture
def world(store):
    db, _ = store
    return build_shop(db)


def _request(world, person="E3", item="KIT-LAPTOP", **kw):
    return execute(world.db, role(world, "service_desk"), CreateRequest(person, item, **kw))


def _held(number: str) -> list[m.Reservation]:
    req = m.Request.get(m.Request.number == number)
    return list(m.Reservation.select().where((m.Reservation.request == req.id)
                                             & (m.Reservation.state == "held")))


def test_an_approved_kit_request_reserves_a_device_the_spares_and_a_seat(world):
    needed = clock.today() + timedelta(days=7)
    made = _request(world, needed_by=needed, note="new starter").view
    assert made.state == "requested" and made.needed_by == needed
    assert stock_row("USB-C dock", "SR-HQ") == (3, 0)
    manager = role(world, "manager")
    v = execute(world.db, manager, ApproveRequest(made.number, "ok")).view
    assert v.state == "reserved" and not v.shortages
    held = _held(made.number)
    device = next(r for r in held if r.asset_id is not None)
    assert m.Asset.get_by_id(device.asset_id).serial == "TP-1"  # the preferred model first
    assert stock_row("USB-C dock", "SR-HQ") == (3, 1)
    assert stock_row("Headset", "SR-HQ") == (5, 1)
    assert any(r.asset_id is None and r.location_id is None for r in held)  # the seat
    # the ledger of requests: who moved it where, when
    events = list(m.RequestEvent.select().join(m.Request)
                  .where(m.Request.number == made.number).order_by(m.RequestEvent.id))
    assert [(e.from_state, e.to_state) for e in events] == [
        (None, "requested"), ("requested", "approved"), ("approved", "reserved")]
    assert events[1].operator_id == manager.id and events[1].at.date() == clock.today()
    assert verify(world.db).ok


def test_the_service_desk_cannot_approve_and_nothing_changes(world):
    number = _request(world).view.number
    desk = role(world, "service_desk")
    before = m.RequestEvent.select().count()
    unchanged(world, lambda: execute(world.db, desk, ApproveRequest(number)), PermissionDenied)
    assert m.Request.get(m.Request.number == number).state == "requested"
    assert m.RequestEvent.select().count() == before


def test_a_department_that_may_not_request_the_item_is_refused(world):
    before = m.Request.select().count()
    with pytest.raises(ValidationError, match="IT, Engineering only; Alan Turing is in "
                                              "Finance") as refused:
        _request(world, person="E2")
    assert refused.value.field == "item"
    assert m.Request.select().count() == before


def test_a_reserved_device_goes_to_nobody_else(world):
    number = _request(world).view.number
    execute(world.db, role(world, "manager"), ApproveRequest(number))
    desk = role(world, "service_desk")
    unchanged(world, lambda: execute(world.db, desk, CheckOut("TP-1", person="E2")),
              InvalidState, match=f"reserved for Aisha Park \\(E3\\), request {number}")


def test_reserved_spares_cannot_be_issued_to_someone_else(world):
    number = _request(world).view.number
    execute(world.db, role(world, "manager"), ApproveRequest(number))
    desk = role(world, "service_desk")
    execute(world.db, desk, Issue("DOCK-WD19", 2, person="E1"))  # 3 on hand, 1 reserved
    unchanged(world, lambda: execute(world.db, desk, Issue("DOCK-WD19", 1, person="E1")),
              InsufficientStock, match="0 × USB-C dock free at HQ stockroom \\(1 on hand, "
                                       "1 reserved")


def test_fulfilling_hands_out_the_whole_kit_in_one_transaction(world):
    number = _request(world).view.number
    execute(world.db, role(world, "manager"), ApproveRequest(number))
    before = world.movements()
    result = execute(world.db, role(world, "service_desk"),
                     IssueKit("E3", request=number, source="usb"))
    v = result.view
    assert v.devices == ("IT-000004",) and v.request == number
    assert dict(v.spares) == {"USB-C dock": 1, "Headset": 1} and v.seats == ("Microsoft 365 E3",)
    assert world.movements() == before + 4 == before + len(result.movement_ids)
    assert m.Asset.get(m.Asset.serial == "TP-1").holder.employee_id == "E3"
    assert stock_row("USB-C dock", "SR-HQ") == (2, 0)
    assert m.Request.get(m.Request.number == number).state == "fulfilled"
    assert not _held(number)
    refs = {mv.reference for mv in m.Movement.select().where(m.Movement.id > before)}
    assert refs == {number}
    assert verify(world.db).ok


def test_a_kit_refuses_what_does_not_belong_and_an_incomplete_kit(world):
    desk = role(world, "service_desk")
    unchanged(world, lambda: execute(world.db, desk, IssueKit(
        "E3", "KIT-LAPTOP", tags=("IT-000001",), spares=(("CHG65", 1),))), InvalidState,
        match="USB-C charger 65 W is not part of Standard laptop bundle")
    unchanged(world, lambda: execute(world.db, desk, IssueKit(
        "E3", "KIT-LAPTOP", tags=("IT-000001", "IT-000002"))), InvalidState,
        match="needs only 1 × ThinkPad T14 or Latitude 7440")
    unchanged(world, lambda: execute(world.db, desk, IssueKit(
        "E3", "KIT-LAPTOP", tags=("IT-000001",), spares=(("DOCK-WD19", 1),))), InvalidState,
        match="not complete: it still expects 1 × Headset")
    v = execute(world.db, desk, IssueKit("E3", "KIT-LAPTOP", tags=("IT-000001",),
                                         spares=(("DOCK-WD19", 1), ("EVOLVE2", 1)))).view
    assert v.devices == ("IT-000001",) and v.request is None


def test_an_approved_request_without_stock_waits_then_reserves(world):
    desk, manager = role(world, "service_desk"), role(world, "manager")
    number = _request(world, quantity=4).view.number  # 4 kits: 4 laptops, 4 docks
    v = execute(world.db, manager, ApproveRequest(number)).view
    assert v.state == "approved"
    assert any("USB-C dock: 3 of 4 available" in s for s in v.shortages)
    assert stock_row("USB-C dock", "SR-HQ") == (3, 0)  # nothing half-reserved
    with pytest.raises(InvalidState, match="cannot be reserved yet"):
        execute(world.db, desk, ReserveRequest(number))
    from inventory.services import receiving

    receiving.receive(world.db, world.admin, "SR-HQ", [
        receiving.ReceiptLine("DOCK-WD19", quantity=1),
        receiving.ReceiptLine("LAT7440", serials=["SN-D"])])
    m.License.update(seats=10).execute()
    assert execute(world.db, desk, ReserveRequest(number)).view.state == "reserved"
    assert stock_row("USB-C dock", "SR-HQ") == (4, 4)


def test_cancel_and_reject_give_the_stock_back(world):
    desk, manager = role(world, "service_desk"), role(world, "manager")
    first = _request(world).view.number
    execute(world.db, manager, ApproveRequest(first))
    assert stock_row("Headset", "SR-HQ") == (5, 1)
    assert execute(world.db, desk, CancelRequest(first, "changed mind")).view.state == "cancelled"
    assert stock_row("Headset", "SR-HQ") == (5, 0) and not _held(first)
    second = _request(world).view.number
    with pytest.raises(ValidationError, match="Say why"):
        execute(world.db, manager, RejectRequest(second, " "))
    assert execute(world.db, manager, RejectRequest(second, "budget")).view.state == "rejected"
    with pytest.raises(InvalidState, match="is rejected; it cannot become cancelled"):
        execute(world.db, desk, CancelRequest(second))


def test_an_auto_approved_item_is_reserved_at_once(world):
    v = _request(world, person="E2", item="Spare headset").view
    assert v.state == "reserved"
    assert stock_row("Headset", "SR-HQ") == (5, 1)
    events = [e.note for e in m.RequestEvent.select().order_by(m.RequestEvent.id)]
    assert "auto-approved item" in events


def test_the_ledger_of_requests_is_append_only(world):
    _request(world)
    with pytest.raises(pw.DatabaseError, match="append-only"):
        with world.db.atomic():
            m.RequestEvent.update(note="rewritten").execute()
    with pytest.raises(pw.DatabaseError, match="append-only"):
        with world.db.atomic():
            m.RequestEvent.delete().execute()


def test_catalogue_items_are_checked(world):
    op = world.admin
    with pytest.raises(ValidationError, match="mixes kinds"):
        execute(world.db, op, CreateCatalogItem("Odd", "kit",
                                                lines=((1, ("LAT7440", "CHG65")),)))
    with pytest.raises(ValidationError, match="at least one line"):
        execute(world.db, op, CreateCatalogItem("Empty", "kit"))
    with pytest.raises(ValidationError, match="between 0 and"):
        execute(world.db, op, CreateCatalogItem("Dear", "product", product="CHG65",
                                                price="1e12"))
    desk = role(world, "service_desk")
    with pytest.raises(PermissionDenied):
        execute(world.db, desk, CreateCatalogItem("Charger", "product", product="CHG65"))
    assert not m.CatalogItem.select().where(m.CatalogItem.name.in_(
        ["Odd", "Empty", "Dear", "Charger"])).exists()
    assert m.CatalogItem.get(m.CatalogItem.code == "KIT-LAPTOP").name == BUNDLE


def test_the_station_reads_a_kit_label_and_a_persons_ready_requests(world):
    from inventory.kits import KitFill  # noqa: F401 - the shape kit_fill returns
    from inventory.queries.requests import kit_fill, ready_requests
    from inventory.services.resolve import resolve

    res = resolve(world.db, "kit-laptop")
    assert (res.kind, res.ref, res.product) == ("kit", "KIT-LAPTOP", BUNDLE)
    number = _request(world).view.number
    execute(world.db, role(world, "manager"), ApproveRequest(number))
    (ready,) = ready_requests("E3")
    assert ready.describe() == f"{BUNDLE} ({number})" and ready.state == "reserved"
    assert any(h.startswith("IT-000004 ThinkPad T14") for h in ready.held)
    fill = kit_fill("KIT-LAPTOP")
    fill.place_named("Latitude 7440", what="IT-000001")
    with pytest.raises(InvalidState, match="USB-C charger 65 W is not part of"):
        fill.place_named("USB-C charger 65 W")
    assert fill.expecting() == "1 × USB-C dock, 1 × Headset"
    assert [ln.label for ln in fill.seats()] == ["Microsoft 365 E3 seat"]


def test_verify_finds_reservations_out_of_step(world):
    number = _request(world).view.number
    execute(world.db, role(world, "manager"), ApproveRequest(number))
    assert verify(world.db).ok
    m.StockLevel.update(reserved=m.StockLevel.reserved + 2).where(
        m.StockLevel.product == m.Product.get(m.Product.name == "Headset").id).execute()
    report = verify(world.db)
    assert not report.ok
    assert any("reserved out of step: Headset at HQ stockroom shows 3 reserved, open "
               "requests hold 1" in p for p in report.rule_problems), report.rule_problems
