"""Read what replenishment needs from the database in a few aggregate queries.

Demand is what left a stocking location for use: issues and consumption of
spares, check-outs of devices kept as spares, and, for a 3PL / MSP, what it
shipped or transferred to the sites it serves (its own demand). Transfers into
a site, arrivals and receipts are not demand. Quantities are summed per
product × location × calendar month (or week) in SQL, never read row by row.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import numpy as np
import peewee as pw

from .. import limits
from .. import models as m

DEMAND_KINDS = ("issue", "consume")
DEVICE_DEMAND_KINDS = ("check_out",)
PARTNER_DEMAND_KINDS = ("ship", "transfer")
HISTORY_MONTHS = 24
DAYS_PER_MONTH = 365.25 / 12


def month_start(d: date, back: int = 0) -> date:
    """First day of the month `back` months before the month of `d`."""
    k = d.year * 12 + d.month - 1 - back
    return date(k // 12, k % 12 + 1, 1)


def month_keys(today: date, months: int = HISTORY_MONTHS) -> list[str]:
    """'YYYY-MM' of the `months` complete months before `today`'s month, oldest first."""
    return [month_start(today, back).strftime("%Y-%m") for back in range(months, 0, -1)]


def _is_pg(db: pw.Database) -> bool:
    return isinstance(db, pw.PostgresqlDatabase)


def _month_index(db: pw.Database, field: pw.Field, start: datetime) -> pw.Node:
    """SQL for the month column: 0 for `start`'s month, 1 for the next..."""
    base = start.year * 12 + start.month - 1
    if _is_pg(db):
        year = pw.Cast(pw.fn.date_part("year", field), "INTEGER")
        month = pw.Cast(pw.fn.date_part("month", field), "INTEGER")
    else:  # stored as 'YYYY-MM-DD HH:MM:SS'
        year = pw.Cast(pw.fn.substr(field, 1, 4), "INTEGER")
        month = pw.Cast(pw.fn.substr(field, 6, 2), "INTEGER")
    return year * 12 + month - 1 - base


def days_between(db: pw.Database, start: pw.Node, end: pw.Node) -> pw.Node:
    """SQL for the number of days (fractional) from `start` to `end`."""
    if _is_pg(db):
        return pw.NodeList((pw.SQL("EXTRACT(EPOCH FROM ("), end, pw.SQL("-"), start,
                            pw.SQL(")) / 86400.0")), glue="")
    return pw.fn.julianday(end) - pw.fn.julianday(start)


def _week_expr(db: pw.Database, field: pw.Field, origin: datetime) -> pw.Node:
    days = days_between(db, pw.Value(origin), field)
    return pw.fn.FLOOR(days / 7.0) if _is_pg(db) else pw.Cast(days / 7.0, "INTEGER")


def _demand_filter(partners: list[int], spare_devices: list[int]) -> pw.Expression:
    mv = m.Movement
    cond = mv.kind.in_(DEMAND_KINDS)
    if spare_devices:
        cond |= mv.kind.in_(DEVICE_DEMAND_KINDS) & mv.product.in_(spare_devices)
    if partners:
        cond |= mv.kind.in_(PARTNER_DEMAND_KINDS) & mv.from_location.in_(partners)
    # A quantity beyond the domain limit (written before limits existed, or by hand) is
    # not demand: `verify` reports it; summing it would overflow the database's integers.
    return cond & mv.from_location.is_null(False) & (mv.quantity <= limits.MAX_QUANTITY)


@dataclass
class DemandMatrix:
    """Demand per (product id, location id) row and period column, oldest first."""

    keys: list[tuple[int, int]]
    demand: np.ndarray  # (rows, periods)
    periods: list[str]

    def index(self) -> dict[tuple[int, int], int]:
        return {k: i for i, k in enumerate(self.keys)}


def monthly_demand(db: pw.Database, today: date, partners: list[int],
                   spare_devices: list[int], months: int = HISTORY_MONTHS) -> DemandMatrix:
    """One GROUP BY query: demand per product × location × month, `months` complete months."""
    mv = m.Movement
    start = datetime.combine(month_start(today, months), datetime.min.time())
    end = datetime.combine(month_start(today), datetime.min.time())
    bucket = _month_index(db, mv.at, start)
    rows = (mv.select(mv.product, mv.from_location, bucket, pw.fn.SUM(mv.quantity))
            .where(_demand_filter(partners, spare_devices) & (mv.at >= start) & (mv.at < end))
            .group_by(mv.product, mv.from_location, bucket))
    keys = month_keys(today, months)
    return _matrix(rows, len(keys), keys)


def weekly_demand(db: pw.Database, today: date, products: list[int], partners: list[int],
                  spare_devices: list[int], weeks: int) -> DemandMatrix:
    """Demand per product × location × week for the given (fast-moving) products."""
    mv = m.Movement
    end = datetime.combine(month_start(today), datetime.min.time())
    origin = datetime.fromordinal(end.toordinal() - 7 * weeks)
    bucket = _week_expr(db, mv.at, origin)
    rows = (mv.select(mv.product, mv.from_location, bucket, pw.fn.SUM(mv.quantity))
            .where(_demand_filter(partners, spare_devices) & mv.product.in_(products)
                   & (mv.at >= origin) & (mv.at < end))
            .group_by(mv.product, mv.from_location, bucket))
    return _matrix(rows, weeks, [f"W{i}" for i in range(weeks)])


def _matrix(query: pw.Query, width: int, labels: list[str]) -> DemandMatrix:
    """Scatter (product, location, column, quantity) rows into a dense matrix. The rows
    are read as plain driver tuples and converted by numpy in one call: per-row Python
    work here used to cost as much as the query."""
    rows = query._database.execute(query).fetchall()
    if not rows:
        return DemandMatrix([], np.zeros((0, width)), labels)
    data = np.array(rows, dtype=np.float64)
    col = data[:, 2].astype(np.int64)
    keep = (col >= 0) & (col < width)
    data, col = data[keep], col[keep]
    if not len(data):
        return DemandMatrix([], np.zeros((0, width)), labels)
    prod, loc = data[:, 0].astype(np.int64), data[:, 1].astype(np.int64)
    codes, row = np.unique(prod * (1 << 32) + loc, return_inverse=True)
    demand = np.zeros((len(codes), width))
    np.add.at(demand, (row.ravel(), col), data[:, 3])
    keys = [(int(c >> 32), int(c & 0xFFFFFFFF)) for c in codes.tolist()]
    return DemandMatrix(keys, demand, labels)


@dataclass
class Position:
    on_hand: float = 0
    reserved: float = 0
    on_order: float = 0
    on_order_draft: float = 0
    in_transit: float = 0

    @property
    def position(self) -> float:
        return self.on_hand + self.on_order + self.in_transit - self.reserved

    @property
    def available(self) -> float:
        return self.on_hand - self.reserved


def _rows(query: pw.Query) -> list[tuple]:
    """Plain driver tuples: these columns are integers, so peewee's per-value conversion
    is pure overhead (0.2 s of the reorder list at 20,000 stock levels)."""
    return query._database.execute(query).fetchall()


def positions(spare_devices: list[int]) -> dict[tuple[int, int], Position]:
    """On hand, reserved, on order (drafts included) and in transit per product × location."""
    out: dict[tuple[int, int], Position] = {}

    def get(key) -> Position:
        p = out.get(key)
        if p is None:
            p = out[key] = Position()
        return p

    sl = m.StockLevel
    for p, loc, qty, res in _rows(sl.select(sl.product, sl.location, sl.quantity,
                                            sl.reserved)):
        get((p, loc)).on_hand += qty
        get((p, loc)).reserved += res or 0
    if spare_devices:
        a = m.Asset
        q = (a.select(a.product, a.location, pw.fn.COUNT(a.id))
             .where((a.status == "in_stock") & a.product.in_(spare_devices)
                    & a.location.is_null(False))
             .group_by(a.product, a.location).tuples())
        for p, loc, n in q:
            get((p, loc)).on_hand += n
    po, ln = m.PurchaseOrder, m.PurchaseOrderLine
    q = (ln.select(ln.product, po.ship_to, po.status,
                   pw.fn.SUM(ln.quantity - ln.received_quantity))
         .join(po).where(po.status.in_(("draft", "ordered", "partly_received")))
         .group_by(ln.product, po.ship_to, po.status).tuples())
    for p, loc, status, qty in q:
        pos = get((p, loc))
        pos.on_order += max(qty or 0, 0)
        if status == "draft":
            pos.on_order_draft += max(qty or 0, 0)
    sh, sline = m.Shipment, m.ShipmentLine
    q = (sline.select(sline.product, sh.destination, pw.fn.SUM(sline.quantity))
         .join(sh).where(sh.status == "in_transit")
         .group_by(sline.product, sh.destination).tuples())
    for p, loc, qty in q:
        get((p, loc)).in_transit += qty or 0
    return out


@dataclass(frozen=True)
class ObservedLeadTime:
    receipts: int
    mean: float
    sd: float


def observed_lead_times(db: pw.Database) -> tuple[dict[tuple[int, int], ObservedLeadTime],
                                                  dict[int, ObservedLeadTime]]:
    """Ordered → received days from received purchase orders: per (supplier, product)
    and per supplier (count, mean, population sd)."""
    po, ln = m.PurchaseOrder, m.PurchaseOrderLine
    d = days_between(db, po.ordered_at, po.received_at)
    done = (po.status == "received") & po.ordered_at.is_null(False) & po.received_at.is_null(
        False)
    per_item = {}
    q = (ln.select(po.supplier, ln.product, pw.fn.COUNT(pw.fn.DISTINCT(po.id)), pw.fn.SUM(d),
                   pw.fn.SUM(d * d))
         .join(po).where(done).group_by(po.supplier, ln.product).tuples())
    for s, p, n, s1, s2 in q:
        per_item[(s, p)] = _stats(n, s1, s2)
    per_supplier = {}
    q = (po.select(po.supplier, pw.fn.COUNT(po.id), pw.fn.SUM(d), pw.fn.SUM(d * d))
         .where(done).group_by(po.supplier).tuples())
    for s, n, s1, s2 in q:
        per_supplier[s] = _stats(n, s1, s2)
    return per_item, per_supplier


def _stats(n, s1, s2) -> ObservedLeadTime:
    n = int(n)
    mean = float(s1) / n
    var = max(float(s2) / n - mean * mean, 0.0)
    return ObservedLeadTime(n, mean, var ** 0.5)
