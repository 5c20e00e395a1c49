"""Loan-pool bookings on SQLite and PostgreSQL: overlaps refused naming who holds the slot,
loans that run into a booking refused saying until when the device is free, the month view."""

from __future__ import annotations

from datetime import timedelta

import pytest

from inventory import clock
from inventory import models as m
from inventory.commands import CheckOut
from inventory.errors import InvalidState, ValidationError
from inventory.operations import execute
from inventory.queries.bookings import month_view
from inventory.shop_commands import AddToLoanPool, BookLoan, CancelBooking

from .shop_world import build_shop, role
from .test_services import unchanged


@pytest.fixture
def world(store):
    db, _ = store
    w = build_shop(db)
    for tag in ("IT-000001", "IT-000002"):  # two Latitudes in the loan pool
        execute(db, w.admin, AddToLoanPool(tag))
    return w


def _day(n: int):
    return clock.today() + timedelta(days=n)


def _book(world, person, start, end, **what):
    return execute(world.db, role(world, "service_desk"),
                   BookLoan(person, _day(start), _day(end), **what)).view


def test_an_overlapping_booking_is_refused_naming_who_holds_the_slot(world):
    first = _book(world, "E1", 3, 7, asset="IT-000001")
    before = m.Booking.select().count()
    with pytest.raises(InvalidState) as refused:
        _book(world, "E2", 6, 9, asset="IT-000001")
    assert (f"IT-000001 is already booked by Ada Lovelace (E1) from {_day(3):%Y-%m-%d} to "
            f"{_day(7):%Y-%m-%d}, booking {first.number}") in str(refused.value)
    assert m.Booking.select().count() == before
    assert _book(world, "E2", 8, 9, asset="IT-000001").asset == "IT-000001"  # the day after


def test_model_bookings_fill_the_pool_then_are_refused(world):
    _book(world, "E1", 2, 4, product="Latitude 7440")
    _book(world, "E3", 3, 5, product="Latitude 7440")
    with pytest.raises(InvalidState, match=f"Every Latitude 7440 in the loan pool is taken on "
                                           f"{_day(3):%Y-%m-%d}.*Ada Lovelace.*Aisha Park"):
        _book(world, "E2", 1, 3, product="Latitude 7440")
    assert _book(world, "E2", 5, 6, product="Latitude 7440").asset is None
    with pytest.raises(InvalidState, match="No ThinkPad T14 is in the loan pool"):
        _book(world, "E2", 1, 2, product="ThinkPad T14")


def test_a_loan_that_runs_into_a_booking_is_refused_saying_until_when_it_is_free(world):
    _book(world, "E2", 5, 8, asset="IT-000001")
    desk = role(world, "service_desk")
    unchanged(world, lambda: execute(world.db, desk, CheckOut("IT-000001", person="E1",
                                                              due=_day(6))),
              InvalidState, match=f"booked by Alan Turing \\(E2\\).*free until "
                                  f"{_day(4):%Y-%m-%d}")
    unchanged(world, lambda: execute(world.db, desk, CheckOut("IT-000001", person="E1")),
              InvalidState, match="free until")  # no due date: open-ended
    v = execute(world.db, desk, CheckOut("IT-000001", person="E1", due=_day(4))).view
    assert v.holder == "Ada Lovelace"
    # the person who booked it may take it
    execute(world.db, desk, CheckOut("IT-000002", person="E2", due=_day(20)))


def test_a_loan_is_refused_when_the_rest_of_the_pool_cannot_cover_model_bookings(world):
    _book(world, "E2", 2, 3, product="Latitude 7440")
    _book(world, "E3", 2, 3, product="Latitude 7440")
    desk = role(world, "service_desk")
    with pytest.raises(InvalidState, match="free until"):
        execute(world.db, desk, CheckOut("IT-000001", person="E1", due=_day(10)))
    execute(world.db, desk, CheckOut("IT-000001", person="E1", due=_day(1)))


def test_booking_dates_are_checked(world):
    with pytest.raises(ValidationError, match="in the past"):
        _book(world, "E1", -1, 2, asset="IT-000001")
    with pytest.raises(ValidationError, match="ends before it starts"):
        _book(world, "E1", 4, 2, asset="IT-000001")
    with pytest.raises(ValidationError, match="at most 366 days"):
        _book(world, "E1", 1, 400, asset="IT-000001")
    with pytest.raises(InvalidState, match="not in the loan pool"):
        _book(world, "E1", 1, 2, asset="IT-000003")
    assert m.Booking.select().count() == 0


def test_a_cancelled_booking_frees_the_slot(world):
    b = _book(world, "E1", 3, 7, asset="IT-000001")
    execute(world.db, role(world, "service_desk"), CancelBooking(b.number))
    assert _book(world, "E2", 3, 7, asset="IT-000001").person == "Alan Turing"


def test_the_month_view_shows_loans_and_bookings_day_by_day(world):
    execute(world.db, role(world, "service_desk"),
            CheckOut("IT-000002", person="E3", due=_day(2)))
    b = _book(world, "E1", 3, 5, asset="IT-000001")
    _book(world, "E2", 4, 4, product="Latitude 7440")
    grid = month_view("Latitude 7440", clock.today())
    rows = {r.label: r for r in grid.rows}
    assert set(rows) == {"IT-000001", "IT-000002", "any Latitude 7440"}
    first = clock.today().replace(day=1)

    def cell(label, n):
        i = (_day(n) - first).days
        return rows[label].cells[i]  # the clock is pinned to a month's first day

    assert cell("IT-000001", 3).ref == b.number and cell("IT-000001", 3).who == "Ada Lovelace"
    assert cell("IT-000002", 0).kind == "loan" and cell("IT-000002", 0).who == "Aisha Park"
    assert cell("any Latitude 7440", 4).who == "Alan Turing"
    assert cell("IT-000001", 0) is None
    text = "\n".join(grid.text_lines())
    assert "IT-000002" in text and "loan" in text
