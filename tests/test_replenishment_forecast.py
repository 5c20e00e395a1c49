"""Forecasts and classification against the issue's reference values and statsforecast."""

from __future__ import annotations

import numpy as np
import pytest
from statsforecast.models import (
    TSB,
    CrostonClassic,
    CrostonSBA,
    SimpleExponentialSmoothing,
)

from inventory.replenishment import classify, classify_many, croston, sba, ses, tsb

SERIES_A = [0, 0, 3, 0, 0, 0, 2, 0, 5, 0, 0, 1]
SERIES_B = [0, 10, 0, 0, 12, 0, 0, 0, 30, 0, 0, 8, 0, 0, 0, 0, 15, 0]


# --- reference values from the issue -------------------------------------------------


@pytest.mark.parametrize(
    ("demand", "expected_croston", "expected_sba"),
    [(SERIES_A, 0.969241, 0.920779), (SERIES_B, 4.604290, 4.374075)],
)
def test_reference_croston_and_sba(demand, expected_croston, expected_sba):
    assert croston(demand, alpha=0.1)[-1] == pytest.approx(expected_croston, abs=5e-7)
    assert sba(demand, alpha=0.1)[-1] == pytest.approx(expected_sba, abs=5e-7)


def test_sba_is_exactly_095_croston():
    np.testing.assert_array_equal(sba(SERIES_B, 0.3), 0.95 * croston(SERIES_B, 0.3))


def test_forecast_array_layout():
    """f[t] predicts demand[t] from the periods before t; f[-1] is the next period."""
    f = ses([4.0, 6.0, 5.0], alpha=0.5)
    assert f.shape == (4,)
    assert np.isnan(f[0])
    assert f[1] == 4.0  # level starts at the first observation
    assert f[2] == pytest.approx(0.5 * 6 + 0.5 * 4)
    assert f[3] == pytest.approx(0.5 * 5 + 0.5 * 5)


def test_croston_by_hand():
    # Sizes 3, 2 and intervals 3, 4 (the first counted from the start).
    f = croston([0, 0, 3, 0, 0, 0, 2], alpha=0.1)
    np.testing.assert_allclose(f[1:4], [0.0, 0.0, 1.0])  # 0 before the first demand, then 3/3
    size, interval = 0.1 * 2 + 0.9 * 3, 0.1 * 4 + 0.9 * 3
    assert f[-1] == pytest.approx(size / interval)


def test_tsb_decays_through_zeros_while_croston_holds():
    demand = [2, 0, 2, 0, 2, 0, 0, 0, 0, 0, 0, 0]
    assert croston(demand)[-1] == croston(demand)[6]
    f = tsb(demand, alpha_d=0.1, alpha_p=0.2)
    assert np.all(np.diff(f[6:]) < 0)


# --- comparison with statsforecast ---------------------------------------------------


def _random_series(rng: np.random.Generator, kind: str) -> np.ndarray:
    n = int(rng.integers(1, 61))
    if kind == "smooth":
        return rng.poisson(rng.uniform(2, 40), n).astype(float)
    if kind == "intermittent":
        hits = rng.random(n) < rng.uniform(0.05, 0.6)
        return np.where(hits, rng.integers(1, 4, n), 0).astype(float)
    hits = rng.random(n) < rng.uniform(0.05, 0.6)  # lumpy, non-integer sizes too
    return np.where(hits, rng.lognormal(1.0, 1.2, n), 0.0)


def _series_set(count: int = 300) -> list[np.ndarray]:
    rng = np.random.default_rng(20240605)
    kinds = ("smooth", "intermittent", "lumpy")
    series = [_random_series(rng, kinds[i % 3]) for i in range(count)]
    series += [np.zeros(7), np.array([0.0]), np.array([5.0]), np.array([0, 0, 0, 4.0])]
    return series


def _assert_matches(ours: np.ndarray, theirs: dict) -> None:
    np.testing.assert_allclose(ours[:-1], theirs["fitted"], rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(ours[-1], theirs["mean"][0], rtol=1e-10, atol=1e-12)


def test_matches_statsforecast_on_seeded_series():
    rng = np.random.default_rng(7)
    for y in _series_set():
        _assert_matches(croston(y, 0.1), CrostonClassic().forecast(y, h=1, fitted=True))
        _assert_matches(sba(y, 0.1), CrostonSBA().forecast(y, h=1, fitted=True))
        alpha = float(rng.choice([0.05, 0.1, 0.2, 0.3, 0.5, 1.0]))
        model = SimpleExponentialSmoothing(alpha=alpha)
        _assert_matches(ses(y, alpha), model.forecast(y, h=1, fitted=True))
        alpha_d, alpha_p = (float(a) for a in rng.uniform(0.05, 0.6, 2))
        model = TSB(alpha_d=alpha_d, alpha_p=alpha_p)
        _assert_matches(tsb(y, alpha_d, alpha_p), model.forecast(y, h=1, fitted=True))


def test_many_series_at_once_equal_one_at_a_time():
    rng = np.random.default_rng(3)
    block = np.where(rng.random((50, 24)) < 0.3, rng.integers(1, 9, (50, 24)), 0)
    for method in (ses, croston, sba, tsb):
        together = method(block)
        assert together.shape == (50, 25)
        for row, series in zip(together, block, strict=True):
            np.testing.assert_allclose(row, method(series), rtol=1e-15)


# --- classification ------------------------------------------------------------------


def test_classify_reference_series():
    c = classify(SERIES_A)
    # Demands at periods 3, 7, 9, 12: intervals 3, 4, 2, 3 -> ADI 3.
    assert c.adi == pytest.approx(3.0)
    sizes = np.array([3, 2, 5, 1])
    assert c.cv2 == pytest.approx(sizes.var() / sizes.mean() ** 2)  # population variance
    assert (c.kind, c.events, c.low_confidence) == ("intermittent", 4, False)


def test_adi_ignores_trailing_zeros_but_reports_them():
    c = classify([0, 4, 0, 4, 0, 0, 0])
    assert c.adi == 2.0
    assert c.trailing_zeros == 3


@pytest.mark.parametrize(
    ("demand", "kind"),
    [
        ([5, 6, 5, 4, 6, 5], "smooth"),
        ([1, 20, 2, 30, 1, 15], "erratic"),
        ([0, 0, 3, 0, 3, 0, 0, 2], "intermittent"),
        ([0, 1, 0, 0, 40, 0, 0, 2, 0], "lumpy"),
        ([0, 0, 0], "none"),
    ],
)
def test_four_classes(demand, kind):
    assert classify(demand).kind == kind


def test_cut_offs_are_inclusive_on_the_intermittent_side():
    # ADI exactly 1.32 would need 132 periods over 100 events: check the rule directly.
    c = classify_many(np.array([[1.0] * 99 + [0] * 32 + [1.0]]))
    assert c.adi[0] == pytest.approx(1.32)
    assert c.kind[0] == "intermittent"


def test_low_confidence_below_two_events():
    assert classify([0, 0, 0, 0]).low_confidence
    one = classify([0, 0, 7, 0])
    assert one.low_confidence and one.events == 1 and one.adi == 3.0 and one.cv2 == 0.0
    assert not classify([0, 1, 0, 1]).low_confidence


def test_classify_many_matches_classify():
    rng = np.random.default_rng(11)
    block = np.where(rng.random((40, 24)) < 0.4, rng.lognormal(1, 1, (40, 24)), 0.0)
    many = classify_many(block)
    for i, series in enumerate(block):
        one = classify(series)
        assert (one.kind, one.events) == (many.kind[i], many.events[i])
        assert one.adi == pytest.approx(many.adi[i])
        assert one.cv2 == pytest.approx(many.cv2[i])


# --- bad input -----------------------------------------------------------------------


@pytest.mark.parametrize("function", [classify, ses, croston, sba, tsb])
@pytest.mark.parametrize("demand", [[1, -1, 2], [], [1, float("nan")], [float("inf")]])
def test_bad_demand_is_rejected(function, demand):
    with pytest.raises(ValueError):
        function(demand)


@pytest.mark.parametrize("alpha", [0.0, -0.1, 1.5])
def test_bad_alpha_is_rejected(alpha):
    with pytest.raises(ValueError, match="alpha"):
        ses([1, 2, 3], alpha)
    with pytest.raises(ValueError, match="alpha"):
        croston([1, 0, 3], alpha)
    with pytest.raises(ValueError, match="alpha_p"):
        tsb([1, 0, 3], 0.1, alpha)


def test_all_zero_demand_forecasts_zero():
    for method in (ses, croston, sba, tsb):
        f = method([0, 0, 0, 0])
        assert np.isnan(f[0]) and np.all(f[1:] == 0)
