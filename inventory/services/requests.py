"""Requests: someone asks for a catalogue item; the service desk records it on their
behalf; a manager approves (or the item is auto-approved); approval reserves stock; the
scan station fulfils it. Every change of state is a row in the ledger of requests."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import peewee as pw

from .. import clock, limits
from .. import models as m
from ..errors import InvalidState, NotFound, ValidationError
from ..operators import OperatorRef
from ..roles import require
from . import find, reservations, shop
from .reservations import Shortage

MAX_NOTE = 2000
# state → the states it may move to
TRANSITIONS = {
    "requested": ("approved", "reserved", "rejected", "cancelled"),
    "approved": ("reserved", "rejected", "cancelled"),
    "reserved": ("fulfilled", "approved", "cancelled"),
}


@dataclass(frozen=True)
class RequestView:
    number: str
    person: str
    employee_id: str
    item: str
    item_code: str
    quantity: int
    needed_by: date | None
    state: str
    location: str | None
    note: str
    shortages: tuple[str, ...] = ()  # why an approved request is not reserved yet

    def describe(self) -> str:
        qty = f"{self.quantity} × " if self.quantity != 1 else ""
        by = f", needed by {self.needed_by:%Y-%m-%d}" if self.needed_by else ""
        return (f"{self.number} {qty}{self.item} for {self.person} ({self.employee_id}): "
                f"{self.state}{by}")


def view(req: m.Request, shortages: list[Shortage] | None = None) -> RequestView:
    p = m.Person.get_by_id(req.person_id)
    it = m.CatalogItem.get_by_id(req.item_id)
    loc = m.Location.get_by_id(req.location_id) if req.location_id else None
    return RequestView(req.number, p.name, p.employee_id, it.name, it.code, req.quantity,
                       req.needed_by, req.state, loc.name if loc else None, req.note,
                       tuple(s.describe() for s in shortages or ()))


def find_request(number: str) -> m.Request:
    text = number.strip().upper()
    if text.isdigit():
        text = f"REQ-{int(text):06d}"
    req = m.Request.get_or_none(m.Request.number == text)
    if req is None:
        raise NotFound(f"No request {number.strip()}. `request list` shows the open ones.",
                       field="request")
    return req


def _event(req: m.Request, op: OperatorRef, before: str | None, after: str,
           note: str = "") -> None:
    m.RequestEvent.create(request=req, operator=op.id, from_state=before, to_state=after,
                          note=note, at=clock.utcnow())


def _move(req: m.Request, op: OperatorRef, to: str, note: str = "") -> None:
    """Change the state only if nobody changed it meanwhile (another desk)."""
    before = req.state
    if to not in TRANSITIONS.get(before, ()):
        raise InvalidState(f"{req.number} is {before}; it cannot become {to}.",
                           field="request")
    n = (m.Request.update(state=to, updated_at=clock.utcnow())
         .where((m.Request.id == req.id) & (m.Request.state == before)).execute())
    if n == 0:
        raise InvalidState(f"{req.number} was changed at another desk just now. Look again.",
                           field="request")
    req.state = to
    _event(req, op, before, to, note)


def _note(text: str) -> str:
    text = (text or "").strip()
    if len(text) > MAX_NOTE:
        raise ValidationError(f"The note is too long ({len(text):,} characters; at most "
                              f"{MAX_NOTE:,}).", field="note")
    return text


def home_stockroom(person: m.Person) -> m.Location | None:
    """Where a person's requests are reserved and handed out: a stockroom at their site."""
    q = m.Location.select().where((m.Location.kind == "stockroom") & m.Location.active)
    if person.site_id:
        local = q.where(m.Location.parent == person.site_id).order_by(m.Location.id).first()
        if local is not None:
            return local
    return q.order_by(m.Location.id).first()


def _locations(req: m.Request) -> list[int]:
    """Where to look for stock: the request's stockroom first, then the other ones."""
    others = [lid for (lid,) in m.Location.select(m.Location.id).where(
        m.Location.kind.in_(("stockroom", "site")) & m.Location.active)
        .order_by(m.Location.id).tuples()]
    first = [req.location_id] if req.location_id else []
    return first + [lid for lid in others if lid not in first]


def units(req: m.Request) -> list[tuple[shop.KitLineView, int]]:
    """The request's lines with the units each needs (kit lines × quantity)."""
    it = m.CatalogItem.get_by_id(req.item_id)
    return [(ln, ln.quantity * req.quantity) for ln in shop.item_lines(it)]


def _try_reserve(req: m.Request, op: OperatorRef, note: str = "") -> list[Shortage]:
    holds, short = reservations.plan(units(req), _locations(req))
    if short:
        return short
    reservations.hold(req, holds)
    _move(req, op, "reserved", note)
    return []


def create(db: pw.Database, op: OperatorRef, person: str, item: str, *, quantity: int = 1,
           needed_by: date | None = None, note: str = "", location: str | None = None
           ) -> RequestView:
    """Record a request on the person's behalf (auto-approved items are approved and,
    when the stock is there, reserved at once)."""
    require(op.role, "request")
    quantity = limits.quantity(quantity, "The quantity")
    note = _note(note)
    with db.atomic():
        who = find.person(person)
        it = shop.item(item)
        shop.may_request(it, who)
        if needed_by is not None and needed_by < clock.today():
            raise ValidationError(f"The needed-by date {needed_by:%Y-%m-%d} is in the past. "
                                  "Pick a later date or leave it empty.", field="needed_by")
        where = find.location(location) if location else home_stockroom(who)
        now = clock.utcnow()
        req = m.Request.create(number=_next_number(), person=who, item=it, quantity=quantity,
                               needed_by=needed_by, note=note, state="requested",
                               location=where, created_by=op.id, created_at=now,
                               updated_at=now)
        _event(req, op, None, "requested", note)
        short: list[Shortage] = []
        if it.auto_approve:
            _move(req, op, "approved", "auto-approved item")
            short = _try_reserve(req, op)
        return view(req, short)


def _next_number() -> str:
    last = m.Request.select(pw.fn.MAX(m.Request.id)).scalar() or 0
    n = int(last) + 1
    while m.Request.select().where(m.Request.number == f"REQ-{n:06d}").exists():
        n += 1
    return f"REQ-{n:06d}"


def approve(db: pw.Database, op: OperatorRef, number: str, note: str = "") -> RequestView:
    """A manager approves: the stock is reserved now if it is there; else the request
    waits as committed demand (the reorder list plans for it)."""
    require(op.role, "approve")
    note = _note(note)
    with db.atomic():
        req = find_request(number)
        if req.state != "requested":
            raise InvalidState(f"{req.number} is {req.state}; only a request waiting for "
                               "approval can be approved.", field="request")
        _move(req, op, "approved", note)
        return view(req, _try_reserve(req, op))


def reserve(db: pw.Database, op: OperatorRef, number: str) -> RequestView:
    """Reserve an approved request's stock (once it has arrived)."""
    require(op.role, "request")
    with db.atomic():
        req = find_request(number)
        if req.state != "approved":
            raise InvalidState(f"{req.number} is {req.state}; only an approved request is "
                               "reserved.", field="request")
        short = _try_reserve(req, op)
        if short:
            raise InvalidState(f"{req.number} cannot be reserved yet: "
                               + "; ".join(s.describe() for s in short)
                               + ". Receive or transfer the stock first.", field="request")
        return view(req)


def reject(db: pw.Database, op: OperatorRef, number: str, reason: str) -> RequestView:
    require(op.role, "approve")
    reason = _note(reason)
    if not reason:
        raise ValidationError("Say why the request is rejected.", field="reason")
    with db.atomic():
        req = find_request(number)
        reservations.release(req)
        _move(req, op, "rejected", reason)
        return view(req)


def cancel(db: pw.Database, op: OperatorRef, number: str, reason: str = "") -> RequestView:
    """Withdraw a request; whatever it held goes back to stock."""
    require(op.role, "request")
    reason = _note(reason)
    with db.atomic():
        req = find_request(number)
        reservations.release(req)
        _move(req, op, "cancelled", reason)
        return view(req)


def mark_fulfilled(req: m.Request, op: OperatorRef, note: str = "") -> None:
    """Its reservations are used up (the kit issue does it, in its transaction)."""
    reservations.release(req, "consumed")
    _move(req, op, "fulfilled", note)


def ready_for(person: m.Person) -> list[m.Request]:
    """A person's reserved requests, oldest first (the scan station offers them)."""
    return list(m.Request.select().where((m.Request.person == person.id)
                                         & (m.Request.state == "reserved"))
                .order_by(m.Request.id))


def history(number: str) -> list[tuple[datetime, str, str | None, str, str]]:
    """The ledger of one request: (when, operator, from, to, note)."""
    req = find_request(number)
    e = m.RequestEvent
    return [(at, name or user, before, after, note) for at, user, name, before, after, note in
            e.select(e.at, m.Operator.username, m.Operator.name, e.from_state, e.to_state,
                     e.note).join(m.Operator).where(e.request == req.id)
            .order_by(e.id).tuples()]
