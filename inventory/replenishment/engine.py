"""The reorder list: what to buy or move, where, how much, by when, and why.

For each stocked product at each stocking location (site stockroom, 3PL, MSP):

1. demand per month from the ledger (:mod:`.demand`; weekly buckets for fast
   movers), a forecast chosen per series (:func:`choose_forecasts`), and the daily
   moments of every row's days with demand, all from the demand table (:mod:`.demand_table`);
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

import hashlib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from operator import attrgetter

import msgspec
import numpy as np
import peewee as pw

from .. import models as m
from ..clock import today as real_today
from ..db import Handle, unwrap
from ..errors import NotFound
from . import committed, demand_table
from .compound import DayMoments
from .demand import (
    DAYS_PER_MONTH,
    HISTORY_MONTHS,
    KEY_SHIFT,
    PositionTable,
    _rows,
    key_codes,
    month_start,
    observed_lead_times,
    position_table,
    read_demand,
)
from .estimate import Estimates, estimate, fast_movers
from .quantity import order_quantities
from .targets import ResolvedTargets, list_targets, resolve_targets

MIN_RECEIPTS = 3
HORIZON_DAYS = 36_500  # no projected date further out than a century
BUY, TRANSFER, WAIT = "buy", "transfer", "wait"
LOCATION_MASK = (1 << KEY_SHIFT) - 1
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


def load_settings(db: Handle) -> ReorderSettings:
    """Settings stored in `db` (table `setting`), else the defaults."""
    values: dict[str, float] = {}
    S = m.Setting
    rows = S.select(S.key, S.value).where(S.key.in_(list(SETTING_KEYS.values())))
    by_key = dict(rows.bind(unwrap(db)).tuples())
    for name, key in SETTING_KEYS.items():
        if key in by_key and by_key[key] != "":
            values[name] = float(by_key[key])
    return ReorderSettings(**values)  # type: ignore[arg-type]  # every knob is a float


class ReorderLine(msgspec.Struct, frozen=True, gc=False):
    """One product at one stocking location, with every figure that explains it.

    A list keeps 20,000 of them for as long as the window shows it. As a dataclass each
    was 43 references that every full pass of the garbage collector visited (a third of
    a 90 ms pass at 100,000 assets, during which no thread runs): a struct the collector
    does not track (`gc=False`; it holds only numbers, text, dates and tuples of them,
    never a cycle), with slots' memory and speed. `msgspec.structs.replace` and
    `fields` stand for the dataclass functions."""

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
    history: tuple[float, ...] = ()
    target_source: str = "default"  # product / category X / ABC class A / default
    commitments: tuple[str, ...] = ()  # approved requests this line plans for (committed.py)
    item_service: float | None = None  # this line's own modelled cycle service

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
            + (f"covering {self.item_service:.1%} of this item's cycles so that its class "
               f"reaches {self.service_level:.1%} together "
               if self.rop_method == "compound" and self.item_service is not None else
               f"at {self.service_level:.1%} service ")
            + f"({ROP_METHODS.get(self.rop_method, self.rop_method)})",
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
    "compound": "this item's own demand days and sizes over the lead time; its class's "
                "items reach the target together, at the least stock value",
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


def _money(value: object) -> Decimal:
    """A money column as peewee's DecimalField reads it (two places), from a raw row."""
    if value is None:
        return Decimal(0)
    d = value if isinstance(value, Decimal) else Decimal(str(value))
    return d.quantize(_CENT)


_CENT = Decimal("0.01")


def best_offers(db: Handle | None = None) -> dict[int, _Offer]:
    """The offer each product is bought on: the preferred one, else the fastest."""
    o, s = m.SupplierOffer, m.Supplier
    best: dict[int, _Offer] = {}
    q = (o.select(o.product, o.supplier, s.name, o.unit_price, o.pack_size, o.min_order,
                  o.lead_time_days, o.preferred).join(s))
    for p, sid, name, price, pack, mn, lead, pref in _rows(q, unwrap(db)):
        offer = _Offer(sid, name, _money(price), int(pack or 1), int(mn or 1), float(lead),
                       bool(pref))
        cur = best.get(p)
        if cur is None or (offer.preferred, -offer.lead) > (cur.preferred, -cur.lead):
            best[p] = offer
    return best


def _next_expected(db: pw.Database, today: date) -> dict[tuple[int, int], float]:
    """Days until the next open purchase order arrives, per product × ship-to."""
    po, ln = m.PurchaseOrder, m.PurchaseOrderLine
    q = (ln.select(ln.product, po.ship_to, pw.fn.MIN(po.expected_at)).join(po)
         .where(po.status.in_(("ordered", "partly_received")) & po.expected_at.is_null(False))
         .group_by(ln.product, po.ship_to).bind(db).tuples())
    out = {}
    for p, loc, when in q:
        if isinstance(when, str):
            when = datetime.fromisoformat(when)
        out[(p, loc)] = max((when.date() - today).days, 0)
    return out


def _targets(db: pw.Database, products: np.ndarray, prods: dict, offers: dict[int, _Offer],
             demand: np.ndarray, default: float) -> ResolvedTargets:
    """Each row's service target (see :mod:`.targets`); ABC by the last 12 months' value.
    `products`: each row's product id."""
    year = demand[:, -12:].sum(axis=1)
    unit = {p: float(row[3] or 0) or (float(offers[p].price) if p in offers else 0.0)
            for p, row in prods.items()}
    ids, at = np.unique(products, return_inverse=True)
    cost = np.array([unit[p] for p in ids.tolist()])
    value = np.bincount(at.ravel(), year * cost[at.ravel()], minlength=len(ids))
    annual = dict(zip(ids.tolist(), value.tolist(), strict=True))
    return resolve_targets(products.tolist(), {p: prods[p][8] for p in prods},
                           {p: prods[p][5] for p in prods}, annual, list_targets(db),
                           default)


def _installed(db: pw.Database, products: list[int]) -> dict[int, int]:
    a = m.Asset
    q = (a.select(a.product, pw.fn.COUNT(a.id))
         .where((a.status == "deployed") & a.product.in_(products)).group_by(a.product))
    return dict(_rows(q, db))


def reorder_list(db: Handle, *, today: date | None = None,
                 settings: ReorderSettings | None = None, alerts_only: bool = True,
                 location: str | None = None, supplier: str | None = None,
                 demand_class: str | None = None) -> list[ReorderLine]:
    """The reorder lines (alerts only by default), most urgent first, read from `db`.

    Filters: `location` (code), `supplier` (name of the supplier or source),
    `demand_class` (smooth / erratic / intermittent / lumpy / none).
    """
    db = unwrap(db)
    today = today or real_today()
    cfg = settings or load_settings(db)
    with db.atomic():
        L = m.Location
        if location and not L.select().where(
                pw.fn.LOWER(L.code) == location.strip().lower()).bind(db).exists():
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
    if len(lines) > 1:  # not alert, order by, days of cover, product, location
        place, product, cover, order_by, alert = zip(*map(_SORT_KEYS, lines), strict=True)
        order = np.lexsort((
            np.array(place), np.array(product),
            np.array([1e9 if c is None else c for c in cover], float),
            np.array([(d or date.max).toordinal() for d in order_by], np.int64),
            ~np.array(alert, bool)))
        lines = [lines[i] for i in order.tolist()]
    return lines


_SORT_KEYS = attrgetter("location", "product", "days_of_cover", "order_by", "alert")


def stocking_locations(db: Handle | None = None) -> dict[int, tuple[str, str, str]]:
    """Active stocking locations: id → (code, name, kind)."""
    L = m.Location
    q = L.select(L.id, L.code, L.name, L.kind).where(L.kind.in_(m.STOCKING_KINDS) & L.active)
    return {lid: (code, name, kind) for lid, code, name, kind in _rows(q, unwrap(db))}


def transfer_lanes(locs: dict[int, tuple],
                   db: Handle | None = None) -> dict[int, list[tuple[float, int]]]:
    """Per destination, the (lead time days, source) of the lanes serving it, fastest first."""
    lanes: dict[int, list[tuple[float, int]]] = defaultdict(list)
    T = m.TransferLane
    for src, dst, lead in _rows(T.select(T.source, T.destination, T.lead_time_days),
                                unwrap(db)):
        if src in locs and dst in locs:
            lanes[dst].append((float(lead), src))
    for v in lanes.values():
        v.sort()
    return lanes


def stocked_products(requested: Iterable[int] = (),
                     db: Handle | None = None) -> dict[int, tuple]:
    """Products the reorder list plans (and any device `requested` by an approved request):
    (id, name, kind, unit cost, min quantity, service level, replacement rate, end of life,
    category) by id."""
    P = m.Product
    planned = P.kind.in_(m.QUANTITY_KINDS) | ((P.kind == "device") & P.keep_spares)
    if requested:
        planned |= P.id.in_(list(requested)) & (P.kind == "device")
    q = (P.select(P.id, P.name, P.kind, P.unit_cost, P.min_quantity, P.service_level,
                  P.replacement_rate, P.end_of_life, P.category).where(P.active & planned))
    return {row[0]: (row[0], row[1], row[2], _money(row[3]), row[4],
                     None if row[5] is None else float(row[5]),
                     None if row[6] is None else float(row[6]), bool(row[7]), row[8])
            for row in _rows(q, unwrap(db))}


def _spread(got: DayMoments, take: np.ndarray, has: np.ndarray) -> DayMoments:
    """The window's moments in the order of the list's keys (zeros where none)."""
    def col(x: np.ndarray) -> np.ndarray:
        out = np.zeros(len(take))
        out[has] = x[take[has]]
        return out
    return DayMoments(col(got.count), col(got.total), col(got.square), col(got.cube),
                      got.days)


def _lookup(haystack: np.ndarray, needles: np.ndarray) -> np.ndarray:
    """Each needle's index in `haystack` (unique codes, any order), or -1."""
    if not len(haystack):
        return np.full(len(needles), -1, np.int64)
    order = np.argsort(haystack, kind="stable")
    ranked = haystack[order]
    at = np.minimum(np.searchsorted(ranked, needles), len(ranked) - 1)
    return np.where(ranked[at] == needles, order[at], -1)


# The last estimate, by a digest of everything it was computed from: a recompute after a
# scan (positions moved; demand, lead times and targets did not) reuses it.
_ESTIMATES: dict[bytes, Estimates] = {}


def _estimate_cached(demand: np.ndarray, lead: np.ndarray, lead_sd: np.ndarray,
                     level: np.ndarray, eol: np.ndarray, prior: np.ndarray,
                     minimum: np.ndarray, fast: np.ndarray, wdemand: np.ndarray | None,
                     moments: DayMoments, value: np.ndarray, row_pack: np.ndarray,
                     row_min: np.ndarray, row_holding: np.ndarray | None,
                     cfg: ReorderSettings) -> Estimates:
    n = demand.shape[0]
    digest = hashlib.blake2b(repr((n, cfg, moments.days)).encode(), digest_size=20)
    for a in (demand, lead, lead_sd, level, eol, prior, minimum, fast, wdemand,
              moments.count, moments.total, moments.square, moments.cube, value, row_pack,
              row_min, row_holding):
        if a is None:
            digest.update(b"none")
        else:
            digest.update(f"{a.dtype}{a.shape}".encode())
            digest.update(np.ascontiguousarray(a).tobytes())
    key = digest.digest()
    hit = _ESTIMATES.get(key)
    if hit is not None:
        return hit
    est = estimate(demand, lead, lead_sd, level, month_days=DAYS_PER_MONTH, end_of_life=eol,
                   prior_rate=prior, minimum=minimum, fast=fast, weekly=wdemand,
                   moments=moments, cost=value,
                   lot=lambda rate: order_quantities(
                       rate, np.zeros(n), cover_months=cfg.cover_months,
                       order_cost=cfg.order_cost, holding_cost=row_holding,
                       minimum_order=row_min, pack_size=row_pack))
    _ESTIMATES.clear()
    _ESTIMATES[key] = est
    return est


ACTIONS = np.array([BUY, TRANSFER, WAIT], dtype=object)
_BUY, _TRANSFER, _WAIT = 0, 1, 2


@dataclass
class _Routes:
    """How each line will be filled (one entry per row): the action (an index into
    ACTIONS), the partner location that ships or is waited for (-1: none), the lane's days
    (NaN: bought direct, at the supplier's lead time), what a transfer may take at most
    (NaN: no cap) and the note."""

    action: np.ndarray
    partner: np.ndarray
    lane_days: np.ndarray
    cap: np.ndarray
    note: np.ndarray


def _routes(pid: np.ndarray, lid: np.ndarray, lanes: dict[int, list[tuple[float, int]]],
            stock: PositionTable, locs: dict, buy_days: np.ndarray,
            expected: dict[tuple[int, int], float]) -> _Routes:
    """Transfer from the nearest partner holding stock; when none holds any, buy direct
    if that is faster than the partner's refill plus the transfer, else wait for it.
    `buy_days`: each row's lead time of buying."""
    n = len(pid)
    out = _Routes(np.zeros(n, np.int8), np.full(n, -1, np.int64), np.full(n, np.nan),
                  np.full(n, np.nan), np.full(n, "", dtype=object))
    for loc, served in lanes.items():
        rows = np.flatnonzero(lid == loc)
        for days, src in served:  # fastest first: the first lane whose partner holds stock
            if not len(rows):
                break
            available = stock.take("available", stock.find((pid[rows] << KEY_SHIFT) | src))
            got = available > 0
            hit = rows[got]
            out.action[hit], out.partner[hit] = _TRANSFER, src
            out.lane_days[hit], out.cap[hit] = days, available[got]
            rows = rows[~got]
        if not len(rows):
            continue
        lane_days, src = served[0]
        code = locs[src][0]
        for i, p, buy in zip(rows.tolist(), pid[rows].tolist(), buy_days[rows].tolist(),
                             strict=True):
            refill = expected.get((p, src))
            partner_days = (refill if refill is not None else buy) + lane_days
            if buy < partner_days:
                out.note[i] = (f"{code} holds none; buying direct ({buy:.0f} days) is "
                               f"faster than its refill + transfer ({partner_days:.0f} days)")
            else:
                out.action[i], out.partner[i], out.lane_days[i] = _WAIT, src, lane_days
                out.note[i] = (f"{code} holds none; its order arrives in {refill} days, "
                               f"then {lane_days:.0f} days transfer, sooner than buying "
                               f"direct ({buy:.0f} days)")
    return out


def _buying_lead(db: pw.Database, ids: list[int], offers: dict[int, _Offer]
                 ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per product (in `ids` order): the lead time of buying it, its spread, and where the
    figure comes from (observed receipts of the item, of the supplier, else the quote)."""
    per_item, per_supplier = observed_lead_times(db)
    days, sd = np.zeros(len(ids)), np.zeros(len(ids))
    text = np.empty(len(ids), dtype=object)
    for j, p in enumerate(ids):
        offer = offers.get(p)
        if offer is None:
            days[j], sd[j], text[j] = 14.0, 0.0, "no supplier offer: 14 days assumed"
            continue
        obs = per_item.get((offer.supplier_id, p))
        sup = per_supplier.get(offer.supplier_id)
        if obs and obs.receipts >= MIN_RECEIPTS:
            days[j], sd[j] = obs.mean, obs.sd
            text[j] = f"observed over {obs.receipts} receipts of this item from {offer.supplier}"
        elif sup and sup.receipts >= MIN_RECEIPTS:
            days[j], sd[j] = sup.mean, sup.sd
            text[j] = f"observed over {sup.receipts} receipts from {offer.supplier}"
        else:
            days[j], sd[j] = offer.lead, 0.0
            text[j] = f"quoted by {offer.supplier} (fewer than {MIN_RECEIPTS} receipts)"
    return days, sd, text


# How a column of the lines becomes a line's values, and how two lists' columns are
# compared (a line is reused only when every one of its values is the same).
_FLOAT, _INT, _WHOLE, _BOOL, _TEXT, _OBJ, _DATE, _MAYBE, _ROW = range(9)


def _values(kind: int, col: np.ndarray) -> list:
    if kind == _INT:
        return [int(x) for x in col.tolist()]
    if kind == _WHOLE:  # quantities read from integer columns: the ints the driver gave
        return [int(x) if x.is_integer() else x for x in col.tolist()]
    if kind == _BOOL:
        return [bool(x) for x in col.tolist()]
    if kind == _TEXT:
        return [str(x) for x in col.tolist()]
    if kind == _DATE:
        return [None if x < 0 else date.fromordinal(x) for x in col.tolist()]
    if kind == _MAYBE:
        return [None if x != x else x for x in col.tolist()]  # NaN: none
    if kind == _ROW:
        return [tuple(r) for r in col.tolist()]
    return col.tolist()  # _FLOAT, _OBJ


def _same(kind: int, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    if a.dtype.kind == "f":  # bit for bit: NaN equals NaN, -0.0 is not 0.0
        same = a.view(np.int64) == b.view(np.int64)
        return same.all(axis=1) if kind == _ROW else same
    return np.asarray(a == b, dtype=bool)


@dataclass
class _Built:
    """The last list computed from one database: its keys, columns and lines."""

    codes: np.ndarray
    columns: list[tuple[int, np.ndarray, np.ndarray]]  # (kind, values, compared as)
    lines: list[ReorderLine]


_LAST: dict[tuple[str, str], _Built] = {}
_FIELDS = ReorderLine.__struct_fields__


def _build_lines(db: pw.Database, codes: np.ndarray,
                 columns: dict[str, tuple[int, np.ndarray, np.ndarray]]) -> list[ReorderLine]:
    """The lines from their columns (one entry per field of ReorderLine), reusing the lines
    of the last list from this database whose every value is unchanged: a recompute after
    a scan builds only the lines it moved."""
    assert tuple(columns) == _FIELDS, "a column per field of ReorderLine, in order"
    cols = list(columns.values())
    n = len(codes)
    key = (type(db).__name__, str(db.database))
    last = _LAST.get(key)
    reuse = np.zeros(n, bool)
    old = np.full(n, -1, np.int64)
    if last is not None:
        old = _lookup(last.codes, codes)
        reuse = old >= 0
        at = np.maximum(old, 0)
        for (kind, _, cmp), (_, _, before) in zip(cols, last.columns, strict=True):
            if not reuse.any():
                break
            reuse &= _same(kind, cmp, before[at])
    out: list[ReorderLine | None] = [None] * n
    if last is not None:
        for i, j in zip(np.flatnonzero(reuse).tolist(), old[reuse].tolist(), strict=True):
            out[i] = last.lines[j]
    todo = np.flatnonzero(~reuse)
    if len(todo):
        values = [_values(kind, col[todo]) for kind, col, _ in cols]
        for i, row in zip(todo.tolist(), zip(*values, strict=True), strict=True):
            out[i] = ReorderLine(*row)
    lines: list[ReorderLine] = out  # type: ignore[assignment]  # every row filled above
    _LAST[key] = _Built(codes, cols, lines)
    return lines


def _compute(db: pw.Database, today: date, cfg: ReorderSettings) -> list[ReorderLine]:
    locs = stocking_locations(db)
    partners = [lid for lid, (_, _, kind) in locs.items() if kind in m.PARTNER_KINDS]
    lanes = transfer_lanes(locs, db)
    book = committed.load(today)  # approved requests: demand with a date
    prods = stocked_products(book.products(), db)
    spare_devices = [pid for pid, row in prods.items() if row[2] == "device"]

    start, end = month_start(today, cfg.history_months), month_start(today)
    win = demand_table.window(db, today, partners, spare_devices, cfg.history_months,
                              days=(end - start).days)
    stock = position_table(db, spare_devices, book.reserved_devices)

    # the rows: every (product, location) with demand, a position or committed demand,
    # of a planned product at a stocking location; in (product, location) order
    win_codes = key_codes(win.keys)
    codes = np.unique(np.concatenate([win_codes, stock.codes, key_codes(book.keys())]))
    prod_ids = np.array(sorted(prods), np.int64)
    loc_ids = np.array(sorted(locs), np.int64)
    codes = codes[np.isin(codes >> KEY_SHIFT, prod_ids)
                  & np.isin(codes & LOCATION_MASK, loc_ids)]
    if not len(codes):
        return []
    n = len(codes)
    pid, lid = codes >> KEY_SHIFT, codes & LOCATION_MASK
    pi = np.searchsorted(prod_ids, pid)  # each row's product, as an index into prod_ids
    li = np.searchsorted(loc_ids, lid)
    ids = prod_ids.tolist()
    prow = [prods[p] for p in ids]
    take = _lookup(win_codes, codes)
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
        keys = list(zip(pid.tolist(), lid.tolist(), strict=True))
        wanted = sorted({keys[i][0] for i in np.concatenate([fast, mixed]).tolist()})
        hist = read_demand(db, start, end, partners, spare_devices, products=wanted)
        if len(fast):
            wdemand = hist.weekly([keys[i] for i in fast], weeks)
        if len(mixed):
            exact = hist.moments([keys[i] for i in mixed])
            for name in ("count", "total", "square", "cube"):
                getattr(moments, name)[mixed] = getattr(exact, name)

    # installed-base prior for low-confidence devices, spread over their locations
    installed = _installed(db, spare_devices) if spare_devices else {}
    base_rate = np.array([installed[p] * r[6] / 12 if r[6] and p in installed else np.nan
                          for p, r in zip(ids, prow, strict=True)])
    prior = base_rate[pi] / np.bincount(pi, minlength=len(ids))[pi]
    minimum = np.array([np.nan if r[4] is None else r[4] for r in prow], float)[pi]
    eol = np.array([bool(r[7]) for r in prow], bool)[pi]
    offers = best_offers(db)
    targets = _targets(db, pid, prods, offers, demand, cfg.service_level)
    level = targets.level

    # How each line will be filled decides its lead time (and so its safety stock, reorder
    # point and order-by date): the lane of the 3PL / MSP that ships or is waited for, else
    # the supplier's lead time when the site buys direct.
    buy_days, buy_sd, buy_text = _buying_lead(db, ids, offers)
    routes = _routes(pid, lid, lanes, stock, locs, buy_days[pi], _next_expected(db, today))
    by_lane = ~np.isnan(routes.lane_days)
    lead = np.where(by_lane, routes.lane_days, buy_days[pi])
    lead_sd = np.where(by_lane, 0.0, buy_sd[pi])
    partner_code = {src: locs[src][0] for src in locs}
    lead_src = buy_text[pi]
    for src, code in partner_code.items():
        lead_src[by_lane & (routes.partner == src)] = f"transfer lane from {code}"

    # buying terms: the unit's value (offer price, else the product's cost), pack size and
    # minimum order of how the line is filled (a transfer: single units)
    offer_of = [offers.get(p) for p in ids]
    has_offer = np.array([o is not None for o in offer_of], bool)[pi]
    price_of = np.array([o.price if o else r[3] for o, r in zip(offer_of, prow, strict=True)],
                        dtype=object)
    unit_of = np.array([float(x) for x in price_of.tolist()])
    value = np.array([float(o.price) if o else float(r[3] or 0)
                      for o, r in zip(offer_of, prow, strict=True)])[pi]
    transfer = routes.action == _TRANSFER
    by_offer = has_offer & ~transfer
    row_pack = np.where(by_offer, np.array([o.pack if o else 1 for o in offer_of],
                                           float)[pi], 1.0)
    row_min = np.where(by_offer, np.array([o.minimum if o else 1 for o in offer_of],
                                          float)[pi], 1.0)
    row_holding = (cfg.holding_rate * value if cfg.holding_rate and cfg.order_cost is not None
                   else None)
    est = _estimate_cached(
        demand, lead, lead_sd, level, eol, prior, minimum, fast, wdemand, moments, value,
        row_pack, row_min, row_holding, cfg)
    rate, rop = est.rate, est.reorder_point

    # Every figure of the lines as arrays; the lines themselves are built last.
    at = stock.find(codes)
    on_hand, reserved, on_order, in_transit = (stock.take(f, at) for f in (
        "on_hand", "reserved", "on_order", "in_transit"))
    position = on_hand + on_order + in_transit - reserved
    alert = (rop > 0) & (position <= rop)
    shortfall = np.maximum(rop - position, 0.0)
    unit = unit_of[pi]
    holding = (cfg.holding_rate * unit if cfg.holding_rate and cfg.order_cost is not None
               else None)
    qty = order_quantities(rate, shortfall, cover_months=cfg.cover_months,
                           order_cost=cfg.order_cost, holding_cost=holding,
                           minimum_order=row_min, pack_size=row_pack)
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
    stockout = np.where(moving, base + stockout_days, -1)
    order_by = np.where(moving, base + order_days, np.where(alert, base, -1))

    # the source and the quantity: a transfer takes at most what its partner holds; a
    # wait orders nothing
    supplier = np.array([o.supplier if o else "" for o in offer_of], dtype=object)[pi]
    code_of = np.array([partner_code.get(int(x), "") for x in routes.partner.tolist()],
                       dtype=object) if len(partner_code) else np.full(n, "", dtype=object)
    source = np.where(routes.action == _BUY, supplier, code_of)
    quantity = np.trunc(qty)
    capped = ~np.isnan(routes.cap) & (quantity > routes.cap)
    quantity = np.where(capped, routes.cap, quantity)
    quantity[routes.action == _WAIT] = 0.0
    note = routes.note.copy()
    for i in np.flatnonzero(capped).tolist():
        note[i] = f"{source[i]} holds only {routes.cap[i]:.0f}: transfer all of it"

    names = np.array([r[1] for r in prow], dtype=object)
    kinds = np.array([r[2] for r in prow], dtype=object)
    loc_code = np.array([locs[x][0] for x in loc_ids.tolist()], dtype=object)
    loc_name = np.array([locs[x][1] for x in loc_ids.tolist()], dtype=object)
    supplier_id = np.array([o.supplier_id if o else None for o in offer_of], dtype=object)
    price = price_of[pi]
    price_key = np.array([str(x) for x in price_of.tolist()])[pi]  # Decimal 0 ≠ 0.00 in text
    targets_src = np.array(targets.source, dtype=object)

    def col(kind: int, values: np.ndarray, compared: np.ndarray | None = None
            ) -> tuple[int, np.ndarray, np.ndarray]:
        return kind, values, values if compared is None else compared

    columns = {
        "product_id": col(_INT, pid), "product": col(_OBJ, names[pi]),
        "product_kind": col(_OBJ, kinds[pi]), "location_id": col(_INT, lid),
        "location": col(_OBJ, loc_code[li]), "location_name": col(_OBJ, loc_name[li]),
        "action": col(_OBJ, ACTIONS[routes.action]), "source": col(_OBJ, source),
        "supplier": col(_OBJ, supplier), "supplier_id": col(_OBJ, supplier_id[pi]),
        "demand_per_month": col(_FLOAT, rate), "demand_sd_per_month": col(_FLOAT, est.sd),
        "demand_class": col(_TEXT, est.kind), "forecast_method": col(_TEXT, est.method),
        "low_confidence": col(_BOOL, est.low_confidence), "bucket": col(_TEXT, est.bucket),
        "lead_time_days": col(_FLOAT, lead), "lead_time_sd_days": col(_FLOAT, lead_sd),
        "lead_time_source": col(_OBJ, lead_src), "service_level": col(_FLOAT, level),
        "safety_stock": col(_FLOAT, est.safety_stock), "reorder_point": col(_FLOAT, rop),
        "rop_method": col(_TEXT, est.rop_method), "on_hand": col(_WHOLE, on_hand),
        "reserved": col(_WHOLE, reserved), "on_order": col(_WHOLE, on_order),
        "on_order_draft": col(_WHOLE, stock.take("on_order_draft", at)),
        "in_transit": col(_WHOLE, in_transit), "position": col(_FLOAT, position),
        "alert": col(_BOOL, alert), "quantity": col(_INT, quantity),
        "quantity_basis": col(_OBJ, np.where(eoq, "eoq", "cover").astype(object)),
        "pack_size": col(_INT, row_pack), "min_order": col(_INT, row_min),
        "unit_price": col(_OBJ, price, price_key), "order_by": col(_DATE, order_by),
        "stockout": col(_DATE, stockout), "days_of_cover": col(_MAYBE, cover),
        "note": col(_OBJ, note), "history": col(_ROW, demand),
        "target_source": col(_OBJ, targets_src),
        "commitments": col(_OBJ, _empty_tuples(n)),
        "item_service": col(_FLOAT, est.item_level),
    }
    return book.apply(_build_lines(db, codes, columns), today)


def _empty_tuples(n: int) -> np.ndarray:
    out = np.empty(n, dtype=object)
    out[:] = [()] * n
    return out
