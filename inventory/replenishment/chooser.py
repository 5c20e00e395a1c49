"""Pick a forecasting method per demand series and report rate and spread.

Rule, applied per series (see :mod:`inventory.replenishment.classify`):

1. Fewer than 2 demand events: no fitted forecast (``low_confidence``).
   With an installed-base prior (installed units × yearly replacement rate /
   periods per year) that prior is the rate, with a Poisson spread
   (sd = √rate); else, with a manual minimum, the method is ``"manual"`` and
   the rate 0; else ``"none"`` and the rate 0. A manual minimum is carried in
   ``minimum`` in every case: the reorder point should not go below it.
2. End-of-life items, and items whose trailing run of zero-demand periods is
   longer than twice their ADI and at least 3 periods: TSB (it lets the
   forecast decay while demand stays away; Croston/SBA would not move).
3. Smooth and erratic demand: SES (alpha 0.2).
4. Intermittent and lumpy demand: SBA (alpha 0.1).

The spread ``sd`` is the standard deviation of demand per period around the
forecast: the root mean square of the method's one-step-ahead errors over all
periods after the first. Both ``rate`` and ``sd`` are per period of the input
(monthly buckets give a monthly rate).

For many series use :func:`choose_forecasts` (one vectorised pass); calling
:func:`choose_forecast` in a loop costs a fraction of a millisecond each.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from inventory.replenishment.classify import (
    ERRATIC,
    MIN_EVENTS,
    SMOOTH,
    Classification,
    Classifications,
    as_demand,
    classify_many,
)
from inventory.replenishment.forecast import sba, ses, tsb

SES_ALPHA = 0.2
SBA_ALPHA = 0.1
TSB_ALPHA_D = 0.1
TSB_ALPHA_P = 0.1
ZERO_RUN_ADI_FACTOR = 2.0
ZERO_RUN_MIN_PERIODS = 3

METHOD_SES = "ses"
METHOD_SBA = "sba"
METHOD_TSB = "tsb"
METHOD_PRIOR = "installed_base"
METHOD_MANUAL = "manual"
METHOD_NONE = "none"


@dataclass(frozen=True)
class DemandForecast:
    """The forecast chosen for one series: per-period rate and spread, and why."""

    method: str
    rate: float
    sd: float
    classification: Classification
    minimum: float | None = None

    @property
    def low_confidence(self) -> bool:
        return self.classification.low_confidence


@dataclass(frozen=True)
class DemandForecasts:
    """:class:`DemandForecast` for many series; fields are arrays of shape ``(series,)``.

    ``minimum`` is NaN where no manual minimum was given.
    """

    method: np.ndarray
    rate: np.ndarray
    sd: np.ndarray
    classification: Classifications
    minimum: np.ndarray

    @property
    def low_confidence(self) -> np.ndarray:
        return self.classification.low_confidence


def installed_base_rate(
    installed_units: float, yearly_replacement_rate: float, periods_per_year: float = 12
) -> float:
    """Prior demand per period: installed units × yearly replacement rate / periods per year."""
    if installed_units < 0 or yearly_replacement_rate < 0:
        raise ValueError("installed units and replacement rate cannot be negative")
    if periods_per_year <= 0:
        raise ValueError("periods per year must be positive")
    return installed_units * yearly_replacement_rate / periods_per_year


def _column(value: ArrayLike | None, rows: int) -> np.ndarray:
    if value is None:
        return np.full(rows, np.nan)
    arr = np.broadcast_to(np.asarray(value, dtype=float), (rows,)).copy()
    if (arr < 0).any():
        raise ValueError("prior rates and manual minimums cannot be negative")
    return arr


def _fit(y: np.ndarray, method: str) -> tuple[np.ndarray, np.ndarray]:
    """Next-period forecast and RMS one-step error for every row (needs 2+ periods)."""
    if method == METHOD_SES:
        f = ses(y, SES_ALPHA)
    elif method == METHOD_SBA:
        f = sba(y, SBA_ALPHA)
    else:
        f = tsb(y, TSB_ALPHA_D, TSB_ALPHA_P)
    err = y[:, 1:] - f[:, 1:-1]
    return f[:, -1], np.sqrt(np.mean(err * err, axis=1))


def choose_forecasts(
    demand: ArrayLike,
    *,
    end_of_life: ArrayLike | None = None,
    prior_rate: ArrayLike | None = None,
    manual_minimum: ArrayLike | None = None,
) -> DemandForecasts:
    """Choose and fit a forecast for each row of ``demand`` shaped ``(series, periods)``.

    Args:
        demand: per-period demand, oldest first, one row per series.
        end_of_life: per row, true when the item is being phased out (forces TSB).
        prior_rate: per row, installed-base prior demand per period (NaN: none);
            see :func:`installed_base_rate`.
        manual_minimum: per row, a stock minimum set by hand (NaN: none).
    """
    y = as_demand(demand)
    if y.ndim != 2:
        raise ValueError("choose_forecasts takes a 2-D array (series, periods)")
    rows = y.shape[0]
    c = classify_many(y)
    eol = np.zeros(rows, bool) if end_of_life is None else np.broadcast_to(
        np.asarray(end_of_life, bool), (rows,)
    )
    prior = _column(prior_rate, rows)
    minimum = _column(manual_minimum, rows)

    fitted = c.events >= MIN_EVENTS
    zero_run = (c.trailing_zeros > ZERO_RUN_ADI_FACTOR * c.adi) & (
        c.trailing_zeros >= ZERO_RUN_MIN_PERIODS
    )
    method = np.where(np.isin(c.kind, (SMOOTH, ERRATIC)), METHOD_SES, METHOD_SBA).astype("<U16")
    method = np.where(eol | zero_run, METHOD_TSB, method)
    method = np.where(fitted, method, METHOD_NONE)
    method = np.where(~fitted & ~np.isnan(minimum), METHOD_MANUAL, method)
    method = np.where(~fitted & ~np.isnan(prior), METHOD_PRIOR, method)

    rate = np.zeros(rows)
    sd = np.zeros(rows)
    for name in (METHOD_SES, METHOD_SBA, METHOD_TSB):
        rows_m = method == name
        if rows_m.any():
            rate[rows_m], sd[rows_m] = _fit(y[rows_m], name)
    use_prior = method == METHOD_PRIOR
    rate[use_prior] = prior[use_prior]
    sd[use_prior] = np.sqrt(prior[use_prior])
    return DemandForecasts(method, rate, sd, c, minimum)


def choose_forecast(
    demand: ArrayLike,
    *,
    end_of_life: bool = False,
    manual_minimum: float | None = None,
    installed_units: float | None = None,
    yearly_replacement_rate: float | None = None,
    periods_per_year: float = 12,
) -> DemandForecast:
    """Choose and fit the forecast for one demand series (see the module rule).

    The installed-base prior is used only when both ``installed_units`` and
    ``yearly_replacement_rate`` are given, and only for low-confidence series.
    """
    y = as_demand(demand)
    if y.ndim != 1:
        raise ValueError("choose_forecast takes one series; use choose_forecasts for several")
    prior = math.nan
    if installed_units is not None and yearly_replacement_rate is not None:
        prior = installed_base_rate(installed_units, yearly_replacement_rate, periods_per_year)
    many = choose_forecasts(
        y[None, :],
        end_of_life=end_of_life,
        prior_rate=prior,
        manual_minimum=math.nan if manual_minimum is None else manual_minimum,
    )
    c = many.classification
    return DemandForecast(
        method=str(many.method[0]),
        rate=float(many.rate[0]),
        sd=float(many.sd[0]),
        classification=Classification(
            adi=float(c.adi[0]),
            cv2=float(c.cv2[0]),
            kind=str(c.kind[0]),
            events=int(c.events[0]),
            trailing_zeros=int(c.trailing_zeros[0]),
        ),
        minimum=manual_minimum,
    )
