"""License seats: assign to a person or a device, release, true-up exposure."""

from __future__ import annotations

import peewee as pw

from .. import models as m
from ..clock import utcnow
from ..db import is_postgres
from ..errors import InvalidState, NotFound, ValidationError
from ..operators import OperatorRef
from ..roles import require
from ..views import SeatView
from . import find
from .ledger import record


def _license(ref: int | str) -> m.License:
    if isinstance(ref, int) or str(ref).isdigit():
        lic = m.License.get_or_none(m.License.id == int(ref))
    else:
        lic = (m.License.select().join(m.Product)
               .where(m.Product.name == str(ref).strip()).order_by(m.License.id.desc()).first())
    if lic is None:
        raise NotFound(f"No license '{ref}'. Pick one from Licenses.", field="license")
    return lic


def seats_used(license_id: int) -> int:
    return (m.LicenseSeat.select()
            .where((m.LicenseSeat.license == license_id) & m.LicenseSeat.released_at.is_null())
            .count())


def _active_seat(lic: m.License, who: m.Person | None, device: m.Asset | None):
    q = m.LicenseSeat.select().where((m.LicenseSeat.license == lic.id)
                                     & m.LicenseSeat.released_at.is_null())
    if who is not None:
        return q.where(m.LicenseSeat.person == who.id).first()
    assert device is not None
    q = q.where(m.LicenseSeat.asset == device.id)
    return q.first()


def _seat_view(lic: m.License, assignee: str) -> SeatView:
    used = seats_used(lic.id)
    return SeatView(lic.id, lic.product.name, assignee, used, lic.seats,
                    max(0, used - lic.seats))


def assign_seat(db: pw.Database, op: OperatorRef, license: int | str, *,
                person: str | None = None, asset: str | None = None,
                source: str = "manual", reference: str = "") -> SeatView:
    require(op.role, "check_out")
    if (person is None) == (asset is None):
        raise ValidationError("Assign a seat to a person or to a device (one of them).",
                              field="person")
    with db.atomic():
        lic = _license(license)
        if lic.retired_on is not None:
            raise InvalidState(f"{lic.product.name} was retired on {lic.retired_on:%Y-%m-%d}; "
                               "its seats can no longer be assigned.", field="license")
        # Lock the license row so two desks cannot take the last seat together.
        if is_postgres(db):
            m.License.select().where(m.License.id == lic.id).for_update().execute()
        who = find.person(person) if person else None
        device = find.asset(asset) if asset else None
        assert who is not None or device is not None  # one of them was given
        name = who.name if who else device.tag if device else ""
        if _active_seat(lic, who, device):
            raise InvalidState(f"{name} already has a seat of {lic.product.name}.", field="person")
        if seats_used(lic.id) >= lic.seats and not lic.allow_overuse:
            raise InvalidState(
                f"All {lic.seats} seats of {lic.product.name} are in use. Release a seat "
                "(see reclaimable seats), or buy more."
            , field="license")
        m.LicenseSeat.create(license=lic, person=who, asset=device)
        record(op, "license_assign", lic.product_id, license=lic, person=who, asset=device,
               source=source, reference=reference)
        return _seat_view(lic, name)


def release_seat(db: pw.Database, op: OperatorRef, license: int | str, *,
                 person: str | None = None, asset: str | None = None,
                 source: str = "manual") -> SeatView:
    require(op.role, "check_out")
    with db.atomic():
        lic = _license(license)
        who = m.Person.get_or_none(m.Person.employee_id == person) if person else None
        device = find.asset(asset) if asset else None
        if person and who is None:
            raise NotFound(f"No person with employee id '{person}'.", field="person")
        seat = _active_seat(lic, who, device) if (who or device) else None
        if seat is None:
            raise InvalidState(f"{person or asset} holds no seat of {lic.product.name}.",
                               field="person")
        m.LicenseSeat.update(released_at=utcnow()).where(m.LicenseSeat.id == seat.id).execute()
        record(op, "license_release", lic.product_id, license=lic, person=who, asset=device,
               source=source)
        return _seat_view(lic, who.name if who else device.tag if device else "")
