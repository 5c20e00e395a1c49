"""Rolling-origin replay: run a reorder rule day by day over real demand, all rows at once.

The input (:class:`ReplayInput`) is plain arrays read from the ledger by
:mod:`.backtest`: daily demand per row (an item at a stocking location), calendar month
edges, costs, pack sizes, and the lead times observed on purchase orders. Each replayed
day, for every row:

1. the rule is re-estimated from what was known that morning: demand of the complete
   calendar months before the day (the reorder list uses complete months only, so this
   part changes on the 1st) and lead times of the receipts before the day;
2. deliveries due that day arrive; a *cycle* ends with each delivery, and it was served
   when nothing was owed (no backorder) just before it;
3. the day's real demand is served from simulated stock; what is missing is owed and
   served from the next delivery (backordered), and counts against the fill rate;
4. when the position (stock − owed + on order) is at or below the reorder point an order
   is placed, sized as the reorder list sizes it; it arrives after a lead time drawn from
   the item's observed lead times (ordered at the end of the day, usable from the
   morning of day + lead + 1).

Each row starts at its rule's order-up-to level (reorder point + lot, or the max of a
min/max rule) with nothing on order. Draws use a fixed seed and each row's k-th order gets
the same draw whichever rule placed it, so two rules differ by their decisions only.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .compound import DayMoments
from .estimate import class_reorder_points, estimate, fast_movers
from .policy import ReorderPoints
from .quantity import order_quantities

SEED = 18
DRAWS_PER_ROW = 64
MIN_RECEIPTS = 3

Progress = Callable[[int, int], None]


@dataclass
class ReplayInput:
    """Everything the replay reads, as arrays over rows (see the module doc)."""

    daily: np.ndarray  # (rows, days) demand per day, oldest first
    month_edges: np.ndarray  # column of the 1st of each month; edges[0] == 0
    first: int  # column of the first replayed day
    unit_cost: np.ndarray
    pack: np.ndarray
    min_order: np.ndarray
    minimum: np.ndarray  # manual minimum per row (NaN: none)
    maximum: np.ndarray  # manual maximum per row (NaN: none)
    end_of_life: np.ndarray
    prior: np.ndarray  # installed-base prior per month (NaN: none)
    lane_days: np.ndarray  # transfer lane lead time (NaN: bought from a supplier)
    quoted: np.ndarray  # supplier's quoted lead time
    item_group: np.ndarray  # per row: index of its (supplier, product) pair, -1 none
    supplier: np.ndarray  # per row: supplier index, -1 none
    receipt_col: np.ndarray  # column on which each observed receipt was received
    receipt_group: np.ndarray
    receipt_supplier: np.ndarray
    receipt_days: np.ndarray  # ordered → received, days
    draw_pool: list[np.ndarray]  # per row: lead times to draw deliveries from (days)
    cover_months: float = 3.0
    order_cost: float | None = None
    holding_rate: float | None = None
    history_months: int = 24
    fast_mover_per_month: float = 30.0
    month_days: float = 365.25 / 12

    @property
    def rows(self) -> int:
        return self.daily.shape[0]

    @property
    def days(self) -> int:
        return self.daily.shape[1] - self.first


@dataclass
class RowOutcome:
    """Per row totals over the replay."""

    cycles: np.ndarray
    served_cycles: np.ndarray
    demand: np.ndarray
    short: np.ndarray  # units not served from stock on the day they were asked for
    stock_value: np.ndarray  # mean stock on hand at cost
    stock_units: np.ndarray  # mean units on hand
    orders: np.ndarray
    stockout_days: np.ndarray
    kind: np.ndarray  # demand class at the start of the replay
    level: np.ndarray  # target the rule was run at (NaN for a baseline)


class _Knowledge:
    """Observed lead times known on a given morning, per row (the reorder list's rule:
    the item's own receipts from its supplier once there are 3, else the supplier's,
    else the quote; a transfer lane's days for rows refilled by transfer)."""

    def __init__(self, data: ReplayInput) -> None:
        self.d = data
        groups = int(max(data.item_group.max(initial=-1), data.receipt_group.max(initial=-1))) + 1
        sups = int(max(data.supplier.max(initial=-1), data.receipt_supplier.max(initial=-1))) + 1
        self.g = np.zeros((3, max(groups, 1)))
        self.s = np.zeros((3, max(sups, 1)))
        order = np.argsort(data.receipt_col, kind="stable")
        self.col = data.receipt_col[order]
        self.grp = data.receipt_group[order]
        self.sup = data.receipt_supplier[order]
        self.val = data.receipt_days[order].astype(float)
        self.next = 0

    def advance(self, col: int) -> bool:
        """Take in the receipts received before column ``col``; True when any were new."""
        stop = int(np.searchsorted(self.col, col, side="left"))
        if stop == self.next:
            return False
        sl = slice(self.next, stop)
        for k, w in enumerate((np.ones(stop - self.next), self.val[sl], self.val[sl] ** 2)):
            np.add.at(self.g[k], self.grp[sl], w)
            np.add.at(self.s[k], self.sup[sl], w)
        self.next = stop
        return True

    def lead(self) -> tuple[np.ndarray, np.ndarray]:
        d = self.d
        gi, si = np.maximum(d.item_group, 0), np.maximum(d.supplier, 0)
        gn = np.where(d.item_group >= 0, self.g[0][gi], 0)
        sn = np.where(d.supplier >= 0, self.s[0][si], 0)

        def stats(table: np.ndarray, idx: np.ndarray, n: np.ndarray):
            safe = np.maximum(n, 1)
            mean = table[1][idx] / safe
            return mean, np.sqrt(np.maximum(table[2][idx] / safe - mean * mean, 0))

        g_mean, g_sd = stats(self.g, gi, gn)
        s_mean, s_sd = stats(self.s, si, sn)
        own, sup = gn >= MIN_RECEIPTS, sn >= MIN_RECEIPTS
        mean = np.where(own, g_mean, np.where(sup, s_mean, d.quoted))
        sd = np.where(own, g_sd, np.where(sup, s_sd, 0.0))
        lane = ~np.isnan(d.lane_days)
        return np.where(lane, d.lane_days, mean), np.where(lane, 0.0, sd)


def _order_quantity(rate: np.ndarray, shortfall: np.ndarray, data: ReplayInput,
                    rows: np.ndarray) -> np.ndarray:
    """The reorder list's quantity, vectorised: EOQ when costs are set, else cover; plus
    the shortfall; at least the minimum order; whole packs."""
    holding = (data.holding_rate * data.unit_cost[rows]
               if data.order_cost is not None and data.holding_rate else None)
    return order_quantities(rate, shortfall, cover_months=data.cover_months,
                            order_cost=data.order_cost, holding_cost=holding,
                            minimum_order=data.min_order[rows], pack_size=data.pack[rows])


class _Rule:
    """What a rule decides: a trigger level and an order size, refreshed on refits."""

    trigger: np.ndarray
    kind: np.ndarray | None  # demand class per row at the start (policy only)
    level: np.ndarray  # target per row (NaN for a baseline)

    def refit(self, col: int, month: int, knowledge: _Knowledge, lead_changed: bool) -> None:
        raise NotImplementedError

    def due(self, position: np.ndarray) -> np.ndarray:
        """Rows ordering today: the position at or below a positive trigger level."""
        return np.flatnonzero((self.trigger > 0) & (position <= self.trigger))

    def order(self, rows: np.ndarray, position: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def start_level(self) -> np.ndarray:
        raise NotImplementedError


class PolicyRule(_Rule):
    """Stockroom's reorder point, at the given service level per row."""

    def __init__(self, data: ReplayInput, level: np.ndarray | Callable[[np.ndarray], np.ndarray],
                 monthly: np.ndarray) -> None:
        self.d = data
        self.level_of = level if callable(level) else (lambda _year, lv=level: lv)
        self.monthly = monthly  # (rows, months) demand per calendar month
        self.kind: np.ndarray | None = None
        self.level = np.full(data.rows, np.nan)

    def _window(self, month: int) -> tuple[np.ndarray, int, int]:
        h = self.d.history_months
        lo = max(month - h, 0)
        y = self.monthly[:, lo:month]
        if y.shape[1] < h:  # not enough history yet: pad with zeros in front
            y = np.concatenate([np.zeros((y.shape[0], h - y.shape[1])), y], axis=1)
        return y, int(self.d.month_edges[lo]), int(self.d.month_edges[month])

    def refit(self, col: int, month: int, knowledge: _Knowledge, lead_changed: bool) -> None:
        d = self.d
        lead, lead_sd = knowledge.lead()
        if month != getattr(self, "_month", None):
            self._month = month
            y, start, end = self._window(month)
            fast = fast_movers(y, d.fast_mover_per_month)
            weekly = None
            if len(fast):
                weeks = int(d.history_months * d.month_days // 7)
                lo = max(end - 7 * weeks, 0)
                block = d.daily[fast, lo:end].astype(float)
                if block.shape[1] < 7 * weeks:
                    block = np.concatenate(
                        [np.zeros((len(fast), 7 * weeks - block.shape[1])), block], axis=1)
                weekly = block.reshape(len(fast), weeks, 7).sum(axis=2)
            self.moments = DayMoments.of_daily(d.daily[:, start:end])
            self.level = np.asarray(self.level_of(y[:, -12:].sum(axis=1)), float)
            every = np.arange(d.rows)
            est = estimate(y, lead, lead_sd, self.level, month_days=d.month_days,
                           end_of_life=d.end_of_life, prior_rate=d.prior, minimum=d.minimum,
                           fast=fast, weekly=weekly, moments=self.moments, cost=d.unit_cost,
                           lot=lambda rate: _order_quantity(rate, np.zeros(d.rows), d, every))
            self.rate, self.sd, self.kinds = est.rate, est.sd, est.kind
            self.multipliers = est.multipliers
            self.trigger = est.reorder_point
            self.lead = (lead, lead_sd)
            if self.kind is None:
                self.kind = est.kind.copy()
            return
        if not lead_changed:
            return
        old_lead, old_sd = self.lead
        changed = np.flatnonzero((np.abs(lead - old_lead) > 1e-9) | (np.abs(lead_sd - old_sd)
                                                                       > 1e-9))
        if not len(changed):
            return
        self.lead = (lead, lead_sd)
        self.trigger[changed] = self._reorder_points(changed, lead, lead_sd)

    def _reorder_points(self, rows: np.ndarray, lead: np.ndarray,
                        lead_sd: np.ndarray) -> np.ndarray:
        rate = self.rate[rows]
        rp: ReorderPoints = class_reorder_points(
            self.kinds[rows], rate, self.sd[rows], lead[rows], lead_sd[rows],
            self.level[rows], period_days=self.d.month_days,
            moments=self.moments.take(rows), cost=self.d.unit_cost[rows],
            lot=_order_quantity(rate, np.zeros(len(rows)), self.d, rows),
            multipliers=self.multipliers)
        rop = rp.reorder_point
        mn = self.d.minimum[rows]
        return np.where(np.isnan(mn), rop, np.maximum(rop, np.nan_to_num(mn)))

    def order(self, rows: np.ndarray, position: np.ndarray) -> np.ndarray:
        short = np.maximum(self.trigger[rows] - position, 0)
        return _order_quantity(self.rate[rows], short, self.d, rows)

    def start_level(self) -> np.ndarray:
        rows = np.arange(self.d.rows)
        return self.trigger + _order_quantity(self.rate, np.zeros(self.d.rows), self.d, rows)


class MinMaxRule(_Rule):
    """The user's baseline: their min/max where the product has a minimum (max = the
    product's maximum, else 2 × min), else one month of usage as min and two as max
    (usage: the mean of the last 12 complete months, whole units, refreshed monthly).
    Order up to max when the position is at or below min."""

    def __init__(self, data: ReplayInput, monthly: np.ndarray) -> None:
        self.d = data
        self.monthly = monthly
        self.kind = None
        self.level = np.full(data.rows, np.nan)

    def refit(self, col: int, month: int, knowledge: _Knowledge, lead_changed: bool) -> None:
        if month == getattr(self, "_month", None):
            return
        self._month = month
        usage = np.ceil(self.monthly[:, max(month - 12, 0):month].sum(axis=1) / 12 - 1e-9)
        own = ~np.isnan(self.d.minimum)
        self.trigger = np.where(own, np.nan_to_num(self.d.minimum), usage)
        top = np.where(np.isnan(self.d.maximum), 2 * self.trigger, self.d.maximum)
        self.top = np.where(own, np.maximum(top, self.trigger), 2 * usage)

    def order(self, rows: np.ndarray, position: np.ndarray) -> np.ndarray:
        wanted = np.maximum(self.top[rows] - position, self.d.min_order[rows])
        pack = self.d.pack[rows]
        return np.ceil(wanted / pack - 1e-9) * pack

    def start_level(self) -> np.ndarray:
        return self.top.copy()


def monthly_matrix(data: ReplayInput) -> np.ndarray:
    """Demand per calendar month (rows, months) from the daily matrix and the month edges."""
    edges = np.append(data.month_edges, data.daily.shape[1])
    csum = np.zeros((data.rows, data.daily.shape[1] + 1))
    np.cumsum(data.daily, axis=1, out=csum[:, 1:])
    return csum[:, edges[1:]] - csum[:, edges[:-1]]


def replay(data: ReplayInput, rule: _Rule, progress: Progress | None = None) -> RowOutcome:
    """Run ``rule`` over the replay window of ``data`` (see the module doc)."""
    n, days = data.rows, data.days
    knowledge = _Knowledge(data)
    draws = np.random.default_rng(SEED).random((n, DRAWS_PER_ROW))
    size = np.array([len(p) for p in data.draw_pool], np.int64)
    start = np.concatenate([[0], np.cumsum(size)[:-1]]).astype(np.int64)
    flat = np.concatenate(data.draw_pool) if size.sum() else np.zeros(0)
    pools = (flat, start, size)
    longest = int(flat.max(initial=1))
    longest = max(longest, int(np.nan_to_num(data.lane_days).max(initial=0)),
                  int(data.quoted.max(initial=0))) + 2
    arrivals = np.zeros((days + longest + 1, n))
    placed = np.zeros(n, np.int64)
    month_of = np.searchsorted(data.month_edges, np.arange(data.daily.shape[1]), side="right") - 1

    out = {k: np.zeros(n) for k in ("cycles", "served", "short", "value", "units", "orders",
                                     "out_days")}
    knowledge.advance(data.first)
    rule.refit(data.first, int(month_of[data.first]), knowledge, True)
    net = rule.start_level().astype(float)
    on_order = np.zeros(n)
    cost = data.unit_cost
    for day in range(days):
        col = data.first + day
        new = knowledge.advance(col) if day else False
        rule.refit(col, int(month_of[col]), knowledge, new)
        arriving = arrivals[day]
        got = np.flatnonzero(arriving)
        if len(got):
            out["cycles"][got] += 1
            out["served"][got] += net[got] >= 0
            net[got] += arriving[got]
            on_order[got] -= arriving[got]
        demand = data.daily[:, col]
        from_stock = np.minimum(demand, np.maximum(net, 0))
        short = demand - from_stock
        out["short"] += short
        net -= demand
        on_hand = np.maximum(net, 0)
        out["units"] += on_hand
        out["value"] += on_hand * cost
        out["out_days"] += (short > 0) | (net < 0)
        position = net + on_order
        due = rule.due(position)
        if len(due):
            qty = rule.order(due, position[due])
            keep = qty > 0
            due, qty = due[keep], qty[keep]
            lead = _draw(data, due, placed[due], draws, pools)
            placed[due] += 1
            np.add.at(arrivals, (np.minimum(day + lead + 1, len(arrivals) - 1), due), qty)
            on_order[due] += qty
            out["orders"][due] += 1
        if progress is not None:
            progress(day + 1, days)
    window = data.daily[:, data.first:]
    return RowOutcome(
        cycles=out["cycles"], served_cycles=out["served"], demand=window.sum(axis=1),
        short=out["short"], stock_value=out["value"] / max(days, 1),
        stock_units=out["units"] / max(days, 1), orders=out["orders"],
        stockout_days=out["out_days"],
        kind=rule.kind if rule.kind is not None else np.full(n, ""),
        level=np.asarray(rule.level, float))


def _draw(data: ReplayInput, rows: np.ndarray, k: np.ndarray, draws: np.ndarray,
          pools: tuple[np.ndarray, np.ndarray, np.ndarray]) -> np.ndarray:
    """Lead time of each row's k-th order: one of its observed lead times, chosen by the
    row's k-th seeded draw; the lane's days or the quote when nothing was observed."""
    flat, start, size = pools
    u = draws[rows, k % DRAWS_PER_ROW]
    has = size[rows] > 0
    pick = start[rows] + np.minimum((u * size[rows]).astype(np.int64),
                                    np.maximum(size[rows] - 1, 0))
    fixed = np.where(np.isnan(data.lane_days[rows]), data.quoted[rows], data.lane_days[rows])
    value = np.where(has, flat[np.minimum(pick, max(len(flat) - 1, 0))] if len(flat) else 0,
                     fixed)
    return np.maximum(np.rint(value), 0).astype(np.int64)
