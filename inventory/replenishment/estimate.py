"""The reorder point rule shared by the reorder list, the ledger backtest and the bench.

Per row (an item at a stocking location), given its demand class:

- smooth demand (and any row with fewer than two days with demand): the fitted model of
  :func:`.policy.reorder_points` (normal, or Poisson / negative binomial for slow and
  skewed lead-time demand), with the undershoot allowance of daily review
  (:mod:`.undershoot`) from the row's days with demand, at the row's own target;
- erratic, lumpy and intermittent demand: the compound distribution of :mod:`.compound`
  (how often a day has demand, how big a day's demand is, over the lead-time spread,
  plus the undershoot), and the target met by each class of items *together* at the
  least stock value (:mod:`.allocate`): the erratic items at 95 % are one group, the
  lumpy items at 95 % another, each item's reorder point chosen so the group's cycles
  reach 95 % with the least stock.

Everything the rule needs of the history is the monthly demand and, per row, the
moments of its daily demand (:class:`.compound.DayMoments`), which the demand table
keeps with the ledger: the reorder list never reads the movements for it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from .allocate import allocate
from .chooser import SBA_ALPHA, SES_ALPHA, choose_forecasts
from .classify import ERRATIC, INTERMITTENT, LUMPY, SMOOTH
from .compound import (
    COMPOUND_KINDS,
    MIN_DAYS,
    DayMoments,
    compound_candidates,
    varied_sizes,
)
from .policy import ReorderPoints, reorder_points
from .undershoot import undershoot_from_moments

# The spread of the forecast level a row's lead-time demand is mixed over (see
# compound._level_mixture): the exponential smoothing's own, α / (2 − α) of the squared
# coefficient of variation of period demand, at most a 60 % spread.
MAX_LEVEL_VAR = 0.36

COMPOUND = "compound"


def undershoot_of(moments: DayMoments) -> tuple[np.ndarray, np.ndarray]:
    """Undershoot mean and sd per row from the moments of its days with demand."""
    hits = np.maximum(moments.count, 1)
    return undershoot_from_moments(moments.total / hits, moments.square / hits,
                                   moments.cube / hits)


def class_reorder_points(
    kind: ArrayLike,
    rate: ArrayLike,
    sd: ArrayLike,
    lead_days: ArrayLike,
    lead_sd_days: ArrayLike,
    service_level: ArrayLike,
    *,
    period_days: float,
    moments: DayMoments | None = None,
    cost: ArrayLike | None = None,
    lot: ArrayLike | None = None,
    multipliers: dict | None = None,
) -> ReorderPoints:
    """Whole-unit reorder points, the method chosen by demand class (see the module doc).

    Args:
        kind: demand class per row (``classify`` kinds).
        rate, sd: forecast demand and its spread per period of ``period_days`` days.
        lead_days, lead_sd_days: lead time and its spread in days.
        service_level: target cycle service level per row (or one for all).
        moments: the moments of each row's daily demand over its history window
            (without them every row gets the fitted model, no undershoot).
        cost: value of a unit per row (default 1), for the least stock value.
        lot: the usual order quantity per row (default a period of demand): with the
            rate, how many cycles the row has.
        multipliers: the groups' prices of service from an earlier call (see
            :func:`.allocate.allocate`), to re-estimate some rows as their group did.
    The result's ``item_level`` is each row's own modelled cycle service and
    ``multipliers`` the groups' prices.
    """
    kinds = np.asarray(kind).astype(str)
    n = kinds.shape[0]
    lead, lead_sd = (np.broadcast_to(np.asarray(x, float), (n,)) for x in (lead_days,
                                                                          lead_sd_days))
    level = np.broadcast_to(np.asarray(service_level, float), (n,))
    per = np.broadcast_to(np.asarray(rate, float), (n,))
    u_mean, u_sd = np.zeros(n), np.zeros(n)
    if moments is not None:
        u_mean, u_sd = undershoot_of(moments)
    fitted = reorder_points(per, sd, lead / period_days, lead_sd / period_days, level,
                            u_mean, u_sd)
    item_level = fitted.service_level.astype(float).copy()
    if moments is None:
        return _with(fitted, fitted.reorder_point, fitted.method, item_level, {})
    # erratic, lumpy and intermittent rows; and smooth ones whose days vary in size
    compound = np.isin(kinds, COMPOUND_KINDS) | ((kinds == SMOOTH) & varied_sizes(moments))
    rows = np.flatnonzero(compound & (moments.count >= MIN_DAYS) & (per > 0))
    if not rows.size:
        return _with(fitted, fitted.reorder_point, fitted.method, item_level, {})
    sizes = per[rows] if lot is None else np.broadcast_to(np.asarray(lot, float), (n,))[rows]
    alpha = np.where(np.isin(kinds[rows], (SMOOTH, ERRATIC)), SES_ALPHA, SBA_ALPHA)
    spread = np.broadcast_to(np.asarray(sd, float), (n,))[rows]
    level_var = np.minimum(alpha / (2 - alpha) * (spread / np.maximum(per[rows], 1e-12)) ** 2,
                           MAX_LEVEL_VAR)
    R, F = compound_candidates(kinds[rows], per[rows] / period_days, moments.take(rows),
                               lead[rows], lead_sd[rows], lot=None if lot is None else sizes,
                               level_var=level_var)
    days_per_period = moments.count[rows] / max(moments.days, 1) * period_days
    cycles = np.minimum(days_per_period, per[rows] / np.maximum(sizes, 1.0)) + 1e-9
    value = np.ones(rows.size) if cost is None else np.broadcast_to(
        np.asarray(cost, float), (n,))[rows]
    value = np.where(value > 0, value, 1.0)
    groups = np.char.add(np.char.add(families(kinds[rows], moments.take(rows)), "@"),
                         np.char.mod("%.4f", level[rows]))
    pick, prices = allocate(R, F, cycles, value, groups, level[rows], multipliers)
    at = np.arange(rows.size)
    rop = fitted.reorder_point.copy()
    rop[rows] = R[at, pick]
    item_level[rows] = F[at, pick]
    method = fitted.method.astype("<U17")
    method[rows] = COMPOUND
    return _with(fitted, rop, method, item_level, prices)


def families(kind: np.ndarray, moments: DayMoments) -> np.ndarray:
    """The items a class target is met by together: how often there is demand (the
    class's ADI side: intermittent and lumpy items are rare) and whether a day's demand
    varies in size (:func:`.compound.varied_sizes`, on days, not months): rare and varied
    is lumpy, rare and steady intermittent, frequent and varied erratic, else smooth."""
    varied = varied_sizes(moments)
    rare = np.isin(kind, (INTERMITTENT, LUMPY))
    return np.where(rare, np.where(varied, LUMPY, INTERMITTENT),
                    np.where(varied, ERRATIC, SMOOTH)).astype(str)


def _with(fitted: ReorderPoints, rop: np.ndarray, method: np.ndarray,
          item_level: np.ndarray, prices: dict) -> ReorderPoints:
    return ReorderPoints(rop, rop - fitted.mean_lead_time_demand,
                         fitted.mean_lead_time_demand, fitted.sd_lead_time_demand,
                         fitted.service_level, method, item_level, prices)


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
    item_level: np.ndarray  # each row's own modelled cycle service
    multipliers: dict  # the groups' prices of service (see :mod:`.allocate`)


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
    moments: DayMoments | None = None,
    cost: np.ndarray | None = None,
    lot: Callable[[np.ndarray], np.ndarray] | None = None,
) -> Estimates:
    """Forecast on monthly buckets (weekly for the ``fast`` rows), then reorder points.

    ``weekly`` holds the weekly buckets of the ``fast`` rows, in that order; ``moments``
    and ``cost`` are as :func:`class_reorder_points` takes them, ``lot`` gives the usual
    order quantities for the forecast rates.
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
                              period_days=month_days, moments=moments, cost=cost,
                              lot=None if lot is None else lot(rate))
    rop = rp.reorder_point.copy()
    has_min = ~np.isnan(minimum)
    rop[has_min] = np.maximum(rop[has_min], minimum[has_min])
    safety = rp.safety_stock + (rop - rp.reorder_point)
    return Estimates(rate, sd, method, kind, low, bucket, rop, safety, rp.method,
                     rp.item_level if rp.item_level is not None else rp.service_level,
                     rp.multipliers or {})
