"""One-step-ahead demand forecasts: SES, Croston, SBA and TSB.

Every function takes demand shaped ``(periods,)`` or ``(..., periods)``
(oldest period first; several series at once are smoothed in one pass) and
returns an array ``f`` of shape ``(..., periods + 1)``:

- ``f[..., t]`` is the forecast of ``demand[..., t]`` made with the periods
  before ``t`` only; ``f[..., 0]`` is NaN (nothing observed yet);
- ``f[..., -1]`` is the forecast for the next period, after the last one.

So ``f[..., :-1]`` lines up with the demand for residuals, and
``croston(d)[-1]`` is "the Croston forecast". The conventions are those of the
statsforecast package (our test oracle): ``f[..., :-1]`` equals its in-sample
``fitted`` and ``f[..., -1]`` its ``mean``.

- Smoothing starts at the first observation (the first level is the first
  value, not a mean or zero).
- Croston smooths demand sizes and the intervals between demands with the same
  alpha; the first interval counts from the start of the series. Before the
  first demand the forecast is 0. A series without demand forecasts 0.
- SBA is exactly 0.95 × Croston (the Syntetos-Boylan debiasing factor for
  alpha 0.1, applied unchanged for any alpha, as statsforecast does).
- TSB smooths the demand probability (1 in a period with demand, else 0) every
  period, from the first period, and the sizes only when demand occurs; the
  forecast is probability × size, so it decays through a run of zeros.

statsforecast's CrostonOptimized instead picks separate alphas for sizes and
intervals in [0.1, 0.3] by golden-section search on the in-sample error; it is
not reproduced here: Croston and SBA take one fixed alpha, as CrostonClassic.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from inventory.replenishment.classify import as_demand

SBA_FACTOR = 0.95


def _check_alpha(name: str, alpha: float) -> float:
    if not 0.0 < alpha <= 1.0:
        raise ValueError(f"{name} must be in (0, 1], got {alpha!r}")
    return float(alpha)


def _time_first(y: np.ndarray) -> np.ndarray:
    """A C-contiguous view with periods on axis 0, so each step reads one row."""
    return np.ascontiguousarray(np.moveaxis(y, -1, 0))


def _output(y: np.ndarray) -> np.ndarray:
    out = np.empty((y.shape[-1] + 1,) + y.shape[:-1])
    out[0] = np.nan
    return out


def ses(demand: ArrayLike, alpha: float = 0.2) -> np.ndarray:
    """Simple exponential smoothing; level starts at the first observation."""
    a = _check_alpha("alpha", alpha)
    yt = _time_first(as_demand(demand))
    out = _output(yt.T)
    level = yt[0].copy()
    out[1] = level
    for t in range(1, yt.shape[0]):
        level = a * yt[t] + (1.0 - a) * level
        out[t + 1] = level
    return np.moveaxis(out, 0, -1)


def _size_level(yt: np.ndarray, alpha: float, t: int, state: dict) -> None:
    """Advance the smoothed demand size (and 'seen a demand yet') by period ``t``."""
    hit = yt[t] > 0
    first = hit & ~state["seen"]
    again = hit & state["seen"]
    z = state["size"]
    state["size"] = np.where(first, yt[t], np.where(again, alpha * yt[t] + (1 - alpha) * z, z))
    state["seen"] = state["seen"] | hit


def croston(demand: ArrayLike, alpha: float = 0.1) -> np.ndarray:
    """Croston's method (classic): smoothed size / smoothed interval."""
    a = _check_alpha("alpha", alpha)
    yt = _time_first(as_demand(demand))
    out = _output(yt.T)
    shape = yt.shape[1:]
    state = {"size": np.zeros(shape), "seen": np.zeros(shape, dtype=bool)}
    interval = np.ones(shape)
    since = np.zeros(shape)  # periods since the previous demand (or the start)
    for t in range(yt.shape[0]):
        since += 1.0
        hit = yt[t] > 0
        first = hit & ~state["seen"]
        again = hit & state["seen"]
        interval = np.where(
            first, since, np.where(again, a * since + (1 - a) * interval, interval)
        )
        since = np.where(hit, 0.0, since)
        _size_level(yt, a, t, state)
        out[t + 1] = np.where(state["seen"], state["size"] / interval, 0.0)
    return np.moveaxis(out, 0, -1)


def sba(demand: ArrayLike, alpha: float = 0.1) -> np.ndarray:
    """Syntetos-Boylan approximation: exactly 0.95 × Croston."""
    return SBA_FACTOR * croston(demand, alpha)


def tsb(demand: ArrayLike, alpha_d: float = 0.1, alpha_p: float = 0.1) -> np.ndarray:
    """Teunter-Syntetos-Babai: smoothed demand probability × smoothed size."""
    ad = _check_alpha("alpha_d", alpha_d)
    ap = _check_alpha("alpha_p", alpha_p)
    yt = _time_first(as_demand(demand))
    out = _output(yt.T)
    shape = yt.shape[1:]
    state = {"size": np.zeros(shape), "seen": np.zeros(shape, dtype=bool)}
    prob = (yt[0] > 0).astype(float)
    for t in range(yt.shape[0]):
        if t:
            prob = ap * (yt[t] > 0) + (1 - ap) * prob
        _size_level(yt, ad, t, state)
        out[t + 1] = prob * state["size"]
    return np.moveaxis(out, 0, -1)
