"""Spares and consumables counted by quantity: issue, consume, return, adjust."""

from __future__ import annotations

import peewee as pw

from .. import limits
from .. import models as m
from ..errors import InvalidState, ValidationError
from ..operators import OperatorRef
from ..roles import require
from ..views import StockView
from . import find
from .ledger import add_stock, check_quantity, on_hand, record, take_stock


def quantity_product(code: str) -> m.Product:
    p = find.product(code)
    if p.kind not in m.QUANTITY_KINDS:
        how = "by serial: scan the asset tag" if p.kind == "device" else "as seats"
        raise InvalidState(f"{p.name} is a {p.kind}, tracked {how}, not by quantity.",
                           field="product")
    return p


def default_stock_location(product: m.Product, person: m.Person | None = None) -> m.Location:
    """The stockroom at the person's site holding the most of it, else any holding it."""
    sl = m.StockLevel
    q = (sl.select(sl, m.Location).join(m.Location)
         .where((sl.product == product.id) & (sl.quantity > 0)
                & (m.Location.kind.in_(("stockroom", "site"))))
         .order_by(sl.quantity.desc()))
    if person is not None and person.site_id:
        local = q.where(m.Location.parent == person.site_id).first()
        if local is not None:
            return local.location
    best = q.first()
    if best is None:
        raise InvalidState(f"No {product.name} in stock at any stockroom. Receive some, "
                           "or transfer from the 3PL.", field="location")
    return best.location


def issue(db: pw.Database, op: OperatorRef, product: str, quantity: int, *, person: str,
          location: str | None = None, source: str = "manual", reference: str = "") -> StockView:
    """Hand spares to a person (counts as demand)."""
    require(op.role, "check_out")
    check_quantity(quantity)
    with db.atomic():
        p = quantity_product(product)
        who = find.person(person)
        loc = find.location(location) if location else default_stock_location(p, who)
        take_stock(p, loc, quantity)
        record(op, "issue", p, quantity=quantity, from_location=loc, person=who,
               source=source, reference=reference, unit_cost=p.unit_cost)
        return StockView(p.name, loc.name, on_hand(p.id, loc.id))


def consume(db: pw.Database, op: OperatorRef, product: str, quantity: int, *, location: str,
            reference: str = "", note: str = "", source: str = "manual") -> StockView:
    """Use up stock without a recipient (a repair, a rollout); counts as demand."""
    require(op.role, "check_out")
    check_quantity(quantity)
    with db.atomic():
        p = quantity_product(product)
        loc = find.location(location)
        take_stock(p, loc, quantity)
        record(op, "consume", p, quantity=quantity, from_location=loc, reference=reference,
               note=note, source=source, unit_cost=p.unit_cost)
        return StockView(p.name, loc.name, on_hand(p.id, loc.id))


def return_stock(db: pw.Database, op: OperatorRef, product: str, quantity: int, *,
                 location: str, person: str | None = None, source: str = "manual",
                 reference: str = "") -> StockView:
    """Unused spares handed back."""
    require(op.role, "check_out")
    check_quantity(quantity)
    with db.atomic():
        p = quantity_product(product)
        loc = find.location(location)
        # someone who has left may still hand things back
        who = find.person(person, include_left=True) if person else None
        add_stock(p.id, loc.id, quantity)
        record(op, "return", p, quantity=quantity, to_location=loc, person=who, source=source,
               reference=reference)
        return StockView(p.name, loc.name, on_hand(p.id, loc.id))


def adjust(db: pw.Database, op: OperatorRef, product: str, location: str, *,
           delta: int | None = None, new_quantity: int | None = None, reason: str,
           kind: str = "adjust", reference: str = "", source: str = "manual") -> StockView:
    """Correct the book to what is on the shelf; the reason is kept in the ledger."""
    require(op.role, "adjust")
    if not reason.strip():
        raise ValidationError("Say why the stock is adjusted (a reason is required).",
                              field="reason")
    if (delta is None) == (new_quantity is None):
        raise ValidationError("Give either the change or the counted quantity.", field="quantity")
    if new_quantity is not None and new_quantity < 0:
        raise ValidationError("A counted quantity cannot be negative.", field="quantity")
    if new_quantity is not None:
        limits.quantity(new_quantity, "The counted quantity", zero=True)
    if delta is not None:
        limits.signed_quantity(delta, "The change")
    with db.atomic():
        p = quantity_product(product)
        loc = find.location(location)
        have = on_hand(p.id, loc.id)
        change = delta if delta is not None else (new_quantity or 0) - have
        if change == 0:
            return StockView(p.name, loc.name, have)
        if change > 0:
            add_stock(p.id, loc.id, change)
            record(op, kind, p, quantity=change, to_location=loc, note=reason,
                   reference=reference, source=source, unit_cost=p.unit_cost)
        else:
            take_stock(p, loc, -change, keep_reserved=False)
            record(op, kind, p, quantity=-change, from_location=loc, note=reason,
                   reference=reference, source=source, unit_cost=p.unit_cost)
        return StockView(p.name, loc.name, on_hand(p.id, loc.id))
