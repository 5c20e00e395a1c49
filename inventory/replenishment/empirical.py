"""Reorder points from the item's own lead-time demand, for intermittent and lumpy items.

A fitted negative binomial says little about a lumpy item's tail: a project that takes
20 docks in one day is not in a distribution fitted to the mean and spread of monthly
buckets. Here the lead-time demand distribution is the item's history itself:

- every window of L consecutive days of the daily demand history (starting every
  other day) is one sample of
  lead-time demand, for each of a few lead times L spread over the observed lead-time
  distribution (its quantiles at 10 %, 30 %, 50 %, 70 % and 90 % of a normal with the
  observed mean and sd, whole days, at least 1): overlapping windows, pooled;
- the undershoot (how far the demand of the day that triggers the order carries the
  position below the reorder point, see :mod:`.undershoot`) has the equilibrium
  distribution P(U = u) = P(X > u) / E[X] of the item's non-zero daily demands X,
  independent of the lead-time demand: the two distributions are convolved exactly;
- the reorder point is the whole number r whose share of samples with D + U ≤ r is
  nearest to the target service level, never more than one unit below the smallest r
  that reaches it. With a handful of possible values (an item that sells one or two a
  quarter) the smallest r reaching the target would overshoot it every time, by up to
  ten points: r = 1 may cover 91 % and r = 2 99 %; taking the nearer keeps a group of
  such items on its target on average instead of always above it.

Everything runs for many items at once: window sums from cumulative sums, distributions
as per-row histograms (numpy only, no sampling: the same history gives the same answer).
"""

from __future__ import annotations

from statistics import NormalDist

import numpy as np
from numpy.typing import ArrayLike

LEAD_QUANTILES = (0.1, 0.3, 0.5, 0.7, 0.9)
_CELLS_PER_CHUNK = 4_000_000
MAX_SUPPORT = 4096
WINDOW_STEP = 2
SHORTFALL_WEIGHT = 2.0  # a point of service short counts as two points over


def lead_time_grid(mean_days: ArrayLike, sd_days: ArrayLike) -> np.ndarray:
    """Whole-day lead times at :data:`LEAD_QUANTILES` of N(mean, sd), shape (items, 5)."""
    mean = np.asarray(mean_days, float).reshape(-1, 1)
    sd = np.asarray(sd_days, float).reshape(-1, 1)
    z = np.array([NormalDist().inv_cdf(q) for q in LEAD_QUANTILES])[None, :]
    return np.maximum(np.rint(mean + sd * z), 1).astype(np.int64)


def _histograms(values: np.ndarray, width: int) -> np.ndarray:
    """Per row, the share of ``values`` (rows, samples) equal to 0, 1, ..., width-1."""
    rows, n = values.shape
    idx = np.arange(rows)[:, None] * width + np.minimum(values, width - 1)
    counts = np.bincount(idx.ravel(), minlength=rows * width).reshape(rows, width)
    return counts / n


def undershoot_pmf(daily: np.ndarray, width: int) -> np.ndarray:
    """Per row, P(U = u) for u < width: P(X > u) / E[X] over the non-zero days X."""
    rows = daily.shape[0]
    hits = daily > 0
    n = np.maximum(hits.sum(axis=1), 1)
    sizes = np.where(hits, np.minimum(daily, width), 0)
    # P(X = x) for x = 1..width, then P(X > u) = 1 - P(X <= u)
    idx = (np.arange(rows)[:, None] * (width + 1) + sizes)[hits]
    pmf_x = np.bincount(idx, minlength=rows * (width + 1)).reshape(rows, width + 1) / n[:, None]
    over = 1.0 - np.cumsum(pmf_x, axis=1)[:, :width]
    mean = (pmf_x * np.arange(width + 1)).sum(axis=1)
    out = np.where(mean[:, None] > 0, over / np.where(mean > 0, mean, 1.0)[:, None], 0.0)
    out[mean == 0, 0] = 1.0
    return out


def _window_sums(csum: np.ndarray, leads: np.ndarray) -> np.ndarray:
    """(rows, k × windows) lead-time demand samples: every window of each lead time.

    Windows start every :data:`WINDOW_STEP` days (overlapping windows a day apart say
    almost the same); rows sharing a lead time are sliced together."""
    rows, days = csum.shape[0], csum.shape[1] - 1
    width = days - int(leads.max())
    starts = slice(0, width, WINDOW_STEP)
    count = len(range(0, width, WINDOW_STEP))
    out = np.empty((rows, leads.shape[1], count), np.int32)
    for j in range(leads.shape[1]):
        col = leads[:, j]
        for L in np.unique(col).tolist():
            r = np.flatnonzero(col == L)
            out[r, j] = csum[r, L : L + width : WINDOW_STEP] - csum[r, starts]
    return out.reshape(rows, -1)


def empirical_reorder_points(
    daily: ArrayLike, lead_mean: ArrayLike, lead_sd: ArrayLike, service_level: ArrayLike,
    undershoot: bool = True,
) -> np.ndarray:
    """Whole-unit reorder points from each row's own daily history (see the module doc).

    Args:
        daily: (items, days) whole-unit daily demand, oldest first; rows need 30 days more
            than their longest lead time, and lead-time demand below :data:`MAX_SUPPORT`
            (else NaN: use the fitted model).
        lead_mean, lead_sd: lead time per item, in days.
        service_level: cycle service level per item (or one for all), in (0, 1).
        undershoot: add the undershoot of daily review (default on).
    """
    y = np.asarray(daily)
    if y.ndim != 2:
        raise ValueError("daily demand must be 2-D (items, days)")
    if y.dtype.kind == "f":
        y = np.rint(np.maximum(y, 0)).astype(np.int32)
    elif y.dtype != np.int32:
        y = np.maximum(y, 0).astype(np.int32)
    rows, days = y.shape
    level = np.broadcast_to(np.asarray(service_level, float), (rows,))
    if not ((level > 0) & (level < 1)).all():
        raise ValueError("service level must be strictly between 0 and 1, e.g. 0.95")
    leads = lead_time_grid(np.broadcast_to(lead_mean, (rows,)), np.broadcast_to(lead_sd, (rows,)))
    out = np.full(rows, np.nan)
    usable = np.flatnonzero(leads.max(axis=1) < days - 30)
    if not usable.size:
        return out
    csum = np.zeros((rows, days + 1), np.int32)
    np.cumsum(y, axis=1, out=csum[:, 1:])
    step = max(1, _CELLS_PER_CHUNK // (leads.shape[1] * days))
    for begin in range(0, usable.size, step):
        idx = usable[begin : begin + step]
        sums = _window_sums(csum[idx], leads[idx])
        top = sums.max(axis=1) + (y[idx].max(axis=1) if undershoot else 0)
        fits = top < MAX_SUPPORT
        idx, sums = idx[fits], sums[fits]
        if not idx.size:
            continue
        width = int(top[fits].max()) + 1
        pmf = _histograms(sums, width)
        if undershoot:
            pmf = _convolve(pmf, undershoot_pmf(y[idx], width))
        out[idx] = _nearest_quantile(np.cumsum(pmf, axis=1), level[idx])
    return out


def _convolve(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Row-wise convolution of two pmfs on 0..width-1, truncated to the same width."""
    width = a.shape[1]
    used = int(np.flatnonzero(b.any(axis=0)).max(initial=0)) + 1
    out = np.zeros_like(a)
    for u in range(used):
        out[:, u:] += a[:, : width - u] * b[:, u : u + 1]
    return out


def _nearest_quantile(cdf: np.ndarray, level: np.ndarray) -> np.ndarray:
    """Per row, the r whose P(D ≤ r) is nearest ``level`` (ties: the higher), at most one
    below the smallest r reaching it."""
    reached = cdf >= level[:, None] - 1e-12
    high = np.argmax(reached, axis=1)
    rows = np.arange(len(cdf))
    share_high = cdf[rows, high]
    share_low = np.where(high > 0, cdf[rows, np.maximum(high - 1, 0)], 0.0)
    lower = (high > 0) & (SHORTFALL_WEIGHT * (level - share_low) < share_high - level)
    return np.where(lower, high - 1, high).astype(float)
