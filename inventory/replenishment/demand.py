"""Read what replenishment needs from the database in a few aggregate queries.

Demand is what left a stocking location for use: issues and consumption of
spares, check-outs of devices kept as spares, and, for a 3PL / MSP, what it
shipped or transferred to the sites it serves (its own demand). Transfers into
a site, arrivals and receipts are not demand. The demand movements of the window
are read in one plain query (product, location, day, quantity: no per-row Python)
and summed per month, week or day by numpy (:class:`DemandRows`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

import numpy as np
import peewee as pw

from .. import limits
from .. import models as m
from ..db import unwrap
from .compound import DayMoments

DEMAND_KINDS = ("issue", "consume")
DEVICE_DEMAND_KINDS = ("check_out",)
PARTNER_DEMAND_KINDS = ("ship", "transfer")
HISTORY_MONTHS = 24
DAYS_PER_MONTH = 365.25 / 12


def month_start(d: date, back: int = 0) -> date:
    """First day of the month `back` months before the month of `d`."""
    k = d.year * 12 + d.month - 1 - back
    return date(k // 12, k % 12 + 1, 1)


def _is_pg(db: pw.Database) -> bool:
    return isinstance(db, pw.PostgresqlDatabase)


def days_between(db: pw.Database, start: pw.Node, end: pw.Node) -> pw.ColumnBase:
    """SQL for the number of days (fractional) from `start` to `end`."""
    if _is_pg(db):
        return pw.NodeList((pw.SQL("EXTRACT(EPOCH FROM ("), end, pw.SQL("-"), start,
                            pw.SQL(")) / 86400.0")), glue="")
    return pw.fn.julianday(end) - pw.fn.julianday(start)


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
class DemandRows:
    """Every demand movement of a window, as arrays: which row (product × location), which
    day (column 0 = `start`), how many. Monthly, weekly and daily buckets are sums of these,
    made by numpy: one plain read of the ledger instead of a GROUP BY per bucket size."""

    keys: list[tuple[int, int]]
    row: np.ndarray
    day: np.ndarray
    qty: np.ndarray
    start: date
    days: int

    def index(self) -> dict[tuple[int, int], int]:
        return {k: i for i, k in enumerate(self.keys)}

    def _pick(self, keys: list[tuple[int, int]]) -> tuple[np.ndarray, np.ndarray]:
        """For the given keys (in order): each movement's position in them, and a mask of
        the movements that belong to one of them."""
        where = np.full(len(self.keys) + 1, -1, np.int64)
        index = self.index()
        for j, k in enumerate(keys):
            i = index.get(k)
            if i is not None:
                where[i] = j
        pos = where[self.row]
        return pos, pos >= 0

    def monthly(self, keys: list[tuple[int, int]], months: int) -> np.ndarray:
        """(len(keys), months) demand per calendar month, the first month at `start`."""
        edges = np.array([(month_start(self.start, -k) - self.start).days
                          for k in range(months)])
        pos, ok = self._pick(keys)
        out = np.zeros((len(keys), months))
        col = np.searchsorted(edges, self.day[ok], side="right") - 1
        np.add.at(out, (pos[ok], col), self.qty[ok])
        return out

    def weekly(self, keys: list[tuple[int, int]], weeks: int) -> np.ndarray:
        """(len(keys), weeks) demand per 7 days, the last week ending with the window."""
        origin = self.days - 7 * weeks
        pos, ok = self._pick(keys)
        ok &= self.day >= origin
        out = np.zeros((len(keys), weeks))
        np.add.at(out, (pos[ok], (self.day[ok] - origin) // 7), self.qty[ok])
        return out

    def days_with_demand(self, keys: list[tuple[int, int]]) -> tuple[np.ndarray, np.ndarray]:
        """Each (row in ``keys``, day) with demand once: the row positions and day totals."""
        pos, ok = self._pick(keys)
        code = pos[ok] * self.days + self.day[ok]
        cells, where = np.unique(code, return_inverse=True)
        total = np.bincount(where.ravel(), weights=self.qty[ok], minlength=len(cells))
        return cells // self.days, total

    def moments(self, keys: list[tuple[int, int]]) -> DayMoments:
        """The moments of each key's days with demand (see :class:`.compound.DayMoments`)."""
        row, total = self.days_with_demand(keys)
        n = len(keys)
        count, s1, s2, s3 = (np.bincount(row, total**p, minlength=n) for p in (0, 1, 2, 3))
        return DayMoments(count, s1, s2, s3, self.days)

    def daily(self, keys: list[tuple[int, int]], dtype=np.float64) -> np.ndarray:
        """(len(keys), days) demand per day."""
        pos, ok = self._pick(keys)
        out = np.zeros((len(keys), self.days), dtype)
        np.add.at(out, (pos[ok], self.day[ok]), self.qty[ok].astype(dtype))
        return out


PRODUCTS_PER_QUERY = 500


def read_demand(db: pw.Database, start: date, end: date, partners: list[int],
                spare_devices: list[int], products: list[int] | None = None) -> DemandRows:
    """Every demand movement from `start` up to `end` (excluded), read as it is: reading
    the rows costs the database about half of grouping them by month. With `products`,
    only theirs (through the ledger's (product, at) index)."""
    mv = m.Movement
    origin = datetime.combine(start, datetime.min.time())
    stop = datetime.combine(end, datetime.min.time())
    cond = _demand_filter(partners, spare_devices) & (mv.at >= origin) & (mv.at < stop)
    cols = (mv.product, mv.from_location, days_between(db, pw.Value(origin), mv.at),
            mv.quantity)
    if products is None:
        rows = db.execute(mv.select(*cols).where(cond)).fetchall()
    else:
        rows = []
        for i in range(0, len(products), PRODUCTS_PER_QUERY):
            part = products[i:i + PRODUCTS_PER_QUERY]
            rows += db.execute(mv.select(*cols).where(cond & mv.product.in_(part))).fetchall()
    days = (end - start).days
    if not rows:
        empty = np.zeros(0, np.int64)
        return DemandRows([], empty, empty, np.zeros(0), start, days)
    data = np.array(rows, dtype=np.float64)
    day = np.floor(data[:, 2]).astype(np.int64)
    keep = (day >= 0) & (day < days)
    data, day = data[keep], day[keep]
    prod, loc = data[:, 0].astype(np.int64), data[:, 1].astype(np.int64)
    codes, row = np.unique(prod * (1 << 32) + loc, return_inverse=True)
    keys = [(int(c >> 32), int(c & 0xFFFFFFFF)) for c in codes.tolist()]
    return DemandRows(keys, row.ravel().astype(np.int64), day, data[:, 3], start, days)


def _rows(query: pw.Query, db: pw.Database | None = None) -> list[tuple]:
    """Plain driver tuples of `query` run on `db` (None: the database the models are bound
    to): these columns are integers, so peewee's per-value conversion is pure overhead
    (0.2 s of the reorder list at 20,000 stock levels)."""
    return unwrap(db).execute(query).fetchall()


KEY_SHIFT = 32  # a (product, location) key as one integer: product << 32 | location


def key_codes(keys: Iterable[tuple[int, int]]) -> np.ndarray:
    """(product, location) keys as sorted-compatible int64 codes (see KEY_SHIFT)."""
    return np.fromiter(((p << KEY_SHIFT) | loc for p, loc in keys), np.int64)


@dataclass(frozen=True)
class PositionTable:
    """Stock positions: one row per (product, location) code, ascending. The quantities
    are whole numbers (integer columns), kept as float64."""

    codes: np.ndarray
    on_hand: np.ndarray
    reserved: np.ndarray
    on_order: np.ndarray
    on_order_draft: np.ndarray
    in_transit: np.ndarray

    @property
    def position(self) -> np.ndarray:
        return self.on_hand + self.on_order + self.in_transit - self.reserved

    @property
    def available(self) -> np.ndarray:
        return self.on_hand - self.reserved

    def find(self, codes: np.ndarray) -> np.ndarray:
        """Each code's row, or -1 when it has none."""
        if not len(self.codes):
            return np.full(len(codes), -1, np.int64)
        at = np.minimum(np.searchsorted(self.codes, codes), len(self.codes) - 1)
        return np.where(self.codes[at] == codes, at, -1)

    def take(self, name: str, rows: np.ndarray) -> np.ndarray:
        """Column `name` at `rows` (from :meth:`find`; 0 where -1)."""
        col = getattr(self, name)
        return np.where(rows >= 0, col[np.maximum(rows, 0)] if len(col) else 0.0, 0.0)


_POSITION_FIELDS = ("on_hand", "reserved", "on_order", "on_order_draft", "in_transit")


def position_table(db: pw.Database, spare_devices: list[int],
                   reserved_devices: dict[tuple[int, int], int] | None = None
                   ) -> PositionTable:
    """On hand (stock levels, and in-stock spare devices), reserved (stock levels', and the
    `reserved_devices` held for requests), on order (drafts included, and drafts alone) and
    in transit per product × location, read into arrays without a Python object per key:
    every (product, location) any source names has a row, even at zero."""
    parts: list[tuple[str, list[tuple]]] = []
    sl = m.StockLevel
    stock = _rows(sl.select(sl.product, sl.location, sl.quantity, sl.reserved), db)
    parts.append(("stock", stock))
    if spare_devices:
        a = m.Asset
        parts.append(("on_hand", _rows(
            a.select(a.product, a.location, pw.fn.COUNT(a.id))
            .where((a.status == "in_stock") & a.product.in_(spare_devices)
                   & a.location.is_null(False)).group_by(a.product, a.location), db)))
    po, ln = m.PurchaseOrder, m.PurchaseOrderLine
    ordered = _rows(ln.select(ln.product, po.ship_to,
                              pw.fn.SUM(ln.quantity - ln.received_quantity), po.status)
                    .join(po).where(po.status.in_(("draft", "ordered", "partly_received")))
                    .group_by(ln.product, po.ship_to, po.status), db)
    parts.append(("ordered", ordered))
    sh, sline = m.Shipment, m.ShipmentLine
    parts.append(("in_transit", _rows(
        sline.select(sline.product, sh.destination, pw.fn.SUM(sline.quantity))
        .join(sh).where(sh.status == "in_transit").group_by(sline.product, sh.destination),
        db)))
    if reserved_devices:
        parts.append(("reserved", [(p, loc, n) for (p, loc), n in reserved_devices.items()]))
    coded = []
    for name, rows in parts:
        if not rows:
            continue
        if name == "ordered":  # its status column is text
            data = np.array(rows, dtype=object)
        else:  # numbers only, read at C speed; NULL (a sum of nothing) reads NaN: counts 0
            data = np.array(rows, dtype=np.float64)
            data[np.isnan(data)] = 0.0
        code = (data[:, 0].astype(np.int64) << KEY_SHIFT) | data[:, 1].astype(np.int64)
        coded.append((name, code, data))
    codes = (np.unique(np.concatenate([c for _, c, _ in coded])) if coded
             else np.zeros(0, np.int64))
    cols = {f: np.zeros(len(codes)) for f in _POSITION_FIELDS}

    def add(field: str, code: np.ndarray, values: np.ndarray) -> None:
        np.add.at(cols[field], np.searchsorted(codes, code), values)

    def num(col: np.ndarray) -> np.ndarray:  # NULL (a sum of nothing) counts 0
        if col.dtype == np.float64:
            return col
        return np.array([0 if v is None else v for v in col.tolist()], dtype=np.float64)

    for name, code, data in coded:
        if name == "stock":
            add("on_hand", code, num(data[:, 2]))
            add("reserved", code, num(data[:, 3]))
        elif name == "ordered":
            qty = np.maximum(num(data[:, 2]), 0)
            add("on_order", code, qty)
            add("on_order_draft", code, np.where(data[:, 3] == "draft", qty, 0.0))
        else:
            add(name, code, num(data[:, 2]))
    return PositionTable(codes, *(cols[f] for f in _POSITION_FIELDS))


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
         .join(po).where(done).group_by(po.supplier, ln.product))
    for s, p, n, s1, s2 in _rows(q, db):
        per_item[(s, p)] = _stats(n, s1, s2)
    per_supplier = {}
    q = (po.select(po.supplier, pw.fn.COUNT(po.id), pw.fn.SUM(d), pw.fn.SUM(d * d))
         .where(done).group_by(po.supplier))
    for s, n, s1, s2 in _rows(q, db):
        per_supplier[s] = _stats(n, s1, s2)
    return per_item, per_supplier


def _stats(n, s1, s2) -> ObservedLeadTime:
    n = int(n)
    mean = float(s1) / n
    var = max(float(s2) / n - mean * mean, 0.0)
    return ObservedLeadTime(n, mean, var ** 0.5)
