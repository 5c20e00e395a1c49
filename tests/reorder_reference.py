"""The reorder list computed the straightforward way, item by item: the engine as it was
before its set-based rewrite (issue 11), kept as the reference the engine's answers are
compared with (`tests/test_reorder_reference.py`). It reads the demand table without the
process's kept window and computes the estimate without the kept estimate.

Not a test module: imported by the tests.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime

import numpy as np
import peewee as pw

from inventory import models as m
from inventory.replenishment import committed, demand_table
from inventory.replenishment.demand import (
    DAYS_PER_MONTH,
    _rows,
    month_start,
    observed_lead_times,
    read_demand,
)
from inventory.replenishment.engine import (
    BUY,
    HORIZON_DAYS,
    MIN_RECEIPTS,
    TRANSFER,
    WAIT,
    ReorderLine,
    ReorderSettings,
    _Offer,
    _spread,
    best_offers,
    stocked_products,
    stocking_locations,
    transfer_lanes,
)
from inventory.replenishment.estimate import estimate, fast_movers
from inventory.replenishment.quantity import order_quantities
from inventory.replenishment.targets import (
    ABC,
    CATEGORY,
    ResolvedTargets,
    Target,
    abc_classes,
    list_targets,
)


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


def _next_expected(today: date) -> dict[tuple[int, int], float]:
    """Days until the next open purchase order arrives, per product × ship-to."""
    po, ln = m.PurchaseOrder, m.PurchaseOrderLine
    q = (ln.select(ln.product, po.ship_to, pw.fn.MIN(po.expected_at)).join(po)
         .where(po.status.in_(("ordered", "partly_received")) & po.expected_at.is_null(False))
         .group_by(ln.product, po.ship_to).tuples())
    out = {}
    for p, loc, when in q:
        if isinstance(when, str):
            when = datetime.fromisoformat(when)
        out[(p, loc)] = max((when.date() - today).days, 0)
    return out


def _targets(db: pw.Database, keys: list[tuple[int, int]], prods: dict,
             offers: dict[int, _Offer], demand: np.ndarray, default: float) -> ResolvedTargets:
    """Each row's service target (see :mod:`.targets`); ABC by the last 12 months' value."""
    year = demand[:, -12:].sum(axis=1)
    unit = {p: float(row[3] or 0) or (float(offers[p].price) if p in offers else 0.0)
            for p, row in prods.items()}
    ids = np.fromiter((p for p, _ in keys), np.int64, len(keys))
    products, at = np.unique(ids, return_inverse=True)
    cost = np.array([unit[p] for p in products.tolist()])
    value = np.bincount(at.ravel(), year * cost[at.ravel()], minlength=len(products))
    annual = dict(zip(products.tolist(), value.tolist(), strict=True))
    return resolve_targets([p for p, _ in keys], {p: prods[p][8] for p in prods},
                           {p: prods[p][5] for p in prods}, annual, list_targets(db),
                           default)


def _installed(products: list[int]) -> dict[int, int]:
    a = m.Asset
    q = (a.select(a.product, pw.fn.COUNT(a.id))
         .where((a.status == "deployed") & a.product.in_(products)).group_by(a.product).tuples())
    return dict(q)


@dataclass(frozen=True)
class _Route:
    """How one line will be filled: from which partner (if any), over which lane."""

    action: str
    partner: int | None = None  # the 3PL / MSP that ships, or is waited for
    lane_days: float | None = None  # None: bought direct, at the supplier's lead time
    cap: float | None = None  # a transfer takes at most what the partner holds
    note: str = ""


def _partner(route: _Route) -> int:
    """The partner location of a transfer or a wait (always set for those)."""
    assert route.partner is not None
    return route.partner


def _route(p: int, loc: int, lanes: dict[int, list[tuple[float, int]]],
           pos: dict[tuple[int, int], Position], locs: dict, buy_days: float,
           expected: dict[tuple[int, int], float]) -> _Route:
    """Transfer from the nearest partner holding stock; when none holds any, buy direct
    if that is faster than the partner's refill plus the transfer, else wait for it."""
    if not lanes.get(loc):
        return _Route(BUY)
    stocked = [(d, s) for d, s in lanes[loc] if pos.get((p, s), Position()).available > 0]
    if stocked:
        days, src = stocked[0]
        return _Route(TRANSFER, src, days, cap=pos[(p, src)].available)
    lane_days, src = lanes[loc][0]
    refill = expected.get((p, src))
    partner_days = (refill if refill is not None else buy_days) + lane_days
    code = locs[src][0]
    if buy_days < partner_days:
        return _Route(BUY, note=f"{code} holds none; buying direct ({buy_days:.0f} days) is "
                                f"faster than its refill + transfer ({partner_days:.0f} days)")
    return _Route(WAIT, src, lane_days,
                  note=f"{code} holds none; its order arrives in {refill} days, then "
                       f"{lane_days:.0f} days transfer, sooner than buying direct "
                       f"({buy_days:.0f} days)")


def _buying_terms(keys: list[tuple[int, int]], prods: dict, offers: dict[int, _Offer],
                  routes: list[_Route]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per row: the unit's value (offer price, else the product's cost), pack size and
    minimum order of how the line is filled (a transfer: single units)."""
    n = len(keys)
    cost, pack, minimum = np.zeros(n), np.ones(n), np.ones(n)
    for i, (p, _) in enumerate(keys):
        offer = offers.get(p)
        cost[i] = float(offer.price) if offer else float(prods[p][3] or 0)
        if offer and routes[i].action != TRANSFER:
            pack[i], minimum[i] = offer.pack, offer.minimum
    return cost, pack, minimum


def compute(db: pw.Database, today: date, cfg: ReorderSettings) -> list[ReorderLine]:
    """The reorder lines (unsorted, every line) as the engine computed them item by item."""
    locs = stocking_locations()
    partners = [lid for lid, (_, _, kind) in locs.items() if kind in m.PARTNER_KINDS]
    lanes = transfer_lanes(locs)
    book = committed.load(today)  # approved requests: demand with a date
    prods = stocked_products(book.products())
    spare_devices = [pid for pid, row in prods.items() if row[2] == "device"]

    start, end = month_start(today, cfg.history_months), month_start(today)
    end_month = demand_table.month_number(end)
    win = demand_table._read_window(db, end_month - cfg.history_months, end_month,
                                    cfg.history_months, (end - start).days, partners,
                                    spare_devices)
    pos = positions(spare_devices)
    for key, held in book.reserved_devices.items():  # devices held out of the position
        pos.setdefault(key, Position()).reserved += held
    keys = sorted({k for k in list(win.keys) + list(pos) + list(book.keys())
                   if k[0] in prods and k[1] in locs})
    if not keys:
        return []
    n = len(keys)
    at = {k: i for i, k in enumerate(win.keys)}
    take = np.array([at.get(k, -1) for k in keys], np.int64)
    has = take >= 0
    demand = np.zeros((n, cfg.history_months))
    demand[has] = win.monthly[take[has]]
    moments = _spread(win.moments, take, has)

    # fast movers: weekly buckets over the same window; rows where two kinds of demand
    # count: day totals across kinds. Both read from the ledger, for these products only.
    fast = fast_movers(demand, cfg.fast_mover_per_month)
    weeks = int(cfg.history_months * DAYS_PER_MONTH // 7)
    mixed = np.flatnonzero(has & win.mixed[np.maximum(take, 0)]) if len(win.keys) else (
        np.zeros(0, np.int64))
    wdemand = None
    if len(fast) or len(mixed):
        wanted = sorted({keys[i][0] for i in np.concatenate([fast, mixed]).tolist()})
        hist = read_demand(db, start, end, partners, spare_devices, products=wanted)
        if len(fast):
            wdemand = hist.weekly([keys[i] for i in fast], weeks)
        if len(mixed):
            exact = hist.moments([keys[i] for i in mixed])
            for name in ("count", "total", "square", "cube"):
                getattr(moments, name)[mixed] = getattr(exact, name)

    # installed-base prior for low-confidence devices, spread over their locations
    installed = _installed(spare_devices) if spare_devices else {}
    locs_per_product: dict[int, int] = defaultdict(int)
    for p, _ in keys:
        locs_per_product[p] += 1
    prior = np.full(n, np.nan)
    minimum = np.full(n, np.nan)
    eol = np.zeros(n, bool)
    for i, (p, _) in enumerate(keys):
        row = prods[p]
        if row[6] and p in installed:
            prior[i] = installed[p] * row[6] / 12 / locs_per_product[p]
        if row[4] is not None:
            minimum[i] = row[4]
        eol[i] = bool(row[7])
    offers = best_offers()
    targets = _targets(db, keys, prods, offers, demand, cfg.service_level)
    level = targets.level

    # lead times, in days
    per_item, per_supplier = observed_lead_times(db)
    lead = np.zeros(n)
    lead_sd = np.zeros(n)
    lead_src: list[str] = []
    # product -> (days, sd, source text) of buying
    supply_lead: dict[int, tuple[float, float, str]] = {}

    def buying(p: int) -> tuple[float, float, str]:
        if p in supply_lead:
            return supply_lead[p]
        offer = offers.get(p)
        if offer is None:
            got = (14.0, 0.0, "no supplier offer: 14 days assumed")
        else:
            obs = per_item.get((offer.supplier_id, p))
            sup = per_supplier.get(offer.supplier_id)
            if obs and obs.receipts >= MIN_RECEIPTS:
                got = (obs.mean, obs.sd, f"observed over {obs.receipts} receipts of this item "
                       f"from {offer.supplier}")
            elif sup and sup.receipts >= MIN_RECEIPTS:
                got = (sup.mean, sup.sd, f"observed over {sup.receipts} receipts from "
                       f"{offer.supplier}")
            else:
                got = (offer.lead, 0.0, f"quoted by {offer.supplier} (fewer than "
                       f"{MIN_RECEIPTS} receipts)")
        supply_lead[p] = got
        return got

    # How each line will be filled decides its lead time (and so its safety stock, reorder
    # point and order-by date): the lane of the 3PL / MSP that ships or is waited for, else
    # the supplier's lead time when the site buys direct.
    expected = _next_expected(today)
    routes = [_route(p, loc, lanes, pos, locs, buying(p)[0], expected) for p, loc in keys]
    for i, (p, _) in enumerate(keys):
        route = routes[i]
        if route.lane_days is not None:
            lead[i], lead_sd[i] = route.lane_days, 0.0
            lead_src.append(f"transfer lane from {locs[_partner(route)][0]}")
        else:
            lead[i], lead_sd[i], text = buying(p)
            lead_src.append(text)

    value, row_pack, row_min = _buying_terms(keys, prods, offers, routes)
    row_holding = (cfg.holding_rate * value if cfg.holding_rate and cfg.order_cost is not None
                   else None)
    est = estimate(demand, lead, lead_sd, level, month_days=DAYS_PER_MONTH, end_of_life=eol,
                   prior_rate=prior, minimum=minimum, fast=fast, weekly=wdemand,
                   moments=moments, cost=value,
                   lot=lambda rate: order_quantities(
                       rate, np.zeros(n), cover_months=cfg.cover_months,
                       order_cost=cfg.order_cost, holding_cost=row_holding,
                       minimum_order=row_min, pack_size=row_pack))
    rate, sd, method, kind, low, bucket = (est.rate, est.sd, est.method, est.kind,
                                           est.low_confidence, est.bucket)
    rop, safety = est.reorder_point, est.safety_stock

    # Every figure of the lines as arrays; the lines themselves are built last.
    empty = Position()
    ps_rows = [pos.get(k, empty) for k in keys]
    position = np.fromiter((ps.position for ps in ps_rows), float, n)
    alert = (rop > 0) & (position <= rop)
    shortfall = np.maximum(rop - position, 0.0)
    price = [offers[p].price if p in offers else prods[p][3] for p, _ in keys]
    transfer = np.fromiter((r.action == TRANSFER for r in routes), bool, n)
    has_offer = np.fromiter((p in offers for p, _ in keys), bool, n)
    pack = np.where(has_offer & ~transfer, row_pack, 1.0)
    minimum_order = np.where(has_offer & ~transfer, row_min, 1.0)
    unit = np.array([float(x) for x in price])
    holding = (cfg.holding_rate * unit if cfg.holding_rate and cfg.order_cost is not None
               else None)
    qty = order_quantities(rate, shortfall, cover_months=cfg.cover_months,
                           order_cost=cfg.order_cost, holding_cost=holding,
                           minimum_order=minimum_order, pack_size=pack)
    eoq = ((rate * 12 > 0) & (holding > 0) if holding is not None else np.zeros(n, bool))
    per_day = rate / DAYS_PER_MONTH
    moving = per_day > 0
    safe_day = np.where(moving, per_day, 1.0)
    cover = np.where(moving, np.maximum(position, 0.0) / safe_day, np.nan)
    # Dates beyond HORIZON_DAYS are no dates (an absurd stock level: verify says so).
    stockout_days = np.minimum(np.nan_to_num(cover), HORIZON_DAYS).astype(np.int64)
    order_days = np.minimum(np.maximum(position - rop, 0) / safe_day, HORIZON_DAYS).astype(
        np.int64)
    base = today.toordinal()
    history = demand.tolist()
    lists = (rate.tolist(), sd.tolist(), kind.tolist(), method.tolist(), low.tolist(),
             bucket.tolist(), lead.tolist(), lead_sd.tolist(), level.tolist(),
             safety.tolist(), rop.tolist(), est.rop_method.tolist(), position.tolist(),
             alert.tolist(), qty.tolist(), eoq.tolist(), moving.tolist(), cover.tolist(),
             stockout_days.tolist(), order_days.tolist(), pack.tolist(),
             minimum_order.tolist(), est.item_level.tolist())
    out: list[ReorderLine] = []
    fromordinal = date.fromordinal
    for i, ((p, loc), (r_rate, r_sd, r_kind, r_method, r_low, r_bucket, r_lead, r_lead_sd,
                       r_level, r_safety, r_rop, r_rop_method, r_pos, r_alert, r_qty, r_eoq,
                       r_moving, r_cover, r_stockout, r_order, r_pack, r_min, r_item)) in (
            enumerate(zip(keys, zip(*lists, strict=True), strict=True))):
        row = prods[p]
        ps = ps_rows[i]
        offer = offers.get(p)
        route = routes[i]
        action, note, cap = route.action, route.note, route.cap
        source = locs[_partner(route)][0] if action in (TRANSFER, WAIT) else (
            offer.supplier if offer else "")
        quantity = int(r_qty)
        if cap is not None and quantity > cap:
            quantity = int(cap)
            note = f"{source} holds only {cap:.0f}: transfer all of it"
        if action == WAIT:
            quantity = 0
        if r_moving:
            days_of_cover: float | None = r_cover
            stockout: date | None = fromordinal(base + r_stockout)
            order_by: date | None = fromordinal(base + r_order)
        else:
            days_of_cover, stockout = None, None
            order_by = today if r_alert else None
        code, name, _ = locs[loc]
        out.append(ReorderLine(
            p, row[1], row[2], loc, code, name, action, source,
            offer.supplier if offer else "", offer.supplier_id if offer else None,
            r_rate, r_sd, str(r_kind), str(r_method), bool(r_low), str(r_bucket),
            r_lead, r_lead_sd, lead_src[i], r_level, r_safety, r_rop, str(r_rop_method),
            ps.on_hand, ps.reserved, ps.on_order, ps.on_order_draft, ps.in_transit, r_pos,
            bool(r_alert), quantity, "eoq" if r_eoq else "cover", int(r_pack), int(r_min),
            price[i], order_by, stockout, days_of_cover, note, tuple(history[i]),
            targets.source[i], (), r_item))
    return book.apply(out, today)


def resolve_targets(products, category: dict[int, str], product_level: dict[int, float | None],
                    annual_value: dict[int, float], targets: list[Target],
                    default: float) -> ResolvedTargets:
    """`targets.resolve_targets` row by row, as it was."""
    rows = list(products)
    ids = sorted(set(rows))
    classes = dict(zip(ids, abc_classes([annual_value.get(p, 0.0) for p in ids]), strict=True))
    by_cat = {t.key.lower(): t for t in targets if t.scope == CATEGORY}
    by_abc = {t.key: t for t in targets if t.scope == ABC}
    level = np.full(len(rows), float(default))
    source = ["default"] * len(rows)
    for i, p in enumerate(rows):
        own = product_level.get(p)
        if own:
            level[i], source[i] = float(own), "product"
            continue
        t = by_cat.get((category.get(p) or "").lower()) or by_abc.get(str(classes[p]))
        if t is not None:
            level[i], source[i] = t.service_level, t.label
    return ResolvedTargets(level, source, np.array([classes[p] for p in rows], dtype="<U1"))
