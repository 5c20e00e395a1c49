"""Distribution helpers without scipy: normal loss, Poisson / negative binomial quantiles.

The count quantiles work in log space over a window of the support, so large
means neither underflow ``exp(-mean)`` nor loop from zero:

- the window starts at ``max(0, mean - 12 sd)`` (the mass left of it is
  negligible for both distributions) and ends at ``mean + sd·√(p / (1 - p))``,
  which by Cantelli's inequality is at or beyond the ``p``-quantile of *any*
  distribution with that mean and sd, so the answer is always inside;
- the log-pmf at the window start comes from ``math.lgamma``, the rest from
  the ratio of successive terms, accumulated with ``cumsum``.

The negative binomial is parameterised by mean ``m`` and variance ``v > m``:
``p = m / v``, ``n = m² / (v - m)`` (real ``n``), ``P(k) = Γ(k+n) / (Γ(n) k!) pⁿ (1-p)ᵏ``.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike

# Variance above mean × this is over-dispersed (negative binomial); below, Poisson.
# The margin keeps float noise (√20² = 20.000000000000004) out of the NB branch,
# whose n = m² / (v - m) would otherwise be astronomically large.
OVERDISPERSED = 1.0 + 1e-6
_CELLS_PER_CHUNK = 2_000_000
_LEFT_SDS = 12.0
_lgamma = np.frompyfunc(math.lgamma, 1, 1)


def normal_loss(k: float) -> float:
    """Standard normal loss G(k) = φ(k) − k(1 − Φ(k)) = E[max(Z − k, 0)]."""
    pdf = math.exp(-0.5 * k * k) / math.sqrt(2.0 * math.pi)
    upper_tail = 0.5 * math.erfc(k / math.sqrt(2.0))
    return pdf - k * upper_tail


def _lg(x: np.ndarray) -> np.ndarray:
    return _lgamma(x).astype(float) if x.size else x.astype(float)


def _window_quantiles(
    mean: np.ndarray, var: np.ndarray, level: np.ndarray, nb: np.ndarray
) -> np.ndarray:
    """Quantiles for rows with mean > 0; ``nb`` marks negative binomial rows."""
    sd = np.sqrt(var)
    lo = np.floor(np.maximum(mean - _LEFT_SDS * sd, 0.0))
    hi = np.ceil(mean + sd * np.sqrt(level / (1.0 - level))) + 1.0
    width = int((hi - lo).max()) + 1
    excess = np.where(nb, var - mean, 1.0)
    size = np.where(nb, mean * mean / excess, 1.0)  # n
    log_p = np.where(nb, -np.log1p(excess / mean), 0.0)  # ln p = -ln(v / m)
    log_q = np.where(nb, np.log(excess / np.where(nb, var, 1.0)), 0.0)  # ln(1 - p)
    # log pmf at the window start.
    start = np.where(
        nb,
        _lg(lo + size) - _lg(size) - _lg(lo + 1.0) + size * log_p + lo * log_q,
        lo * np.log(mean) - mean - _lg(lo + 1.0),
    )
    k = lo[:, None] + np.arange(width - 1)[None, :]
    step = np.where(
        nb[:, None],
        np.log(k + size[:, None]) + log_q[:, None],
        np.log(mean)[:, None],
    ) - np.log(k + 1.0)
    logpmf = np.concatenate([start[:, None], start[:, None] + np.cumsum(step, axis=1)], axis=1)
    cdf = np.cumsum(np.exp(logpmf), axis=1)
    reached = cdf >= level[:, None]
    first = np.where(reached.any(axis=1), np.argmax(reached, axis=1), hi - lo)
    return (lo + first).astype(np.int64)


def count_quantiles(
    mean: ArrayLike, variance: ArrayLike, service_level: ArrayLike
) -> np.ndarray:
    """Smallest integers r with P(D ≤ r) ≥ service level, element-wise.

    D is negative binomial where ``variance > mean`` (beyond float noise), else Poisson with that
    mean (``variance`` is then ignored). A zero mean gives 0.
    """
    m, v, p = np.broadcast_arrays(
        np.asarray(mean, float), np.asarray(variance, float), np.asarray(service_level, float)
    )
    shape = m.shape
    m, v, p = m.ravel(), v.ravel(), p.ravel()
    if not (np.isfinite(m).all() and np.isfinite(v).all()) or (m < 0).any() or (v < 0).any():
        raise ValueError("lead-time demand mean and variance must be finite and non-negative")
    if ((p <= 0) | (p >= 1)).any():
        raise ValueError("service level must be strictly between 0 and 1")
    out = np.zeros(m.size, dtype=np.int64)
    rows = np.flatnonzero(m > 0)
    if rows.size:
        nb = v[rows] > m[rows] * OVERDISPERSED
        var = np.where(nb, v[rows], m[rows])
        # Chunk rows, narrowest windows first, so each (rows × window) matrix stays small.
        spans = np.sqrt(var) * (_LEFT_SDS + np.sqrt(p[rows] / (1 - p[rows]))) + 3
        order = np.argsort(spans)
        start = 0
        while start < order.size:
            count = max(1, int(_CELLS_PER_CHUNK // spans[order[start]]))
            while count > 1 and count * spans[order[min(start + count, order.size) - 1]] > (
                _CELLS_PER_CHUNK
            ):
                count //= 2
            idx = order[start : start + count]
            out[rows[idx]] = _window_quantiles(m[rows[idx]], var[idx], p[rows[idx]], nb[idx])
            start += count
    return out.reshape(shape)
