"""Benchmark: the replenishment math for 5,000 products × 4 locations × 24 monthly buckets.

    .venv/bin/python bench/bench_forecast.py [--products 5000] [--locations 4] [--repeat 5]

Times classify + forecast (method chosen per series, rate and spread) +
reorder points (distribution chosen per series, with lead-time variability and
an undershoot allowance) + order quantities, on seeded demand of mixed classes.
The database part of the reorder list is not included. Target: the whole
reorder list in ≤ 2 s (issue 5), so the math should take well under 1 s.
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np

from inventory.replenishment import (
    choose_forecasts,
    reorder_points,
    undershoot_from_moments,
)

TARGET_SECONDS = 1.0
MONTHS = 24


def make_inputs(series: int, seed: int = 1) -> dict[str, np.ndarray]:
    """Monthly demand of mixed classes, lead times and demand-size moments."""
    rng = np.random.default_rng(seed)
    rate = rng.lognormal(0.5, 1.5, (series, 1))  # events per month
    occurs = rng.random((series, MONTHS)) < np.minimum(rate, 1.0)
    lumpy = rng.random((series, 1)) < 0.4
    size = np.where(
        lumpy,
        np.ceil(rng.lognormal(1.0, 1.0, (series, MONTHS))),
        rng.poisson(np.maximum(rate, 0.2)) + 1,
    )
    demand = (occurs * size).astype(float)
    demand[rng.random(series) < 0.05] = 0.0  # some items with no demand at all
    # Demand sizes per day, as the ledger would give them: E[X], E[X²], E[X³].
    m1 = np.where(lumpy[:, 0], 4.0, 1.5)
    return {
        "demand": demand,
        "end_of_life": rng.random(series) < 0.03,
        "lead_time": rng.uniform(0.2, 2.0, series),  # months
        "sd_lead_time": rng.uniform(0.0, 0.5, series),
        "m1": m1,
        "m2": m1 * m1 * np.where(lumpy[:, 0], 3.0, 1.3),
        "m3": m1**3 * np.where(lumpy[:, 0], 15.0, 2.0),
    }


def reorder_math(x: dict[str, np.ndarray], service_level: float = 0.95) -> dict[str, np.ndarray]:
    """Everything the reorder list needs from the math, for all series at once."""
    forecast = choose_forecasts(x["demand"], end_of_life=x["end_of_life"])
    u_mean, u_sd = undershoot_from_moments(x["m1"], x["m2"], x["m3"])
    rop = reorder_points(
        forecast.rate, forecast.sd, x["lead_time"], x["sd_lead_time"], service_level, u_mean, u_sd
    )
    # Order quantity: 3 months of cover, rounded up to whole units (vectorised
    # form of order_quantity for the benchmark; the list calls it per alert line).
    lot = np.ceil(forecast.rate * 3.0 - 1e-9)
    return {"method": forecast.method, "rop": rop.reorder_point, "lot": lot}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--products", type=int, default=5000)
    parser.add_argument("--locations", type=int, default=4)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    series = args.products * args.locations
    x = make_inputs(series)
    times = []
    for _ in range(args.repeat):
        began = time.perf_counter()
        out = reorder_math(x)
        times.append(time.perf_counter() - began)
    methods = dict(zip(*np.unique(out["method"], return_counts=True), strict=True))
    print(
        f"{args.products} products × {args.locations} locations = {series} series "
        f"× {MONTHS} months"
    )
    print("methods: " + ", ".join(f"{k} {v}" for k, v in methods.items()))
    best, median = min(times), statistics.median(times)
    print(
        f"classify + forecast + reorder points: best {best:.3f} s, median {median:.3f} s "
        f"over {args.repeat} runs (target ≤ {TARGET_SECONDS:.1f} s for the math; "
        f"≤ 2 s for the whole reorder list)"
    )
    return 0 if median <= TARGET_SECONDS else 1


if __name__ == "__main__":
    raise SystemExit(main())
