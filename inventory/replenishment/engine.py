"""The reorder list: what to buy or move, where, how much, by when, and why.

For each stocked product at each stocking location (site stockroom, 3PL, MSP):

1. demand per month from the ledger (:mod:`.demand`; weekly buckets for fast
   movers), a forecast chosen per series (:func:`choose_forecasts`), and the daily
   history of intermittent items (:mod:`.empirical`);
2. how the line will be filled (step 4 decides it first) gives its lead time: the
   transfer lane from the 3PL / MSP that ships (or is waited for), else the best
   supplier offer (quoted until 3 receipts, then the observed mean and spread of
   ordered → received) when the location buys, direct or as a 3PL;
3. a whole-unit reorder point at the product's service target (:mod:`.targets`:
   its own, its category's, its ABC class's, else the default) by the rule of
   :mod:`.estimate` (Poisson / negative binomial / normal, or the item's own
   lead-time demand for intermittent items), never below a manual minimum;
   inventory position = on hand + on order + in transit − reserved; an alert
   when the position is at or below the reorder point;
4. the action. A site is refilled from its 3PL / MSP when that holds stock;
   when it holds none, buy direct only if the supplier is faster than the
   3PL's own next delivery plus the transfer, else wait for it. A 3PL / MSP
   (or a site nobody serves) buys from its supplier on its own demand.
5. the quantity: EOQ when order and holding costs are set, else cover for
   N months, plus the shortfall below the reorder point; at least the
   supplier's minimum, rounded up to the pack size (:func:`order_quantity`).

Everything is computed for all items at once; the queries are aggregates.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

import numpy as np
import peewee as pw

from .. import models as m
from ..clock import today as real_today
from ..errors import NotFound
from . import committed
from .demand import (
    DAYS_PER_MONTH,
    HISTORY_MONTHS,
    Position,
    month_start,
    observed_lead_times,
    positions,
    read_demand,
)
from .estimate import empirical_rows, estimate, fast_movers, undershoot_of_days
from .quantity import order_quantity
from .targets import ResolvedTargets, list_targets, resolve_targets

MIN_RECEIPTS = 3
HORIZON_DAYS = 36_500  # no projected date further out than a century
BUY, TRANSFER, WAIT = "buy", "transfer", "wait"
SETTING_KEYS = {
    "service_level": "reorder.service_level",
    "cover_months": "reorder.cover_months",
    "order_cost": "reorder.order_cost",
    "holding_rate": "reorder.holding_rate",
}


@dataclass(frozen=True)
class ReorderSettings:
    """Policy knobs. Costs unset (None): order quantities are months of cover."""

    service_level: float = 0.95
    cover_months: float = 3.0
    order_cost: float | None = None  # per purchase order
    holding_rate: float | None = None  # per year, fraction of the unit price
    fast_mover_per_month: float = 30.0  # at or above: weekly buckets
    history_months: int = HISTORY_MONTHS


def load_settings(db: pw.Database) -> ReorderSettings:
    """Settings stored in the database (table `setting`), else the defaults."""
    values = {}
    rows = m.Setting.select().where(m.Setting.key.in_(list(SETTING_KEYS.values())))
    by_key = {s.key: s.value for s in rows}
    for name, key in SETTING_KEYS.items():
        if key in by_key and by_key[key] != "":
            values[name] = float(by_key[key])
    return ReorderSettings(**values)


@dataclass(frozen=True)
class ReorderLine:
    """One product at one stocking location, with every figure that explains it."""

    product_id: int
    product: str
    product_kind: str
    location_id: int
    location: str  # code
    location_name: str
    action: str  # buy / transfer / wait
    source: str  # supplier name, or the 3PL / MSP code for a transfer
    supplier: str  # the supplier a purchase would go to ("" if none)
    supplier_id: int | None
    demand_per_month: float
    demand_sd_per_month: float
    demand_class: str
    forecast_method: str
    low_confidence: bool
    bucket: str  # month / week
    lead_time_days: float
    lead_time_sd_days: float
    lead_time_source: str
    service_level: float
    safety_stock: float
    reorder_point: float
    rop_method: str
    on_hand: float
    reserved: float
    on_order: float
    on_order_draft: float
    in_transit: float
    position: float
    alert: bool
    quantity: int
    quantity_basis: str
    pack_size: int
    min_order: int
    unit_price: Decimal
    order_by: date | None
    stockout: date | None
    days_of_cover: float | None
    note: str = ""
    history: tuple[float, ...] = field(default=(), repr=False)
    target_source: str = "default"  # product / category X / ABC class A / default
    commitments: tuple[str, ...] = ()  # approved requests this line plans for (committed.py)

    @property
    def cost(self) -> Decimal:
        return (self.unit_price * self.quantity).quantize(Decimal("0.01"))

    @property
    def target_text(self) -> str:
        """Which service target applies, in words."""
        src = self.target_source
        if src == "product":
            return "set on this product"
        if src == "default":
            return "the default target (no product, category or ABC target applies)"
        return f"the target of {src}"

    @property
    def demand_per_day(self) -> float:
        return self.demand_per_month / DAYS_PER_MONTH

    def reasons(self) -> list[str]:
        """The line explained, one fact per entry, in a manager's words."""
        conf = " (low confidence: fewer than 2 demand events)" if self.low_confidence else ""
        out = [
            f"Demand {self.demand_per_month:.2f}/month (sd {self.demand_sd_per_month:.2f}), "
            f"{self.demand_class}, forecast {self.forecast_method} on {self.bucket}ly "
            f"buckets{conf}",
            f"Lead time {self.lead_time_days:.1f} days (sd {self.lead_time_sd_days:.1f}), "
            f"{self.lead_time_source}",
            f"Safety stock {self.safety_stock:.1f}, reorder point {self.reorder_point:.0f} "
            f"at {self.service_level:.1%} service "
            f"({ROP_METHODS.get(self.rop_method, self.rop_method)})",
            f"Target {self.service_level:.1%}: {self.target_text}",
            f"Position {self.position:.0f} = on hand {self.on_hand:.0f} + on order "
            f"{self.on_order:.0f} + in transit {self.in_transit:.0f} − reserved "
            f"{self.reserved:.0f}"
            + (f" ({self.on_order_draft:.0f} of it in draft orders)" if self.on_order_draft
               else ""),
        ]
        verb = {BUY: f"Buy from {self.source}" if self.source else
                "No supplier offer: add one (Spares & stock ▸ More ▸ Add supplier offer…) to "
                "buy it",
                TRANSFER: f"Transfer from {self.source}",
                WAIT: f"Wait for {self.source}"}[self.action]
        if self.action == WAIT:
            out.append(f"{verb}: {self.note}")
        else:
            cost = f", {self.cost:,.2f}" if self.action == BUY else ""
            out.append(f"{verb}: {self.quantity} ({self.quantity_basis}; pack {self.pack_size}, "
                       f"minimum {self.min_order}){cost}")
            if self.note:
                out.append(self.note)
        if self.order_by:
            out.append(f"Order by {self.order_by:%Y-%m-%d}")
        if self.days_of_cover is not None:
            out.append(f"{self.days_of_cover:.0f} days of cover; projected stock-out "
                       f"{self.stockout:%Y-%m-%d}")
        else:
            out.append("No demand: no stock-out projected")
        return out + list(self.commitments)


ROP_METHODS = {
    "normal": "normal",
    "poisson": "Poisson",
    "negative_binomial": "negative binomial",
    "empirical": "this item's own lead-time demand, from its daily history",
}


@dataclass
class _Offer:
    supplier_id: int
    supplier: str
    price: Decimal
    pack: int
    minimum: int
    lead: float
    preferred: bool


def best_offers() -> dict[int, _Offer]:
    """The offer each product is bought on: the preferred one, else the fastest."""
    o, s = m.SupplierOffer, m.Supplier
    best: dict[int, _Offer] = {}
    q = (o.select(o.product, o.supplier, s.name, o.unit_price, o.pack_size, o.min_order,
                  o.lead_time_days, o.preferred).join(s).tuples())
    for p, sid, name, price, pack, mn, lead, pref in q:
        offer = _Offer(sid, name, Decimal(price), int(pack or 1), int(mn or 1), float(lead),
                       bool(pref))
        cur = best.get(p)
        if cur is None or (offer.preferred, -offer.lead) > (cur.preferred, -cur.lead):
            best[p] = offer
    return best


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
    annual: dict[int, float] = defaultdict(float)
    year = demand[:, -12:].sum(axis=1)
    for i, (p, _) in enumerate(keys):
        offer = offers.get(p)
        cost = float(prods[p][3] or 0) or (float(offer.price) if offer else 0.0)
        annual[p] += float(year[i]) * cost
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


def reorder_list(db: pw.Database, *, today: date | None = None,
                 settings: ReorderSettings | None = None, alerts_only: bool = True,
                 location: str | None = None, supplier: str | None = None,
                 demand_class: str | None = None) -> list[ReorderLine]:
    """The reorder lines (alerts only by default), most urgent first.

    Filters: `location` (code), `supplier` (name of the supplier or source),
    `demand_class` (smooth / erratic / intermittent / lumpy / none).
    """
    today = today or real_today()
    cfg = settings or load_settings(db)
    with db.atomic():
        if location and not m.Location.select().where(
                pw.fn.LOWER(m.Location.code) == location.strip().lower()).exists():
            raise NotFound(f"No location with code '{location}'. Give a stocking location's "
                           "code (Locations lists them).")
        lines = _compute(db, today, cfg)
    if alerts_only:
        lines = [ln for ln in lines if ln.alert]
    if location:
        lines = [ln for ln in lines if ln.location.lower() == location.strip().lower()]
    if supplier:
        s = supplier.strip().lower()
        lines = [ln for ln in lines if s in (ln.supplier.lower(), ln.source.lower())]
    if demand_class:
        lines = [ln for ln in lines if ln.demand_class == demand_class]
    lines.sort(key=lambda ln: (not ln.alert, ln.order_by or date.max,
                               ln.days_of_cover if ln.days_of_cover is not None else 1e9,
                               ln.product, ln.location))
    return lines


def stocking_locations() -> dict[int, tuple[str, str, str]]:
    """Active stocking locations: id → (code, name, kind)."""
    return {lid: (code, name, kind) for lid, code, name, kind in m.Location.select(
        m.Location.id, m.Location.code, m.Location.name, m.Location.kind)
        .where(m.Location.kind.in_(m.STOCKING_KINDS) & m.Location.active).tuples()}


def transfer_lanes(locs: dict[int, tuple]) -> dict[int, list[tuple[float, int]]]:
    """Per destination, the (lead time days, source) of the lanes serving it, fastest first."""
    lanes: dict[int, list[tuple[float, int]]] = defaultdict(list)
    for src, dst, lead in m.TransferLane.select(
            m.TransferLane.source, m.TransferLane.destination,
            m.TransferLane.lead_time_days).tuples():
        if src in locs and dst in locs:
            lanes[dst].append((float(lead), src))
    for v in lanes.values():
        v.sort()
    return lanes


def stocked_products(requested: Iterable[int] = ()) -> dict[int, tuple]:
    """Products the reorder list plans (and any device `requested` by an approved request):
    (id, name, kind, unit cost, min quantity, service level, replacement rate, end of life,
    category) by id."""
    P = m.Product
    planned = P.kind.in_(m.QUANTITY_KINDS) | ((P.kind == "device") & P.keep_spares)
    if requested:
        planned |= P.id.in_(list(requested)) & (P.kind == "device")
    return {row[0]: row for row in P.select(
        P.id, P.name, P.kind, P.unit_cost, P.min_quantity, P.service_level,
        P.replacement_rate, P.end_of_life, P.category)
        .where(P.active & planned).tuples()}


def _compute(db: pw.Database, today: date, cfg: ReorderSettings) -> list[ReorderLine]:
    locs = stocking_locations()
    partners = [lid for lid, (_, _, kind) in locs.items() if kind in m.PARTNER_KINDS]
    lanes = transfer_lanes(locs)
    book = committed.load(today)  # approved requests: demand with a date
    prods = stocked_products(book.products())
    spare_devices = [pid for pid, row in prods.items() if row[2] == "device"]

    hist = read_demand(db, month_start(today, cfg.history_months), month_start(today),
                       partners, spare_devices)
    pos = positions(spare_devices)
    book.reserve(pos)
    keys = sorted({k for k in list(hist.keys) + list(pos) + list(book.keys())
                   if k[0] in prods and k[1] in locs})
    if not keys:
        return []
    n = len(keys)
    demand = hist.monthly(keys, cfg.history_months)

    # fast movers: weekly buckets over the same window
    fast = fast_movers(demand, cfg.fast_mover_per_month)
    weeks = int(cfg.history_months * DAYS_PER_MONTH // 7)

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

    wdemand = hist.weekly([keys[i] for i in fast], weeks) if len(fast) else None
    daily_rows = empirical_rows(demand, fast)
    daily = hist.daily([keys[i] for i in daily_rows], np.int32) if len(daily_rows) else None
    undershoot = undershoot_of_days(*hist.days_with_demand(keys), n)

    # lead times, in days
    per_item, per_supplier = observed_lead_times(db)
    lead = np.zeros(n)
    lead_sd = np.zeros(n)
    lead_src: list[str] = []
    supply_lead = {}  # (product) -> (days, sd, source text) of buying

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
            lead_src.append(f"transfer lane from {locs[route.partner][0]}")
        else:
            lead[i], lead_sd[i], text = buying(p)
            lead_src.append(text)

    est = estimate(demand, lead, lead_sd, level, month_days=DAYS_PER_MONTH, end_of_life=eol,
                   prior_rate=prior, minimum=minimum, fast=fast, weekly=wdemand, daily=daily,
                   daily_rows=daily_rows, undershoot=undershoot)
    rate, sd, method, kind, low, bucket = (est.rate, est.sd, est.method, est.kind,
                                           est.low_confidence, est.bucket)
    rop, safety = est.reorder_point, est.safety_stock

    history = demand.tolist()
    holding = cfg.holding_rate
    out: list[ReorderLine] = []
    for i, (p, loc) in enumerate(keys):
        row = prods[p]
        ps = pos.get((p, loc), Position())
        position = ps.position
        alert = bool(rop[i] > 0 and position <= rop[i])
        shortfall = max(float(rop[i]) - position, 0.0)
        offer = offers.get(p)
        price = offer.price if offer else Decimal(row[3] or 0)
        route = routes[i]
        action, note, cap = route.action, route.note, route.cap
        source = locs[route.partner][0] if action in (TRANSFER, WAIT) else (
            offer.supplier if offer else "")
        pack, minimum_order = (offer.pack, offer.minimum) if offer else (1, 1)
        if action == TRANSFER:
            pack, minimum_order = 1, 1
        oq = order_quantity(
            float(rate[i]), order_cost=cfg.order_cost,
            holding_cost=(holding * float(price)) if holding and price else None,
            cover_months=cfg.cover_months, minimum_order=minimum_order, pack_size=pack,
            shortfall=shortfall)
        qty = oq.quantity
        if cap is not None and qty > cap:
            qty = int(cap)
            note = f"{source} holds only {cap:.0f}: transfer all of it"
        if action == WAIT:
            qty = 0
        per_day = rate[i] / DAYS_PER_MONTH
        if per_day > 0:
            cover = max(position, 0.0) / per_day
            # Dates beyond HORIZON_DAYS are no dates (an absurd stock level: verify says so).
            stockout = today + timedelta(days=int(min(cover, HORIZON_DAYS)))
            order_by = today + timedelta(days=int(min(max(position - rop[i], 0) / per_day,
                                                      HORIZON_DAYS)))
        else:
            cover, stockout = None, None
            order_by = today if alert else None
        code, name, _ = locs[loc]
        out.append(ReorderLine(
            product_id=p, product=row[1], product_kind=row[2], location_id=loc, location=code,
            location_name=name, action=action, source=source,
            supplier=offer.supplier if offer else "",
            supplier_id=offer.supplier_id if offer else None,
            demand_per_month=float(rate[i]), demand_sd_per_month=float(sd[i]),
            demand_class=str(kind[i]), forecast_method=str(method[i]),
            low_confidence=bool(low[i]), bucket=str(bucket[i]),
            lead_time_days=float(lead[i]), lead_time_sd_days=float(lead_sd[i]),
            lead_time_source=lead_src[i], service_level=float(level[i]),
            safety_stock=float(safety[i]), reorder_point=float(rop[i]),
            rop_method=str(est.rop_method[i]), on_hand=ps.on_hand, reserved=ps.reserved,
            on_order=ps.on_order, on_order_draft=ps.on_order_draft, in_transit=ps.in_transit,
            position=position, alert=alert, quantity=int(qty), quantity_basis=oq.basis,
            pack_size=pack, min_order=minimum_order, unit_price=price, order_by=order_by,
            stockout=stockout, days_of_cover=cover, note=note,
            history=tuple(history[i]), target_source=targets.source[i],
        ))
    return book.apply(out, today)
