"""Reorder points, fill rate, EOQ and order quantities against textbook examples.

Worked examples are from S. Chopra and P. Meindl, *Supply Chain Management:
Strategy, Planning, and Operation*, 6th ed., Pearson 2016: chapter 11
("Managing Economies of Scale in a Supply Chain: Cycle Inventory") and
chapter 12 ("Managing Uncertainty in a Supply Chain: Safety Inventory").
Their figures are rounded as printed in the book.
"""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest

from inventory.replenishment import (
    choose_reorder_point,
    count_quantiles,
    cycle_service_level,
    eoq,
    expected_shortage,
    fill_rate,
    negative_binomial_reorder_point,
    normal_loss,
    order_quantity,
    poisson_reorder_point,
    reorder_point,
    reorder_points,
    undershoot,
    undershoot_from_moments,
)

# --- normal reorder point -------------------------------------------------------------


def test_chopra_lego_safety_inventory_for_a_cycle_service_level():
    """Ch. 12, Lego at Walmart: weekly demand N(2,500, 500), L = 2 weeks, CSL 90%.

    σ_L = √2 × 500 = 707; ss = NORMSINV(0.90) × 707 = 906; at 95% the book's
    spreadsheet gives 1,163.
    """
    r = reorder_point(2500, 500, 2, service_level=0.90)
    assert r.sd_lead_time_demand == pytest.approx(707, abs=0.5)
    assert r.safety_stock == pytest.approx(906, abs=0.5)
    assert r.reorder_point == pytest.approx(5906, abs=0.5)
    assert reorder_point(2500, 500, 2).safety_stock == pytest.approx(1163, abs=0.5)


def test_chopra_dell_lead_time_uncertainty():
    """Ch. 12, impact of supply uncertainty (Dell, disk drives for customised PCs).

    Daily demand N(1,000, 300); supplier lead time mean 7 days, sd 7 days; CSL 90%.
    σ_L = √(7 × 300² + 1,000² × 7²) = 7,045; ss = NORMSINV(0.90) × 7,045 = 9,029.
    """
    r = reorder_point(1000, 300, 7, sd_lead_time=7, service_level=0.90)
    assert r.mean_lead_time_demand == 7000
    assert r.sd_lead_time_demand == pytest.approx(7045, abs=0.5)
    assert r.safety_stock == pytest.approx(9029, abs=1)
    assert r.reorder_point == pytest.approx(7000 + 9029, abs=1)


def test_lead_time_variability_alone():
    # Constant demand 5 a day, lead time N(3, 2) days: σ_LTD = d × σ_L = 10.
    r = reorder_point(5, 0, 3, sd_lead_time=2, service_level=0.95)
    assert r.sd_lead_time_demand == pytest.approx(10)
    assert r.safety_stock == pytest.approx(16.45, abs=0.01)
    assert r.reorder_point == pytest.approx(31.45, abs=0.01)


# --- fill rate and the loss function ---------------------------------------------------


def test_normal_loss_table_values():
    assert normal_loss(0.0) == pytest.approx(0.39894, abs=1e-5)
    assert normal_loss(1.0) == pytest.approx(0.08332, abs=1e-5)
    assert normal_loss(2.0) == pytest.approx(0.008491, abs=1e-6)
    assert normal_loss(-3.0) == pytest.approx(3.0 + normal_loss(3.0))  # G(-k) = k + G(k)


def test_chopra_bm_office_supplies_fill_rate():
    """Ch. 12, Example 12-1 and the CSL / fill-rate evaluation that follows it.

    Weekly demand N(2,500, 500), L = 2 weeks, Q = 10,000, ROP = 6,000:
    ss = 1,000, CSL = 0.92, ESC = 25.13, fill rate = 1 − 25.13 / 10,000 = 0.9975.
    """
    mean, sd = 5000, 500 * math.sqrt(2)
    assert cycle_service_level(6000, mean, sd) == pytest.approx(0.92, abs=0.005)
    assert expected_shortage(6000, mean, sd) == pytest.approx(25.13, abs=0.01)
    assert fill_rate(6000, mean, sd, 10_000) == pytest.approx(0.9975, abs=5e-5)


def test_chopra_sams_club_printers_exercise():
    """Ch. 12 exercise: HP printers at Sam's Club, weekly N(250, 150), L = 2, Q = 1,000, ROP 600.

    Solution: ss = 100, CSL = 0.68, ESC = 43.86, fill rate = 0.96.
    """
    mean, sd = 500, 150 * math.sqrt(2)
    assert cycle_service_level(600, mean, sd) == pytest.approx(0.68, abs=0.005)
    assert expected_shortage(600, mean, sd) == pytest.approx(43.86, abs=0.02)
    assert fill_rate(600, mean, sd, 1000) == pytest.approx(0.956, abs=0.001)


def test_fill_rate_edges():
    assert fill_rate(10, 8, 0, 5) == 1.0  # no spread, enough stock
    assert fill_rate(6, 8, 0, 4) == 0.5  # 2 short of 4
    assert fill_rate(0, 100, 10, 1) == 0.0  # clamped
    with pytest.raises(ValueError, match="order quantity"):
        fill_rate(10, 8, 2, 0)


# --- discrete reorder points -----------------------------------------------------------


def _poisson_cdf_by_hand(mean: int, r: int) -> float:
    term, total = Fraction(1), Fraction(0)
    for k in range(r + 1):
        if k:
            term = term * mean / k
        total += term
    return float(total) * math.exp(-mean)


def test_poisson_reorder_point_against_hand_computed_cdf():
    # P(D ≤ r) for D ~ Poisson(2): 0.1353, 0.4060, 0.6767, 0.8571, 0.9473, 0.9834, 0.9955
    cdf = [_poisson_cdf_by_hand(2, r) for r in range(7)]
    assert cdf[4] == pytest.approx(0.9473, abs=1e-4)
    assert cdf[5] == pytest.approx(0.9834, abs=1e-4)
    assert poisson_reorder_point(2, 0.95) == 5
    assert poisson_reorder_point(2, 0.90) == 4
    assert poisson_reorder_point(2, 0.99) == 6
    assert poisson_reorder_point(2, 0.40) == 1
    assert poisson_reorder_point(0, 0.99) == 0


def test_negative_binomial_against_hand_computed_cdf():
    # Mean 2, variance 4: p = 1/2, n = 2, P(k) = (k + 1) / 2^(k + 2).
    cdf = np.cumsum([Fraction(k + 1, 2 ** (k + 2)) for k in range(10)])
    assert float(cdf[5]) == 0.9375 and float(cdf[6]) == pytest.approx(0.96484375)
    assert negative_binomial_reorder_point(2, 4, 0.95) == 6
    assert negative_binomial_reorder_point(2, 4, 0.93) == 5
    assert negative_binomial_reorder_point(2, 2, 0.95) == poisson_reorder_point(2, 0.95)
    with pytest.raises(ValueError, match="variance"):
        negative_binomial_reorder_point(2, 1, 0.95)


def _quantile_by_summing(mean: float, var: float, level: float) -> int:
    """Reference: sum the pmf term by term from zero in log space."""
    if var > mean:
        p, n = mean / var, mean * mean / (var - mean)
        logpmf = lambda k: (  # noqa: E731
            math.lgamma(k + n) - math.lgamma(n) - math.lgamma(k + 1)
            + n * math.log(p) + k * math.log1p(-p)
        )
    else:
        logpmf = lambda k: k * math.log(mean) - mean - math.lgamma(k + 1)  # noqa: E731
    total, k = 0.0, 0
    while True:
        total += math.exp(logpmf(k))
        if total >= level:
            return k
        k += 1


@pytest.mark.parametrize("mean", [0.05, 0.7, 3.0, 12.5, 40.0, 900.0])
@pytest.mark.parametrize("dispersion", [1.0, 1.5, 4.0, 30.0])
@pytest.mark.parametrize("level", [0.5, 0.9, 0.95, 0.999])
def test_count_quantiles_match_term_by_term_sums(mean, dispersion, level):
    var = mean * dispersion
    assert count_quantiles(mean, var, level) == _quantile_by_summing(mean, var, level)


def test_large_means_do_not_underflow():
    # exp(-100_000) is 0 in floating point; the windowed log-space sum is not bothered.
    r = poisson_reorder_point(100_000, 0.95)
    assert r == pytest.approx(100_000 + 1.6449 * math.sqrt(100_000), abs=2)


def test_count_quantiles_vectorised():
    means = np.array([0, 2, 2, 50])
    out = count_quantiles(means, np.array([0, 2, 4, 400]), 0.95)
    assert out.tolist() == [0, 5, 6, count_quantiles(50, 400, 0.95)]


# --- the distribution chooser ------------------------------------------------------------


def test_chooser_uses_poisson_for_slow_movers():
    r = choose_reorder_point(0.5, 0.7, 4)  # μ = 2, v = 1.96 ≤ μ
    assert (r.method, r.reorder_point) == ("poisson", 5.0)
    assert r.safety_stock == pytest.approx(3.0)


def test_chooser_uses_negative_binomial_for_over_dispersed_slow_movers():
    r = choose_reorder_point(1.0, 1.0, 2, sd_lead_time=math.sqrt(2))  # μ 2, v = 2 + 2 = 4
    assert r.sd_lead_time_demand == pytest.approx(2.0)
    assert (r.method, r.reorder_point) == ("negative_binomial", 6.0)


def test_chooser_uses_normal_for_fast_movers():
    r = choose_reorder_point(2500, 500, 2, service_level=0.90)  # the Lego example
    assert r.method == "normal"
    assert r.reorder_point == 5907  # 5,906.2 rounded up to whole units
    assert choose_reorder_point(30, math.sqrt(30), 1).method == "normal"
    assert choose_reorder_point(20, math.sqrt(20), 1).method == "poisson"  # slow mover


def test_chooser_uses_negative_binomial_for_skewed_fast_movers():
    # The Dell example: lead-time sd as large as its mean makes σ_LTD ≈ μ (CV 1).
    r = choose_reorder_point(1000, 300, 7, sd_lead_time=7, service_level=0.90)
    assert r.method == "negative_binomial"
    normal = reorder_point(1000, 300, 7, sd_lead_time=7, service_level=0.90).reorder_point
    assert r.reorder_point > normal  # the skewed right tail needs more than the normal says


def test_chooser_without_demand():
    r = choose_reorder_point(0, 0, 10)
    assert (r.reorder_point, r.safety_stock) == (0.0, 0.0)


def test_reorder_points_batch_matches_single_calls():
    rng = np.random.default_rng(2)
    d = rng.lognormal(1, 2, 200)
    sd = np.sqrt(d) * rng.uniform(0.3, 6, 200)
    lt = rng.uniform(0.1, 3, 200)
    slt = lt * rng.uniform(0, 0.5, 200)
    many = reorder_points(d, sd, lt, slt, 0.95)
    assert set(many.method) == {"poisson", "negative_binomial", "normal"}
    for i in range(0, 200, 7):
        one = choose_reorder_point(d[i], sd[i], lt[i], slt[i], 0.95)
        assert (one.method, one.reorder_point) == (many.method[i], many.reorder_point[i])


@pytest.mark.parametrize(
    "args",
    [(-1, 1, 1), (1, -1, 1), (1, 1, -1), (1, 1, 1, -0.5), (math.nan, 1, 1), (1, 1, math.inf)],
)
def test_reorder_point_rejects_negative_or_non_finite_input(args):
    with pytest.raises(ValueError):
        reorder_point(*args)
    with pytest.raises(ValueError):
        choose_reorder_point(*args)


@pytest.mark.parametrize("level", [0, 1, 1.5, -0.2])
def test_service_level_must_be_a_probability(level):
    with pytest.raises(ValueError, match="service level"):
        reorder_point(1, 1, 1, service_level=level)
    with pytest.raises(ValueError, match="service level"):
        poisson_reorder_point(2, level)


# --- order quantities ----------------------------------------------------------------------


def test_chopra_best_buy_eoq():
    """Ch. 11, Best Buy Deskpro computers: D = 1,000 a month, S = $4,000, h = 20% of $500.

    Q* = √(2 × 12,000 × 4,000 / 100) = 980.
    """
    assert eoq(4000, 0.2 * 500, 12_000) == pytest.approx(980, abs=0.5)


@pytest.mark.parametrize("args", [(0, 1, 1), (1, 0, 1), (1, 1, 0), (-5, 1, 1), (1, math.nan, 1)])
def test_eoq_rejects_zero_and_negative_input(args):
    with pytest.raises(ValueError, match="EOQ needs a positive"):
        eoq(*args)


def test_order_quantity_eoq_when_costs_are_known():
    q = order_quantity(1000, order_cost=4000, holding_cost=100)
    assert (q.basis, q.quantity) == ("eoq", 980)
    assert q.lot == pytest.approx(979.8, abs=0.05)


def test_order_quantity_cover_minimum_and_pack():
    q = order_quantity(10, cover_months=3)
    assert (q.basis, q.quantity, q.lot) == ("cover", 30, 30.0)
    assert order_quantity(10, cover_months=3, minimum_order=50).quantity == 50
    assert order_quantity(10, cover_months=3, pack_size=25).quantity == 50
    assert order_quantity(10, cover_months=3, minimum_order=55, pack_size=10).quantity == 60
    # Weekly buckets: 52 periods a year, 2 a week over 3 months is 26.
    assert order_quantity(2, periods_per_year=52, cover_months=3).quantity == 26
    # Below the reorder point by 7: the order also brings the position back up.
    assert order_quantity(10, cover_months=3, shortfall=7).quantity == 37
    # No demand: costs cannot be used, only the minimum is ordered.
    none = order_quantity(0, order_cost=50, holding_cost=2, minimum_order=5, pack_size=4)
    assert (none.basis, none.quantity) == ("cover", 8)


@pytest.mark.parametrize(
    "kwargs", [{"pack_size": 0}, {"pack_size": 2.5}, {"minimum_order": -1}, {"shortfall": -1}]
)
def test_order_quantity_rejects_bad_input(kwargs):
    with pytest.raises(ValueError):
        order_quantity(10, **kwargs)


# --- undershoot ------------------------------------------------------------------------------


def test_unit_demands_never_undershoot():
    assert undershoot([1, 1, 1, 0, 1]) == (0.0, 0.0)
    assert undershoot([0, 0]) == (0.0, 0.0)


def test_undershoot_of_constant_sizes_is_uniform():
    # Demands of exactly 5 cross the reorder point by 0..4 units, equally likely.
    mean, sd = undershoot([5, 5, 5])
    assert mean == pytest.approx(2.0)
    assert sd == pytest.approx(math.sqrt((5**2 - 1) / 12))


def test_undershoot_by_hand():
    # Sizes 1 and 3 equally often: E[X] = 2, P(U = u) = P(X > u) / E[X] = 1/2, 1/4, 1/4.
    mean, sd = undershoot([1, 3])
    assert mean == pytest.approx(0.75)
    assert sd == pytest.approx(math.sqrt(1.25 - 0.75**2))
    many_mean, many_sd = undershoot_from_moments([2.0, 0.0], [5.0, 0.0], [14.0, 0.0])
    assert many_mean.tolist() == pytest.approx([0.75, 0.0])
    assert many_sd.tolist() == pytest.approx([sd, 0.0])
    with pytest.raises(ValueError):
        undershoot([2, -1])


def test_reorder_point_covers_lead_time_demand_plus_undershoot():
    plain = choose_reorder_point(1.0, 2.0, 2)  # μ 2, v 8: negative binomial
    lumpy = choose_reorder_point(1.0, 2.0, 2, undershoot_mean=3.0, undershoot_sd=2.0)
    assert lumpy.reorder_point == count_quantiles(5.0, 12.0, 0.95)
    assert lumpy.reorder_point > plain.reorder_point
    assert lumpy.mean_lead_time_demand == 2.0  # still the lead-time demand alone
    assert lumpy.safety_stock == lumpy.reorder_point - 2.0
    with pytest.raises(ValueError, match="undershoot"):
        choose_reorder_point(1.0, 2.0, 2, undershoot_mean=-1)
