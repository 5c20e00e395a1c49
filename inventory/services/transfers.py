"""Moving stock between locations. To or from a 3PL / MSP, or between sites, goods pass
through in-transit until someone confirms they arrived."""

from __future__ import annotations

from collections.abc import Sequence

import peewee as pw

from .. import lifecycle
from .. import models as m
from ..clock import utcnow
from ..db import serialize
from ..errors import InvalidState, NotFound, ValidationError
from ..operators import OperatorRef
from ..roles import require
from ..views import ShipmentView
from . import find
from .assets import transition, why_not_available
from .ledger import add_stock, check_quantity, record, take_stock


def site_of(loc: m.Location) -> int | None:
    """The site a location belongs to (walking up the tree)."""
    seen = 0
    while loc is not None and seen < 20:
        if loc.kind == "site":
            return loc.id
        loc = loc.parent
        seen += 1
    return None


def needs_transit(a: m.Location, b: m.Location) -> bool:
    if a.kind in m.PARTNER_KINDS or b.kind in m.PARTNER_KINDS:
        return True
    return site_of(a) != site_of(b)


def _next_number() -> str:
    serialize("ship_no")
    last = m.Shipment.select(pw.fn.MAX(m.Shipment.id)).scalar() or 0
    return f"SH-{last + 1:06d}"


def transfer(db: pw.Database, op: OperatorRef, source: str, destination: str, *,
             items: Sequence[tuple[str, int]] = (), asset_tags: Sequence[str] = (),
             reference: str = "", source_kind: str = "manual") -> ShipmentView:
    """Send spares (product code, quantity) and devices (tags) from one place to another."""
    require(op.role, "receive")
    if not items and not asset_tags:
        raise ValidationError("Nothing to transfer: add products or scan assets.")
    with db.atomic():
        src, dst = find.location(source), find.location(destination)
        if src.id == dst.id:
            raise ValidationError(f"{src.name} is both source and destination. Pick another "
                                  "destination.")
        transit = needs_transit(src, dst)
        via = find.in_transit_location() if transit else dst
        ship = None
        if transit:
            ship = m.Shipment.create(number=_next_number(), source=src, destination=dst,
                                     reference=reference)
        kind = "ship" if transit else "transfer"
        ref = reference or (ship.number if ship else "")
        for code, qty in items:
            check_quantity(qty)
            p = find.product(code)
            if p.kind not in m.QUANTITY_KINDS:
                raise ValidationError(f"{p.name} is tracked by serial: scan each asset tag.")
            take_stock(p, src, qty)
            add_stock(p.id, via.id, qty)
            record(op, kind, p, quantity=qty, from_location=src, to_location=via, reference=ref,
                   source=source_kind)
            if ship:
                m.ShipmentLine.create(shipment=ship, product=p, quantity=qty)
        for tag in asset_tags:
            a = find.asset(tag)
            if a.status != "in_stock":
                raise InvalidState(why_not_available(a).replace("checked out", "transferred"))
            if a.location_id != src.id:
                here = a.location.name if a.location_id else "no location"
                raise InvalidState(f"{a.tag} is at {here}, not at {src.name}. Transfer it from "
                                   "where it is.")
            status = "in_transit" if transit else "in_stock"
            transition(a, lifecycle.sources("transfer"), status=status, location=via)
            record(op, kind, a.product_id, asset=a, from_location=src, to_location=via,
                   asset_status=status, reference=ref, source=source_kind)
            if ship:
                m.ShipmentLine.create(shipment=ship, product=a.product_id, asset=a)
        if ship:
            return ShipmentView(ship.number, src.name, dst.name, ship.status,
                                len(items) + len(asset_tags))
        return ShipmentView("", src.name, dst.name, "arrived", len(items) + len(asset_tags))


def confirm_arrival(db: pw.Database, op: OperatorRef, shipment_number: str, *,
                    source: str = "manual") -> ShipmentView:
    """Everything on the shipment arrived at its destination."""
    require(op.role, "receive")
    with db.atomic():
        ship = m.Shipment.get_or_none(m.Shipment.number == shipment_number.strip())
        if ship is None:
            raise NotFound(f"No shipment '{shipment_number}'. Check the number on the "
                           "delivery note.")
        n = (m.Shipment.update(status="arrived", arrived_at=utcnow())
             .where((m.Shipment.id == ship.id) & (m.Shipment.status == "in_transit")).execute())
        if n == 0:
            raise InvalidState(f"Shipment {ship.number} was already confirmed as arrived.")
        via = find.in_transit_location()
        dst = ship.destination
        lines = list(ship.lines)
        for line in lines:
            if line.asset_id:
                a = line.asset
                transition(a, lifecycle.sources("arrive"), status=lifecycle.target("arrive"),
                           location=dst)
                record(op, "arrive", a.product_id, asset=a, from_location=via, to_location=dst,
                       asset_status="in_stock", reference=ship.number, source=source)
            else:
                take_stock(line.product, via, line.quantity)
                add_stock(line.product_id, dst.id, line.quantity)
                record(op, "arrive", line.product_id, quantity=line.quantity, from_location=via,
                       to_location=dst, reference=ship.number, source=source)
        return ShipmentView(ship.number, ship.source.name, dst.name, "arrived", len(lines))
