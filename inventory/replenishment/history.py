"""Stock on hand of one product at one location, day by day, and its projection."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta

import peewee as pw

from .. import models as m
from ..clock import today as real_today
from .engine import ReorderLine


def stock_history(db: pw.Database, product_id: int, location_id: int, *, days: int = 180,
                  today: date | None = None) -> list[tuple[date, float]]:
    """End-of-day stock on hand for the last `days` days, rebuilt backwards from today's
    level with the ledger's movements in and out of the location."""
    today = today or real_today()
    mv = m.Movement
    start = datetime.combine(today - timedelta(days=days), datetime.min.time())
    with db.atomic():
        p = m.Product.get_by_id(product_id)
        if p.kind == "device":
            now = (m.Asset.select().where((m.Asset.product == product_id)
                                          & (m.Asset.location == location_id)
                                          & (m.Asset.status == "in_stock")).count())
        else:
            now = (m.StockLevel.select(m.StockLevel.quantity)
                   .where((m.StockLevel.product == product_id)
                          & (m.StockLevel.location == location_id)).scalar() or 0)
        rows = (mv.select(mv.at, mv.quantity, mv.from_location, mv.to_location)
                .where((mv.product == product_id) & (mv.at >= start)
                       & ((mv.from_location == location_id) | (mv.to_location == location_id)))
                .tuples())
        change: dict[date, float] = defaultdict(float)
        for at, qty, src, dst in rows:
            if src == dst:
                continue
            day = (at if isinstance(at, datetime) else datetime.fromisoformat(str(at))).date()
            change[day] += qty if dst == location_id else -qty
    out = []
    level = float(now)
    for k in range(0, days + 1):
        d = today - timedelta(days=k)
        out.append((d, level))
        level -= change.get(d, 0.0)
    out.reverse()
    return out


def projection(line: ReorderLine, *, days: int | None = None,
               today: date | None = None) -> list[tuple[date, float]]:
    """The inventory position run down at the forecast rate (no new orders), from today
    until it reaches zero or `days` days (default: lead time + 60 days)."""
    today = today or real_today()
    horizon = days if days is not None else int(line.lead_time_days) + 60
    per_day = line.demand_per_day
    out = []
    for k in range(horizon + 1):
        level = line.position - per_day * k
        out.append((today + timedelta(days=k), max(level, 0.0)))
        if level <= 0:
            break
    return out
