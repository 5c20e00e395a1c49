"""Safety stock, reorder points and fill rate for a continuous-review (s, Q) policy.

Units: ``mean_demand`` and ``sd_demand`` are per period (the forecast bucket),
``lead_time`` and ``sd_lead_time`` in the same periods. Lead-time demand has

    mean  μ = d·L
    sd    σ_LTD = √(L·σ_d² + d²·σ_L²)

(demand independent from period to period and of the lead time). The normal
model sets SS = z·σ_LTD and ROP = μ + SS for the service level's z; a service
level here is always the *cycle* service level, P(no stock-out in a cycle).

:func:`choose_reorder_point` picks the distribution per item, and rounds up
to whole units (v = σ_LTD²):

- μ = 0: reorder point ⌈z·σ_LTD⌉ (0 when there is no spread either);
- slow movers, μ < 25: Poisson when v ≤ μ, else negative binomial (an exact
  discrete quantile; under-dispersed items are treated as Poisson, which errs
  on the side of more stock);
- faster movers: the textbook normal formula, unless the lead-time demand is
  over-dispersed *and* strongly skewed, negative binomial skewness
  (2v − μ) / (μ√v) above 0.5 (about a coefficient of variation above 0.25),
  as with lumpy demand or very uncertain lead times: then negative binomial.

With daily review and lumpy demand, pass an undershoot allowance (see
:mod:`inventory.replenishment.undershoot`): the quantile is then that of
lead-time demand + undershoot.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from statistics import NormalDist

import numpy as np
from numpy.typing import ArrayLike

from inventory.replenishment.distributions import (
    OVERDISPERSED,
    count_quantiles,
    normal_loss,
)

NORMAL = "normal"
POISSON = "poisson"
NEGATIVE_BINOMIAL = "negative_binomial"
SLOW_MOVER_MEAN = 25.0
SKEWED = 0.5


@dataclass(frozen=True)
class ReorderPoint:
    """A reorder point and how it was reached (quantities in units)."""

    reorder_point: float
    safety_stock: float
    mean_lead_time_demand: float
    sd_lead_time_demand: float
    service_level: float
    method: str = NORMAL


@dataclass(frozen=True)
class ReorderPoints:
    """:class:`ReorderPoint` for many items; every field is an array."""

    reorder_point: np.ndarray
    safety_stock: np.ndarray
    mean_lead_time_demand: np.ndarray
    sd_lead_time_demand: np.ndarray
    service_level: np.ndarray
    method: np.ndarray
    item_level: np.ndarray | None = None  # each row's own service where it differs
    multipliers: dict | None = None  # see :mod:`inventory.replenishment.allocate`


def _check_level(service_level: ArrayLike) -> np.ndarray:
    level = np.asarray(service_level, float)
    if not ((level > 0) & (level < 1)).all():
        raise ValueError("service level must be strictly between 0 and 1, e.g. 0.95")
    return level


def lead_time_demand(
    mean_demand: ArrayLike,
    sd_demand: ArrayLike,
    lead_time: ArrayLike,
    sd_lead_time: ArrayLike = 0.0,
) -> tuple[np.ndarray, np.ndarray]:
    """Mean and sd of demand over the lead time, element-wise (see the module doc)."""
    inputs = (mean_demand, sd_demand, lead_time, sd_lead_time)
    d, sd, lt, slt = (np.asarray(x, float) for x in inputs)
    for name, x in (("demand", d), ("demand sd", sd), ("lead time", lt), ("lead time sd", slt)):
        if not np.isfinite(x).all() or (x < 0).any():
            raise ValueError(f"{name} must be finite and non-negative")
    return d * lt, np.sqrt(lt * sd * sd + d * d * slt * slt)


def reorder_point(
    mean_demand: float,
    sd_demand: float,
    lead_time: float,
    sd_lead_time: float = 0.0,
    service_level: float = 0.95,
) -> ReorderPoint:
    """Textbook normal reorder point: SS = z·σ_LTD, ROP = d·L + SS (not rounded)."""
    level = float(_check_level(service_level))
    mean, sd = (float(x) for x in lead_time_demand(mean_demand, sd_demand, lead_time, sd_lead_time))
    safety = NormalDist().inv_cdf(level) * sd
    return ReorderPoint(mean + safety, safety, mean, sd, level, NORMAL)


def poisson_reorder_point(mean_lead_time_demand: float, service_level: float = 0.95) -> int:
    """Smallest integer r with P(D ≤ r) ≥ service level, D ~ Poisson(mean)."""
    return int(count_quantiles(mean_lead_time_demand, 0.0, service_level))


def negative_binomial_reorder_point(
    mean_lead_time_demand: float,
    variance_lead_time_demand: float,
    service_level: float = 0.95,
) -> int:
    """Smallest integer r with P(D ≤ r) ≥ service level, D negative binomial.

    For over-dispersed slow movers (variance > mean); variance equal to the
    mean is the Poisson limit. A smaller variance raises ValueError.
    """
    if variance_lead_time_demand < mean_lead_time_demand:
        raise ValueError(
            "a negative binomial needs variance ≥ mean; use poisson_reorder_point instead"
        )
    return int(count_quantiles(mean_lead_time_demand, variance_lead_time_demand, service_level))


def reorder_points(
    mean_demand: ArrayLike,
    sd_demand: ArrayLike,
    lead_time: ArrayLike,
    sd_lead_time: ArrayLike = 0.0,
    service_level: ArrayLike = 0.95,
    undershoot_mean: ArrayLike = 0.0,
    undershoot_sd: ArrayLike = 0.0,
) -> ReorderPoints:
    """Whole-unit reorder points for many items, the distribution chosen per item.

    Inputs broadcast against each other; every output field is 1-D in that
    broadcast order (a scalar input gives arrays of length 1).

    With an undershoot (see :mod:`inventory.replenishment.undershoot`) the
    quantile is taken of lead-time demand + undershoot, mean and variance
    added; ``safety_stock`` is then the reorder point minus d·L, allowance for
    the undershoot included, and the ``*_lead_time_demand`` fields stay those
    of the lead-time demand alone.
    """
    ltd_mean, ltd_sd = lead_time_demand(mean_demand, sd_demand, lead_time, sd_lead_time)
    level = _check_level(service_level)
    u_mean, u_sd = (np.asarray(x, float) for x in (undershoot_mean, undershoot_sd))
    if not (np.isfinite(u_mean).all() and np.isfinite(u_sd).all()) or (u_mean < 0).any() or (
        u_sd < 0
    ).any():
        raise ValueError("undershoot mean and sd must be finite and non-negative")
    ltd_mean, ltd_sd, level, u_mean, u_sd = (
        a.ravel() for a in np.broadcast_arrays(ltd_mean, ltd_sd, level, u_mean, u_sd)
    )
    mean = ltd_mean + u_mean
    var = ltd_sd * ltd_sd + u_sd * u_sd
    sd = np.sqrt(var)
    positive = mean > 0
    safe_mean = np.where(positive, mean, 1.0)
    over = var > mean * OVERDISPERSED
    skew = np.where(over, (2 * var - mean) / (safe_mean * np.sqrt(np.where(over, var, 1.0))), 0)
    method = np.where(over, NEGATIVE_BINOMIAL, POISSON).astype("<U17")
    discrete = positive & ((mean < SLOW_MOVER_MEAN) | (over & (skew > SKEWED)))
    method = np.where(discrete, method, NORMAL)
    levels, where = np.unique(level, return_inverse=True)
    z = np.array([NormalDist().inv_cdf(p) for p in levels])[where]
    rop = np.ceil(np.maximum(mean + z * sd, 0.0) - 1e-9)
    if discrete.any():
        rop[discrete] = count_quantiles(mean[discrete], var[discrete], level[discrete])
    return ReorderPoints(rop, rop - ltd_mean, ltd_mean, ltd_sd, level, method)


def choose_reorder_point(
    mean_demand: float,
    sd_demand: float,
    lead_time: float,
    sd_lead_time: float = 0.0,
    service_level: float = 0.95,
    undershoot_mean: float = 0.0,
    undershoot_sd: float = 0.0,
) -> ReorderPoint:
    """Whole-unit reorder point with Poisson / negative binomial / normal chosen by rule."""
    r = reorder_points(
        mean_demand, sd_demand, lead_time, sd_lead_time, service_level, undershoot_mean,
        undershoot_sd,
    )
    return ReorderPoint(
        reorder_point=float(r.reorder_point[0]),
        safety_stock=float(r.safety_stock[0]),
        mean_lead_time_demand=float(r.mean_lead_time_demand[0]),
        sd_lead_time_demand=float(r.sd_lead_time_demand[0]),
        service_level=float(r.service_level[0]),
        method=str(r.method[0]),
    )


def expected_shortage(
    reorder_point: float, mean_lead_time_demand: float, sd_lead_time_demand: float
) -> float:
    """Expected units short per replenishment cycle, σ_LTD·G((ROP − μ) / σ_LTD) (normal)."""
    if sd_lead_time_demand < 0 or mean_lead_time_demand < 0:
        raise ValueError("lead-time demand mean and sd cannot be negative")
    if sd_lead_time_demand == 0:
        return max(mean_lead_time_demand - reorder_point, 0.0)
    k = (reorder_point - mean_lead_time_demand) / sd_lead_time_demand
    return sd_lead_time_demand * normal_loss(k)


def fill_rate(
    reorder_point: float,
    mean_lead_time_demand: float,
    sd_lead_time_demand: float,
    order_quantity: float,
) -> float:
    """Fraction of demand met from stock: 1 − E[shortage per cycle] / Q (backorders).

    Clamped at 0 when the expected shortage exceeds the order quantity.
    """
    if not order_quantity > 0:
        raise ValueError("order quantity must be positive")
    short = expected_shortage(reorder_point, mean_lead_time_demand, sd_lead_time_demand)
    return max(0.0, 1.0 - short / order_quantity)


def cycle_service_level(
    reorder_point: float, mean_lead_time_demand: float, sd_lead_time_demand: float
) -> float:
    """P(lead-time demand ≤ ROP) under the normal model."""
    if sd_lead_time_demand == 0:
        return 1.0 if reorder_point >= mean_lead_time_demand else 0.0
    k = (reorder_point - mean_lead_time_demand) / sd_lead_time_demand
    return 0.5 * math.erfc(-k / math.sqrt(2.0))
