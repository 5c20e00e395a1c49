"""The compound lead-time demand of erratic, lumpy and intermittent items, and the
class target met together: known answers on hand-made histories."""

from __future__ import annotations

import numpy as np
import pytest

from inventory.replenishment.allocate import FLOOR_POINTS, allocate
from inventory.replenishment.compound import (
    LEVELS,
    DayMoments,
    compound_candidates,
    lead_time_grid,
    varied_sizes,
)
from inventory.replenishment.estimate import COMPOUND, class_reorder_points, families


def test_lead_time_grid_spreads_whole_days_over_the_observed_spread():
    assert lead_time_grid([10.0], [0.0]).tolist() == [[10, 10, 10, 10, 10]]
    # 10 ± 2 days at the 10/30/50/70/90 % points of a normal: 7.4, 9.0, 10, 11.0, 12.6
    assert lead_time_grid([10.0], [2.0]).tolist() == [[7, 9, 10, 11, 13]]
    assert lead_time_grid([0.2], [0.0]).tolist() == [[1, 1, 1, 1, 1]]


def test_day_moments_of_a_daily_matrix():
    m = DayMoments.of_daily([[1, 0, 3, 0], [0, 0, 0, 0]])
    assert m.count.tolist() == [2, 0] and m.total.tolist() == [4, 0]
    assert m.square.tolist() == [10, 0] and m.cube.tolist() == [28, 0] and m.days == 4


def test_one_unit_every_ten_days_counted_by_hand():
    """One unit on one day in ten; lead time 5 days exactly; sizes all 1, so no
    undershoot. Days with demand in the lead time: binomial (5, 0.1), P(0) = 0.9⁵ =
    0.59049, P(≤ 1) = 0.91854, P(≤ 2) = 0.99144. At 95 % the reorder point is 2, at
    90 % 1, at 50 % 0."""
    daily = np.zeros((1, 400))
    daily[0, ::10] = 1
    m = DayMoments.of_daily(daily)
    R, F = compound_candidates(["intermittent"], [0.1], m, [5.0], [0.0])
    at = {float(q): (int(r), f) for q, r, f in zip(LEVELS, R[0], F[0], strict=True)}
    assert at[0.95][0] == 2 and at[0.95][1] == pytest.approx(0.99144, abs=1e-4)
    assert at[0.9][0] == 1 and at[0.9][1] == pytest.approx(0.91854, abs=1e-4)
    assert at[0.5][0] == 0 and at[0.5][1] == pytest.approx(0.59049, abs=1e-4)


def test_the_forecast_sets_the_level_the_history_the_shape():
    """The same history with twice the forecast rate: twice as many days with demand
    expected, so a higher reorder point."""
    daily = np.zeros((1, 400))
    daily[0, ::10] = 1
    m = DayMoments.of_daily(daily)
    low, _ = compound_candidates(["intermittent"], [0.1], m, [10.0], [0.0])
    high, _ = compound_candidates(["intermittent"], [0.2], m, [10.0], [0.0])
    assert (high >= low).all() and high[0, 12] > low[0, 12]


def test_a_lumpy_item_holds_more_than_its_largest_demand_so_far_at_a_high_target():
    """Twelve demands in two years, sizes 2 to 40: at 99 % the reorder point covers more
    than one big demand (the class's spread and the uncertainty of twelve days)."""
    daily = np.zeros((1, 730))
    sizes = [2, 3, 5, 2, 40, 4, 8, 2, 15, 3, 6, 25]
    daily[0, np.linspace(10, 700, 12).astype(int)] = sizes
    m = DayMoments.of_daily(daily)
    R, _ = compound_candidates(["lumpy"], [sum(sizes) / 730], m, [20.0], [5.0])
    assert R[0, list(LEVELS).index(0.99)] > 40


def test_allocation_meets_the_group_target_with_less_stock_than_the_same_level_each():
    """Two items, the same cycles: a narrow one (service is cheap) and a wide one. Each
    at 95 % holds more than the pair at 95 % together, and the pair reaches 95 %."""
    narrow = np.array([[4, 5, 6, 7], [0.90, 0.95, 0.99, 0.999]])
    wide = np.array([[20, 30, 45, 70], [0.92, 0.95, 0.99, 0.999]])
    R = np.array([narrow[0], wide[0]], dtype=np.int64)
    F = np.array([narrow[1], wide[1]])
    pick, prices = allocate(R, F, np.ones(2), np.ones(2), np.array(["g", "g"]),
                            np.array([0.95, 0.95]))
    got = F[[0, 1], pick]
    assert got.mean() >= 0.95
    assert R[[0, 1], pick].sum() < 5 + 30
    assert got[0] > got[1]  # the cheap item gives the service
    assert got.min() >= 0.95 - FLOOR_POINTS  # and no item is given up
    # The price found prices a later re-estimate of one item the same way.
    again, _ = allocate(R[1:], F[1:], np.ones(1), np.ones(1), np.array(["g"]),
                        np.array([0.95]), prices)
    assert again[0] == pick[1]


def test_one_item_in_its_group_gets_its_plain_quantile():
    R = np.array([[1, 2, 3, 4]])
    F = np.array([[0.8, 0.93, 0.96, 0.99]])
    pick, _ = allocate(R, F, np.ones(1), np.ones(1), np.array(["g"]), np.array([0.95]))
    assert R[0, pick[0]] == 3


def test_class_rule_uses_the_compound_model_for_erratic_lumpy_and_intermittent_rows():
    rng = np.random.default_rng(4)
    days = 730
    daily = np.zeros((3, days))
    daily[0] = rng.poisson(2.0, days)  # smooth
    daily[1, rng.choice(days, 20, replace=False)] = 1  # intermittent
    daily[2, rng.choice(days, 3, replace=False)] = 0  # no demand at all
    r = class_reorder_points(["smooth", "intermittent", "intermittent"], [60.0, 0.8, 0.0],
                             [8.0, 0.9, 0.0], [10.0, 10.0, 10.0], [2.0, 2.0, 2.0], 0.95,
                             period_days=30.0, moments=DayMoments.of_daily(daily))
    assert r.method.tolist()[0] != COMPOUND and r.method[1] == COMPOUND
    assert r.method[2] != COMPOUND and r.reorder_point[2] == 0
    assert r.item_level is not None and r.item_level[1] >= 0.95
    assert r.safety_stock[1] == pytest.approx(r.reorder_point[1] - r.mean_lead_time_demand[1])


def test_the_undershoot_follows_the_lot_each_order_brings_the_position_up_by():
    """Three units every day, a one-day lead time: the lead time takes 3. Each order
    brings the position to r + 4: the next day takes it to r + 1, the one after to r − 2,
    so every trigger is 2 below r and r = 5 covers every cycle. Without the lot (the
    equilibrium undershoot, 0, 1 or 2 alike) 4 would cover two cycles in three."""
    m = DayMoments.of_daily(np.full((1, 100), 3.0))
    R, F = compound_candidates(["erratic"], [3.0], m, [1.0], [0.0], lot=[4])
    half = list(LEVELS).index(0.5)
    assert R[0, half] == 5 and F[0, half] == pytest.approx(1.0)
    R, F = compound_candidates(["erratic"], [3.0], m, [1.0], [0.0])
    assert R[0, half] == 4 and F[0, half] == pytest.approx(2 / 3, abs=1e-6)


def test_an_uncertain_level_raises_the_reorder_point_at_a_high_target():
    daily = np.zeros((1, 720))
    daily[0, ::6] = 2
    m = DayMoments.of_daily(daily)
    at = list(LEVELS).index(0.99)
    sure, _ = compound_candidates(["intermittent"], [1 / 3], m, [20.0], [4.0])
    unsure, _ = compound_candidates(["intermittent"], [1 / 3], m, [20.0], [4.0],
                                    level_var=[0.25])
    assert unsure[0, at] > sure[0, at]


def test_steady_and_varied_day_sizes():
    """A pack of 4 every time is steady, however few the days; sizes of 3 to 14 on eight
    days vary (their CV² of 0.3 is under 0.49, but eight days cannot tell steady sizes
    from a tail not yet seen); one or two units are steady."""
    def moments(sizes):
        daily = np.zeros((1, 720))
        daily[0, np.linspace(5, 700, len(sizes)).astype(int)] = sizes
        return DayMoments.of_daily(daily)
    assert not varied_sizes(moments([4] * 24))[0]
    assert varied_sizes(moments([3, 9, 5, 14, 4, 7, 3, 6]))[0]
    assert not varied_sizes(moments([1, 2, 1, 1, 2, 1, 1, 1]))[0]
    assert varied_sizes(moments([1, 1, 1, 9, 1, 1, 1, 1]))[0]  # CV² ≥ 0.49


def test_a_class_target_is_met_by_items_alike_in_how_often_and_how_big():
    """Monthly classes mix items: a 'lumpy' row whose days take one unit groups with the
    intermittent items, an 'intermittent' row whose days vary in size with the lumpy ones."""
    daily = np.zeros((4, 720))
    daily[0, ::40] = 1  # lumpy by months, steady single units by days
    daily[1, np.linspace(5, 700, 8).astype(int)] = [3, 9, 5, 14, 4, 7, 3, 6]
    daily[2, ::3] = 1
    daily[3, ::3] = [1, 9, 2, 30] * 60
    got = families(np.array(["lumpy", "intermittent", "smooth", "erratic"]),
                   DayMoments.of_daily(daily))
    assert got.tolist() == ["intermittent", "lumpy", "smooth", "erratic"]
