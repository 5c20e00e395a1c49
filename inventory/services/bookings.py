"""Loan-pool bookings: a device, or any device of a model, held for a person from one date
until another (both days included). Overlaps are refused naming who holds the slot; a loan
whose due date runs into someone's booking is refused saying until when the device is free.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import peewee as pw

from .. import clock, sqlcache
from .. import models as m
from ..errors import Duplicate, InvalidState, NotFound, ValidationError
from ..operators import OperatorRef
from ..roles import require
from . import find

MAX_BOOKING_DAYS = 366
MAX_AHEAD_DAYS = 730
MAX_NOTE = 2000
OPEN_LOAN_DAYS = 3650  # a loan without a due date runs into every booking ahead


@dataclass(frozen=True)
class BookingView:
    number: str
    product: str
    asset: str | None
    person: str
    employee_id: str
    starts_on: date
    ends_on: date
    state: str

    def describe(self) -> str:
        what = self.asset or f"any {self.product}"
        return (f"{self.number} {what} for {self.person} ({self.employee_id}) "
                f"{self.starts_on:%Y-%m-%d} – {self.ends_on:%Y-%m-%d}: {self.state}")


def view(b: m.Booking) -> BookingView:
    p = m.Person.get_by_id(b.person_id)
    a = m.Asset.get_by_id(b.asset_id) if b.asset_id else None
    return BookingView(b.number, m.Product.get_by_id(b.product_id).name, a.tag if a else None,
                       p.name, p.employee_id, b.starts_on, b.ends_on, b.state)


def _pool_row() -> pw.Query:
    return (m.LoanDevice.select(m.LoanDevice.id)
            .where(m.LoanDevice.asset == sqlcache.slot("asset_id")).limit(pw.SQL("1")))


def in_pool(asset_id: int) -> bool:
    """Whether a device is in the loan pool (on every check-out: compiled once)."""
    return sqlcache.execute("loan_pool_asset", _pool_row,
                            {"asset_id": asset_id}).fetchone() is not None


def pool_devices(product_id: int) -> list[m.Asset]:
    return list(m.Asset.select().join(m.LoanDevice, on=(m.LoanDevice.asset == m.Asset.id))
                .where((m.Asset.product == product_id)
                       & m.Asset.status.not_in(("retired", "disposed", "lost")))
                .order_by(m.Asset.tag))


def _who(b: m.Booking) -> str:
    p = m.Person.get_by_id(b.person_id)
    return (f"{p.name} ({p.employee_id}) from {b.starts_on:%Y-%m-%d} to "
            f"{b.ends_on:%Y-%m-%d}, booking {b.number}")


def _overlapping(start: date, end: date) -> pw.ModelSelect:
    B = m.Booking
    return B.select().where((B.state == "active") & (B.starts_on <= end) & (B.ends_on >= start))


def _loaned_until(a: m.Asset) -> date | None:
    """The last day a device on loan is away (its due date; no due date: open-ended)."""
    if a.status != "deployed":
        return None
    return a.due_date or (clock.today() + timedelta(days=OPEN_LOAN_DAYS))


def _days(start: date, end: date):
    d = start
    while d <= end:
        yield d
        d += timedelta(days=1)


def _short_day(product_id: int, start: date, end: date, *, without_asset: int | None = None,
               extra_asset: int | None = None, person: int | None = None) -> date | None:
    """The first day in [start, end] on which the model's pool cannot cover its model
    bookings (by others than `person`), with `without_asset` taken away for a loan or an
    asset booking, and `extra_asset` (a new asset booking) too. None: covered."""
    bookings: list[m.Booking] = list(_overlapping(start, end).where(
        m.Booking.product == product_id))
    model_b = [b for b in bookings if b.asset_id is None and b.person_id != person]
    if not model_b:
        return None  # nothing booked "any device of the model": nothing to cover
    devices = [a for a in pool_devices(product_id) if a.id != without_asset]
    asset_b = [b for b in bookings if b.asset_id is not None]
    for day in _days(max(start, min((b.starts_on for b in model_b), default=start)),
                     min(end, max((b.ends_on for b in model_b), default=end))):
        wanted = sum(1 for b in model_b if b.starts_on <= day <= b.ends_on)
        if wanted == 0:
            continue
        free = 0
        for a in devices:
            if a.id == extra_asset:
                continue
            until = _loaned_until(a)
            if until is not None and day <= until:
                continue
            if any(b.asset_id == a.id and b.starts_on <= day <= b.ends_on for b in asset_b):
                continue
            free += 1
        if free < wanted:
            return day
    return None


def _check_dates(starts_on: date, ends_on: date) -> None:
    today = clock.today()
    if starts_on < today:
        raise ValidationError(f"The booking starts {starts_on:%Y-%m-%d}, in the past. Pick "
                              "today or later.", field="starts_on")
    if ends_on < starts_on:
        raise ValidationError("The booking ends before it starts. Swap the dates.",
                              field="ends_on")
    if (ends_on - starts_on).days + 1 > MAX_BOOKING_DAYS:
        raise ValidationError(f"A booking lasts at most {MAX_BOOKING_DAYS} days.",
                              field="ends_on")
    if (starts_on - today).days > MAX_AHEAD_DAYS:
        raise ValidationError(f"Bookings are taken at most {MAX_AHEAD_DAYS} days ahead.",
                              field="starts_on")


def book(db: pw.Database, op: OperatorRef, person: str, *, starts_on: date, ends_on: date,
         asset: str | None = None, product: str | None = None, note: str = "") -> BookingView:
    """Book a loan-pool device (`asset`) or any device of a model (`product`)."""
    require(op.role, "request")
    if (asset is None) == (product is None):
        raise ValidationError("Book a device or a model (one of them).", field="asset")
    _check_dates(starts_on, ends_on)
    note = (note or "").strip()
    if len(note) > MAX_NOTE:
        raise ValidationError(f"The note is too long (at most {MAX_NOTE:,} characters).",
                              field="note")
    with db.atomic():
        who = find.person(person)
        if asset is not None:
            a = find.asset(asset)
            if not in_pool(a.id):
                raise InvalidState(f"{a.tag} is not in the loan pool. Add it first "
                                   f"(`booking pool add {a.tag}`).", field="asset")
            if a.status in ("retired", "disposed", "lost"):
                raise InvalidState(f"{a.tag} is {a.status}; it cannot be booked.",
                                   field="asset")
            clash = _overlapping(starts_on, ends_on).where(m.Booking.asset == a.id).first()
            if clash is not None:
                raise InvalidState(f"{a.tag} is already booked by {_who(clash)}. Pick other "
                                   "dates or another device.", field="starts_on")
            until = _loaned_until(a)
            if until is not None and until >= starts_on and a.holder_id != who.id:
                holder = m.Person.get_by_id(a.holder_id) if a.holder_id else None
                due = (f"until {a.due_date:%Y-%m-%d}" if a.due_date
                       else "with no return date")
                whom = holder.name if holder else "a location"
                raise InvalidState(f"{a.tag} is on loan to {whom} {due}. Pick later dates or "
                                   "another device.", field="starts_on")
            day = _short_day(a.product_id, starts_on, ends_on, extra_asset=a.id)
            if day is not None:
                raise InvalidState(_model_full(a.product_id, day, starts_on, ends_on),
                                   field="starts_on")
            product_id, asset_id = a.product_id, a.id
        else:
            assert product is not None
            p = find.product(product)
            if p.kind != "device" or not pool_devices(p.id):
                raise InvalidState(f"No {p.name} is in the loan pool. Add devices to it "
                                   "first (`booking pool add TAG`).", field="product")
            day = _model_day_full(p.id, starts_on, ends_on)
            if day is not None:
                raise InvalidState(_model_full(p.id, day, starts_on, ends_on),
                                   field="starts_on")
            product_id, asset_id = p.id, None
        b = m.Booking.create(number=_next_number(), product=product_id, asset=asset_id,
                             person=who, starts_on=starts_on, ends_on=ends_on, note=note,
                             created_by=op.id)
        return view(b)


def _model_day_full(product_id: int, start: date, end: date) -> date | None:
    """The first day a new model booking would not fit (every pool device taken)."""
    devices = pool_devices(product_id)
    bookings: list[m.Booking] = list(_overlapping(start, end).where(
        m.Booking.product == product_id))
    for day in _days(start, end):
        taken = sum(1 for b in bookings if b.starts_on <= day <= b.ends_on)
        loaned = sum(1 for a in devices if (u := _loaned_until(a)) is not None and day <= u
                     and not any(b.asset_id == a.id and b.starts_on <= day <= b.ends_on
                                 for b in bookings))
        if taken + loaned >= len(devices):
            return day
    return None


def _model_full(product_id: int, day: date, start: date, end: date) -> str:
    name = m.Product.get_by_id(product_id).name
    holders = [_who(b) for b in _overlapping(day, day).where(m.Booking.product == product_id)]
    held = "; ".join(holders) if holders else "devices on loan"
    return (f"Every {name} in the loan pool is taken on {day:%Y-%m-%d} (held by {held}). "
            "Pick other dates.")


def _next_number() -> str:
    last = m.Booking.select(pw.fn.MAX(m.Booking.id)).scalar() or 0
    n = int(last) + 1
    while m.Booking.select().where(m.Booking.number == f"BK-{n:06d}").exists():
        n += 1
    return f"BK-{n:06d}"


def find_booking(number: str) -> m.Booking:
    text = number.strip().upper()
    b = m.Booking.get_or_none(m.Booking.number == text)
    if b is None:
        raise NotFound(f"No booking {number.strip()}. `booking list` shows them.",
                       field="booking")
    return b


def cancel(db: pw.Database, op: OperatorRef, number: str) -> BookingView:
    require(op.role, "request")
    with db.atomic():
        b = find_booking(number)
        if b.state != "active":
            raise InvalidState(f"{b.number} is {b.state} already.", field="booking")
        m.Booking.update(state="cancelled").where(m.Booking.id == b.id).execute()
        b.state = "cancelled"
        return view(b)


def add_to_pool(db: pw.Database, op: OperatorRef, tag: str) -> str:
    require(op.role, "catalog")
    with db.atomic():
        a = find.asset(tag)
        if in_pool(a.id):
            raise Duplicate(f"{a.tag} is in the loan pool already.", field="asset")
        m.LoanDevice.create(asset=a)
        return a.tag


def check_loan(a: m.Asset, holder: m.Person | None, due: date | None) -> None:
    """Refuse a loan of a pool device whose due date runs into someone else's booking
    (of this device, or of its model when no other device can cover it)."""
    if not in_pool(a.id):
        return
    today = clock.today()
    end = due or today + timedelta(days=OPEN_LOAN_DAYS)
    person = holder.id if holder is not None else None
    clash = (_overlapping(today, end).where((m.Booking.asset == a.id)
                                           & (m.Booking.person != (person or 0)))
             .order_by(m.Booking.starts_on).first())
    first = clash.starts_on if clash is not None else None
    day = _short_day(a.product_id, today, end, without_asset=a.id, person=person)
    if day is not None and (first is None or day < first):
        first = day
        clash = (_overlapping(day, day).where((m.Booking.product == a.product_id)
                                              & m.Booking.asset.is_null()).first())
    if first is None:
        return
    assert clash is not None
    free = first - timedelta(days=1)
    until = (f"it is free until {free:%Y-%m-%d}. Give a due date on or before then"
             if free >= today else "it is not free today. Pick another device")
    raise InvalidState(f"{a.tag} is booked by {_who(clash)}; {until}.", field="due")
