"""From the reorder list to purchase orders: approve lines, place orders, export them.

- :func:`approve` turns approved "buy" lines into draft purchase orders, one per
  supplier and ship-to location (an order has one delivery address);
- :func:`place` marks a draft ordered, the expected date from the lead time the
  reorder engine uses (observed when there are 3+ receipts, else quoted);
- :func:`order_csv` / :func:`order_pdf` export one order; :func:`lines_csv` /
  :func:`lines_export` export the reorder list (all through the shared writer).

Receiving goes through :mod:`inventory.services.receiving` (the scan station or
the CLI); the received date is what later observed lead times are made of.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import timedelta
from decimal import Decimal

import peewee as pw

from .. import limits
from .. import models as m
from ..clock import utcnow
from ..db import Handle, unwrap
from ..errors import InvalidState, ValidationError
from ..operators import OperatorRef
from ..replenishment.demand import observed_lead_times
from ..replenishment.engine import BUY, MIN_RECEIPTS, ReorderLine
from ..roles import require
from .purchasing import OrderView, _get, next_order_number, order_view

LIST_COLUMNS = (
    "product", "location", "action", "source", "quantity", "unit_price", "cost", "order_by",
    "stockout", "days_of_cover", "demand_per_month", "class", "forecast", "lead_time_days",
    "lead_time_source", "safety_stock", "reorder_point", "position", "on_hand", "on_order",
    "in_transit", "reserved",
)


def approve(db: pw.Database, op: OperatorRef, lines: Iterable[ReorderLine]) -> list[OrderView]:
    """Draft purchase orders for the approved buy lines, grouped by supplier and ship-to.

    Transfer and wait lines are not purchases and are refused: move stock with a
    transfer instead.
    """
    require(op.role, "receive")
    lines = list(lines)
    if not lines:
        raise ValidationError("Select at least one line to approve.")
    not_buy = [ln for ln in lines if ln.action != BUY]
    if not_buy:
        ln = not_buy[0]
        raise ValidationError(f"{ln.product} at {ln.location} is a {ln.action} from "
                              f"{ln.source}, not a purchase. Move it with a transfer, or "
                              "deselect it.")
    missing = [ln for ln in lines if ln.supplier_id is None]
    if missing:
        raise ValidationError(f"{missing[0].product} has no supplier offer. Add one first "
                              "(Spares & stock ▸ More ▸ Add supplier offer…).")
    groups: dict[tuple[int, int], list[ReorderLine]] = defaultdict(list)
    for ln in lines:
        if ln.quantity <= 0:
            raise ValidationError(f"The quantity for {ln.product} must be above zero.")
        limits.quantity(ln.quantity, f"The quantity for {ln.product}")
        assert ln.supplier_id is not None  # lines without an offer were refused above
        groups[(ln.supplier_id, ln.location_id)].append(ln)
    views = []
    with db.atomic():
        for (supplier_id, ship_to), group in sorted(groups.items()):
            po = m.PurchaseOrder.create(
                number=next_order_number(), supplier=supplier_id, ship_to=ship_to,
                created_by=op.id, note="From the reorder list")
            merged: dict[int, list] = {}
            for ln in group:
                if ln.product_id in merged:
                    merged[ln.product_id][0] += ln.quantity
                else:
                    merged[ln.product_id] = [ln.quantity, ln.unit_price]
            m.PurchaseOrderLine.insert_many([
                dict(order=po.id, product=pid, quantity=q, unit_price=price)
                for pid, (q, price) in merged.items()]).execute()
            views.append(order_view(po))
    return views


def expected_lead_days(db: pw.Database, po: m.PurchaseOrder) -> float:
    """The longest lead time among the order's items: observed (3+ receipts) else quoted."""
    per_item, per_supplier = observed_lead_times(db)
    sup = per_supplier.get(po.supplier_id)
    worst = 0.0
    for ln in po.lines:
        obs = per_item.get((po.supplier_id, ln.product_id))
        offer = m.SupplierOffer.get_or_none((m.SupplierOffer.supplier == po.supplier_id)
                                            & (m.SupplierOffer.product == ln.product_id))
        if obs and obs.receipts >= MIN_RECEIPTS:
            days = obs.mean
        elif sup and sup.receipts >= MIN_RECEIPTS:
            days = sup.mean
        elif offer is not None:
            days = offer.lead_time_days
        else:
            days = po.supplier.lead_time_days
        worst = max(worst, float(days))
    return worst or float(po.supplier.lead_time_days)


def place(db: pw.Database, op: OperatorRef, number: str) -> OrderView:
    """Mark a draft ordered now; expected date = now + lead time."""
    require(op.role, "receive")
    with db.atomic():
        po = _get(number)
        if po.status != "draft":
            raise InvalidState(f"{po.number} is {po.status.replace('_', ' ')}; only a draft can "
                               "be ordered.")
        now = utcnow()
        expected = now + timedelta(days=expected_lead_days(db, po))
        m.PurchaseOrder.update(status="ordered", ordered_at=now, expected_at=expected).where(
            m.PurchaseOrder.id == po.id).execute()
        return order_view(m.PurchaseOrder.get_by_id(po.id))


def draft_orders(db: pw.Database) -> list[OrderView]:
    with db.atomic():
        q = m.PurchaseOrder.select().where(m.PurchaseOrder.status == "draft").order_by(
            m.PurchaseOrder.number)
        return [order_view(po) for po in q]


# -- export ---------------------------------------------------------------------------

def _order_rows(number: str) -> tuple[m.PurchaseOrder, list[list[str]]]:
    po = _get(number)
    rows = []
    for ln in po.lines.order_by(m.PurchaseOrderLine.id):
        offer = m.SupplierOffer.get_or_none((m.SupplierOffer.supplier == po.supplier_id)
                                            & (m.SupplierOffer.product == ln.product_id))
        price = Decimal(ln.unit_price)
        rows.append([offer.supplier_part if offer else "", ln.product.part_number,
                     ln.product.name, str(ln.quantity), f"{price:.2f}",
                     f"{price * ln.quantity:.2f}"])
    return po, rows


ORDER_HEADER = ["supplier_part", "part_number", "product", "quantity", "unit_price", "total"]


def order_table(db: Handle, number: str) -> list[list]:
    """The order's lines, quantities and prices as numbers (under ORDER_HEADER)."""
    db = unwrap(db)
    with db.atomic():
        _, rows = _order_rows(number)
    return [[sp, part, name, int(qty), Decimal(price), Decimal(total)]
            for sp, part, name, qty, price, total in rows]


def order_csv(db: pw.Database, number: str) -> str:
    """The order's lines as CSV (header row first), through the shared writer."""
    from ..exchange.export import csv_text

    return csv_text(ORDER_HEADER, order_table(db, number))


def order_document(db: Handle, number: str):
    """The order as the document sent to the supplier (exchange/order_document.py)."""
    db = unwrap(db)
    from ..exchange.order_document import OrderDocument, OrderLineRow

    with db.atomic():
        po, rows = _order_rows(number)
        return OrderDocument(
            po.number, po.status, po.supplier.name, po.supplier.email, po.ship_to.name,
            po.ship_to.code, po.created_at, po.ordered_at, po.expected_at, po.note,
            [OrderLineRow(sp, part, name, int(qty), Decimal(price))
             for sp, part, name, qty, price, _ in rows])


def order_pdf(db: Handle, number: str) -> bytes:
    """The order as a PDF to send to the supplier: the letterhead from Settings, the
    addresses, a table of the lines and the total."""
    db = unwrap(db)
    from ..exchange.order_document import order_pdf as render
    from ..letterhead import load

    return render(order_document(db, number), load(db))


def line_row(ln: ReorderLine) -> list:
    return [
        ln.product, ln.location, ln.action, ln.source, ln.quantity, float(ln.unit_price),
        float(ln.cost) if ln.action == BUY else 0.0,
        ln.order_by.isoformat() if ln.order_by else "",
        ln.stockout.isoformat() if ln.stockout else "",
        round(ln.days_of_cover, 1) if ln.days_of_cover is not None else "",
        round(ln.demand_per_month, 3), ln.demand_class, ln.forecast_method,
        round(ln.lead_time_days, 1), ln.lead_time_source, round(ln.safety_stock, 1),
        ln.reorder_point, ln.position, ln.on_hand, ln.on_order, ln.in_transit, ln.reserved,
    ]


def lines_csv(lines: Iterable[ReorderLine]) -> str:
    """The reorder list as CSV text (the shared, formula-safe writer)."""
    from ..exchange.export import csv_text

    return csv_text(LIST_COLUMNS, (line_row(ln) for ln in lines))


def lines_export(lines: Iterable[ReorderLine], path) -> int:
    """The reorder list to `path`: XLSX for .xlsx, else CSV (the shared writer)."""
    from ..exchange.export import write_rows

    fmt = "xlsx" if str(path).lower().endswith(".xlsx") else "csv"
    return write_rows(path, LIST_COLUMNS, (line_row(ln) for ln in lines), fmt=fmt,
                      sheet="Reorder list")
