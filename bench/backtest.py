"""Backtest: replay a year of simulated daily demand with the reorder policy placing orders.

    .venv/bin/python bench/backtest.py [--items 1200] [--seed 5] [--cover-months 1]

Simulation (seeded, repeatable):

- Items of four kinds in equal numbers, daily demand drawn per item: smooth
  (Poisson every day), erratic (frequent demand, lognormal sizes), intermittent
  (rare demand of 1-2 units), lumpy (rare demand, lognormal sizes).
- 24 months (720 days) of history, then 360 days replayed (12 months of 30 days).
- Each item has a supplier's quoted lead time (5-30 days); actual lead times are
  drawn from a gamma distribution around it (coefficient of variation 0.3).
  The policy uses the observed mean and sd of receipts (6 receipts from before
  the replay, then every delivery); unmet demand is backordered.

Policy under test (review daily, refit monthly): every 30 days the forecast
chooser is refitted on the trailing 24 monthly buckets, and reorder points are
recomputed for the target cycle service level by the reorder list's own rule
(:func:`inventory.replenishment.estimate.class_reorder_points`): smooth items
Poisson / negative binomial / normal chosen per item, with the undershoot allowance;
erratic, lumpy and intermittent items from the compound distribution of their demand
days and sizes (:mod:`inventory.replenishment.compound`), each class meeting the
target together at the least stock (:mod:`inventory.replenishment.allocate`).
Each day, when the inventory position (on hand + on order − backorders)
is at or below the reorder point, an order is placed for ``cover_months`` of
forecast plus the shortfall below the reorder point. "before" rows run the rule as
it was before issue 18 (every class on the fitted model), on the same world and
the same lead-time draws, for the stock comparison. Classes in the table are the
kinds the demand was generated as; the policy only sees its own classification.

Lead times: each item's k-th order gets the same draw in every run (common random
numbers), so two runs differ by their decisions only.

Baseline, as IT asset tools do today: min = the average monthly usage of the
last 12 months rounded to a round number, max = 2 × min, order up to max when
the position is at or below min; set once, no lead-time awareness. A second
baseline row sizes min at 2 months of usage, to compare at similar stock.

Cycle service level achieved: a replenishment cycle ends at each delivery; it
counts as served when there was no backorder just before that delivery.
"""

from __future__ import annotations

import argparse
import math
import time
from dataclasses import dataclass

import numpy as np

from inventory.replenishment import (
    choose_forecasts,
    order_quantity,
    reorder_points,
    undershoot_from_moments,
)
from inventory.replenishment.compound import DayMoments
from inventory.replenishment.estimate import class_reorder_points

MONTH = 30
HISTORY_MONTHS = 24
REPLAY_DAYS = 360
KINDS = ("smooth", "erratic", "intermittent", "lumpy")
LEAD_TIME_CV = 0.3
PAST_RECEIPTS = 6


@dataclass
class World:
    demand: np.ndarray  # (items, history + replay days), integer units
    kind: np.ndarray  # generated kind per item
    quoted_lead_time: np.ndarray  # days
    seed: int

    @property
    def start(self) -> int:
        return HISTORY_MONTHS * MONTH

    def lead_times(self, rng: np.random.Generator, items: np.ndarray) -> np.ndarray:
        shape = 1.0 / LEAD_TIME_CV**2
        drawn = rng.gamma(shape, self.quoted_lead_time[items] / shape)
        return np.maximum(1, np.rint(drawn)).astype(int)

    def lead_time_table(self, seed_offset: int, orders: int = 400) -> np.ndarray:
        """Lead times of each item's 1st, 2nd, ... order: the same for every policy replayed
        (common random numbers), so two policies differ by their decisions, not by luck."""
        rng = np.random.default_rng(self.seed * 7919 + seed_offset)
        n = len(self.kind)
        return np.stack([self.lead_times(rng, np.arange(n)) for _ in range(orders)], axis=1)


def simulate_world(items: int, seed: int) -> World:
    rng = np.random.default_rng(seed)
    days = HISTORY_MONTHS * MONTH + REPLAY_DAYS
    kind = np.array([KINDS[i % 4] for i in range(items)])
    demand = np.zeros((items, days), dtype=np.int64)
    for i, k in enumerate(kind):
        if k == "smooth":
            demand[i] = rng.poisson(rng.uniform(0.3, 3.0), days)
        elif k == "erratic":
            hits = rng.random(days) < rng.uniform(0.08, 0.2)
            demand[i] = hits * np.ceil(rng.lognormal(rng.uniform(0.5, 1.5), 1.4, days))
        elif k == "intermittent":
            hits = rng.random(days) < rng.uniform(0.01, 0.03)
            demand[i] = hits * (1 + (rng.random(days) < 0.3))
        else:
            hits = rng.random(days) < rng.uniform(0.01, 0.03)
            demand[i] = hits * np.ceil(rng.lognormal(1.5, 1.0, days))
    quoted = rng.integers(5, 31, items).astype(float)
    return World(demand, kind, quoted, seed)


@dataclass
class Outcome:
    label: str
    cycles: np.ndarray  # per item: deliveries in the replay
    served: np.ndarray  # per item: deliveries with no backorder just before
    on_hand: np.ndarray  # per item: mean on-hand units over the replay
    units_demanded: np.ndarray
    units_short: np.ndarray  # demand not met from stock on the day
    orders: int


class Replay:
    """Daily replay shared by the policy and the baseline; subclasses decide orders."""

    label = ""

    def __init__(self, world: World, seed_offset: int) -> None:
        self.world = world
        self.rng = np.random.default_rng(world.seed * 1000 + seed_offset)
        n = world.demand.shape[0]
        self.lead_table = world.lead_time_table(1)
        self.placed = np.zeros(n, int)  # orders placed so far, per item
        self.net = np.zeros(n)  # on hand minus backorders
        self.on_order = np.zeros(n)
        self.arrivals = np.zeros((REPLAY_DAYS + 200, n))
        self.cycles = np.zeros(n, int)
        self.served = np.zeros(n, int)
        self.stock_sum = np.zeros(n)
        self.short = np.zeros(n)
        self.orders = 0
        self.deliveries: dict[int, list[tuple[np.ndarray, np.ndarray]]] = {}

    def order(self, day: int, items: np.ndarray, quantity: np.ndarray) -> None:
        keep = quantity > 0
        items, quantity = items[keep], quantity[keep]
        lead = self.lead_table[items, self.placed[items] % self.lead_table.shape[1]]
        self.placed[items] += 1
        # Ordered at the end of `day`, usable from the start of day + lead + 1:
        # `lead` days of demand fall inside the lead time.
        np.add.at(self.arrivals, (day + lead + 1, items), quantity)
        for arrival in np.unique(day + lead + 1):
            same = day + lead + 1 == arrival
            self.deliveries.setdefault(int(arrival), []).append((items[same], lead[same]))
        self.on_order[items] += quantity
        self.orders += items.size

    def decide(self, day: int, position: np.ndarray) -> None:
        raise NotImplementedError

    def receive(self, deliveries: list[tuple[np.ndarray, np.ndarray]]) -> None:
        """Hook for subclasses that learn from deliveries: (items, lead times) pairs."""

    def run(self) -> Outcome:
        w = self.world
        for day in range(REPLAY_DAYS):
            arriving = self.arrivals[day]
            got = np.flatnonzero(arriving)
            if got.size:
                self.cycles[got] += 1
                self.served[got] += self.net[got] >= 0
                self.net[got] += arriving[got]
                self.on_order[got] -= arriving[got]
                self.receive(self.deliveries.pop(day, []))
            today = w.demand[:, w.start + day]
            self.short += np.minimum(today, np.maximum(today - self.net, 0))
            self.net -= today
            self.stock_sum += np.maximum(self.net, 0)
            self.decide(day, self.net + self.on_order)
        return Outcome(
            self.label,
            self.cycles,
            self.served,
            self.stock_sum / REPLAY_DAYS,
            w.demand[:, w.start :].sum(axis=1).astype(float),
            self.short,
            self.orders,
        )


class Policy(Replay):
    """The Stockroom policy: forecast chooser + reorder points, refitted monthly."""

    def __init__(
        self, world: World, service_level: float, cover_months: float, undershoot: bool = True,
        empirical: bool = True,
    ) -> None:
        super().__init__(world, seed_offset=int(service_level * 1000))
        self.label = f"policy {service_level:.0%}" + ("" if undershoot else " no-U") + (
            "" if empirical else " before")
        self.service_level = service_level
        self.undershoot = undershoot
        self.empirical = empirical
        self.cover_months = cover_months
        n = world.demand.shape[0]
        # Receipts observed before the replay: count, sum, sum of squares (days).
        past = world.lead_time_table(2, PAST_RECEIPTS).T
        self.lt_n = np.full(n, float(PAST_RECEIPTS))
        self.lt_sum = past.sum(axis=0).astype(float)
        self.lt_sq = (past.astype(float) ** 2).sum(axis=0)
        self.refit(0)
        self.net[:] = self.rop + np.array([self.lot(i, 0.0) for i in range(n)])

    def lead_time_stats(self) -> tuple[np.ndarray, np.ndarray]:
        enough = self.lt_n >= 3
        mean = np.where(enough, self.lt_sum / self.lt_n, self.world.quoted_lead_time)
        var = (self.lt_sq - self.lt_n * mean**2) / np.maximum(self.lt_n - 1, 1)
        return mean, np.where(enough, np.sqrt(np.maximum(var, 0)), 0.0)

    def refit(self, day: int) -> None:
        w = self.world
        end = w.start + day
        history = w.demand[:, end - HISTORY_MONTHS * MONTH : end]
        monthly = history.reshape(history.shape[0], HISTORY_MONTHS, MONTH).sum(axis=2)
        self.forecast = choose_forecasts(monthly)
        lt_mean, lt_sd = self.lead_time_stats()
        # Daily demand sizes (the review period) give the undershoot allowance.
        sizes = history.astype(float)
        days_with_demand = np.maximum((sizes > 0).sum(axis=1), 1)
        u_mean, u_sd = undershoot_from_moments(
            *(np.sum(sizes**p, axis=1) / days_with_demand for p in (1, 2, 3))
        )
        if self.empirical:
            r = class_reorder_points(
                self.forecast.classification.kind, self.forecast.rate, self.forecast.sd,
                lt_mean, lt_sd, self.service_level, period_days=MONTH,
                moments=DayMoments.of_daily(history),
                lot=np.maximum(1, np.ceil(self.forecast.rate * self.cover_months - 1e-9)),
            )
        else:
            r = reorder_points(
                self.forecast.rate,
                self.forecast.sd,
                lt_mean / MONTH,
                lt_sd / MONTH,
                self.service_level,
                u_mean if self.undershoot else 0.0,
                u_sd if self.undershoot else 0.0,
            )
        self.rop = r.reorder_point
        self.methods = r.method

    def lot(self, item: int, shortfall: float) -> int:
        return order_quantity(
            float(self.forecast.rate[item]), cover_months=self.cover_months, shortfall=shortfall
        ).quantity

    def decide(self, day: int, position: np.ndarray) -> None:
        if day % MONTH == MONTH - 1:
            self.refit(day + 1)
        due = np.flatnonzero(position <= self.rop)
        if due.size:
            qty = np.array([self.lot(i, self.rop[i] - position[i]) for i in due], float)
            self.order(day, due, qty)

    def receive(self, deliveries: list[tuple[np.ndarray, np.ndarray]]) -> None:
        for items, lead in deliveries:
            np.add.at(self.lt_n, items, 1)
            np.add.at(self.lt_sum, items, lead)
            np.add.at(self.lt_sq, items, lead.astype(float) ** 2)


def round_number(x: float) -> int:
    """A round stock level near ``x``: whole units below 10, then multiples of 5, then of 10."""
    if x < 10:
        return max(1, math.ceil(x))
    step = 5 if x < 100 else 10
    return int(step * round(x / step))


class MinMax(Replay):
    """Baseline: fixed min = a round month's usage, max = 2 × min, order up to max."""

    def __init__(self, world: World, months: float = 1.0) -> None:
        super().__init__(world, seed_offset=1)
        self.label = "min/max baseline" if months == 1 else f"min/max {months:g} mo"
        last_year = world.demand[:, world.start - 360 : world.start]
        monthly = last_year.sum(axis=1) / 12.0
        self.minimum = np.array([round_number(months * m) for m in monthly], float)
        self.maximum = 2 * self.minimum
        self.net[:] = self.maximum

    def decide(self, day: int, position: np.ndarray) -> None:
        due = np.flatnonzero(position <= self.minimum)
        if due.size:
            self.order(day, due, self.maximum[due] - position[due])


def summarize(outcome: Outcome, world: World, target: float | None) -> list[str]:
    daily = world.demand[:, world.start :].mean(axis=1)
    rows = []
    for name, mask in [("all", np.ones(len(world.kind), bool))] + [
        (k, world.kind == k) for k in KINDS
    ]:
        cycles = outcome.cycles[mask].sum()
        csl = outcome.served[mask].sum() / cycles if cycles else float("nan")
        fill = 1 - outcome.units_short[mask].sum() / outcome.units_demanded[mask].sum()
        stock = outcome.on_hand[mask].sum()
        moving = mask & (daily > 0)
        cover = np.median(outcome.on_hand[moving] / daily[moving])
        aim = f"{target:6.1%}" if target is not None else "     -"
        rows.append(
            f"{outcome.label:<17} {name:<13} {aim}  {csl:6.1%}  {fill:6.1%}  "
            f"{cycles:6d}  {stock:9.0f}  {cover:6.1f}"
        )
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=1200)
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--cover-months", type=float, default=1.0)
    parser.add_argument(
        "--no-undershoot", action="store_true", help="also run without the undershoot allowance"
    )
    args = parser.parse_args(argv)

    began = time.perf_counter()
    world = simulate_world(args.items, args.seed)
    header = (
        f"{'run':<17} {'items':<13} {'target':>6}  {'CSL':>6}  {'fill':>6}  "
        f"{'cycles':>6}  {'avg stock':>9}  {'days':>6}"
    )
    print(
        f"{args.items} items ({', '.join(KINDS)}), seed {args.seed}, "
        f"{REPLAY_DAYS} days replayed after {HISTORY_MONTHS} months of history"
    )
    print("CSL: share of replenishment cycles without a stock-out; fill: demand met from stock;")
    print("avg stock: mean units on hand (sum over items); days: median days of demand on hand\n")
    print(header)
    print("-" * len(header))
    misses = []
    for target in (0.95, 0.90):
        outcome = Policy(world, target, args.cover_months).run()
        print("\n".join(summarize(outcome, world, target)))
        old = Policy(world, target, args.cover_months, empirical=False).run()
        print("\n".join(summarize(old, world, target)))
        if args.no_undershoot:
            plain = Policy(world, target, args.cover_months, undershoot=False).run()
            print("\n".join(summarize(plain, world, target)))
        for kind in KINDS:
            mask = world.kind == kind
            achieved = outcome.served[mask].sum() / outcome.cycles[mask].sum()
            if abs(achieved - target) > 0.01:
                misses.append(f"{kind} at {target:.0%}: achieved {achieved:.1%}")
        more = outcome.on_hand.sum() - old.on_hand.sum()
        if more > 0:
            misses.append(f"{target:.0%}: {more:,.0f} units more stock than before")
    for months in (1, 2):
        print("\n".join(summarize(MinMax(world, months).run(), world, None)))
    print(f"\nelapsed {time.perf_counter() - began:.1f} s")
    for miss in misses:
        print(f"MISSED (more than 1 point off, or more stock): {miss}")
    return 1 if misses else 0


if __name__ == "__main__":
    raise SystemExit(main())
