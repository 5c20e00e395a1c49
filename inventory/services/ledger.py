"""Appending to the ledger and keeping the stock projection in step, in the caller's
transaction."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

import peewee as pw

from .. import limits, sqlcache, uow
from .. import models as m
from ..clock import utcnow
from ..db import database_proxy
from ..errors import InsufficientStock, ValidationError
from ..operators import OperatorRef
from . import chain


def check_source(source: str) -> None:
    if source not in m.SOURCES:
        raise ValidationError(f"Unknown scan source '{source}'. Use one of: "
                              f"{', '.join(m.SOURCES)}.")


def check_quantity(quantity: int) -> None:
    """A movement's quantity: a whole number from 1 to the domain limit."""
    if isinstance(quantity, bool) or not isinstance(quantity, int):
        raise ValidationError(f"Quantity must be a whole number above zero (got {quantity}).")
    limits.quantity(quantity)


MOVEMENT_FIELDS = [f for f in m.Movement._meta.sorted_fields if f.name != "id"]
_CONTENT = [f.name for f in MOVEMENT_FIELDS if f.name not in ("prev_hash", "hash")]


def _insert_movement() -> pw.Query:
    return m.Movement.insert({f: sqlcache.slot(f.name) for f in MOVEMENT_FIELDS})


def record(op: OperatorRef, kind: str, product: m.Product | int, *, quantity: int = 1,
           asset: m.Asset | None = None, license: m.License | None = None,
           from_location: m.Location | int | None = None,
           to_location: m.Location | int | None = None,
           person: m.Person | None = None, holder: m.Person | None = None,
           asset_status: str | None = None, reference: str = "", source: str = "manual",
           note: str = "", unit_cost: Decimal | None = None,
           reverses: m.Movement | int | None = None, at: datetime | None = None) -> int:
    """Append one row to the ledger (the caller's unit of work holds the transaction);
    return its id. The unit of work in progress is told, so the result carries it."""
    check_source(source)
    values = dict(
        at=at or utcnow(), kind=kind, product=product, asset=asset, license=license,
        quantity=quantity, from_location=from_location, to_location=to_location,
        person=person, holder=holder, asset_status=asset_status, operator=op.id,
        reference=reference, source=source, note=note, unit_cost=unit_cost, reverses=reverses,
    )
    row = next(chain.chain(m.Movement._meta.database, _CONTENT, [[values[n] for n in _CONTENT]]))
    values["prev_hash"], values["hash"] = row[-2], row[-1]
    cursor = sqlcache.execute("insert_movement", _insert_movement, {
        f.name: (f.db_value(values[f.name]) if values[f.name] is not None else None)
        for f in MOVEMENT_FIELDS})
    movement_id = (cursor.fetchone()[0] if database_proxy.obj.returning_clause
                   else cursor.lastrowid)
    work = uow.current()
    if work is not None:
        work.appended(movement_id, kind, product=_id(product), asset=_id(asset),
                      license=_id(license))
    return movement_id


def _id(ref: Any) -> int | None:
    """The id of a model instance, or the id given as it is."""
    return ref if ref is None or isinstance(ref, int) else ref.id


def add_stock(product_id: int, location_id: int, quantity: int) -> None:
    sl = m.StockLevel
    (sl.insert(product=product_id, location=location_id, quantity=quantity)
       .on_conflict(conflict_target=[sl.product, sl.location],
                    update={sl.quantity: sl.quantity + quantity})
       .execute())


def take_stock(product: m.Product, location: m.Location, quantity: int, *,
               keep_reserved: bool = True) -> None:
    """Remove stock, refusing to go below zero or (`keep_reserved`) into what is reserved
    for requests (atomic against other desks). A count or an adjustment states what is
    there, reserved or not."""
    sl = m.StockLevel
    free = (sl.quantity - sl.reserved) if keep_reserved else sl.quantity
    n = (sl.update(quantity=sl.quantity - quantity)
           .where((sl.product == product.id) & (sl.location == location.id)
                  & (free >= quantity))
           .execute())
    if n == 0:
        have, held = (sl.select(sl.quantity, sl.reserved)
                      .where((sl.product == product.id) & (sl.location == location.id))
                      .tuples().first()) or (0, 0)
        if held and have >= quantity:
            raise InsufficientStock(
                f"Only {have - held} × {product.name} free at {location.name} ({have} on "
                f"hand, {held} reserved for requests); cannot take {quantity}. Take it from "
                "another location, or cancel a request.", field="quantity")
        raise InsufficientStock(
            f"Only {have} × {product.name} at {location.name}; cannot take {quantity}. "
            "Count the shelf, or take it from another location.", field="quantity"
        )


def on_hand(product_id: int, location_id: int) -> int:
    sl = m.StockLevel
    return (sl.select(sl.quantity)
              .where((sl.product == product_id) & (sl.location == location_id))
              .scalar()) or 0
