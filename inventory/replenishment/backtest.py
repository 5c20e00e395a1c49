"""Backtest on the user's own ledger: what the reorder points would have done, and what the
team's min/max did, over the last N months (the replay is in :mod:`.replay`).

Rows are the items with demand at each active stocking location (the reorder list's
rows), over the loaded window: 24 months of history before the replay plus the replayed
months. Everything is read in a handful of aggregate queries, then replayed in numpy.

Results per demand class (the class the reorder list gave the row when the replay began)
and overall, for the policy and for the baseline on the same rows:

- cycle service level: share of deliveries before which nothing was owed;
- fill rate: share of demanded units served from stock on the day;
- mean stock value at cost (on hand, averaged over the replayed days);
- orders placed, and stock-out days (days with demand not served, or something owed).
"""

from __future__ import annotations

import calendar
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

import numpy as np
import peewee as pw

from .. import models as m
from ..clock import today as real_today
from ..errors import NotFound, ValidationError
from .classify import KINDS
from .demand import DAYS_PER_MONTH, days_between, month_start, read_demand
from .engine import (
    ReorderSettings,
    best_offers,
    load_settings,
    stocked_products,
    stocking_locations,
    transfer_lanes,
)
from .replay import MinMaxRule, PolicyRule, ReplayInput, RowOutcome, monthly_matrix, replay
from .targets import list_targets, resolve_targets

POLICY, BASELINE = "policy", "baseline"
MAX_MONTHS = 36
TRADEOFF_LEVELS = (0.80, 0.85, 0.90, 0.95, 0.98, 0.99)
CLASS_LABELS = {"none": "no history"}

Progress = Callable[[str, int, int], None]


def shift_months(d: date, months: int) -> date:
    """The same day ``months`` months away (the last day of a shorter month)."""
    k = d.year * 12 + d.month - 1 + months
    y, mo = divmod(k, 12)
    return date(y, mo + 1, min(d.day, calendar.monthrange(y, mo + 1)[1]))


@dataclass(frozen=True)
class GroupResult:
    """One rule on one group of rows (a demand class, or "all")."""

    rule: str  # policy / baseline
    group: str
    rows: int
    target: float | None  # the policy's target (cycle-weighted mean); None for the baseline
    cycles: int
    csl: float | None  # None: no delivery in the window
    fill_rate: float | None  # None: no demand
    stock_value: float
    orders: int
    stockout_days: int


@dataclass(frozen=True)
class BacktestReport:
    start: date
    end: date  # the last replayed day
    months: int
    service_level: float | None  # None: each product's own target
    location: str | None
    rows: int
    results: list[GroupResult] = field(default_factory=list)

    HEADER = ("rule", "class", "items", "target", "CSL", "fill rate", "stock value",
              "orders", "stock-out days")

    def table_rows(self) -> list[list]:
        """Rows for CSV / XLSX: numbers as numbers (shares as fractions)."""
        def share(x: float | None) -> float | None:
            return None if x is None else round(x, 4)

        return [[r.rule, r.group, r.rows, share(r.target), share(r.csl), share(r.fill_rate),
                 round(r.stock_value, 2), r.orders, r.stockout_days] for r in self.results]

    def result(self, rule: str, group: str = "all") -> GroupResult | None:
        return next((r for r in self.results if r.rule == rule and r.group == group), None)


@dataclass(frozen=True)
class TradeoffPoint:
    label: str
    target: float | None
    csl: float | None
    fill_rate: float | None
    stock_value: float


@dataclass
class Loaded:
    """A ReplayInput and how its rows map back to the catalogue."""

    data: ReplayInput
    keys: list[tuple[int, int]]
    product_names: dict[int, str]
    start: date
    end: date
    level_of: Callable[[np.ndarray], np.ndarray]


def _when(value) -> datetime:
    return value if isinstance(value, datetime) else datetime.fromisoformat(str(value))


def load(db: pw.Database, *, today: date | None = None, months: int = 12,
         location: str | None = None, items: Sequence[tuple[int, int]] | None = None,
         settings: ReorderSettings | None = None,
         service_level: float | None = None) -> Loaded:
    """Read what the replay needs from the ledger (one transaction, aggregate queries)."""
    if not 1 <= int(months) <= MAX_MONTHS:
        raise ValidationError(f"Replay between 1 and {MAX_MONTHS} months; got {months}.")
    today = today or real_today()
    cfg = settings or load_settings(db)
    start = shift_months(today, -int(months))
    hist = month_start(start, cfg.history_months)
    width = (today - hist).days
    with db.atomic():
        locs = stocking_locations(db)
        only = None
        if location:
            only = next((lid for lid, (code, _, _) in locs.items()
                         if code.lower() == location.strip().lower()), None)
            if only is None:
                codes = ", ".join(sorted(c for c, _, _ in locs.values())) or "none"
                raise NotFound(f"No active stocking location has the code '{location}'. "
                               f"Stocking locations: {codes}.")
        partners = [lid for lid, (_, _, kind) in locs.items() if kind in m.PARTNER_KINDS]
        prods = stocked_products(db=db)
        spare_devices = [p for p, r in prods.items() if r[2] == "device"]
        got = read_demand(db, hist, today, partners, spare_devices)
        wanted = set(items) if items is not None else None
        keys = [k for k in got.keys
                if k[0] in prods and k[1] in locs and (only is None or k[1] == only)
                and (wanted is None or k in wanted)]
        daily = got.daily(keys, np.float32) if keys else np.zeros((0, width), np.float32)
        offers = best_offers(db)
        lanes = {dst: lane[0] for dst, lane in transfer_lanes(locs, db).items()}
        receipts = _receipts(db)
        lane_obs = _lane_observations(db)
        targets = list_targets(db)
    n = len(keys)
    edges = _month_edges(hist, today)
    first = (start - hist).days
    cost = np.zeros(n)
    pack, min_order = np.ones(n), np.ones(n)
    minimum, maximum = np.full(n, np.nan), np.full(n, np.nan)
    eol, prior = np.zeros(n, bool), np.full(n, np.nan)
    lane_days, quoted = np.full(n, np.nan), np.full(n, 14.0)
    group, supplier = np.full(n, -1, np.int64), np.full(n, -1, np.int64)
    groups: dict[tuple[int, int], int] = {}
    sups: dict[int, int] = {}
    pools: list[np.ndarray] = []
    by_group = defaultdict(list)
    by_sup = defaultdict(list)
    for s, p, _at, days in receipts:
        by_group[(s, p)].append(days)
        by_sup[s].append(days)
    for i, (p, loc) in enumerate(keys):
        row = prods[p]
        offer = offers.get(p)
        cost[i] = float(row[3] or 0) or (float(offer.price) if offer else 0.0)
        if row[4] is not None:
            minimum[i] = row[4]
        eol[i] = bool(row[7])
        if offer:
            sid = offer.supplier_id
            group[i] = groups.setdefault((sid, p), len(groups))
            supplier[i] = sups.setdefault(sid, len(sups))
            quoted[i] = offer.lead
        lane = lanes.get(loc)
        if lane is not None:
            lane_days[i] = lane[0]
            pools.append(np.asarray(lane_obs.get((lane[1], loc), []), float))
            continue
        if offer:
            pack[i], min_order[i] = offer.pack, offer.minimum
            own = by_group.get((offer.supplier_id, p)) or by_sup.get(offer.supplier_id) or []
            pools.append(np.asarray(own, float))
        else:
            pools.append(np.zeros(0))
    r_col, r_grp, r_sup, r_days = [], [], [], []
    for s, p, when, days in receipts:
        g = groups.get((s, p), -1)
        if s not in sups and g < 0:
            continue
        r_col.append(max((when.date() - hist).days + 1, 0))  # known the morning after
        r_grp.append(g)
        r_sup.append(sups.get(s, -1))
        r_days.append(days)
    data = ReplayInput(
        daily=daily, month_edges=edges, first=first, unit_cost=cost, pack=pack,
        min_order=min_order, minimum=minimum, maximum=maximum, end_of_life=eol, prior=prior,
        lane_days=lane_days, quoted=quoted, item_group=group, supplier=supplier,
        receipt_col=np.asarray(r_col, np.int64), receipt_group=np.asarray(r_grp, np.int64),
        receipt_supplier=np.asarray(r_sup, np.int64),
        receipt_days=np.asarray(r_days, float), draw_pool=pools,
        cover_months=cfg.cover_months, order_cost=cfg.order_cost,
        holding_rate=cfg.holding_rate, history_months=cfg.history_months,
        fast_mover_per_month=cfg.fast_mover_per_month, month_days=DAYS_PER_MONTH)
    _ignore_unmatched(data)

    products = [p for p, _ in keys]

    def level_of(year: np.ndarray) -> np.ndarray:
        if service_level is not None:
            return np.full(n, float(service_level))
        value: dict[int, float] = defaultdict(float)
        for i, p in enumerate(products):
            value[p] += float(year[i]) * cost[i]
        return resolve_targets(products, {p: prods[p][8] for p in prods},
                               {p: prods[p][5] for p in prods}, value, targets,
                               cfg.service_level).level

    return Loaded(data, keys, {p: prods[p][1] for p in prods}, start,
                  date.fromordinal(today.toordinal() - 1), level_of)


def _ignore_unmatched(data: ReplayInput) -> None:
    """Receipts of pairs no row buys are still supplier evidence; pairs of -1 are kept out
    of the item tables by pointing them at a spare slot."""
    spare = int(max(data.item_group.max(initial=-1), 0)) + 1
    data.receipt_group = np.where(data.receipt_group < 0, spare, data.receipt_group)
    spare_sup = int(max(data.supplier.max(initial=-1), 0)) + 1
    data.receipt_supplier = np.where(data.receipt_supplier < 0, spare_sup,
                                     data.receipt_supplier)


def _month_edges(start: date, end: date) -> np.ndarray:
    edges, d = [], start
    while d < end:
        edges.append((d - start).days)
        d = shift_months(d.replace(day=1), 1)
    return np.asarray(edges, np.int64)


def _receipts(db: pw.Database) -> list[tuple[int, int, datetime, float]]:
    """(supplier, product, received at, ordered → received days) of received orders."""
    po, ln = m.PurchaseOrder, m.PurchaseOrderLine
    d = days_between(db, po.ordered_at, po.received_at)
    q = (ln.select(po.supplier, ln.product, po.received_at, d).join(po)
         .where((po.status == "received") & po.ordered_at.is_null(False)
                & po.received_at.is_null(False))
         .distinct().tuples())
    return [(s, p, _when(at), float(days)) for s, p, at, days in q]


def _lane_observations(db: pw.Database) -> dict[tuple[int, int], list[float]]:
    """Observed transfer days per (source, destination) from arrived shipments."""
    sh = m.Shipment
    d = days_between(db, sh.shipped_at, sh.arrived_at)
    q = (sh.select(sh.source, sh.destination, d)
         .where((sh.status == "arrived") & sh.arrived_at.is_null(False)).tuples())
    out: dict[tuple[int, int], list[float]] = defaultdict(list)
    for src, dst, days in q:
        out[(src, dst)].append(float(days))
    return out


def _summaries(rule: str, o: RowOutcome, kinds: np.ndarray) -> list[GroupResult]:
    out = []
    groups = [("all", np.ones(len(kinds), bool))] + [
        (CLASS_LABELS.get(k, k), kinds == k) for k in KINDS if (kinds == k).any()]
    for name, mask in groups:
        cycles = int(o.cycles[mask].sum())
        demand = float(o.demand[mask].sum())
        target = None
        if rule == POLICY and mask.any():
            w = np.maximum(o.cycles[mask], 0)
            lv = o.level[mask]
            target = float((lv * w).sum() / w.sum()) if w.sum() else float(lv.mean())
        out.append(GroupResult(
            rule=rule, group=name, rows=int(mask.sum()), target=target, cycles=cycles,
            csl=float(o.served_cycles[mask].sum() / cycles) if cycles else None,
            fill_rate=float(1 - o.short[mask].sum() / demand) if demand else None,
            stock_value=float(o.stock_value[mask].sum()), orders=int(o.orders[mask].sum()),
            stockout_days=int(o.stockout_days[mask].sum())))
    return out


def _stage(progress: Progress | None, name: str, share: tuple[int, int]):
    """A replay progress callback mapping days to this run's part of the whole."""
    if progress is None:
        return None
    done_before, total = share

    def report(day: int, days: int) -> None:
        progress(name, done_before * days + day, total * days)

    return report


def run_backtest(db: pw.Database, *, today: date | None = None, months: int = 12,
                 service_level: float | None = None, location: str | None = None,
                 items: Sequence[tuple[int, int]] | None = None,
                 progress: Progress | None = None) -> BacktestReport:
    """Replay the policy and the baseline over the last ``months`` months (see the module
    doc). ``service_level`` None: each product's own target (:mod:`.targets`)."""
    if service_level is not None and not 0.5 <= service_level < 1:
        raise ValidationError("The service level must be between 50 % and 99.9 %, e.g. 0.95.")
    got = load(db, today=today, months=months, location=location, items=items,
               service_level=service_level)
    results: list[GroupResult] = []
    if got.data.rows:
        monthly = monthly_matrix(got.data)
        pol = replay(got.data, PolicyRule(got.data, got.level_of, monthly),
                     _stage(progress, "policy", (0, 2)))
        base = replay(got.data, MinMaxRule(got.data, monthly),
                      _stage(progress, "baseline", (1, 2)))
        results = _summaries(POLICY, pol, pol.kind) + _summaries(BASELINE, base, pol.kind)
    return BacktestReport(got.start, got.end, int(months), service_level, location,
                          got.data.rows, results)


def _point(label: str, target: float | None, o: RowOutcome) -> TradeoffPoint:
    cycles, demand = o.cycles.sum(), o.demand.sum()
    return TradeoffPoint(label, target, float(o.served_cycles.sum() / cycles) if cycles else None,
                         float(1 - o.short.sum() / demand) if demand else None,
                         float(o.stock_value.sum()))


@dataclass(frozen=True)
class WhatIf:
    """The backtest at each product's target, and the trade-off over several targets."""

    report: BacktestReport
    points: list[TradeoffPoint]


def what_if(db: pw.Database, *, today: date | None = None, months: int = 12,
            levels: Sequence[float] = TRADEOFF_LEVELS, location: str | None = None,
            items: Sequence[tuple[int, int]] | None = None,
            progress: Progress | None = None) -> WhatIf:
    """One read of the ledger, then the policy at each product's own target, the baseline,
    and the policy at each of ``levels`` (for the window's What if tab)."""
    got = load(db, today=today, months=months, location=location, items=items)
    data = got.data
    results: list[GroupResult] = []
    points: list[TradeoffPoint] = []
    if data.rows:
        monthly = monthly_matrix(data)
        runs = len(levels) + 2
        pol = replay(data, PolicyRule(data, got.level_of, monthly),
                     _stage(progress, "policy at the targets", (0, runs)))
        base = replay(data, MinMaxRule(data, monthly), _stage(progress, "min/max", (1, runs)))
        results = _summaries(POLICY, pol, pol.kind) + _summaries(BASELINE, base, pol.kind)
        for k, level in enumerate(levels):
            o = replay(data, PolicyRule(data, np.full(data.rows, float(level)), monthly),
                       _stage(progress, f"target {level:.0%}", (k + 2, runs)))
            points.append(_point(f"{level:.0%}", float(level), o))
        points.append(_point("min/max", None, base))
    report = BacktestReport(got.start, got.end, int(months), None, location, data.rows, results)
    return WhatIf(report, points)
