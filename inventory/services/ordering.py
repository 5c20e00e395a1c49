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


def order_table(db: pw.Database, number: str) -> list[list]:
    """The order's lines, quantities and prices as numbers (under ORDER_HEADER)."""
    with db.atomic():
        _, rows = _order_rows(number)
    return [[sp, part, name, int(qty), Decimal(price), Decimal(total)]
            for sp, part, name, qty, price, total in rows]


def order_csv(db: pw.Database, number: str) -> str:
    """The order's lines as CSV (header row first), through the shared writer."""
    from ..exchange.export import csv_text

    return csv_text(ORDER_HEADER, order_table(db, number))


def order_text(db: pw.Database, number: str) -> list[str]:
    """The order as printable lines (what the PDF shows)."""
    with db.atomic():
        po, rows = _order_rows(number)
        head = [
            f"Purchase order {po.number}",
            "",
            f"Supplier: {po.supplier.name} {po.supplier.email}".rstrip(),
            f"Deliver to: {po.ship_to.name} ({po.ship_to.code})",
            f"Status: {po.status.replace('_', ' ')}",
            f"Ordered: {po.ordered_at:%Y-%m-%d}" if po.ordered_at else "Ordered: (draft)",
            f"Expected: {po.expected_at:%Y-%m-%d}" if po.expected_at else "",
            "",
            f"{'Supplier part':<16}{'Product':<40}{'Qty':>6}{'Unit':>11}{'Total':>12}",
        ]
    total = Decimal(0)
    body = []
    for sp, _, name, qty, price, line_total in rows:
        body.append(f"{sp[:15]:<16}{name[:39]:<40}{qty:>6}{price:>11}{line_total:>12}")
        total += Decimal(line_total)
    return [*head, *body, "", f"{'Order total':<62}{total:>23.2f}"]


def _pdf_escape(s: str) -> str:
    s = s.encode("latin-1", "replace").decode("latin-1")
    return s.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def text_pdf(lines: list[str], title: str = "") -> bytes:
    """A plain PDF (A4, Courier 10 pt, as many pages as needed) of text lines."""
    per_page = 70
    pages = [lines[i:i + per_page] for i in range(0, max(len(lines), 1), per_page)] or [[]]
    objects: list[bytes] = []

    def add(obj: bytes) -> int:
        objects.append(obj)
        return len(objects)

    catalog = add(b"")  # placeholders, filled below
    pages_id = add(b"")
    font = add(b"<< /Type /Font /Subtype /Type1 /BaseFont /Courier "
               b"/Encoding /WinAnsiEncoding >>")
    kids = []
    for chunk in pages:
        text = ["BT", "/F1 10 Tf", "12 TL", "40 800 Td"]
        for ln in chunk:
            text.append(f"({_pdf_escape(ln)}) Tj T*")
        text.append("ET")
        stream = "\n".join(text).encode("latin-1")
        content = add(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
        kids.append(add(f"<< /Type /Page /Parent {pages_id} 0 R /MediaBox [0 0 595 842] "
                        f"/Resources << /Font << /F1 {font} 0 R >> >> "
                        f"/Contents {content} 0 R >>".encode()))
    objects[catalog - 1] = f"<< /Type /Catalog /Pages {pages_id} 0 R >>".encode()
    objects[pages_id - 1] = (f"<< /Type /Pages /Kids [{' '.join(f'{k} 0 R' for k in kids)}] "
                             f"/Count {len(kids)} >>").encode()
    info = add(f"<< /Title ({_pdf_escape(title)}) /Producer (Stockroom) >>".encode())
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for i, obj in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{i} 0 obj\n".encode() + obj + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for off in offsets:
        out += f"{off:010d} 00000 n \n".encode()
    out += (f"trailer\n<< /Size {len(objects) + 1} /Root {catalog} 0 R /Info {info} 0 R >>\n"
            f"startxref\n{xref}\n%%EOF\n").encode()
    return bytes(out)


def order_pdf(db: pw.Database, number: str) -> bytes:
    """The order as a one-or-more page PDF to send to the supplier."""
    return text_pdf(order_text(db, number), title=f"Purchase order {number}")


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
