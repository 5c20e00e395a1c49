"""A license's life after it is created: renew it for a new term, edit it, retire it.

Renewing keeps the license row (its seat assignments carry over) and files the term
that ends in `license_term`; retiring releases every seat it still has (a movement each)
and takes it off the renewal list.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import peewee as pw

from .. import clock, limits
from .. import models as m
from ..clock import utcnow
from ..db import is_postgres
from ..errors import InvalidState, NotFound, ValidationError
from ..operators import OperatorRef
from ..renewals import add_months
from ..roles import require
from .ledger import record
from .licenses import _license, seats_used

MAX_REFERENCE = 120


@dataclass(frozen=True)
class LicenseView:
    id: int
    product: str
    seats: int
    used: int
    cost_per_seat: Decimal
    starts_on: date
    ends_on: date | None
    retired_on: date | None = None
    released: int = 0  # seats released by retiring it
    terms: int = 0  # earlier terms on file


def _view(lic: m.License, released: int = 0) -> LicenseView:
    lic = m.License.get_by_id(lic.id)
    return LicenseView(lic.id, lic.product.name, lic.seats, seats_used(lic.id),
                       Decimal(lic.cost_per_seat), lic.starts_on, lic.ends_on, lic.retired_on,
                       released, lic.terms.count())


def _active(ref: int | str) -> m.License:
    lic = _license(ref)
    if lic.retired_on is not None:
        raise InvalidState(f"{lic.product.name} was retired on {lic.retired_on:%Y-%m-%d}; "
                           "create a new license instead.", field="license")
    return lic


def _reference(text: str | None) -> str | None:
    if text is None:
        return None
    text = text.strip()
    if len(text) > MAX_REFERENCE:
        raise ValidationError(f"The reference is {len(text)} characters long; at most "
                              f"{MAX_REFERENCE}.", field="reference")
    return text


def _seats_fit(lic: m.License, seats: int, allow_overuse: bool) -> None:
    used = seats_used(lic.id)
    if seats < used and not allow_overuse:
        raise InvalidState(
            f"{used} seats of {lic.product.name} are in use; a term of {seats} seats is too "
            f"few. Release {used - seats} first, or allow over-use.", field="seats")


def renew(db: pw.Database, op: OperatorRef, license: int | str, *,
          starts_on: date | None = None, ends_on: date | None = None,
          seats: int | None = None, cost_per_seat: Decimal | float | str | None = None,
          term_months: int | None = None, reference: str | None = None) -> LicenseView:
    """A new term: from the day after the old end (or `starts_on`), for `term_months`
    (or to `ends_on`); seats and cost as before unless given. Assignments carry over."""
    require(op.role, "catalog")
    with db.atomic():
        lic = _active(license)
        if is_postgres(db):
            m.License.select().where(m.License.id == lic.id).for_update().execute()
        months = limits.term_months(term_months if term_months is not None
                                    else lic.term_months)
        start = starts_on or (lic.ends_on + timedelta(days=1) if lic.ends_on
                              else clock.today())
        if start <= lic.starts_on:
            raise ValidationError(f"The new term must start after the current one "
                                  f"({lic.starts_on:%Y-%m-%d}).", field="starts_on")
        end = ends_on or add_months(start, months) - timedelta(days=1)
        if end <= start:
            raise ValidationError("The end date must come after the start date.",
                                  field="ends_on")
        count = limits.seats(seats if seats is not None else lic.seats)
        cost = limits.price(cost_per_seat if cost_per_seat is not None else lic.cost_per_seat,
                            "The cost per seat", field="cost_per_seat")
        _seats_fit(lic, count, lic.allow_overuse)
        ref = _reference(reference)
        m.LicenseTerm.create(license=lic, starts_on=lic.starts_on, ends_on=lic.ends_on,
                             seats=lic.seats, cost_per_seat=lic.cost_per_seat,
                             reference=lic.reference, renewed_by=op.id)
        m.License.update(starts_on=start, ends_on=end, seats=count,
                         cost_per_seat=Decimal(str(cost)), term_months=months,
                         reference=lic.reference if ref is None else ref).where(
            m.License.id == lic.id).execute()
        return _view(lic)


EDITABLE = {"seats", "cost_per_seat", "ends_on", "clear_ends_on", "license_type", "vendor",
            "notice_days", "renewal_lead_days", "allow_overuse", "reference", "term_months"}


def edit(db: pw.Database, op: OperatorRef, license: int | str, **changes: Any) -> LicenseView:
    """Correct the current term and terms of use (not a renewal: nothing is filed)."""
    require(op.role, "catalog")
    unknown = set(changes) - EDITABLE
    if unknown:
        raise ValidationError(f"A license has no {', '.join(sorted(unknown))} to edit.")
    with db.atomic():
        lic = _active(license)
        values: dict[str, Any] = {}
        c = {k: x for k, x in changes.items() if x is not None}
        if "seats" in c:
            values["seats"] = limits.seats(c["seats"])
        if "cost_per_seat" in c:
            values["cost_per_seat"] = Decimal(str(limits.price(
                c["cost_per_seat"], "The cost per seat", field="cost_per_seat")))
        if "term_months" in c:
            values["term_months"] = limits.term_months(c["term_months"])
        if "notice_days" in c:
            values["notice_days"] = limits.days(c["notice_days"], "The notice period",
                                                field="notice_days")
        if "renewal_lead_days" in c:
            values["renewal_lead_days"] = limits.days(
                c["renewal_lead_days"], "The renewal lead time", field="renewal_lead_days")
        if "allow_overuse" in c:
            values["allow_overuse"] = bool(c["allow_overuse"])
        if "license_type" in c:
            if c["license_type"] not in m.LICENSE_TYPES:
                raise ValidationError("License type must be one of "
                                      f"{', '.join(m.LICENSE_TYPES)}.", field="license_type")
            values["license_type"] = c["license_type"]
        if "vendor" in c:
            name = str(c["vendor"]).strip()
            sup = m.Supplier.get_or_none(m.Supplier.name == name) if name else None
            if name and sup is None:
                raise NotFound(f"No supplier '{name}'.", field="vendor")
            values["vendor"] = sup
        if "reference" in c:
            values["reference"] = _reference(c["reference"])
        if c.get("clear_ends_on"):
            values["ends_on"] = None
        elif "ends_on" in c:
            if c["ends_on"] <= lic.starts_on:
                raise ValidationError("The end date must come after the start date "
                                      f"({lic.starts_on:%Y-%m-%d}).", field="ends_on")
            values["ends_on"] = c["ends_on"]
        _seats_fit(lic, values.get("seats", lic.seats),
                   values.get("allow_overuse", lic.allow_overuse))
        if values:
            m.License.update(**values).where(m.License.id == lic.id).execute()
        return _view(lic)


def retire(db: pw.Database, op: OperatorRef, license: int | str, *, on: date | None = None,
           source: str = "manual") -> LicenseView:
    """No longer used: every seat still held is released (a movement each)."""
    require(op.role, "catalog")
    with db.atomic():
        lic = _active(license)
        day = on or clock.today()
        seats = list(m.LicenseSeat.select().where((m.LicenseSeat.license == lic.id)
                                                  & m.LicenseSeat.released_at.is_null()))
        now = utcnow()
        for seat in seats:
            m.LicenseSeat.update(released_at=now).where(m.LicenseSeat.id == seat.id).execute()
            record(op, "license_release", lic.product_id, license=lic,
                   person=seat.person_id, asset=seat.asset_id, source=source,
                   note="license retired")
        m.License.update(retired_on=day).where(m.License.id == lic.id).execute()
        return _view(lic, released=len(seats))
