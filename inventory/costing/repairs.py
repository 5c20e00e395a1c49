"""Repair records: opened when a device is checked in damaged (or sent to repair by
hand), with vendor, reference, dates, cost and outcome; shown on the device, exported,
and charged (showback) to the cost centre that held the device when it was damaged."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import peewee as pw

from .. import clock, limits
from ..errors import InvalidState, NotFound, ValidationError
from ..models import Asset, Person, Product
from ..operators import OperatorRef
from ..roles import require
from ..services import find
from .tables import IT_STOCK, REPAIR_OUTCOMES, Repair

HEADERS = ("Repair", "Asset tag", "Product", "Opened", "Cost centre", "Held by", "Vendor",
           "Reference", "Sent", "Returned", "Cost", "Outcome", "Note")
MAX_TEXT = 255


@dataclass(frozen=True)
class RepairView:
    id: int
    tag: str
    product: str
    opened_on: date
    cost_centre: str
    held_by: str
    vendor: str
    reference: str
    sent_on: date | None
    returned_on: date | None
    cost: Decimal
    outcome: str
    note: str

    @property
    def is_open(self) -> bool:
        return not self.outcome

    def row(self) -> tuple:
        return (self.id, self.tag, self.product, self.opened_on, self.cost_centre,
                self.held_by, self.vendor, self.reference, self.sent_on, self.returned_on,
                self.cost, self.outcome or "open", self.note)


def _view(r: Repair) -> RepairView:
    held = r.held_by
    return RepairView(r.id, r.asset.tag, r.asset.product.name, r.opened_on, r.cost_centre,
                      f"{held.name} ({held.employee_id})" if held else "", r.vendor,
                      r.reference, r.sent_on, r.returned_on, r.cost, r.outcome, r.note)


def open_for(asset: Asset, held_by: Person | None, op: OperatorRef, *,
             movement_id: int | None = None, note: str = "") -> Repair:
    """Open a repair for a device damaged while `held_by` held it (inside the caller's
    transaction: the check-in that sent it to repair)."""
    cc = (held_by.cost_centre or "") if held_by is not None else IT_STOCK
    return Repair.create(asset=asset.id, opened_on=clock.today(), cost_centre=cc or IT_STOCK,
                         held_by=held_by.id if held_by is not None else None,
                         opened_by=op.id, movement_id=movement_id, note=note[:MAX_TEXT])


def open_repair(db: pw.Database, op: OperatorRef, tag: str, *, vendor: str = "",
                reference: str = "", note: str = "") -> RepairView:
    """Send a device to repair by hand (one in stock or in repair without an open record):
    its last holder's cost centre is charged, else IT stock."""
    require(op.role, "check_out")
    a = find.asset(tag)
    if a.status in ("retired", "disposed", "lost"):
        raise InvalidState(f"{a.tag} is {a.status}; it cannot go to repair.", field="asset")
    if _open_record(a.id) is not None:
        raise InvalidState(f"{a.tag} already has an open repair. Update that one.",
                           field="asset")
    holder = a.holder if a.holder_id else _last_holder(a.id)
    r = open_for(a, holder, op, note=note)
    r.vendor, r.reference = _text(vendor, "vendor"), _text(reference, "reference")
    r.save()
    return _view(r)


def _open_record(asset_id: int) -> Repair | None:
    return (Repair.select().where((Repair.asset == asset_id) & (Repair.outcome == ""))
            .order_by(Repair.id.desc()).first())


def _last_holder(asset_id: int) -> Person | None:
    from ..models import Movement

    mv = (Movement.select(Movement.holder).where((Movement.asset == asset_id)
                                                 & Movement.holder.is_null(False))
          .order_by(Movement.id.desc()).first())
    return mv.holder if mv is not None else None


def _text(value: str, field: str) -> str:
    text = str(value or "").strip()
    if len(text) > MAX_TEXT:
        raise ValidationError(f"The {field} is longer than {MAX_TEXT} characters.",
                              field=field)
    return text


def _find(ref: int | str) -> Repair:
    text = str(ref).strip()
    r = Repair.get_or_none(Repair.id == int(text)) if text.isdigit() else None
    if r is None and text:
        a = Asset.get_or_none(Asset.tag == text)
        r = (_open_record(a.id) or Repair.select().where(Repair.asset == a.id)
             .order_by(Repair.id.desc()).first()) if a is not None else None
    if r is None:
        raise NotFound(f"No repair '{ref}'. Give the repair number or the device's tag.",
                       field="repair")
    return r


def update_repair(db: pw.Database, op: OperatorRef, ref: int | str, *,
                  vendor: str | None = None, reference: str | None = None,
                  sent_on: date | None = None, returned_on: date | None = None,
                  cost: Decimal | float | str | None = None, outcome: str | None = None,
                  note: str | None = None) -> RepairView:
    """Fill in what the repair shop said: vendor, reference, dates, cost, outcome."""
    require(op.role, "check_out")
    r = _find(ref)
    if vendor is not None:
        r.vendor = _text(vendor, "vendor")
    if reference is not None:
        r.reference = _text(reference, "reference")
    if note is not None:
        r.note = _text(note, "note")
    if sent_on is not None:
        r.sent_on = sent_on
    if returned_on is not None:
        r.returned_on = returned_on
    if cost is not None:
        r.cost = limits.price(cost, "The repair cost", field="cost")
    if outcome is not None:
        if outcome not in REPAIR_OUTCOMES:
            raise ValidationError("The outcome is one of "
                                  f"{', '.join(o for o in REPAIR_OUTCOMES if o)} "
                                  "(or empty while it is open).", field="outcome")
        r.outcome = outcome
    for day, what in ((r.sent_on, "sent"), (r.returned_on, "returned")):
        if day is not None and day < r.opened_on:
            raise ValidationError(f"The {what} date {day} is before the repair was opened "
                                  f"({r.opened_on}).", field=f"{what}_on")
        if day is not None and day > clock.today():
            raise ValidationError(f"The {what} date {day} is in the future.",
                                  field=f"{what}_on")
    if r.sent_on and r.returned_on and r.returned_on < r.sent_on:
        raise ValidationError("It came back before it was sent: check the dates.",
                              field="returned_on")
    r.save()
    return _view(r)


def repairs(db: pw.Database, *, tag: str | None = None, open_only: bool = False,
            limit: int = 10_000) -> list[RepairView]:
    """Repair records, newest first (one device's with `tag`)."""
    q = (Repair.select(Repair, Asset, Product, Person)
         .join(Asset).join(Product).switch(Repair).join(Person, pw.JOIN.LEFT_OUTER))
    if tag is not None:
        q = q.where(Asset.id == find.asset(tag).id)
    if open_only:
        q = q.where(Repair.outcome == "")
    return [_view(r) for r in q.order_by(Repair.opened_on.desc(), Repair.id.desc())
            .limit(limit)]
