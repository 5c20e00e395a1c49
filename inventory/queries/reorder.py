"""Which spares are at or below their reorder point: a simple rule, with a hook.

Until the replenishment engine provides its own figures, the reorder point of a spare is
its manual minimum when set, else the demand of the last 90 days scaled to the preferred
supplier's lead time plus two weeks of cover. `set_provider` swaps in the engine:
it takes a function returning {product id: reorder point}.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import peewee as pw

from .. import models as m
from ..clock import today
from ..db import Handle, database_proxy, unwrap
from ..replenishment.backtest import WhatIf, what_if
from ..replenishment.engine import ReorderLine, reorder_list
from ..replenishment.history import stock_history
from ..replenishment.licenses import AssetAlert, LicenseAlert, asset_alerts, license_alerts
from ..replenishment.targets import Target, categories, list_targets

DEMAND_DAYS = 90
COVER_DAYS = 14
DEMAND_KINDS = ("issue", "consume")

Provider = Callable[[], dict[int, int]]
_provider: Provider | None = None


def set_provider(provider: Provider | None) -> None:
    """Use `provider()` for reorder points (None: back to the simple rule)."""
    global _provider
    _provider = provider


def simple_reorder_points() -> dict[int, int]:
    since = datetime.combine(today() - timedelta(days=DEMAND_DAYS), time())
    mv = m.Movement
    demand = dict(mv.select(mv.product, pw.fn.SUM(mv.quantity))
                  .where((mv.at >= since) & mv.kind.in_(DEMAND_KINDS) & mv.asset.is_null())
                  .group_by(mv.product).tuples())
    lead: dict[int, float] = {}
    for pid, days, preferred in (m.SupplierOffer
                                 .select(m.SupplierOffer.product, m.SupplierOffer.lead_time_days,
                                         m.SupplierOffer.preferred).tuples()):
        if preferred or pid not in lead:
            lead[pid] = days
    out: dict[int, int] = {}
    for pid, minimum in (m.Product.select(m.Product.id, m.Product.min_quantity)
                         .where(m.Product.kind.in_(m.QUANTITY_KINDS) & m.Product.active)
                         .tuples()):
        if minimum is not None:
            out[pid] = minimum
            continue
        daily = float(demand.get(pid, 0) or 0) / DEMAND_DAYS
        out[pid] = math.ceil(daily * (lead.get(pid, 14.0) + COVER_DAYS))
    return out


def reorder_points() -> dict[int, int]:
    return (_provider or simple_reorder_points)()


@dataclass(frozen=True)
class Position:
    on_hand: int
    in_transit: int
    on_order: int

    @property
    def total(self) -> int:
        return self.on_hand + self.in_transit + self.on_order


def positions() -> dict[int, Position]:
    """Per spare: on hand at stocking locations, in transit, and on open orders."""
    sl, loc = m.StockLevel, m.Location
    hand: dict[int, int] = {}
    transit: dict[int, int] = {}
    for pid, kind, qty in (sl.select(sl.product, loc.kind, pw.fn.SUM(sl.quantity))
                           .join(loc).group_by(sl.product, loc.kind).tuples()):
        if kind in m.STOCKING_KINDS:
            hand[pid] = hand.get(pid, 0) + int(qty)
        elif kind == "in_transit":
            transit[pid] = transit.get(pid, 0) + int(qty)
    po, pl = m.PurchaseOrder, m.PurchaseOrderLine
    ordered = dict(pl.select(pl.product, pw.fn.SUM(pl.quantity - pl.received_quantity))
                   .join(po).where(po.status.in_(("ordered", "partly_received")))
                   .group_by(pl.product).tuples())
    ids = set(hand) | set(transit) | set(ordered)
    return {p: Position(hand.get(p, 0), transit.get(p, 0), int(ordered.get(p, 0) or 0))
            for p in ids}


def below_reorder_point() -> list[int]:
    """Spares whose position (on hand + in transit + on order) is at or below the point."""
    points = reorder_points()
    pos = positions()
    return sorted(p for p, rop in points.items()
                  if rop > 0 and pos.get(p, Position(0, 0, 0)).total <= rop)


def engine_lines(alerts_only: bool = True) -> list:
    """The replenishment engine's reorder lines (reading the demand table, fast; still
    call it off the UI thread)."""
    return reorder_list(database_proxy.obj, alerts_only=alerts_only)


@dataclass(frozen=True)
class Alerts:
    lines: int  # reorder lines (product × location) that need action
    products: list[int]
    source: str  # "engine" or "simple"


def alerts() -> Alerts:
    """What to reorder: from the engine when installed, else the simple rule."""
    lines = engine_lines(alerts_only=True)
    if lines is not None:
        return Alerts(len(lines), sorted({ln.product_id for ln in lines}), "engine")
    low = below_reorder_point()
    return Alerts(len(low), low, "simple")


# -- the Reorder page's reads (the window hands its `Store`; run them on the worker) -----

@dataclass(frozen=True)
class PageAlerts:
    lines: list[ReorderLine]
    licenses: list[LicenseAlert]  # needing action
    warranty: list[AssetAlert]
    loans: list[AssetAlert]


def page_alerts(db: Handle, today: date | None, alerts_only: bool) -> PageAlerts:
    """Everything the Reorder page lists: reorder lines, license and asset alerts."""
    db = unwrap(db)
    lines = reorder_list(db, today=today, alerts_only=alerts_only)
    lic = license_alerts(db, today=today, alerts_only=True)
    warranty, loans = asset_alerts(db, today=today)
    return PageAlerts(lines, lic, warranty, loans)


def line_history(db: Handle, product_id: int, location_id: int, *, days: int,
                 today: date | None) -> list[tuple[date, float]]:
    """End-of-day stock of one reorder line, for its chart."""
    return stock_history(unwrap(db), product_id, location_id, days=days, today=today)


def replay(db: Handle, *, today: date | None, months: int,
           items: Sequence[tuple[int, int]] | None, progress=None) -> WhatIf:
    """The What if tab's replay (see `replenishment.backtest.what_if`)."""
    return what_if(unwrap(db), today=today, months=months, items=items, progress=progress)


def service_targets(db: Handle) -> tuple[list[Target], list[tuple[str, int]]]:
    """The stored service targets and the categories in use (with their product counts)."""
    db = unwrap(db)
    with db.atomic():
        return list_targets(db), categories(db)
