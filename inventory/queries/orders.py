"""Purchase orders: the list, with totals and how much has arrived, and one in detail."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

import peewee as pw

from .. import models as m
from .common import Column, Spec, TableQuery, fetch_rows, order
from .lookups import product_code

PO = m.PurchaseOrder
PL = m.PurchaseOrderLine
SUP = m.Supplier
SHIP = m.Location.alias("ship_to")
OPEN = ("draft", "ordered", "partly_received")


def _totals() -> pw.Select:
    return (PL.select(PL.order.alias("oid"), pw.fn.COUNT(PL.id).alias("lines"),
                      pw.fn.SUM(PL.quantity).alias("qty"),
                      pw.fn.SUM(PL.received_quantity).alias("got"),
                      pw.fn.SUM(PL.quantity * PL.unit_price).alias("total"))
            .group_by(PL.order))


class OrderTable(TableQuery):
    columns = (
        Column("number", "Order", width=135),
        Column("supplier", "Supplier", width=140),
        Column("status", "Status", kind="status", width=115),
        Column("ship_to", "Ship to", width=180),
        Column("created_at", "Created", kind="date", width=112),
        Column("expected_at", "Expected", kind="date", width=112),
        Column("lines", "Lines", kind="int", sortable=False, width=55),
        Column("received", "Received", kind="text", sortable=False, width=85),
        Column("total", "Total", kind="money", width=95),
    )
    default_sort = "created_at"
    default_descending = True

    def id_query(self, spec: Spec) -> pw.Select:
        q = PO.select(PO.id)
        for term in spec.terms():
            q = q.where(PO.number.contains(term) | PO.supplier.in_(
                SUP.select(SUP.id).where(SUP.name.contains(term))) | PO.note.contains(term)
                | PO.id.in_(PL.select(PL.order).join(m.Product)
                            .where(m.Product.name.contains(term))))
        status = spec.get("status")
        if status == "open":
            q = q.where(PO.status.in_(OPEN))
        elif status:
            q = q.where(PO.status == status)
        if sup := spec.get("supplier"):
            q = q.where(PO.supplier == int(sup))
        key = spec.sort or self.default_sort
        if key == "supplier":
            q = q.join(SUP, on=(PO.supplier == SUP.id))
            sort = SUP.name
        elif key == "ship_to":
            q = q.join(SHIP, on=(PO.ship_to == SHIP.id))
            sort = SHIP.name
        elif key == "total":
            t = _totals().alias("t")
            q = q.join(t, pw.JOIN.LEFT_OUTER, on=(t.c.oid == PO.id))
            sort = pw.fn.COALESCE(t.c.total, 0)
        else:
            sort = {"number": PO.number, "status": PO.status, "created_at": PO.created_at,
                    "expected_at": PO.expected_at}.get(key, PO.created_at)
        return q.order_by(order(sort, spec.descending), order(PO.id, spec.descending))

    def rows(self, ids: Sequence[int]) -> dict[int, tuple]:
        t = _totals().where(PL.order.in_(list(ids))).alias("t")
        q = (PO.select(PO.id, PO.number, SUP.name, PO.status, SHIP.name, PO.created_at,
                       PO.expected_at, t.c.lines, t.c.qty, t.c.got, t.c.total)
             .join(SUP, on=(PO.supplier == SUP.id))
             .join_from(PO, SHIP, on=(PO.ship_to == SHIP.id))
             .join_from(PO, t, pw.JOIN.LEFT_OUTER, on=(t.c.oid == PO.id)))
        out = {}
        for k, (num, sup, status, ship, created, expected, lines, qty, got,
                total) in fetch_rows(q, ids, PO.id).items():
            qty, got = int(qty or 0), int(got or 0)
            out[k] = (num, sup, status, ship, _date(created), _date(expected), int(lines or 0),
                      f"{got} / {qty}", Decimal(str(total or 0)).quantize(Decimal("0.01")))
        return out


def _date(value):
    return value.date() if isinstance(value, datetime) else value


@dataclass(frozen=True)
class OrderLineRow:
    product: str
    kind: str
    quantity: int
    received: int
    unit_price: Decimal
    code: str = ""  # what the services find the product by (GTIN, part number or name)

    @property
    def total(self) -> Decimal:
        return self.unit_price * self.quantity


@dataclass(frozen=True)
class OrderDetail:
    id: int
    number: str
    supplier: str
    supplier_email: str
    status: str
    ship_to: str
    created_at: datetime
    ordered_at: datetime | None
    expected_at: datetime | None
    received_at: datetime | None
    created_by: str | None
    note: str
    lines: list[OrderLineRow]
    ship_to_code: str = ""

    @property
    def total(self) -> Decimal:
        return sum((ln.total for ln in self.lines), Decimal(0))


def detail(order_id: int) -> OrderDetail | None:
    po = PO.select(PO, SUP).join(SUP).where(PO.id == order_id).first()
    if po is None:
        return None
    lines = [OrderLineRow(name, kind, qty, got, price, product_code(gtin, part, name))
             for name, kind, qty, got, price, gtin, part in
             PL.select(m.Product.name, m.Product.kind, PL.quantity, PL.received_quantity,
                       PL.unit_price, m.Product.gtin, m.Product.part_number)
             .join(m.Product).where(PL.order == po.id).order_by(PL.id).tuples()]
    by = m.Operator.get_or_none(m.Operator.id == po.created_by_id) if po.created_by_id else None
    return OrderDetail(po.id, po.number, po.supplier.name, po.supplier.email, po.status,
                       po.ship_to.name, po.created_at, po.ordered_at, po.expected_at,
                       po.received_at, by.name if by else None, po.note, lines,
                       po.ship_to.code)


def id_of(number: str) -> int | None:
    return PO.select(PO.id).where(PO.number == number.strip()).scalar()


def number_of(order_id: int) -> str | None:
    return PO.select(PO.number).where(PO.id == order_id).scalar()
