"""Serialized devices: check out, check in, retire, dispose, lost."""

from __future__ import annotations

import functools
import operator
from datetime import date

import peewee as pw

from .. import clock, lifecycle, sqlcache
from .. import models as m
from ..errors import Conflict, InvalidState, ValidationError
from ..operators import OperatorRef
from ..roles import require
from ..views import AssetView
from . import bookings, find, reservations
from .ledger import record

CHECKOUT_FROM = lifecycle.sources("check_out")


def view(a: m.Asset) -> AssetView:
    holder = a.holder
    return AssetView(
        tag=a.tag, serial=a.serial, product=a.product.name, status=a.status,
        location=a.location.name if a.location_id else None,
        holder=holder.name if holder else None,
        holder_employee_id=holder.employee_id if holder else None,
        due_date=a.due_date,
    )


def _after(a: m.Asset, **changes) -> AssetView:
    """The view of an asset once `changes` (already written) apply, without re-reading."""
    for name, value in changes.items():
        setattr(a, name, value)
    return view(a)


def why_not_available(a: m.Asset) -> str:
    """What stops this asset from being issued, in words a service desk can act on."""
    if a.status == "deployed":
        who = (f"{a.holder.name} ({a.holder.employee_id})" if a.holder_id
               else a.location.name if a.location_id else "someone")
        return f"{a.tag} is already checked out to {who}. Check it in first."
    if a.status == "in_repair":
        return f"{a.tag} is in repair. Check it in from repair before issuing it."
    if a.status == "in_transit":
        return f"{a.tag} is in transit. Confirm its arrival first."
    if a.status in ("retired", "disposed", "lost"):
        return f"{a.tag} is {a.status} and cannot be checked out. Pick another device."
    return f"{a.tag} is {a.status.replace('_', ' ')} and cannot be checked out."


def _transition_sql(columns: tuple[str, ...], n_allowed: int) -> pw.Query:
    allowed = [m.Asset.status == sqlcache.slot(f"allowed{i}") for i in range(n_allowed)]
    return (m.Asset.update({getattr(m.Asset, c): sqlcache.slot(c) for c in columns})
            .where((m.Asset.id == sqlcache.slot("asset_id")) & functools.reduce(
                operator.or_, allowed)))


def transition(a: m.Asset, allowed: tuple[str, ...], **changes) -> None:
    """Move the asset to its new state only if nobody changed it meanwhile."""
    columns = tuple(sorted(changes))
    values = {c: getattr(m.Asset, c).db_value(changes[c]) if changes[c] is not None else None
              for c in columns}
    values.update({f"allowed{i}": s for i, s in enumerate(allowed)}, asset_id=a.id)
    cursor = sqlcache.execute(f"transition:{','.join(columns)}:{len(allowed)}",
                              lambda: _transition_sql(columns, len(allowed)), values)
    if cursor.rowcount == 0:
        fresh = m.Asset.get_by_id(a.id)
        raise Conflict(why_not_available(fresh) if fresh.status != "in_stock"
                       else f"{a.tag} was changed at another desk just now. Scan it again.")


PLACE_KINDS = ("site", "stockroom")  # where a device can be checked out to, without a person


def check_out(db: pw.Database, op: OperatorRef, asset_tag: str, *, person: str | None = None,
              location: str | None = None, due: date | None = None, source: str = "manual",
              reference: str = "") -> AssetView:
    """Issue a device to a person (by employee id) or to a location."""
    require(op.role, "check_out")
    if (person is None) == (location is None):
        raise ValidationError("Check out to a person or to a location (one of them).",
                              field="person")
    with db.atomic():
        a = find.asset(asset_tag)
        holder = find.person(person) if person else None
        dest = find.location(location) if location else None
        if dest is not None and dest.kind not in PLACE_KINDS:
            raise ValidationError(f"{dest.name} is a {dest.kind.replace('_', ' ')} location; a "
                                  "device is checked out to a place on a site (a meeting room, "
                                  "a loaner shelf).", field="location")
        if a.status not in CHECKOUT_FROM:
            raise InvalidState(why_not_available(a), field="asset")
        if due is not None and due < clock.today():
            raise ValidationError(f"The due date {due.isoformat()} is in the past. "
                                  "Pick a later date or leave it empty.", field="due")
        reservations.check_not_reserved(a, holder)
        bookings.check_loan(a, holder, due)
        if dest is None:
            assert holder is not None  # no location given: a person was
            dest = holder.site if holder.site_id else a.location
        transition(a, CHECKOUT_FROM, status="deployed", holder=holder, location=dest,
                   due_date=due)
        record(op, "check_out", a.product_id, asset=a, from_location=a.location_id,
               to_location=dest, person=holder, holder=holder, asset_status="deployed",
               source=source, reference=reference)
        return _after(a, status="deployed", holder=holder, location=dest, due_date=due)


def _last_issued_from() -> pw.Query:
    return (m.Location.select(*find.LOCATION_FIELDS)
            .join(m.Movement, on=(m.Movement.from_location == m.Location.id))
            .where((m.Movement.asset == sqlcache.slot("asset_id"))
                   & (m.Movement.kind == sqlcache.slot("kind")))
            .order_by(m.Movement.id.desc()).limit(pw.SQL("1")))


def home_location(a: m.Asset) -> m.Location | None:
    """The stockroom the asset was last issued from (where a return goes by default)."""
    row = sqlcache.execute("home_location", _last_issued_from,
                           {"asset_id": a.id, "kind": "check_out"}).fetchone()
    if row is not None:
        return sqlcache.hydrate(m.Location, find.LOCATION_FIELDS, row)
    if a.location_id and a.location.kind in m.STOCKING_KINDS:
        return a.location
    return find.first_of_kind("stockroom")


def check_in(db: pw.Database, op: OperatorRef, asset_tag: str, *, location: str | None = None,
             damaged: bool = False, person: str | None = None, source: str = "manual",
             reference: str = "", note: str = "") -> AssetView:
    """Take a device back: in good order to stock, damaged to repair."""
    require(op.role, "check_out")
    with db.atomic():
        a = find.asset(asset_tag)
        action = "check_in_damaged" if damaged else "check_in"
        allowed = lifecycle.sources(action)
        if a.status not in allowed:
            if a.status == "in_stock":
                raise InvalidState(f"{a.tag} is already in stock at "
                                   f"{a.location.name if a.location_id else 'no location'}; "
                                   "nothing to check in.", field="asset")
            raise InvalidState(f"{a.tag} is {a.status.replace('_', ' ')} and cannot be "
                               "checked in.", field="asset")
        returned_by = find.person(person) if person else a.holder
        if location:
            dest = find.location(location)
        elif damaged:
            dest = find.first_of_kind("repair") or home_location(a)
        else:
            dest = home_location(a)
        if dest is None:
            raise ValidationError("Where does it go? Give a location: there is no stockroom yet.",
                                  field="location")
        status = lifecycle.target(action)
        held_by = a.holder if a.holder_id else None
        transition(a, allowed, status=status, holder=None, location=dest, due_date=None)
        movement_id = record(op, "check_in", a.product_id, asset=a,
                             from_location=a.location_id, to_location=dest,
                             person=returned_by, holder=None, asset_status=status,
                             source=source, reference=reference,
                             note=note or ("damaged" if damaged else ""))
        if damaged:  # a repair record, charged to whoever held it when it was damaged
            from ..costing.repairs import open_for

            open_for(a, held_by, op, movement_id=movement_id, note=note)
        return _after(a, status=status, holder=None, location=dest, due_date=None)


def _end_of_life(db: pw.Database, op: OperatorRef, asset_tag: str, *, kind: str,
                 reason: str, to_kind: str | None = None, source: str = "manual") -> AssetView:
    require(op.role, "adjust")
    status, allowed = lifecycle.target(kind), lifecycle.sources(kind)
    if not reason.strip():
        raise ValidationError(f"Say why the asset is {status} (a reason is required).",
                              field="reason")
    with db.atomic():
        a = find.asset(asset_tag)
        if a.status not in allowed:
            raise InvalidState(f"{a.tag} is {a.status.replace('_', ' ')}; it cannot be marked "
                               f"{status} from there.", field="asset")
        dest = (find.first_of_kind(to_kind) if to_kind else None) or a.location
        transition(a, allowed, status=status, holder=None, location=dest, due_date=None)
        record(op, kind, a.product_id, asset=a, from_location=a.location_id, to_location=dest,
               person=a.holder, holder=None, asset_status=status, note=reason, source=source)
        return view(m.Asset.get_by_id(a.id))


def retire(db: pw.Database, op: OperatorRef, asset_tag: str, reason: str) -> AssetView:
    return _end_of_life(db, op, asset_tag, kind="retire", reason=reason)


def dispose(db: pw.Database, op: OperatorRef, asset_tag: str, reason: str) -> AssetView:
    return _end_of_life(db, op, asset_tag, kind="dispose", reason=reason, to_kind="disposal")


def mark_lost(db: pw.Database, op: OperatorRef, asset_tag: str, reason: str) -> AssetView:
    return _end_of_life(db, op, asset_tag, kind="lost", reason=reason)


def get(tag: str) -> AssetView:
    return view(find.asset(tag))
