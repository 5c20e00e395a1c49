"""Lead-time demand of erratic, lumpy and intermittent items as a compound distribution.

A fitted negative binomial on monthly buckets says little about an item that sells
nothing for weeks and then twenty at once. Here lead-time demand is built from the two
things such an item's history does tell: how often a day has demand, and how big a day's
demand is. Per row (an item at a stocking location), from its days with demand in the
window (count n, Σx, Σx² of the day totals x, as the demand table keeps them):

- a day has demand with probability p, scaled so that p·E[X] is the forecast rate (the
  forecast still decides the level; the history decides the shape);
- the size X of a day's demand, in whole units (:func:`varied_sizes`: day totals whose
  CV² reaches the classification's 0.49, or sizes beyond a unit or two seen on too few
  days to call them steady):
  - varied sizes: X − ½ log-normal. Its spread σ² is the row's own and the pooled one of
    the rows on its side of the ADI cut-off (rare: intermittent and lumpy; frequent),
    each weighted by its precision: a variance estimated from a heavy tail tells little
    (its sampling variance grows with the log-normal's kurtosis), so a dozen demands in
    two years are not taken as the whole tail. Widened by 1 + 1/n. Its location (the
    median) comes from the row's own mean and spread as far as its days can tell
    (:data:`LOCATION_DAYS`): a row that has not yet seen its tail shows both a low mean
    and a low spread;
  - steady sizes (a unit or two): X = 1 + Y, Y binomial, Poisson or negative binomial
    with the row's mean and variance (an item that takes one or two is exact);
- over a lead time of L days the number of days with demand is binomial (L, p), for L at
  five points of the lead-time spread that keep its variance (:func:`lead_time_grid`);
- the forecast level itself is uncertain: the whole demand is scaled by a log-normal θ
  of mean 1 and the given variance (three Gauss-Hermite points, :func:`_level_mixture`);
- the undershoot of daily review (how far below the reorder point the triggering day
  takes the position): each order brings the position to reorder point + lot, so the
  next trigger falls where the day sizes' partial sums first pass the lot. Its
  distribution is the overshoot of that renewal process, P(U = u) = Σ_{s<lot} h(s)
  P(X = lot − s + u), h the renewal mass (:func:`_overshoot_hat`); for a lot beyond the
  width the equilibrium P(X > u) / E[X]. The equilibrium alone is far off for lumpy
  items whose lot is smaller than one demand: it held a fifth more stock on them than
  their target needed.

Everything is computed in the Fourier domain for many rows at once (numpy's FFT; the
distribution of lead-time demand + undershoot on 0 … W − 1, W a power of two wide enough
for the row), and handed on as candidate reorder points: for each level of
:data:`LEVELS`, the smallest whole r whose probability of covering D + U reaches it,
and that probability (see :mod:`.allocate`).
"""

from __future__ import annotations

from dataclasses import dataclass
from statistics import NormalDist

import numpy as np
from numpy.typing import ArrayLike

from .classify import ERRATIC, INTERMITTENT, LUMPY

COMPOUND_KINDS = (ERRATIC, LUMPY, INTERMITTENT)
SIZE_CV2 = 0.49
MIN_DAYS = 2  # days with demand needed to describe the sizes
PRIOR_VAR = 0.25  # how far an item's size spread σ² may be from its class's (a variance)
LOCATION_DAYS = 50.0  # days with demand at which a row's own log-normal location is half trusted
LIGHT_MEAN = 2.5  # mean day sizes above this are steady only when seen on TRUST_DAYS days
TRUST_DAYS = 50
STEADY_CV2 = 0.1  # day sizes that vary less than this (a pack of 4 every time) are steady
LEAD_QUANTILES = (0.1, 0.3, 0.5, 0.7, 0.9)
LEVEL_Z = (-np.sqrt(3.0), 0.0, np.sqrt(3.0))  # Gauss-Hermite points of the level's spread
LEVEL_W = (1 / 6, 2 / 3, 1 / 6)
LEVELS = np.array([0.3, 0.5, 0.6, 0.7, 0.75, 0.8, 0.85, 0.88, 0.9, 0.92, 0.93, 0.94,
                   0.95, 0.96, 0.97, 0.975, 0.98, 0.985, 0.99, 0.993, 0.995, 0.997,
                   0.998, 0.999])
MAX_WIDTH = 1 << 15
HEAVY_ROOM = 4.0
_CELLS_PER_CHUNK = 2_000_000
# The candidates of a row depend only on its fitted parameters: a recompute of the reorder
# list (demand of complete months does not move between them) finds most rows here.
CACHE_ROWS = 200_000
_CACHE: dict[tuple, tuple[np.ndarray, np.ndarray]] = {}


@dataclass(frozen=True)
class DayMoments:
    """Per row, over a window of ``days`` days: days with demand and the sums of the day
    totals, their squares and cubes."""

    count: np.ndarray
    total: np.ndarray
    square: np.ndarray
    cube: np.ndarray
    days: int

    @classmethod
    def of_daily(cls, daily: ArrayLike) -> DayMoments:
        """The moments of a (rows, days) matrix of daily demand."""
        y = np.asarray(daily, float)
        hit = y > 0
        return cls(hit.sum(axis=1).astype(float), y.sum(axis=1), (y * y).sum(axis=1),
                   (y * y * y).sum(axis=1), y.shape[1])

    def take(self, rows: np.ndarray) -> DayMoments:
        return DayMoments(self.count[rows], self.total[rows], self.square[rows],
                          self.cube[rows], self.days)


def lead_time_grid(mean_days: ArrayLike, sd_days: ArrayLike) -> np.ndarray:
    """Whole-day lead times at :data:`LEAD_QUANTILES` of N(mean, sd), spread so that the five
    equally weighted points keep the variance, shape (rows, 5)."""
    mean = np.asarray(mean_days, float).reshape(-1, 1)
    sd = np.asarray(sd_days, float).reshape(-1, 1)
    z = np.array([NormalDist().inv_cdf(q) for q in LEAD_QUANTILES])[None, :]
    z = z / np.sqrt(np.mean(z * z))  # spread so that the grid keeps the lead time's variance
    return np.maximum(np.rint(mean + sd * z), 1).astype(np.int64)


def _phi(x: np.ndarray) -> np.ndarray:
    """Standard normal cdf (Abramowitz & Stegun 7.1.26 on erfc, error below 1e-7)."""
    z = np.abs(x) / np.sqrt(2.0)
    t = 1.0 / (1.0 + 0.3275911 * z)
    poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (
        -1.453152027 + t * 1.061405429))))
    half = 0.5 * poly * np.exp(-z * z)
    return np.where(x >= 0, 1.0 - half, half)


def _count_pmf(mean: np.ndarray, var: np.ndarray, width: int) -> np.ndarray:
    """Per row, binomial (var < mean), Poisson or negative binomial (var > mean) pmf on
    0 … width − 1, matching the mean and variance."""
    rows = mean.shape[0]
    out = np.zeros((rows, width))
    under = (var < mean * (1 - 1e-6)) & (mean > 0)
    if under.any():
        q = 1 - var[under] / mean[under]
        trials = np.clip(np.rint(mean[under] / q), 1, width - 1)
        q = np.minimum(mean[under] / trials, 1.0)
        certain = q >= 1 - 1e-9
        qs = np.where(certain, 0.5, q)[:, None]
        t = trials[:, None]
        k = np.arange(width - 1, dtype=float)[None, :]
        # P(k + 1) / P(k) = (t − k) / (k + 1) · q / (1 − q), from P(0) = (1 − q)^t
        ratio = np.maximum(t - k, 0) / (k + 1) * qs / (1 - qs)
        head = np.exp(t[:, 0] * np.log1p(-qs[:, 0]))
        pmf = np.empty((int(under.sum()), width))
        pmf[:, 0] = head
        pmf[:, 1:] = head[:, None] * np.cumprod(ratio, axis=1)
        exact = np.zeros_like(pmf)
        exact[np.arange(len(t)), trials.astype(np.int64)] = 1.0
        out[under] = np.where(certain[:, None], exact, pmf)
        rest = ~under
        if rest.any():
            out[rest] = _count_pmf(mean[rest], np.maximum(var[rest], mean[rest]), width)
        return out
    m = np.maximum(mean, 1e-12)[:, None]
    nb = (var > mean * (1 + 1e-6))[:, None]
    size = np.where(nb, m * m / np.maximum(var[:, None] - m, 1e-12), 1.0)
    q = np.where(nb, m / (m + size), 0.0)  # success share of the negative binomial
    k = np.arange(1, width, dtype=float)[None, :]
    ratio = np.where(nb, (k - 1 + size) / k * q, m / k)
    start = np.where(nb, np.exp(size * np.log1p(-q)), np.exp(-m))
    out[:, :1] = start
    out[:, 1:] = start * np.cumprod(ratio, axis=1)
    return out


def _size_pmf(heavy: np.ndarray, mean: np.ndarray, var: np.ndarray, sigma2: np.ndarray,
              width: int, count: np.ndarray | None = None) -> np.ndarray:
    """P(X = x) on 0 … width − 1 per row (X ≥ 1); the tail beyond lumped on the last cell."""
    rows = mean.shape[0]
    pmf = np.zeros((rows, width))
    if heavy.any():
        shifted = np.maximum(mean[heavy] - 0.5, 0.05)
        # The location (median) from the row's own mean and spread, as far as its days
        # tell (a row that has not yet seen its tail has both a low mean and a low
        # spread); the spread from the class's (see _size_fit).
        own = np.log1p(var[heavy] / (shifted * shifted))
        n = np.ones(int(heavy.sum())) if count is None else count[heavy]
        trust = n / (n + LOCATION_DAYS)
        mu = np.log(shifted) - (trust * own + (1 - trust) * sigma2[heavy]) / 2
        sd = np.sqrt(sigma2[heavy])
        edges = np.log(np.arange(1, width, dtype=float))[None, :]
        cdf = _phi((edges - mu[:, None]) / sd[:, None])  # P(Y ≤ 1), P(Y ≤ 2), ...
        pmf[heavy, 1] = cdf[:, 0]
        pmf[heavy, 2:] = np.diff(cdf, axis=1)
    light = ~heavy
    if light.any():
        pmf[light, 1:] = _count_pmf(np.maximum(mean[light] - 1, 0), var[light], width - 1)
    pmf[:, -1] += np.maximum(1.0 - pmf.sum(axis=1), 0.0)
    return pmf


def _heavy(mean: np.ndarray, var: np.ndarray, count: np.ndarray) -> np.ndarray:
    """Rows whose day sizes are described as log-normal: the spread of the day totals
    themselves, CV² at or above the classification's 0.49; or sizes beyond a unit or two
    that vary at all (CV² from 0.1), seen on too few days to call them steady."""
    return (var >= SIZE_CV2 * mean * mean) | (
        (mean > LIGHT_MEAN) & (count < TRUST_DAYS) & (var >= STEADY_CV2 * mean * mean))


def varied_sizes(m: DayMoments) -> np.ndarray:
    """Rows whose day sizes vary (see :func:`_heavy`)."""
    n = np.maximum(m.count, 1)
    mean = m.total / n
    return _heavy(mean, np.maximum(m.square / n - mean * mean, 0.0), m.count)


def _kurtosis(sigma2: np.ndarray | float) -> np.ndarray:
    e = np.exp(np.minimum(sigma2, 5.0))
    return e ** 4 + 2 * e ** 3 + 3 * e ** 2 - 3


def _size_fit(kind: np.ndarray, m: DayMoments) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per row: mean and variance of a day's demand, and the log-normal spread σ² for
    rows of varied sizes: the row's own estimate and its class's pooled one, each
    weighted by its precision (a variance estimated from a heavy tail tells little)."""
    n = np.maximum(m.count, 1)
    mean = m.total / n
    var = np.maximum(m.square / n - mean * mean, 0.0)
    shifted = np.maximum(mean - 0.5, 0.05)
    own = np.log1p(var / (shifted * shifted))
    sigma2 = own.copy()
    heavy = _heavy(mean, var, m.count)
    rare = np.isin(kind, (INTERMITTENT, LUMPY))
    for side in (rare, ~rare):
        rows = heavy & side
        if not rows.any():
            continue
        pooled = np.log1p(np.sum(m.count[rows] * var[rows])
                          / max(float(np.sum(m.count[rows] * shifted[rows] ** 2)), 1e-12))
        v_own = (1 - np.exp(-pooled)) ** 2 * (_kurtosis(pooled) - 1) / n[rows]
        w_own = 1 / np.maximum(v_own, 1e-9)
        sigma2[rows] = (w_own * own[rows] + pooled / PRIOR_VAR) / (w_own + 1 / PRIOR_VAR)
    sigma2 = np.maximum(sigma2 * (1 + 1 / n), 1e-6)
    return mean, var, sigma2


def compound_candidates(
    kind: ArrayLike, rate_per_day: ArrayLike, moments: DayMoments, lead_mean: ArrayLike,
    lead_sd: ArrayLike, lot: ArrayLike | None = None, level_var: ArrayLike | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Candidate reorder points per row: ``R[i, k]`` the smallest whole r with
    P(D + U ≤ r) ≥ ``LEVELS[k]`` and ``F[i, k]`` that probability (see the module doc).

    Rows need at least :data:`MIN_DAYS` days with demand (callers pick them)."""
    kinds = np.asarray(kind).astype(str)
    rows = kinds.shape[0]
    mean, var, sigma2 = _size_fit(kinds, moments)
    hist_rate = moments.total / max(moments.days, 1)
    rate = np.maximum(np.asarray(rate_per_day, float), 0.0)
    p = np.clip(moments.count / max(moments.days, 1)
                * np.where(hist_rate > 0, rate / np.where(hist_rate > 0, hist_rate, 1), 0),
                0.0, 1.0)
    leads = lead_time_grid(np.broadcast_to(lead_mean, (rows,)),
                           np.broadcast_to(lead_sd, (rows,)))
    heavy = _heavy(mean, var, moments.count)
    ex2 = np.where(heavy, (np.maximum(mean - 0.5, 0.05)) ** 2 * np.exp(sigma2),
                   var + mean * mean)
    lv = np.zeros(rows) if level_var is None else np.broadcast_to(
        np.maximum(np.asarray(level_var, float), 0.0), (rows,))
    top = leads[:, -1] * p * np.exp(np.sqrt(lv) * LEVEL_Z[-1] - lv / 2)
    spread = np.sqrt(top * ex2) + np.sqrt(ex2)
    # varied sizes: room for their tail (the sizes are cut at half the width)
    need = (top * mean + 8 * spread + 8) * np.where(heavy, HEAVY_ROOM, 1)
    width = np.minimum(2 ** np.ceil(np.log2(np.maximum(need, 16))), MAX_WIDTH).astype(
        np.int64)
    R = np.zeros((rows, len(LEVELS)), np.int64)
    F = np.ones((rows, len(LEVELS)))
    lots = (np.zeros(rows, np.int64) if lot is None else np.maximum(np.ceil(
        np.broadcast_to(np.asarray(lot, float), (rows,)) - 1e-9), 1).astype(np.int64))
    keys = list(zip(heavy.tolist(), mean.tolist(), var.tolist(), sigma2.tolist(), p.tolist(),
                    map(tuple, leads.tolist()), width.tolist(), lots.tolist(), lv.tolist(),
                    moments.count.tolist(), strict=True))
    todo = []
    for i, key in enumerate(keys):
        got = _CACHE.get(key)
        if got is None:
            todo.append(i)
        else:
            R[i], F[i] = got
    missing = np.array(todo, np.int64)
    for w in np.unique(width[missing]).tolist():
        group = missing[width[missing] == w]
        step = max(1, _CELLS_PER_CHUNK // w)
        for begin in range(0, group.size, step):
            idx = group[begin:begin + step]
            cdf = _cdf(heavy[idx], mean[idx], var[idx], sigma2[idx], p[idx], leads[idx], w,
                       lots[idx], lv[idx], moments.count[idx])
            r = np.minimum(_first_reaching(cdf), w - 1)
            R[idx] = r
            F[idx] = np.take_along_axis(cdf, r, axis=1)
    if len(_CACHE) + len(todo) > CACHE_ROWS:
        _CACHE.clear()
    for i in todo:
        _CACHE[keys[i]] = (R[i].copy(), F[i].copy())
    return R, F


def _first_reaching(cdf: np.ndarray) -> np.ndarray:
    """Per row and level of :data:`LEVELS`, the first r with cdf[r] ≥ level (rows of
    non-decreasing cdfs in [0, 1], searched as one array: row i shifted by 2i)."""
    rows, width = cdf.shape
    shift = 2.0 * np.arange(rows)[:, None]
    flat = (cdf + shift).ravel()
    want = (LEVELS[None, :] - 1e-12 + shift).ravel()
    found = np.searchsorted(flat, want, side="left").reshape(rows, len(LEVELS))
    return found - width * np.arange(rows)[:, None]


def _cdf(heavy: np.ndarray, mean: np.ndarray, var: np.ndarray, sigma2: np.ndarray,
         p: np.ndarray, leads: np.ndarray, width: int, lots: np.ndarray,
         level_var: np.ndarray, count: np.ndarray) -> np.ndarray:
    """P(D + U ≤ r) for r = 0 … width − 1, per row (``lots`` 0: the equilibrium
    undershoot)."""
    sizes = _size_pmf(heavy, mean, var, sigma2, width // 2, count)
    sizes = np.concatenate([sizes, np.zeros((sizes.shape[0], width - sizes.shape[1]))],
                           axis=1)
    fx = np.fft.rfft(sizes, axis=1)
    fu = np.empty_like(fx)
    exact = (lots >= 1) & (lots < width // 2)
    if exact.any():
        fu[exact] = _overshoot_hat(sizes[exact], fx[exact], lots[exact], width)
    if not exact.all():
        rest = ~exact
        over = 1.0 - np.cumsum(sizes[rest], axis=1)  # P(X > u)
        ex = (sizes[rest] * np.arange(width)).sum(axis=1)
        under = over / np.where(ex > 0, ex, 1.0)[:, None]
        under[:, width // 2:] = 0.0
        under /= np.maximum(under.sum(axis=1, keepdims=True), 1e-300)
        fu[rest] = np.fft.rfft(under, axis=1)
    lead = np.zeros_like(fx)
    with np.errstate(divide="ignore"):
        log_day = np.log(1.0 - p[:, None] + p[:, None] * fx)
    for j in range(leads.shape[1]):
        lead += np.exp(leads[:, j][:, None] * log_day)
    lead /= leads.shape[1]
    pmf = np.maximum(np.fft.irfft(lead * fu, n=width, axis=1), 0.0)
    cdf = np.cumsum(pmf, axis=1)
    cdf = np.minimum(cdf / np.maximum(cdf[:, -1:], 1e-300), 1.0)
    if not level_var.any():
        return cdf
    return _level_mixture(cdf, level_var)


def _level_mixture(cdf: np.ndarray, level_var: np.ndarray) -> np.ndarray:
    """The cdf with the whole demand scaled by an uncertain level θ (log-normal, mean 1,
    variance of log ``level_var``), three Gauss-Hermite points: P(θ·Z ≤ r)."""
    rows, width = cdf.shape
    out = np.zeros_like(cdf)
    grid = np.arange(width, dtype=float)[None, :] + 0.5
    sd = np.sqrt(level_var)[:, None]
    for z, weight in zip(LEVEL_Z, LEVEL_W, strict=True):
        theta = np.exp(sd * z - sd * sd / 2)
        x = np.clip(grid / theta - 0.5, 0.0, width - 1.0)
        lo = np.floor(x).astype(np.int64)
        hi = np.minimum(lo + 1, width - 1)
        frac = x - lo
        out += weight * ((1 - frac) * np.take_along_axis(cdf, lo, axis=1)
                         + frac * np.take_along_axis(cdf, hi, axis=1))
    return np.maximum.accumulate(np.minimum(out, 1.0), axis=1)


def _overshoot_hat(sizes: np.ndarray, fx: np.ndarray, lots: np.ndarray,
                   width: int) -> np.ndarray:
    """Fourier transform of the undershoot when each order brings the position to reorder
    point + lot: the overshoot of the day sizes' partial sums beyond the lot,
    P(U = u) = sum over s < lot of h(s) P(X = lot - s + u), h the renewal mass."""
    rows = sizes.shape[0]
    top = int(lots.max())
    # h = the coefficients of 1 / (1 − F(z)), F the sizes' generating function, found on
    # the circle of radius ρ (ρ^width = 1e-12: what wraps around is negligible).
    damp = np.exp(np.arange(width) * (np.log(1e-12) / width))
    h = np.fft.irfft(1.0 / (1.0 - np.fft.rfft(sizes * damp, axis=1)), n=width,
                     axis=1)[:, :top] / damp[:top]
    g = np.zeros((rows, width))
    t = np.arange(1, top + 1)[None, :]  # g[t] = h[lot - t], t = 1 .. lot
    src = lots[:, None] - t
    ok = src >= 0
    g[:, 1:top + 1] = np.where(ok, np.take_along_axis(h, np.maximum(src, 0), axis=1), 0.0)
    c = np.fft.irfft(fx * np.conj(np.fft.rfft(g, axis=1)), n=width, axis=1)
    c[:, width // 2:] = 0.0  # the wrapped-around half: u < 0
    c = np.maximum(c, 0.0)
    c /= np.maximum(c.sum(axis=1, keepdims=True), 1e-300)
    return np.fft.rfft(c, axis=1)
