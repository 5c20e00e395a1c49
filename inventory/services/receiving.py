"""Receiving deliveries: serials become assets, quantities add stock, orders fill up."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

import peewee as pw

from .. import models as m
from ..clock import utcnow
from ..db import serialize
from ..errors import Duplicate, InvalidState, NotFound, ValidationError
from ..operators import OperatorRef
from ..roles import require
from ..views import ReceiptView
from . import find
from .ledger import add_stock, check_quantity, record

TAG_PREFIX_KEY = "asset_tag_prefix"
DEFAULT_TAG_PREFIX = "IT-"
TAG_DIGITS = 6


@dataclass
class ReceiptLine:
    product: str  # GTIN, part number or name
    quantity: int = 1
    serials: list[str] = field(default_factory=list)


def tag_prefix() -> str:
    s = m.Setting.get_or_none(m.Setting.key == TAG_PREFIX_KEY)
    return s.value if s else DEFAULT_TAG_PREFIX


def next_tag() -> str:
    serialize("asset_tag")
    prefix = tag_prefix()
    last = (m.Asset.select(pw.fn.MAX(m.Asset.tag))
            .where(m.Asset.tag.startswith(prefix)
                   & (pw.fn.LENGTH(m.Asset.tag) == len(prefix) + TAG_DIGITS)).scalar())
    n = int(last[len(prefix):]) + 1 if last and last[len(prefix):].isdigit() else 1
    return f"{prefix}{n:0{TAG_DIGITS}d}"


def _order_line(order: m.PurchaseOrder, product: m.Product, qty: int) -> m.PurchaseOrderLine:
    lines = [ln for ln in order.lines if ln.product_id == product.id]
    if not lines:
        raise InvalidState(f"{order.number} has no line for {product.name}. Receive it without "
                           "an order, or add a line to the order.", field="order")
    for ln in lines:
        if ln.received_quantity + qty <= ln.quantity:
            return ln
    ln = lines[0]
    raise InvalidState(
        f"{order.number} ordered {ln.quantity} × {product.name} and {ln.received_quantity} "
        f"arrived already; {qty} more would be over. Receive "
        f"{max(ln.quantity - ln.received_quantity, 0)}, or add a line to the order."
    , field="order")


def receive(db: pw.Database, op: OperatorRef, location: str, lines: list[ReceiptLine], *,
            order: str | None = None, source: str = "manual", reference: str = "",
            purchase_date=None, warranty_end=None) -> ReceiptView:
    """Book a delivery into `location`, optionally against purchase order `order`."""
    require(op.role, "receive")
    if not lines:
        raise ValidationError("Nothing to receive: scan products or serials first.",
                              field="serials")
    with db.atomic():
        loc = find.location(location)
        if loc.kind not in m.STOCKING_KINDS:
            raise ValidationError(f"{loc.name} is a {loc.kind} location; receive into a "
                                  "stockroom, site, 3PL or MSP.", field="location")
        po = None
        if order:
            po = m.PurchaseOrder.get_or_none(m.PurchaseOrder.number == order.strip())
            if po is None:
                raise NotFound(f"No purchase order '{order}'. Check the number on the delivery "
                               "note.", field="order")
            if po.status not in ("ordered", "partly_received"):
                raise InvalidState(f"{po.number} is {po.status.replace('_', ' ')}; only ordered "
                                   "purchase orders can be received.", field="order")
        tags: list[str] = []
        quantities: dict[str, int] = {}
        ref = reference or (po.number if po else "")
        for line in lines:
            p = find.product(line.product)
            qty = len(line.serials) if p.kind == "device" else line.quantity
            if p.kind == "device" and not line.serials:
                raise ValidationError(f"{p.name} is tracked by serial: scan each serial number.",
                                      field="serials")
            if p.kind == "license":
                raise ValidationError(f"{p.name} is a license: add it under Licenses.",
                                      field="product")
            check_quantity(qty)
            po_line = _order_line(po, p, qty) if po else None
            cost = po_line.unit_price if po_line else p.unit_cost
            if po_line:
                (m.PurchaseOrderLine
                 .update(received_quantity=m.PurchaseOrderLine.received_quantity + qty)
                 .where(m.PurchaseOrderLine.id == po_line.id).execute())
            if p.kind == "device":
                for serial in line.serials:
                    tags.append(_new_asset(op, p, serial.strip(), loc, cost, po_line, ref,
                                           source, purchase_date, warranty_end))
            else:
                add_stock(p.id, loc.id, qty)
                record(op, "receive", p, quantity=qty, to_location=loc, reference=ref,
                       source=source, unit_cost=cost)
            quantities[p.name] = quantities.get(p.name, 0) + qty
        status = _refresh_order_status(po) if po else None
        return ReceiptView(po.number if po else None, tags, quantities, status)


def _new_asset(op: OperatorRef, p: m.Product, serial: str, loc: m.Location, cost: Decimal,
               po_line, ref: str, source: str, purchase_date, warranty_end) -> str:
    if not serial:
        raise ValidationError(f"An empty serial number for {p.name}. Scan the serial again.",
                              field="serials")
    clash = m.Asset.get_or_none((m.Asset.manufacturer == p.manufacturer)
                                & (m.Asset.serial == serial))
    if clash is not None:
        raise Duplicate(f"Serial {serial} ({p.manufacturer or 'no maker'}) is already asset "
                        f"{clash.tag}. Scan the next device, or look that asset up.",
                        field="serials")
    tag = next_tag()
    a = m.Asset.create(tag=tag, serial=serial, manufacturer=p.manufacturer, product=p,
                       status="in_stock", location=loc, purchase_cost=cost,
                       purchase_date=purchase_date or utcnow().date(),
                       warranty_end=warranty_end, order_line=po_line)
    record(op, "receive", p, asset=a, to_location=loc, asset_status="in_stock", reference=ref,
           source=source, unit_cost=cost)
    return tag


def _refresh_order_status(po: m.PurchaseOrder) -> str:
    lines = list(m.PurchaseOrderLine.select().where(m.PurchaseOrderLine.order == po.id))
    done = all(ln.received_quantity >= ln.quantity for ln in lines)
    status = "received" if done else "partly_received"
    m.PurchaseOrder.update(status=status, received_at=utcnow() if done else None).where(
        m.PurchaseOrder.id == po.id).execute()
    return status
