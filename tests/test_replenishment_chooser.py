"""The forecast chooser: method per class, rate and spread, low-confidence fallbacks."""

from __future__ import annotations

import math

import numpy as np
import pytest

from inventory.replenishment import (
    choose_forecast,
    choose_forecasts,
    installed_base_rate,
    sba,
    ses,
    tsb,
)


def _rms_error(demand, forecast):
    y = np.asarray(demand, float)
    return math.sqrt(np.mean((y[1:] - forecast[1:-1]) ** 2))


def test_smooth_demand_uses_ses():
    demand = [10, 12, 9, 11, 10, 13, 8, 10, 11, 12, 9, 10]
    f = choose_forecast(demand)
    assert (f.method, f.classification.kind, f.low_confidence) == ("ses", "smooth", False)
    assert f.rate == pytest.approx(ses(demand, 0.2)[-1])
    assert f.sd == pytest.approx(_rms_error(demand, ses(demand, 0.2)))


def test_erratic_demand_uses_ses():
    f = choose_forecast([1, 20, 2, 30, 1, 15, 3, 25])
    assert (f.method, f.classification.kind) == ("ses", "erratic")


@pytest.mark.parametrize(
    "demand",
    [[0, 0, 3, 0, 3, 0, 0, 2, 0, 3, 0], [0, 1, 0, 0, 40, 0, 0, 2, 0, 25, 0]],
)
def test_intermittent_and_lumpy_use_sba(demand):
    f = choose_forecast(demand)
    assert f.method == "sba"
    assert f.rate == pytest.approx(sba(demand, 0.1)[-1])
    assert f.sd == pytest.approx(_rms_error(demand, sba(demand, 0.1)))


def test_end_of_life_uses_tsb():
    demand = [5, 6, 5, 4, 6, 5, 5, 6]
    f = choose_forecast(demand, end_of_life=True)
    assert f.method == "tsb"
    assert f.rate == pytest.approx(tsb(demand, 0.1, 0.1)[-1])


def test_long_trailing_zero_run_uses_tsb():
    # ADI 1, then 3 empty periods: longer than 2 × ADI and at least 3.
    assert choose_forecast([5, 6, 5, 4, 6, 5, 0, 0, 0]).method == "tsb"
    assert choose_forecast([5, 6, 5, 4, 6, 5, 0, 0]).method == "ses"
    # ADI 3: a run of 6 is not yet "long", 7 is.
    assert choose_forecast([0, 0, 2, 0, 0, 2] + [0] * 6).method == "sba"
    assert choose_forecast([0, 0, 2, 0, 0, 2] + [0] * 7).method == "tsb"


def test_one_event_without_fallback_gets_no_forecast():
    f = choose_forecast([0, 0, 0, 4, 0, 0])
    assert f.low_confidence
    assert (f.method, f.rate, f.sd, f.minimum) == ("none", 0.0, 0.0, None)


def test_manual_minimum_for_low_confidence():
    f = choose_forecast([0] * 24, manual_minimum=2)
    assert (f.method, f.rate, f.minimum, f.low_confidence) == ("manual", 0.0, 2, True)
    # A fitted series keeps its fit and carries the minimum as a floor.
    fitted = choose_forecast([3, 4, 3, 5], manual_minimum=2)
    assert (fitted.method, fitted.minimum) == ("ses", 2)


def test_installed_base_prior_for_low_confidence():
    # 240 docking stations, 15% replaced per year, monthly buckets: 3 a month.
    f = choose_forecast(
        [0, 0, 1, 0], installed_units=240, yearly_replacement_rate=0.15, manual_minimum=1
    )
    assert (f.method, f.low_confidence) == ("installed_base", True)
    assert f.rate == pytest.approx(3.0)
    assert f.sd == pytest.approx(math.sqrt(3.0))  # Poisson spread
    weekly = choose_forecast([0] * 52, installed_units=52, yearly_replacement_rate=1.0,
                             periods_per_year=52)
    assert weekly.rate == pytest.approx(1.0)
    assert installed_base_rate(240, 0.15) == pytest.approx(3.0)
    with pytest.raises(ValueError):
        installed_base_rate(-1, 0.1)


def test_batch_matches_single_calls():
    rng = np.random.default_rng(5)
    hits = rng.random((60, 24)) < rng.uniform(0.02, 1, (60, 1))
    rows = np.where(hits, rng.integers(1, 12, (60, 24)), 0)
    eol = rng.random(60) < 0.1
    prior = np.where(rng.random(60) < 0.5, 2.5, np.nan)
    many = choose_forecasts(rows, end_of_life=eol, prior_rate=prior)
    for i, series in enumerate(rows):
        units = None if np.isnan(prior[i]) else 30.0
        one = choose_forecast(series, end_of_life=bool(eol[i]), installed_units=units,
                              yearly_replacement_rate=1.0)
        assert one.method == many.method[i]
        assert one.rate == pytest.approx(many.rate[i])
        assert one.sd == pytest.approx(many.sd[i])
    assert set(many.method) >= {"ses", "sba"}


def test_chooser_rejects_bad_input():
    with pytest.raises(ValueError):
        choose_forecast([1, -2, 3])
    with pytest.raises(ValueError):
        choose_forecasts([1, 2, 3])  # one series needs choose_forecast
    with pytest.raises(ValueError):
        choose_forecasts([[1, 2, 3]], manual_minimum=-1)
