"""The reorder point rule shared by the reorder list, the ledger backtest and the bench.

Per row (an item at a stocking location), given its demand class:

- smooth, erratic and lumpy demand: the fitted model of :func:`.policy.reorder_points`
  (normal, or Poisson / negative binomial for slow and skewed lead-time demand), with
  the undershoot allowance of daily review (:mod:`.undershoot`) from the row's days
  with demand;
- intermittent demand with at least :data:`MIN_HISTORY_DAYS` of daily history: the
  empirical lead-time demand distribution of :mod:`.empirical` (method
  ``"empirical"``), which keeps the item's real demand sizes and gaps (tried for lumpy
  items too: with a dozen heavy-tailed demands in two years the history's tail is
  shorter than the future's, and it served them worse than the fitted model);
- without that history the fitted model, as for the other classes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from .chooser import choose_forecasts
from .classify import INTERMITTENT, classify_many
from .empirical import empirical_reorder_points
from .policy import ReorderPoints, reorder_points
from .undershoot import undershoot_from_moments

EMPIRICAL = "empirical"
EMPIRICAL_KINDS = (INTERMITTENT,)
MIN_HISTORY_DAYS = 180


def undershoot_moments(daily: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Undershoot mean and sd per row of whole-unit daily demand (rows, days)."""
    x = np.asarray(daily)
    row, _ = np.nonzero(x > 0)
    return undershoot_of_days(row, x[x > 0], x.shape[0])


def undershoot_of_days(row: np.ndarray, total: np.ndarray,
                       rows: int) -> tuple[np.ndarray, np.ndarray]:
    """Undershoot mean and sd per row from its days with demand: ``row[k]`` had
    ``total[k]`` units on one day (each row-day once)."""
    v = np.asarray(total, float)
    hits = np.maximum(np.bincount(row, minlength=rows), 1)
    return undershoot_from_moments(*(np.bincount(row, v**p, minlength=rows) / hits
                                     for p in (1, 2, 3)))


def class_reorder_points(
    kind: ArrayLike,
    rate: ArrayLike,
    sd: ArrayLike,
    lead_days: ArrayLike,
    lead_sd_days: ArrayLike,
    service_level: ArrayLike,
    *,
    period_days: float,
    daily: np.ndarray | None = None,
    daily_rows: ArrayLike | None = None,
    undershoot: tuple[np.ndarray, np.ndarray] | None = None,
) -> ReorderPoints:
    """Whole-unit reorder points, the method chosen by demand class (see the module doc).

    Args:
        kind: demand class per row (``classify`` kinds).
        rate, sd: forecast demand and its spread per period of ``period_days`` days.
        lead_days, lead_sd_days: lead time and its spread in days.
        service_level: target cycle service level per row (or one for all).
        daily: whole-unit daily demand history (m, days), oldest first, for the rows
            ``daily_rows`` (default: every row, in order).
        undershoot: mean and sd of the undershoot for every row (default: from ``daily``
            for its rows, none for the others); see :func:`undershoot_moments`.
    """
    kinds = np.asarray(kind).astype(str)
    n = kinds.shape[0]
    lead, lead_sd = (np.broadcast_to(np.asarray(x, float), (n,)) for x in (lead_days,
                                                                          lead_sd_days))
    level = np.broadcast_to(np.asarray(service_level, float), (n,))
    u_mean, u_sd = np.zeros(n), np.zeros(n)
    rows = np.arange(n) if daily_rows is None else np.asarray(daily_rows, np.int64)
    if undershoot is not None:
        u_mean, u_sd = (np.asarray(x, float) for x in undershoot)
    elif daily is not None and len(rows):
        u_mean[rows], u_sd[rows] = undershoot_moments(daily)
    fitted = reorder_points(rate, sd, lead / period_days, lead_sd / period_days, level,
                            u_mean, u_sd)
    if daily is None or not len(rows) or daily.shape[1] < MIN_HISTORY_DAYS:
        return fitted
    pick = np.isin(kinds[rows], EMPIRICAL_KINDS)
    if not pick.any():
        return fitted
    target = rows[pick]
    emp = empirical_reorder_points(daily[pick], lead[target], lead_sd[target], level[target])
    ok = ~np.isnan(emp)
    rop = fitted.reorder_point.copy()
    method = fitted.method.astype("<U17")
    rop[target[ok]] = emp[ok]
    method[target[ok]] = EMPIRICAL
    return ReorderPoints(rop, rop - fitted.mean_lead_time_demand, fitted.mean_lead_time_demand,
                         fitted.sd_lead_time_demand, fitted.service_level, method)


@dataclass(frozen=True)
class Estimates:
    """Forecast and reorder point per row, as the reorder list computes them."""

    rate: np.ndarray  # per month
    sd: np.ndarray  # per month
    method: np.ndarray  # forecast method
    kind: np.ndarray  # demand class
    low_confidence: np.ndarray
    bucket: np.ndarray  # "month" / "week"
    reorder_point: np.ndarray  # whole units, never below a manual minimum
    safety_stock: np.ndarray
    rop_method: np.ndarray


def fast_movers(monthly: np.ndarray, per_month: float) -> np.ndarray:
    """Rows whose mean monthly demand is at least ``per_month``: forecast on weeks."""
    return np.flatnonzero(monthly.mean(axis=1) >= per_month)


def estimate(
    monthly: np.ndarray,
    lead_days: np.ndarray,
    lead_sd_days: np.ndarray,
    service_level: np.ndarray,
    *,
    month_days: float,
    end_of_life: np.ndarray,
    prior_rate: np.ndarray,
    minimum: np.ndarray,
    fast: np.ndarray | None = None,
    weekly: np.ndarray | None = None,
    daily: np.ndarray | None = None,
    daily_rows: np.ndarray | None = None,
    undershoot: tuple[np.ndarray, np.ndarray] | None = None,
) -> Estimates:
    """Forecast on monthly buckets (weekly for the ``fast`` rows), then reorder points.

    ``weekly`` holds the weekly buckets of the ``fast`` rows, in that order; ``daily`` the
    daily history of ``daily_rows``; ``undershoot`` the undershoot of every row (see
    :func:`class_reorder_points`).
    """
    n = monthly.shape[0]
    fc = choose_forecasts(monthly, end_of_life=end_of_life, prior_rate=prior_rate,
                          manual_minimum=minimum)
    rate, sd = fc.rate.copy(), fc.sd.copy()
    method = fc.method.astype("<U16")
    kind = fc.classification.kind.astype("<U16")
    low = fc.low_confidence.copy()
    bucket = np.full(n, "month", dtype="<U5")
    if fast is not None and len(fast) and weekly is not None:
        wf = choose_forecasts(weekly, end_of_life=end_of_life[fast])
        per_month = month_days / 7
        rate[fast] = wf.rate * per_month
        sd[fast] = wf.sd * np.sqrt(per_month)
        method[fast] = wf.method
        kind[fast] = wf.classification.kind
        low[fast] = wf.low_confidence
        bucket[fast] = "week"
    rp = class_reorder_points(kind, rate, sd, lead_days, lead_sd_days, service_level,
                              period_days=month_days, daily=daily, daily_rows=daily_rows,
                              undershoot=undershoot)
    rop = rp.reorder_point.copy()
    has_min = ~np.isnan(minimum)
    rop[has_min] = np.maximum(rop[has_min], minimum[has_min])
    safety = rp.safety_stock + (rop - rp.reorder_point)
    return Estimates(rate, sd, method, kind, low, bucket, rop, safety, rp.method)


def empirical_rows(monthly: np.ndarray, fast: np.ndarray) -> np.ndarray:
    """Rows that need their daily history: intermittent on monthly buckets, with
    at least two months of demand, not fast movers."""
    c = classify_many(monthly)
    rows = np.isin(c.kind, EMPIRICAL_KINDS) & (c.events >= 2)
    rows[fast] = False
    return np.flatnonzero(rows)
