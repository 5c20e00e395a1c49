"""Editing what the catalogue already holds: products, people, locations, devices.

Each function is one transaction, checks the role, and raises a typed error with a
message a person can act on. Only the fields given (not None) change.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

import peewee as pw

from .. import clock, limits
from .. import models as m
from ..codes import gtin14, gtin_valid
from ..errors import Duplicate, InvalidState, NotFound, ValidationError
from ..operators import OperatorRef
from ..roles import require
from . import catalog, find
from .ledger import record

ORDER_REFERENCE_MAX = 80


def _text(value: str | None, what: str, required: bool = False) -> str | None:
    if value is None:
        return None
    value = value.strip()
    if required and not value:
        raise ValidationError(f"{what} is required.")
    return value


def _money(value, what: str) -> Decimal | None:
    if value is None:
        return None
    try:
        amount = Decimal(str(value))
    except InvalidOperation as exc:
        raise ValidationError(f"{what} must be a number, like 129.90.") from exc
    if amount < 0:
        raise ValidationError(f"{what} cannot be negative.")
    return limits.price(amount, what)


def _product(product_id: int) -> m.Product:
    p = m.Product.get_or_none(m.Product.id == product_id)
    if p is None:
        raise NotFound("That product no longer exists. Refresh the list.")
    return p


def update_product(db: pw.Database, op: OperatorRef, product_id: int, *,
                   name: str | None = None, manufacturer: str | None = None,
                   category: str | None = None, part_number: str | None = None,
                   gtin: str | None = None, unit_cost=None, min_quantity: int | None = None,
                   clear_min_quantity: bool = False, active: bool | None = None) -> int:
    """Change a product's description, codes, cost or manual minimum. `gtin=""` clears it."""
    require(op.role, "catalog")
    changes: dict = {}
    if (v := _text(name, "A product name", required=True)) is not None:
        changes["name"] = v
    for field, value in (("manufacturer", manufacturer), ("category", category),
                         ("part_number", part_number)):
        if (v := _text(value, field)) is not None:
            changes[field] = v
    if gtin is not None:
        code = gtin.strip()
        if code and not gtin_valid(code):
            raise ValidationError(f"GTIN {code} has a wrong check digit. Copy it again from "
                                  "the box label.", field="gtin")
        changes["gtin"] = gtin14(code) if code else None
    if (cost := _money(unit_cost, "The unit cost")) is not None:
        changes["unit_cost"] = cost
    if clear_min_quantity:
        changes["min_quantity"] = None
    elif min_quantity is not None:
        if min_quantity < 0:
            raise ValidationError("A minimum quantity cannot be negative.", field="min_quantity")
        changes["min_quantity"] = limits.quantity(min_quantity, "The minimum quantity",
                                                  zero=True, field="min_quantity")
    if active is not None:
        changes["active"] = active
    with db.atomic():
        p = _product(product_id)
        if changes.get("gtin"):
            clash = m.Product.get_or_none((m.Product.gtin == changes["gtin"])
                                          & (m.Product.id != p.id))
            if clash is not None:
                raise Duplicate(f"GTIN {changes['gtin']} already belongs to {clash.name}.",
                                field="gtin")
        if "name" in changes:
            clash = m.Product.get_or_none((m.Product.name == changes["name"])
                                          & (m.Product.id != p.id))
            if clash is not None:
                raise Duplicate(f"Another product is already called {changes['name']}. "
                                "Pick a name that tells them apart.", field="name")
        if changes:
            m.Product.update(**changes).where(m.Product.id == p.id).execute()
        if "manufacturer" in changes and p.kind == "device":
            # Serials are unique per maker: the devices follow their product.
            m.Asset.update(manufacturer=changes["manufacturer"]).where(
                m.Asset.product == p.id).execute()
        return p.id


def update_person(db: pw.Database, op: OperatorRef, person_id: int, *,
                  name: str | None = None, employee_id: str | None = None,
                  email: str | None = None, department: str | None = None,
                  cost_centre: str | None = None, site: str | None = None,
                  clear_site: bool = False) -> int:
    require(op.role, "catalog")
    changes: dict = {}
    if (v := _text(name, "A name", required=True)) is not None:
        changes["name"] = v
    if (v := _text(employee_id, "An employee id", required=True)) is not None:
        changes["employee_id"] = v
    if (v := _text(email, "email")) is not None:
        if v and ("@" not in v or v.startswith("@") or v.endswith("@")):
            raise ValidationError(f"'{v}' is not an email address (name@example.com).",
                                  field="email")
        changes["email"] = v
    for field, value in (("department", department), ("cost_centre", cost_centre)):
        if (v := _text(value, field)) is not None:
            changes[field] = v
    with db.atomic():
        p = m.Person.get_or_none(m.Person.id == person_id)
        if p is None:
            raise NotFound("That person no longer exists. Refresh the list.")
        if "employee_id" in changes:
            clash = m.Person.get_or_none((m.Person.employee_id == changes["employee_id"])
                                         & (m.Person.id != p.id))
            if clash is not None:
                raise Duplicate(f"Employee id {changes['employee_id']} is already "
                                f"{clash.name}'s.", field="employee_id")
        if clear_site:
            changes["site"] = None
        elif site:
            changes["site"] = find.location(site).id
        if changes:
            m.Person.update(**changes).where(m.Person.id == p.id).execute()
        if "cost_centre" in changes:
            from ..costing import centres  # the earlier cost centre keeps its days

            centres.record(p.id, p.cost_centre, changes["cost_centre"])
        return p.id


def update_location(db: pw.Database, op: OperatorRef, location_id: int, *,
                    name: str | None = None, code: str | None = None,
                    partner: str | None = None, parent: str | None = None,
                    clear_parent: bool = False, active: bool | None = None) -> int:
    require(op.role, "catalog")
    changes: dict = {}
    if (v := _text(name, "A location name", required=True)) is not None:
        changes["name"] = v
    if (v := _text(code, "A location code", required=True)) is not None:
        changes["code"] = v
    if (v := _text(partner, "partner")) is not None:
        changes["partner"] = v
    with db.atomic():
        loc = m.Location.get_or_none(m.Location.id == location_id)
        if loc is None:
            raise NotFound("That location no longer exists. Refresh the list.")
        if "code" in changes:
            clash = m.Location.get_or_none((m.Location.code == changes["code"])
                                           & (m.Location.id != loc.id))
            if clash is not None:
                raise Duplicate(f"Location code {changes['code']} is already used by "
                                f"{clash.name}.", field="code")
        if clear_parent:
            changes["parent"] = None
        elif parent:
            up = find.location(parent)
            seen, walk = set(), up
            while walk is not None and walk.id not in seen:
                if walk.id == loc.id:
                    raise ValidationError(f"{loc.name} cannot be inside {up.name}: {up.name} "
                                          f"is inside {loc.name}.", field="parent")
                seen.add(walk.id)
                walk = walk.parent
            changes["parent"] = up.id
        if active is False:
            held = (m.StockLevel.select().where((m.StockLevel.location == loc.id)
                                                & (m.StockLevel.quantity != 0)).exists()
                    or m.Asset.select().where((m.Asset.location == loc.id) & m.Asset.status
                                              .in_(("in_stock", "in_repair"))).exists())
            if held:
                raise InvalidState(f"{loc.name} still holds stock. Move it elsewhere before "
                                   "closing the location.", field="active")
        if active is not None:
            changes["active"] = active
        if changes:
            m.Location.update(**changes).where(m.Location.id == loc.id).execute()
        return loc.id


def update_asset(db: pw.Database, op: OperatorRef, asset_tag: str, *,
                 serial: str | None = None, warranty_end: date | None = None,
                 clear_warranty: bool = False, notes: str | None = None,
                 due_date: date | None = None, clear_due_date: bool = False,
                 product: str | None = None, location: str | None = None,
                 purchase_cost=None, clear_purchase_cost: bool = False,
                 purchase_date: date | None = None, clear_purchase_date: bool = False,
                 supplier: str | None = None, order_reference: str | None = None) -> str:
    """Correct a device's record: its model, serial, cost, purchase date, supplier, order
    number, warranty and notes (catalog); where an in-stock device stands (a move in the
    ledger, receive); its due date (check out). Only what is given changes.

    `supplier=""` clears the supplier; an order number that is one of our purchase orders
    (with a line for the model) links the device to it, any other is kept as written."""
    describes = any(v is not None for v in (serial, warranty_end, notes, product,
                                            purchase_cost, purchase_date, supplier,
                                            order_reference)) \
        or clear_warranty or clear_purchase_cost or clear_purchase_date
    if describes:
        require(op.role, "catalog")
    if location is not None:
        require(op.role, "receive")
    if due_date is not None or clear_due_date or not (describes or location is not None):
        require(op.role, "check_out")
    with db.atomic():
        a = find.asset(asset_tag)
        changes: dict = {}
        maker = a.manufacturer
        if product is not None:
            p = find.product(product)
            if p.kind != "device":
                raise ValidationError(f"{p.name} is not a device model: a device's model is "
                                      "tracked by serial.", field="product")
            if p.id != a.product_id:
                changes["product"] = p.id
                changes["manufacturer"] = maker = p.manufacturer
        if serial is not None:
            s = serial.strip()
            if not s:
                raise ValidationError("A device needs its serial number.", field="serial")
            changes["serial"] = s
        if "serial" in changes or "manufacturer" in changes:
            s = changes.get("serial", a.serial)
            clash = m.Asset.get_or_none((m.Asset.manufacturer == maker)
                                        & (m.Asset.serial == s) & (m.Asset.id != a.id))
            if clash is not None:
                raise Duplicate(f"Serial {s} is already asset {clash.tag}.", field="serial")
        if clear_warranty:
            changes["warranty_end"] = None
        elif warranty_end is not None:
            changes["warranty_end"] = warranty_end
        if notes is not None:
            changes["notes"] = notes.strip()
        if clear_purchase_cost:
            changes["purchase_cost"] = None
        elif (cost := _money(purchase_cost, "The purchase cost")) is not None:
            changes["purchase_cost"] = cost
        if clear_purchase_date:
            changes["purchase_date"] = None
        elif purchase_date is not None:
            if purchase_date > clock.today():
                raise ValidationError("The purchase date is in the future.",
                                      field="purchase_date")
            changes["purchase_date"] = purchase_date
        if supplier is not None:
            name = supplier.strip()
            if not name:
                changes["supplier"] = None
            else:
                found = m.Supplier.get_or_none(m.Supplier.name == name)
                if found is None:
                    raise NotFound(f"No supplier '{name}'. Pick one from the list.",
                                   field="supplier")
                changes["supplier"] = found.id
        if order_reference is not None:
            _order(a, order_reference.strip(), changes)
        if clear_due_date:
            changes["due_date"] = None
        elif due_date is not None:
            if a.status != "deployed":
                raise InvalidState(f"{a.tag} is not checked out; a due date only applies to "
                                   "a loan.", field="due")
            if due_date < clock.today():
                raise ValidationError(f"The due date {due_date.isoformat()} is in the past.",
                                      field="due")
            changes["due_date"] = due_date
        if changes:
            m.Asset.update(**changes).where(m.Asset.id == a.id).execute()
        if location is not None:
            _correct_location(op, a, location)
        return a.tag


def _order(a: m.Asset, number: str, changes: dict) -> None:
    """Link the device to our purchase order `number` (a line of its model), else keep the
    number as written."""
    product = changes.get("product", a.product_id)
    line = (m.PurchaseOrderLine.select().join(m.PurchaseOrder)
            .where((m.PurchaseOrder.number == number) & (m.PurchaseOrderLine.product == product))
            .first()) if number else None
    if line is not None:
        changes["order_line"] = line.id
        changes["order_reference"] = ""
    else:
        if len(number) > ORDER_REFERENCE_MAX:
            raise ValidationError(f"An order number is at most {ORDER_REFERENCE_MAX} "
                                  "characters.", field="order")
        changes["order_line"] = None
        changes["order_reference"] = number


def _correct_location(op: OperatorRef, a: m.Asset, code: str) -> None:
    """Where an in-stock device really stands: one move in the ledger, at once (a record
    corrected, not a shipment)."""
    dest = find.location(code)
    if dest.id == a.location_id:
        return
    if a.status != "in_stock":
        raise InvalidState(f"{a.tag} is not in stock: only a device on the shelf can be put "
                           "elsewhere here. Check it in or transfer it instead.",
                           field="location")
    if dest.kind not in ("site", "stockroom", "3pl", "msp", "repair"):
        raise ValidationError(f"{dest.name} is not a place to keep devices. Pick a site, "
                              "stockroom or partner.", field="location")
    source = a.location_id
    updated = (m.Asset.update(location=dest.id)
               .where((m.Asset.id == a.id) & (m.Asset.status == "in_stock")).execute())
    if not updated:
        raise InvalidState(f"{a.tag} changed at another desk meanwhile. Look again.",
                           field="location")
    a = m.Asset.get_by_id(a.id)
    record(op, "transfer", a.product_id, asset=a, from_location=source, to_location=dest,
           asset_status="in_stock", note="record corrected (Edit device)")


def new_license(db: pw.Database, op: OperatorRef, product: str, seats: int, *,
                starts_on: date, **options) -> int:
    """A license, adding the license product to the catalogue first if it is new."""
    require(op.role, "catalog")
    name = _text(product, "The license name", required=True) or ""
    with db.atomic():
        p = m.Product.get_or_none((m.Product.name == name) & (m.Product.kind == "license"))
        if p is None:
            if m.Product.get_or_none(m.Product.name == name) is not None:
                raise Duplicate(f"{name} is already a product that is not a license. Pick "
                                "another name.", field="product")
            catalog.create_product(db, op, name, "license", category="Software")
        return catalog.create_license(db, op, name, seats, starts_on=starts_on, **options)
