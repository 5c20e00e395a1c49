"""Adding to the catalogue: products, locations, people, suppliers, offers, licenses."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import peewee as pw

from .. import limits
from .. import models as m
from ..codes import gtin14, gtin_valid
from ..errors import Duplicate, ValidationError
from ..operators import OperatorRef
from ..roles import require
from . import find
from .offers import add_offer  # noqa: F401 - catalogue additions in one place


def _need(value: str, what: str) -> str:
    if not value or not value.strip():
        raise ValidationError(f"{what} is required.")
    return value.strip()


def create_product(db: pw.Database, op: OperatorRef, name: str, kind: str, *,
                   manufacturer: str = "", category: str = "", part_number: str = "",
                   gtin: str | None = None, unit_cost: Decimal | float = 0,
                   **extra) -> int:
    require(op.role, "catalog")
    name = _need(name, "A product name")
    if kind not in m.PRODUCT_KINDS:
        raise ValidationError(f"Kind must be one of {', '.join(m.PRODUCT_KINDS)}.", field="kind")
    if gtin:
        gtin = gtin.strip()
        if not gtin_valid(gtin):
            raise ValidationError(f"GTIN {gtin} has a wrong check digit. Copy it again from "
                                  "the box label.", field="gtin")
        gtin = gtin14(gtin)
    unit_cost = limits.price(unit_cost, "The unit cost")
    if extra.get("min_quantity") is not None:
        extra["min_quantity"] = limits.quantity(extra["min_quantity"], "The minimum quantity",
                                                zero=True)
    with db.atomic():
        if gtin and m.Product.get_or_none(m.Product.gtin == gtin):
            raise Duplicate(f"GTIN {gtin} already belongs to another product.", field="gtin")
        return m.Product.create(name=name, kind=kind, manufacturer=manufacturer.strip(),
                                category=category, part_number=part_number.strip(),
                                gtin=gtin or None, unit_cost=Decimal(str(unit_cost)),
                                **extra).id


def create_location(db: pw.Database, op: OperatorRef, name: str, code: str, kind: str, *,
                    parent: str | None = None, partner: str = "") -> int:
    require(op.role, "catalog")
    name, code = _need(name, "A location name"), _need(code, "A location code")
    if kind not in m.LOCATION_KINDS:
        raise ValidationError(f"Kind must be one of {', '.join(m.LOCATION_KINDS)}.", field="kind")
    with db.atomic():
        if m.Location.get_or_none(m.Location.code == code):
            raise Duplicate(f"Location code {code} is already used. Pick another code.",
                            field="code")
        up = find.location(parent) if parent else None
        return m.Location.create(name=name, code=code, kind=kind, parent=up,
                                 partner=partner).id


def set_transfer_lane(db: pw.Database, op: OperatorRef, source: str, destination: str,
                      lead_time_days: float) -> None:
    require(op.role, "catalog")
    lead_time_days = limits.lead_days(lead_time_days, "A transfer lead time", field="days")
    with db.atomic():
        src, dst = find.location(source), find.location(destination)
        if src.kind not in m.PARTNER_KINDS:
            raise ValidationError(f"{src.name} is not a 3PL or MSP.", field="source")
        (m.TransferLane.insert(source=src, destination=dst, lead_time_days=lead_time_days)
         .on_conflict(conflict_target=[m.TransferLane.source, m.TransferLane.destination],
                      update={m.TransferLane.lead_time_days: lead_time_days}).execute())


def create_person(db: pw.Database, op: OperatorRef, employee_id: str, name: str, *,
                  email: str = "", department: str = "", cost_centre: str = "",
                  site: str | None = None) -> int:
    require(op.role, "catalog")
    employee_id, name = _need(employee_id, "An employee id"), _need(name, "A name")
    with db.atomic():
        if m.Person.get_or_none(m.Person.employee_id == employee_id):
            raise Duplicate(f"Employee id {employee_id} is already used.", field="employee_id")
        where = find.location(site) if site else None
        return m.Person.create(employee_id=employee_id, name=name, email=email,
                               department=department, cost_centre=cost_centre, site=where).id


def mark_left(db: pw.Database, op: OperatorRef, employee_id: str, on: date) -> None:
    require(op.role, "catalog")
    with db.atomic():
        p = find.person(employee_id)
        m.Person.update(active=False, left_on=on).where(m.Person.id == p.id).execute()


def create_supplier(db: pw.Database, op: OperatorRef, name: str, *, email: str = "",
                    lead_time_days: float = 14) -> int:
    require(op.role, "catalog")
    name = _need(name, "A supplier name")
    lead_time_days = limits.lead_days(lead_time_days, "The supplier's lead time")
    with db.atomic():
        if m.Supplier.get_or_none(m.Supplier.name == name):
            raise Duplicate(f"Supplier {name} already exists.", field="name")
        return m.Supplier.create(name=name, email=email, lead_time_days=lead_time_days).id


def create_license(db: pw.Database, op: OperatorRef, product: str, seats: int, *,
                   starts_on: date, ends_on: date | None = None, license_type: str = "per_user",
                   cost_per_seat: Decimal | float = 0, vendor: str | None = None,
                   allow_overuse: bool = False, notice_days: int = 30,
                   renewal_lead_days: int = 30, term_months: int = 12) -> int:
    require(op.role, "catalog")
    seats = limits.seats(seats)
    cost_per_seat = limits.price(cost_per_seat, "The cost per seat", field="cost_per_seat")
    notice_days = limits.days(notice_days, "The notice period", field="notice_days")
    renewal_lead_days = limits.days(renewal_lead_days, "The renewal lead time",
                                    field="renewal_lead_days")
    term_months = limits.term_months(term_months)
    if license_type not in m.LICENSE_TYPES:
        raise ValidationError(f"License type must be one of {', '.join(m.LICENSE_TYPES)}.",
                              field="kind")
    if ends_on and ends_on <= starts_on:
        raise ValidationError("The end date must come after the start date.", field="ends")
    with db.atomic():
        p = find.product(product)
        if p.kind != "license":
            raise ValidationError(f"{p.name} is a {p.kind}, not a license product.",
                                  field="product")
        sup = m.Supplier.get_or_none(m.Supplier.name == vendor) if vendor else None
        return m.License.create(product=p, vendor=sup, license_type=license_type, seats=seats,
                                cost_per_seat=Decimal(str(cost_per_seat)), starts_on=starts_on,
                                ends_on=ends_on, allow_overuse=allow_overuse,
                                notice_days=notice_days, renewal_lead_days=renewal_lead_days,
                                term_months=term_months).id
