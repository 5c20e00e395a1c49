"""The intermittent items' own lead-time demand: known answers on hand-made histories."""

from __future__ import annotations

import numpy as np
import pytest

from inventory.replenishment.empirical import (
    empirical_reorder_points,
    lead_time_grid,
    undershoot_pmf,
)
from inventory.replenishment.estimate import EMPIRICAL, class_reorder_points


def test_lead_time_grid_spreads_whole_days_over_the_observed_spread():
    assert lead_time_grid([10.0], [0.0]).tolist() == [[10, 10, 10, 10, 10]]
    # 10 ± 2 days at the 10/30/50/70/90 % points of a normal: 7.4, 9.0, 10, 11.0, 12.6
    assert lead_time_grid([10.0], [2.0]).tolist() == [[7, 9, 10, 11, 13]]
    assert lead_time_grid([0.2], [0.0]).tolist() == [[1, 1, 1, 1, 1]]


def test_undershoot_of_unit_demand_is_zero_and_of_pairs_is_counted():
    # Only ones: the trigger lands on the reorder point. Sizes 1 and 3 (mean 2):
    # P(U=0) = P(X>0)/2 = 1/2, P(U=1) = P(X>1)/2 = 1/4, P(U=2) = P(X>2)/2 = 1/4.
    daily = np.array([[1, 0, 1, 0], [1, 0, 3, 0]])
    pmf = undershoot_pmf(daily, 4)
    assert pmf[0].tolist() == [1.0, 0.0, 0.0, 0.0]
    assert pmf[1].tolist() == [0.5, 0.25, 0.25, 0.0]


def test_one_unit_every_ten_days_counted_by_hand():
    """One unit on every 10th day (days 0, 10, 20, ...); lead time 5 days exactly.
    Windows [t, t+5) start every other day: t ending in 0, 6 or 8 hold a demand day,
    t ending in 2 or 4 do not, so P(D = 0) = 0.4 and P(D = 1) = 0.6. Sizes are all 1:
    no undershoot. At 95 % the reorder point is 1. At 45 %, 0 is 5 points short (counted
    twice: 10) and 1 is 55 over: 0. At 80 %, 0 is 40 short (80) and 1 is 20 over: 1."""
    daily = np.zeros((1, 400))
    daily[0, ::10] = 1
    got = [empirical_reorder_points(daily, 5.0, 0.0, level, undershoot=False)[0]
           for level in (0.95, 0.45, 0.80)]
    assert got == [1.0, 0.0, 1.0]


def test_a_lumpy_day_is_in_the_tail():
    """Demand of 1 every 10 days, and once 12 (day 203). Of the 198 windows of 5 days,
    2 hold the 12 (one of them with a unit too): 1 % of them. At 95 % the reorder point
    is 1; at 99.5 % it must hold the 12."""
    daily = np.zeros((1, 400))
    daily[0, ::10] = 1
    daily[0, 203] = 12
    low = empirical_reorder_points(daily, 5.0, 0.0, 0.95, undershoot=False)[0]
    high = empirical_reorder_points(daily, 5.0, 0.0, 0.995, undershoot=False)[0]
    assert low == 1.0
    assert high >= 12.0


def test_too_short_a_history_is_left_to_the_fitted_model():
    daily = np.ones((1, 40))
    assert np.isnan(empirical_reorder_points(daily, 20.0, 0.0, 0.95)[0])


def test_class_rule_uses_the_history_for_intermittent_rows_only():
    rng = np.random.default_rng(4)
    days = 730
    daily = np.zeros((2, days))
    daily[0] = rng.poisson(2.0, days)  # smooth
    daily[1, rng.choice(days, 20, replace=False)] = 1  # intermittent
    r = class_reorder_points(["smooth", "intermittent"], [60.0, 0.8], [8.0, 0.9],
                             [10.0, 10.0], [2.0, 2.0], 0.95, period_days=30.0, daily=daily)
    assert r.method[0] != EMPIRICAL and r.method[1] == EMPIRICAL
    window = empirical_reorder_points(daily[1:], 10.0, 2.0, 0.95)[0]
    assert r.reorder_point[1] == window
    assert r.safety_stock[1] == pytest.approx(window - r.mean_lead_time_demand[1])


def test_service_level_out_of_range_is_refused():
    with pytest.raises(ValueError, match="between 0 and 1"):
        empirical_reorder_points(np.ones((1, 400)), 5.0, 0.0, 1.0)
