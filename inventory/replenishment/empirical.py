"""Reorder points from the item's own lead-time demand, for intermittent and lumpy items.

A fitted negative binomial says little about a lumpy item's tail: a project that takes
20 docks in one day is not in a distribution fitted to the mean and spread of monthly
buckets. Here the lead-time demand distribution is the item's history itself:

- every window of L consecutive days of the daily demand history is one sample of
  lead-time demand, for each of a few lead times L spread over the observed lead-time
  distribution (its quantiles at 10 %, 30 %, 50 %, 70 % and 90 % of a normal with the
  observed mean and sd, whole days, at least 1): overlapping windows, pooled;
- the undershoot (how far the demand of the day that triggers the order carries the
  position below the reorder point, see :mod:`.undershoot`) has the equilibrium
  distribution P(U = u) = P(X > u) / E[X] of the item's non-zero daily demands X; each
  window sample is paired with one undershoot value from that distribution (evenly
  spaced quantiles in a fixed shuffled order, so the answer is the same every time);
- the reorder point is the whole number r whose share of samples with D + U ≤ r is
  nearest to the target service level, never more than one unit below the smallest r
  that reaches it. With a handful of possible values (an item that sells one or two a
  quarter) the smallest r reaching the target would overshoot it every time, by up to
  ten points: r = 1 may cover 91 % and r = 2 99 %; taking the nearer keeps a group of
  such items on its target on average instead of always above it.

Everything runs for many items at once (chunks of rows; numpy only).
"""

from __future__ import annotations

from statistics import NormalDist

import numpy as np
from numpy.typing import ArrayLike

LEAD_QUANTILES = (0.1, 0.3, 0.5, 0.7, 0.9)
_CELLS_PER_CHUNK = 4_000_000
_SHUFFLE_SEED = 20_240_601


def lead_time_grid(mean_days: ArrayLike, sd_days: ArrayLike) -> np.ndarray:
    """Whole-day lead times at :data:`LEAD_QUANTILES` of N(mean, sd), shape (items, 5)."""
    mean = np.asarray(mean_days, float).reshape(-1, 1)
    sd = np.asarray(sd_days, float).reshape(-1, 1)
    z = np.array([NormalDist().inv_cdf(q) for q in LEAD_QUANTILES])[None, :]
    return np.maximum(np.rint(mean + sd * z), 1).astype(np.int64)


def undershoot_quantiles(daily: np.ndarray, samples: int) -> np.ndarray:
    """Per row, ``samples`` undershoot values at evenly spaced quantiles, shuffled.

    ``daily`` is (rows, days) of whole-unit demand. Rows without demand get zeros.
    """
    rows = daily.shape[0]
    top = int(daily.max(initial=0))
    if top <= 1:
        return np.zeros((rows, samples), np.int64)
    # P(X > u) for u = 0..top-1 over the non-zero days, per row.
    hits = np.maximum((daily > 0).sum(axis=1), 1)
    over = np.stack([(daily > u).sum(axis=1) for u in range(top)], axis=1) / hits[:, None]
    mean = daily.sum(axis=1) / hits
    pmf = over / np.where(mean > 0, mean, 1.0)[:, None]
    cdf = np.cumsum(pmf, axis=1)
    cdf[:, -1] = 1.0
    probs = (np.arange(samples) + 0.5) / samples
    values = np.empty((rows, samples), np.int64)
    for i in range(rows):
        values[i] = np.searchsorted(cdf[i], probs, side="right")
    values = np.minimum(values, top - 1)
    order = np.random.default_rng(_SHUFFLE_SEED).permutation(samples)
    return values[:, order]


def _window_sums(daily: np.ndarray, leads: np.ndarray) -> np.ndarray:
    """(rows, k × windows) lead-time demand samples: every window of each lead time."""
    rows, days = daily.shape
    longest = int(leads.max())
    width = days - longest
    csum = np.zeros((rows, days + 1), np.int64)
    np.cumsum(daily, axis=1, out=csum[:, 1:])
    starts = np.arange(width)[None, :]
    r = np.arange(rows)[:, None]
    parts = [csum[r, starts + leads[:, j : j + 1]] - csum[r, starts] for j in range(leads.shape[1])]
    return np.concatenate(parts, axis=1)


def empirical_reorder_points(
    daily: ArrayLike, lead_mean: ArrayLike, lead_sd: ArrayLike, service_level: ArrayLike,
    undershoot: bool = True,
) -> np.ndarray:
    """Whole-unit reorder points from each row's own daily history (see the module doc).

    Args:
        daily: (items, days) whole-unit daily demand, oldest first; needs more days than
            the longest lead time (else the rows get NaN: use the fitted model).
        lead_mean, lead_sd: lead time per item, in days.
        service_level: cycle service level per item (or one for all), in (0, 1).
        undershoot: add the undershoot of daily review (default on).
    """
    y = np.asarray(daily)
    if y.ndim != 2:
        raise ValueError("daily demand must be 2-D (items, days)")
    y = np.rint(np.maximum(y, 0)).astype(np.int64)
    rows, days = y.shape
    level = np.broadcast_to(np.asarray(service_level, float), (rows,))
    if not ((level > 0) & (level < 1)).all():
        raise ValueError("service level must be strictly between 0 and 1, e.g. 0.95")
    leads = lead_time_grid(np.broadcast_to(lead_mean, (rows,)), np.broadcast_to(lead_sd, (rows,)))
    out = np.full(rows, np.nan)
    usable = np.flatnonzero(leads.max(axis=1) < days - 30)
    if not usable.size:
        return out
    per_row = leads.shape[1] * days
    step = max(1, _CELLS_PER_CHUNK // per_row)
    for begin in range(0, usable.size, step):
        idx = usable[begin : begin + step]
        sums = _window_sums(y[idx], leads[idx])
        if undershoot:
            sums = sums + undershoot_quantiles(y[idx], sums.shape[1])
        out[idx] = _nearest_quantile(sums, level[idx])
    return out


def _nearest_quantile(samples: np.ndarray, level: np.ndarray) -> np.ndarray:
    """Per row, the r whose share of samples ≤ r is nearest ``level`` (ties: the higher),
    at most one below the smallest r reaching it."""
    n = samples.shape[1]
    rank = np.minimum(np.ceil(level * n - 1e-9).astype(np.int64), n) - 1
    s = np.sort(samples, axis=1)
    high = s[np.arange(len(s)), rank]  # smallest r with share(≤ r) ≥ level
    share_high = (s <= high[:, None]).sum(axis=1) / n
    share_low = (s <= (high - 1)[:, None]).sum(axis=1) / n
    lower = (high > 0) & (level - share_low < share_high - level)
    return np.where(lower, high - 1, high).astype(float)


_SAMPLES = 2000


def _common_numbers(samples: int, depth: int) -> dict[str, np.ndarray]:
    """The same random numbers for every item (seeded), so an item's reorder point
    depends on its own history only, not on which other items are computed with it."""
    rng = np.random.default_rng(_SHUFFLE_SEED)
    return {
        "lead": rng.standard_normal(samples),
        "count": rng.random(samples),
        "pick": rng.random((depth, samples)),
        "noise": rng.standard_normal((depth, samples)),
        "biased_pick": rng.random(samples),
        "biased_noise": rng.standard_normal(samples),
        "under": rng.random(samples),
    }


def _binomial_counts(trials: np.ndarray, p: np.ndarray, u: np.ndarray, depth: int) -> np.ndarray:
    """Inverse-CDF draws of Binomial(trials, p) from uniforms ``u``, capped at ``depth``."""
    q = 1.0 - p
    pmf = q**trials  # P(N = 0)
    cdf = pmf.copy()
    count = np.zeros(trials.shape, np.int64)
    for k in range(depth):
        count += u > cdf
        pmf = pmf * (trials - k) / (k + 1) * (p / np.where(q > 0, q, 1.0))
        pmf = np.where(trials > k, pmf, 0.0)
        cdf = cdf + pmf
    return count


def smoothed_bootstrap_reorder_points(
    daily: ArrayLike, lead_mean: ArrayLike, lead_sd: ArrayLike, service_level: ArrayLike,
) -> np.ndarray:
    """Reorder points for lumpy items: a smoothed bootstrap of the item's demand sizes.

    A dozen demand events say little about how large the next one can be; the window
    sums of :func:`empirical_reorder_points` never exceed what was seen. Here lead-time
    demand is rebuilt from its parts, each from the item's own history:

    - demand days: each day of the lead time has demand with the item's observed
      probability (days with demand / days); the lead time is N(mean, sd), whole days;
    - sizes: drawn from the observed sizes with a log-normal kernel (Silverman's
      bandwidth in log space, shrunk so the log-variance stays that of the data), so
      sizes a little beyond the largest seen have a chance too;
    - the undershoot: a size drawn in proportion to its value, times a uniform
      fraction (the equilibrium undershoot of daily review);
    - the reorder point is the target quantile of lead-time demand + undershoot over
      2,000 draws made with the same seeded random numbers for every item.

    Rows with fewer than 2 demand days get NaN (use another method).
    """
    y = np.rint(np.maximum(np.asarray(daily, float), 0)).astype(np.int64)
    rows, days = y.shape
    level = np.broadcast_to(np.asarray(service_level, float), (rows,))
    lead_mean = np.broadcast_to(np.asarray(lead_mean, float), (rows,))
    lead_sd = np.broadcast_to(np.asarray(lead_sd, float), (rows,))
    out = np.full(rows, np.nan)
    hits = y > 0
    events = hits.sum(axis=1)
    ok = np.flatnonzero(events >= 2)
    if not ok.size:
        return out
    p = events / days
    depth_all = np.ceil(
        (lead_mean + 3 * lead_sd) * p + 6 * np.sqrt((lead_mean + 3 * lead_sd) * p) + 3
    ).astype(np.int64)
    samples = _SAMPLES
    for begin in range(0, ok.size, 256):
        idx = ok[begin : begin + 256]
        depth = int(depth_all[idx].max())
        crn = _common_numbers(samples, depth)
        n_ev = events[idx]
        width = int(n_ev.max())
        logs = np.full((idx.size, width), np.nan)
        for j, i in enumerate(idx):
            logs[j, : n_ev[j]] = np.log(y[i][hits[i]])
        m = np.nanmean(logs, axis=1)
        s = np.nanstd(logs, axis=1)
        h = 1.06 * s * n_ev ** -0.2
        shrink = np.where(s > 0, 1.0 / np.sqrt(1.0 + (h / np.where(s > 0, s, 1)) ** 2), 1.0)
        centres = m[:, None] + shrink[:, None] * (logs - m[:, None])  # NaN past the events
        kernel = shrink * h
        lead = np.maximum(np.rint(lead_mean[idx, None] + lead_sd[idx, None] * crn["lead"]), 1)
        n = _binomial_counts(lead, p[idx, None], crn["count"][None, :], depth)
        total = np.zeros((idx.size, samples))
        for k in range(depth):
            pick = np.minimum((crn["pick"][k][None, :] * n_ev[:, None]).astype(np.int64),
                              n_ev[:, None] - 1)
            centre = np.take_along_axis(centres, pick, axis=1)
            size = np.maximum(np.rint(np.exp(centre + kernel[:, None] * crn["noise"][k])), 1)
            total += np.where(n > k, size, 0.0)
        # Undershoot: a size-biased draw (log-normal kernel × its size) times a fraction.
        weight = np.where(np.isnan(centres), 0.0, np.exp(np.nan_to_num(centres)))
        cum = np.cumsum(weight, axis=1)
        cum /= cum[:, -1:]
        pick = np.minimum((cum[:, :, None] < crn["biased_pick"][None, None, :]).sum(axis=1),
                          n_ev[:, None] - 1)
        centre = np.take_along_axis(centres, pick, axis=1)
        biased = np.exp(centre + kernel[:, None] ** 2 + kernel[:, None] * crn["biased_noise"])
        total += np.floor(crn["under"][None, :] * np.maximum(np.rint(biased), 1))
        rank = np.minimum(np.ceil(level[idx] * samples - 1e-9).astype(np.int64), samples) - 1
        out[idx] = np.sort(total, axis=1)[np.arange(idx.size), rank]
    return out

