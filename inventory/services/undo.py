"""Undo by compensation: the ledger is append-only, so an undo posts the opposite movement
(marked with `reverses`) and puts the projection back. The original is never edited.

What can be undone: check-out, check-in, issue, consume, return, quantity adjust / count,
a transfer within a site, license seat assign / release, and a receipt of quantities
(while the stock is still there). Anything else is refused with the reason.
"""

from __future__ import annotations

from dataclasses import dataclass

import peewee as pw

from .. import models as m
from ..clock import utcnow
from ..db import is_postgres
from ..errors import InvalidState, NotFound
from ..operators import OperatorRef
from ..roles import require
from .assets import transition
from .ledger import add_stock, check_source, record, take_stock

# The role an undo needs is the role the original action needed.
ACTION_OF = {
    "check_out": "check_out", "check_in": "check_out", "issue": "check_out",
    "consume": "check_out", "return": "check_out", "license_assign": "check_out",
    "license_release": "check_out", "adjust": "adjust", "count": "adjust",
    "transfer": "receive", "receive": "receive",
}
# The kind of the compensating movement. A "transfer" is always within a site: between
# sites and to or from a 3PL, goods are shipped ("ship" / "arrive") and come back the same way.
OPPOSITE = {
    "check_out": "check_in", "check_in": "check_out", "issue": "return", "consume": "return",
    "return": "issue", "adjust": "adjust", "count": "count", "transfer": "transfer",
    "receive": "receive", "license_assign": "license_release",
    "license_release": "license_assign",
}
ASSET_KINDS = ("check_out", "check_in", "transfer")
QUANTITY_KINDS = ("issue", "consume", "return", "adjust", "count", "transfer", "receive")
WHY_NOT = {
    "ship": "a shipment cannot be undone: confirm its arrival, then transfer it back",
    "arrive": "an arrival cannot be undone: transfer the goods back instead",
    "retire": "a retired device stays retired; ask an admin if it was a mistake",
    "dispose": "a disposed device cannot come back",
    "lost": "a device marked lost comes back by counting it where it is found",
    "receive": "a received device cannot be undone: retire it, or return it to the supplier",
    "count": "a device moved by a count comes back by counting it where it is",
}


@dataclass(frozen=True)
class UndoView:
    movement_id: int  # the compensating movement
    undone_id: int
    kind: str  # of the compensating movement
    description: str


def _label(mv: m.Movement) -> str:
    what = mv.asset.tag if mv.asset_id else f"{mv.quantity} × {mv.product.name}"
    return f"{mv.kind.replace('_', '-')} of {what}"  # (no ledger ids: people read names)


def _refuse_asset_moved_since(mv: m.Movement) -> None:
    later = (m.Movement.select(m.Movement.id, m.Movement.kind)
             .where((m.Movement.asset == mv.asset_id) & (m.Movement.id > mv.id)
                    & m.Movement.license.is_null())
             .order_by(m.Movement.id.desc()).first())
    if later is not None:
        raise InvalidState(f"{mv.asset.tag} has moved since (a {later.kind.replace('_', '-')} "
                           "later). Undo that first, or act on the device as it is now.")


def _undo_asset(op: OperatorRef, mv: m.Movement, note: str, source: str) -> str:
    a = mv.asset
    _refuse_asset_moved_since(mv)
    before = (m.Movement.select()
              .where((m.Movement.asset == a.id) & (m.Movement.id < mv.id)
                     & m.Movement.license.is_null())
              .order_by(m.Movement.id.desc()).first())
    if before is None:
        raise InvalidState(f"There is no earlier state of {a.tag} to go back to.")
    transition(a, (a.status,), status=before.asset_status, holder=before.holder_id,
               location=before.to_location_id, due_date=None)
    person = mv.person_id if mv.kind == "check_out" else before.holder_id
    record(op, OPPOSITE[mv.kind], mv.product_id, asset=a,
           from_location=mv.to_location_id, to_location=before.to_location_id,
           person=person, holder=before.holder_id, asset_status=before.asset_status,
           reference=mv.reference, source=source, note=note, reverses=mv)
    return OPPOSITE[mv.kind]


def _undo_quantity(op: OperatorRef, mv: m.Movement, note: str, source: str) -> str:
    p = mv.product
    if mv.to_location_id:  # it arrived there: take it back out
        take_stock(p, mv.to_location, mv.quantity)
    if mv.from_location_id:  # it left there: put it back
        add_stock(p.id, mv.from_location_id, mv.quantity)
    if mv.kind == "receive" and mv.reference:
        _unreceive(mv)
    record(op, OPPOSITE[mv.kind], p, quantity=mv.quantity,
           from_location=mv.to_location_id, to_location=mv.from_location_id,
           person=mv.person_id, reference=mv.reference, source=source, note=note,
           unit_cost=mv.unit_cost, reverses=mv)
    return OPPOSITE[mv.kind]


def _unreceive(mv: m.Movement) -> None:
    """Take a receipt off its purchase order line, and reopen the order."""
    po = m.PurchaseOrder.get_or_none(m.PurchaseOrder.number == mv.reference)
    if po is None:
        return
    line = (m.PurchaseOrderLine.select()
            .where((m.PurchaseOrderLine.order == po.id)
                   & (m.PurchaseOrderLine.product == mv.product_id)
                   & (m.PurchaseOrderLine.received_quantity >= mv.quantity))
            .order_by(m.PurchaseOrderLine.id.desc()).first())
    if line is None:
        return
    (m.PurchaseOrderLine
     .update(received_quantity=m.PurchaseOrderLine.received_quantity - mv.quantity)
     .where(m.PurchaseOrderLine.id == line.id).execute())
    got = (m.PurchaseOrderLine.select(pw.fn.SUM(m.PurchaseOrderLine.received_quantity))
           .where(m.PurchaseOrderLine.order == po.id).scalar()) or 0
    status = "partly_received" if got else "ordered"
    (m.PurchaseOrder.update(status=status, received_at=None)
     .where(m.PurchaseOrder.id == po.id).execute())


def _seat_filter(mv: m.Movement):
    q = m.LicenseSeat.license == mv.license_id
    if mv.person_id:
        return q & (m.LicenseSeat.person == mv.person_id)
    if mv.asset_id:
        return q & (m.LicenseSeat.asset == mv.asset_id)
    raise InvalidState(f"This {mv.kind.replace('_', '-')} does not say who held the seat; "
                       "release or assign the seat by hand.")


def _undo_license(op: OperatorRef, mv: m.Movement, note: str, source: str) -> str:
    lic = mv.license
    who = _seat_filter(mv)
    if mv.kind == "license_assign":
        seat = (m.LicenseSeat.select().where(who & m.LicenseSeat.released_at.is_null())
                .order_by(m.LicenseSeat.id.desc()).first())
        if seat is None:
            raise InvalidState(f"That seat of {lic.product.name} was already released.")
        m.LicenseSeat.update(released_at=utcnow()).where(m.LicenseSeat.id == seat.id).execute()
    else:
        held = m.LicenseSeat.select().where(who & m.LicenseSeat.released_at.is_null()).exists()
        if held:
            raise InvalidState(f"They hold a seat of {lic.product.name} again already.")
        used = (m.LicenseSeat.select()
                .where((m.LicenseSeat.license == lic.id) & m.LicenseSeat.released_at.is_null())
                .count())
        if used >= lic.seats and not lic.allow_overuse:
            raise InvalidState(f"All {lic.seats} seats of {lic.product.name} are in use now; "
                               "release one before undoing this release.")
        m.LicenseSeat.create(license=lic, person=mv.person_id, asset=mv.asset_id)
    record(op, OPPOSITE[mv.kind], mv.product_id, license=lic, person=mv.person_id,
           asset=mv.asset_id, reference=mv.reference, source=source, note=note, reverses=mv)
    return OPPOSITE[mv.kind]


def undo(db: pw.Database, op: OperatorRef, movement_id: int, reason: str = "", *,
         source: str = "manual") -> UndoView:
    """Post the movement that cancels movement `movement_id`."""
    check_source(source)
    with db.atomic():
        q = m.Movement.select().where(m.Movement.id == movement_id)
        if is_postgres(db):
            q = q.for_update()  # two desks undoing the same movement: one waits, then sees it
        mv = q.first()
        if mv is None:
            raise NotFound(f"No movement #{movement_id} in the history.")
        if mv.kind not in ACTION_OF:
            raise InvalidState(f"Cannot undo the {_label(mv)}: "
                               f"{WHY_NOT.get(mv.kind, 'this kind cannot be undone')}.")
        require(op.role, ACTION_OF[mv.kind])
        if mv.reverses_id:
            raise InvalidState(f"The {_label(mv)} is itself an undo. "
                               "Do the action again instead.")
        again = (m.Movement.select(m.Movement.id)
                 .where(m.Movement.reverses == mv.id).first())
        if again is not None:
            raise InvalidState(f"The {_label(mv)} was already undone.")
        # The ledger links the undo to what it reverses (reverses_id); the note is for people.
        note = f"undo of the {_label(mv)}" + (f": {reason.strip()}" if reason.strip() else "")
        if mv.license_id:
            new = _undo_license(op, mv, note, source)
        elif mv.asset_id:
            if mv.kind not in ASSET_KINDS:
                raise InvalidState(f"Cannot undo the {_label(mv)}: "
                                   f"{WHY_NOT.get(mv.kind, 'this kind cannot be undone')}.")
            new = _undo_asset(op, mv, note, source)
        else:
            if mv.kind not in QUANTITY_KINDS:
                raise InvalidState(f"Cannot undo the {_label(mv)}.")
            new = _undo_quantity(op, mv, note, source)
        posted = (m.Movement.select(m.Movement.id).where(m.Movement.reverses == mv.id)
                  .order_by(m.Movement.id.desc()).first())
        return UndoView(posted.id, mv.id, new, f"Undid the {_label(mv)}")
