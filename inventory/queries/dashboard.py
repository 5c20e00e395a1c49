"""The figures on the dashboard: counts that lead somewhere, and the chart series."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

import peewee as pw

from .. import models as m
from ..clock import today
from ..db import Handle, is_postgres, unwrap
from .devices import overdue_condition, warranty_condition
from .licenses import renewal_due_ids

VALUE_GROUPS = {"site": "Sites", "stockroom": "Sites", "3pl": "3PL", "msp": "MSP",
                "in_transit": "In transit", "repair": "Repair"}
GROUP_ORDER = ("Sites", "3PL", "MSP", "In transit", "Repair")


@dataclass(frozen=True)
class Counts:
    below_reorder: int  # reorder lines needing action (engine), or spares (simple rule)
    reorder_source: str
    renewals_due: int
    overdue_loans: int
    warranties_ending: int
    shipments_in_transit: int
    units_in_transit: int
    devices_deployed: int
    devices_in_stock: int
    open_orders: int


def counts() -> Counts:
    on = today()
    a = m.Asset
    sl, loc = m.StockLevel, m.Location
    units = (sl.select(pw.fn.SUM(sl.quantity)).join(loc)
             .where(loc.kind == "in_transit").scalar()) or 0
    units += a.select().where(a.status == "in_transit").count()
    by_status = dict(a.select(a.status, pw.fn.COUNT(a.id)).group_by(a.status).tuples())
    # Here, not at the top: the reorder engine (and numpy) loads on the worker that runs
    # this, after the window is shown, not while the window is being built.
    from . import reorder

    wanted = reorder.alerts()
    return Counts(
        below_reorder=wanted.lines, reorder_source=wanted.source,
        renewals_due=len(renewal_due_ids(on)),
        overdue_loans=a.select().where(overdue_condition(on)).count(),
        warranties_ending=a.select().where(warranty_condition(on)).count(),
        shipments_in_transit=m.Shipment.select().where(m.Shipment.status == "in_transit")
        .count(),
        units_in_transit=int(units),
        devices_deployed=by_status.get("deployed", 0),
        devices_in_stock=by_status.get("in_stock", 0),
        open_orders=m.PurchaseOrder.select().where(
            m.PurchaseOrder.status.in_(("ordered", "partly_received"))).count(),
    )


def _month_start(d: date, back: int) -> date:
    y, mo = d.year, d.month - back
    while mo <= 0:
        mo += 12
        y -= 1
    return date(y, mo, 1)


def spend_by_month(db: Handle, months: int = 12) -> list[tuple[str, Decimal]]:
    """What was received (unit cost × quantity) per calendar month, oldest first."""
    db = unwrap(db)
    first = _month_start(today(), months - 1)
    mv = m.Movement
    if is_postgres(db):
        month = pw.fn.to_char(mv.at, "YYYY-MM")
    else:
        month = pw.fn.strftime("%Y-%m", mv.at)
    rows = dict(mv.select(month, pw.fn.SUM(mv.unit_cost * mv.quantity))
                .where((mv.kind == "receive") & (mv.at >= datetime.combine(first, time())))
                .group_by(month).tuples())
    out = []
    for k in range(months - 1, -1, -1):
        key = _month_start(today(), k).strftime("%Y-%m")
        out.append((key, Decimal(str(rows.get(key) or 0)).quantize(Decimal("1"))))
    return out


def stock_value_by_location_kind() -> list[tuple[str, Decimal, Decimal]]:
    """(group, spares value, devices in stock value) for sites, 3PL, MSP, in transit."""
    sl, loc, p, a = m.StockLevel, m.Location, m.Product, m.Asset
    spares: dict[str, Decimal] = {}
    for kind, value in (sl.select(loc.kind, pw.fn.SUM(sl.quantity * p.unit_cost))
                        .join(loc).join_from(sl, p).group_by(loc.kind).tuples()):
        group = VALUE_GROUPS.get(kind)
        if group:
            spares[group] = spares.get(group, Decimal(0)) + Decimal(str(value or 0))
    devices: dict[str, Decimal] = {}
    for kind, value in (a.select(loc.kind, pw.fn.SUM(a.purchase_cost)).join(loc)
                        .where(a.status.in_(("in_stock", "in_transit")))
                        .group_by(loc.kind).tuples()):
        group = VALUE_GROUPS.get(kind)
        if group:
            devices[group] = devices.get(group, Decimal(0)) + Decimal(str(value or 0))
    groups = [g for g in GROUP_ORDER if g in ("Sites", "3PL", "MSP") or g in spares
              or g in devices]
    return [(g, spares.get(g, Decimal(0)).quantize(Decimal("1")),
             devices.get(g, Decimal(0)).quantize(Decimal("1"))) for g in groups]


def top_consumed(days: int = 90, limit: int = 8) -> list[tuple[int, str, int]]:
    """Spares issued or consumed most in the last `days`: (product id, name, units)."""
    mv, p = m.Movement, m.Product
    since = datetime.combine(today() - timedelta(days=days), time())
    total = pw.fn.SUM(mv.quantity)
    return [(pid, name, int(n)) for pid, name, n in
            mv.select(p.id, p.name, total).join(p, on=(mv.product == p.id))
            .where(mv.kind.in_(("issue", "consume")) & (mv.at >= since)
                   & mv.asset.is_null())
            .group_by(p.id, p.name).order_by(total.desc()).limit(limit).tuples()]


def is_empty() -> bool:
    """A database with nothing in it yet: the app opens on the welcome page."""
    return not (m.Product.select().exists() or m.Location.select().exists()
                or m.Person.select().exists())
