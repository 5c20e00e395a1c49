"""Purchase orders: draft -> ordered -> partly received -> received / cancelled."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import peewee as pw

from .. import limits
from .. import models as m
from ..clock import utcnow
from ..db import serialize
from ..errors import InvalidState, NotFound, ValidationError
from ..operators import OperatorRef
from ..roles import require
from . import find
from .find import SUPPLIER_HOW


@dataclass(frozen=True)
class OrderView:
    number: str
    supplier: str
    status: str
    ship_to: str
    lines: list[tuple[str, int, int, Decimal]]  # product, ordered, received, unit price
    expected_at: object = None

    @property
    def total(self) -> Decimal:
        return sum((Decimal(q) * p for _, q, _, p in self.lines), Decimal(0))


def order_view(po: m.PurchaseOrder) -> OrderView:
    lines = [(ln.product.name, ln.quantity, ln.received_quantity, ln.unit_price)
             for ln in po.lines.order_by(m.PurchaseOrderLine.id)]
    return OrderView(po.number, po.supplier.name, po.status, po.ship_to.name, lines,
                     po.expected_at)


def _supplier(name: str) -> m.Supplier:
    s = m.Supplier.get_or_none(m.Supplier.name == name.strip())
    if s is None:
        raise NotFound(f"No supplier '{name}'. {SUPPLIER_HOW}", field="supplier")
    return s


ORDER_DIGITS = 5  # PO-2026-00042: the demo and the services number orders alike


def next_order_number() -> str:
    """The next PO-YYYY-NNNNN (desks take turns: four approving at once all succeed)."""
    serialize("order_no")
    year = utcnow().year
    prefix = f"PO-{year}-"
    last = (m.PurchaseOrder.select(pw.fn.MAX(m.PurchaseOrder.number))
            .where(m.PurchaseOrder.number.startswith(prefix)
                   & (pw.fn.LENGTH(m.PurchaseOrder.number) == len(prefix) + ORDER_DIGITS))
            .scalar())
    n = int(last[len(prefix):]) + 1 if last and last[len(prefix):].isdigit() else 1
    return f"{prefix}{n:0{ORDER_DIGITS}d}"


def create_order(db: pw.Database, op: OperatorRef, supplier: str, ship_to: str,
                 lines: list[tuple[str, int]], note: str = "") -> OrderView:
    """A draft order; prices come from the supplier's offer, else the product cost."""
    require(op.role, "receive")
    if not lines:
        raise ValidationError("An order needs at least one line.", field="lines")
    with db.atomic():
        sup = _supplier(supplier)
        dest = find.location(ship_to)
        po = m.PurchaseOrder.create(number=next_order_number(), supplier=sup, ship_to=dest,
                                    created_by=op.id, note=note)
        for code, qty in lines:
            if qty <= 0:
                raise ValidationError(f"Order quantity for {code} must be above zero.",
                                      field="lines")
            limits.quantity(qty, f"The order quantity for {code}", field="lines")
            p = find.product(code)
            offer = m.SupplierOffer.get_or_none((m.SupplierOffer.supplier == sup.id)
                                                & (m.SupplierOffer.product == p.id))
            price = offer.unit_price if offer else p.unit_cost
            m.PurchaseOrderLine.create(order=po, product=p, quantity=qty, unit_price=price)
        return order_view(po)


def _get(number: str) -> m.PurchaseOrder:
    po = m.PurchaseOrder.get_or_none(m.PurchaseOrder.number == number.strip())
    if po is None:
        raise NotFound(f"No purchase order '{number}'.")
    return po


def cancel_order(db: pw.Database, op: OperatorRef, number: str) -> OrderView:
    require(op.role, "receive")
    with db.atomic():
        po = _get(number)
        if po.status not in ("draft", "ordered"):
            raise InvalidState(f"{po.number} is {po.status.replace('_', ' ')}; it can no longer "
                               "be cancelled. Receive the rest or return the goods.")
        m.PurchaseOrder.update(status="cancelled").where(m.PurchaseOrder.id == po.id).execute()
        return order_view(m.PurchaseOrder.get_by_id(po.id))


MAX_NOTE = 1000


def edit_order(db: pw.Database, op: OperatorRef, number: str, *, ship_to: str | None = None,
               lines: list[tuple[str, int, object]] | None = None,
               note: str | None = None) -> OrderView:
    """Change a draft: delivery location, note, and its lines (product, quantity, unit
    price; a price of None takes the supplier's offer, else the product's cost). The lines
    given replace the order's lines; a placed order is refused."""
    require(op.role, "receive")
    if note is not None and len(note) > MAX_NOTE:
        raise ValidationError(f"The note is {len(note):,} characters long; at most "
                              f"{MAX_NOTE:,}.", field="note")
    if lines is not None and not lines:
        raise ValidationError("An order needs at least one line; cancel it instead.",
                              field="lines")
    with db.atomic():
        po = _get(number)
        if po.status != "draft":
            raise InvalidState(f"{po.number} is {po.status.replace('_', ' ')}; only a draft can "
                               "be changed. Cancel it and make a new order.")
        values: dict = {}
        if ship_to is not None:
            values["ship_to"] = find.location(ship_to)
            if values["ship_to"].kind not in m.STOCKING_KINDS:
                raise ValidationError(f"{values['ship_to'].name} is not a place goods are "
                                      "delivered to (a site, stockroom, 3PL or MSP).",
                                      field="ship_to")
        if note is not None:
            values["note"] = note.strip()
        if values:
            m.PurchaseOrder.update(**values).where(m.PurchaseOrder.id == po.id).execute()
        if lines is not None:
            rows = []
            seen: set[int] = set()
            for code, qty, price in lines:
                limits.quantity(qty, f"The order quantity for {code}", field="lines")
                p = find.product(code)
                if p.id in seen:
                    raise ValidationError(f"{p.name} is on two lines; put it on one.",
                                          field="lines")
                seen.add(p.id)
                if price is None or price == "":
                    offer = m.SupplierOffer.get_or_none(
                        (m.SupplierOffer.supplier == po.supplier_id)
                        & (m.SupplierOffer.product == p.id))
                    amount = Decimal(offer.unit_price if offer else p.unit_cost)
                else:
                    amount = limits.price(price, f"The price of {p.name}", field="lines")
                rows.append(dict(order=po.id, product=p.id, quantity=qty, unit_price=amount))
            m.PurchaseOrderLine.delete().where(m.PurchaseOrderLine.order == po.id).execute()
            m.PurchaseOrderLine.insert_many(rows).execute()
        return order_view(m.PurchaseOrder.get_by_id(po.id))


def get_order(number: str) -> OrderView:
    return order_view(_get(number))
